// Package migrate is "kubectl eks-login admin migrate": it parses the flags,
// builds the AWS and Kubernetes clients, and prints what the use case
// (pkg/usecases/migrate) plans and does.
package migrate

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/names"
	"github.com/eks-login/eks-login/pkg/prompt"
	usecase "github.com/eks-login/eks-login/pkg/usecases/migrate"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

// Options are the flags of "admin migrate".
type Options struct {
	*adminflags.Common

	Cluster                               string
	Yes, Force, Cleanup, Rollback, Strict bool
	To, Output                            string

	// Deps, when set, are used instead of the clients the flags name: the
	// run function's tests set them.
	Deps *usecase.Deps
}

const long = `Move the cluster from the kube-system/aws-auth ConfigMap to EKS access
entries, checking that everyone keeps the identity aws-auth gives them.

In order: the authentication mode goes from CONFIG_MAP to API_AND_CONFIG_MAP
(aws-auth keeps working, and an access entry wins over it); every mapRoles
and mapUsers entry becomes an access entry, tagged eks-login:created-by=migrate;
then each identity is checked through the cluster: a role that can be assumed
is asked about with a token for a session of it (a SelfSubjectReview, before
and after its entry), any other principal from its entry as EKS describes it.
An entry whose identity differs is removed again.

Node roles become EC2_LINUX (or EC2_WINDOWS) entries, Fargate pod execution
roles FARGATE_LINUX ones, and system:masters the access policy
AmazonEKSClusterAdminPolicy. Role ARNs get their path back from IAM. What
access entries cannot express (other system: groups, unknown username
templates, mapAccounts) is listed and left in aws-auth. An access entry that
exists and differs is never changed without --force.

aws-auth is never deleted: --cleanup removes the migrated mappings from it,
once every check passed, and checks again. --to api switches the cluster to
API after that (EKS cannot switch back); it asks you to type the cluster's
name, or takes --yes in scripts. Without --to api, migrate stops at
API_AND_CONFIG_MAP. A run that fails half way is finished by running it
again. --rollback deletes the access entries migrate created, and nothing
else.`

const example = `  # The plan: a table of the access entries and a diff per object
  kubectl eks-login admin migrate --cluster my-example --dry-run

  # Create and check the access entries; the cluster stays in API_AND_CONFIG_MAP
  kubectl eks-login admin migrate --cluster my-example

  # Then remove the migrated mappings from aws-auth and switch to API
  kubectl eks-login admin migrate --cluster my-example --cleanup --to api

  # Delete the access entries migrate created
  kubectl eks-login admin migrate --cluster my-example --rollback`

// NewCmd builds "admin migrate"; runF, when set, runs instead of Run, so
// tests see the parsed options.
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{Common: adminflags.New(f)}
	o.PromptMFA("run admin migrate at a terminal")
	cmd := &cobra.Command{
		Use:     "migrate [--cluster NAME] [--dry-run] [--cleanup] [--to api] [flags]",
		Short:   "Move the cluster from aws-auth to EKS access entries, checking every identity",
		Long:    long,
		Example: example,
		PreRunE: func(*cobra.Command, []string) error { return o.validate() },
	}
	adminflags.Setup(cmd, o.Common, o, o.addFlags, runF, Run)
	cmdutil.CompleteValues(cmd, "to", "api")
	adminflags.CompleteOutput(cmd, outputs)
	cmd.MarkFlagsMutuallyExclusive("rollback", "to")
	cmd.MarkFlagsMutuallyExclusive("rollback", "cleanup")
	cmd.MarkFlagsMutuallyExclusive("rollback", "strict")
	return cmd
}

// addFlags adds migrate's own flags, before the common ones.
func (o *Options) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Cluster, "cluster", "", "The EKS cluster's name (default: from the kubeconfig context).")
	fs.StringVar(&o.To, "to", "", "api: switch the authentication mode to API once every check passed (cannot be undone).")
	fs.BoolVar(&o.Yes, "yes", false, "Confirm --to api without typing the cluster's name (for scripts).")
	fs.BoolVar(&o.Cleanup, "cleanup", false, "Remove the migrated mappings from aws-auth once every check passed (the ConfigMap stays).")
	fs.BoolVar(&o.Force, "force", false, "Make existing access entries that differ equal aws-auth's mappings; switch to API although some entries were not migrated; roll back entries aws-auth no longer backs.")
	fs.BoolVar(&o.Strict, "strict", false, "Fail (exit 3) when an aws-auth entry cannot be migrated, before changing anything.")
	fs.BoolVar(&o.Rollback, "rollback", false, "Delete the access entries migrate created (tagged eks-login:created-by=migrate), and nothing else.")
	fs.StringVarP(&o.Output, "output", "o", "table", "Output format: table or json.")
}

func (o *Options) validate() error {
	switch {
	case o.To != "" && o.To != "api":
		return exitcode.Errorf(exitcode.Usage, "--to takes only api (the cluster stops at API_AND_CONFIG_MAP without it), not %q", o.To)
	case o.Cluster != "" && !names.Cluster(o.Cluster):
		return exitcode.Errorf(exitcode.Usage, "--cluster %q is not an EKS cluster name (1 to 100 letters, digits, - and _)", o.Cluster)
	case o.Yes && o.To == "":
		return exitcode.Errorf(exitcode.Usage, "--yes confirms --to api; without --to api there is nothing to confirm")
	}
	return adminflags.CheckOutput(o.Output, outputs...)
}

// outputs are migrate's -o formats.
var outputs = []string{"table", "json"}

// Run plans the migration (or the rollback), prints it under --dry-run, and
// otherwise applies it and prints what it did. Ctrl-C cancels ctx
// (adminflags.Setup), which ends a wait for an update with a message saying
// how to go on.
func Run(ctx context.Context, o *Options) error {
	d, cluster, err := o.deps(ctx)
	if err != nil {
		return err
	}
	if o.Rollback {
		return o.rollback(ctx, d, cluster)
	}
	plan, err := usecase.Build(ctx, d, usecase.Request{Cluster: cluster, ToAPI: o.To == "api", Force: o.Force, Cleanup: o.Cleanup})
	if err != nil {
		return err
	}
	if o.DryRun {
		if err := o.print(plan.Print, plan.PrintJSON); err != nil {
			return err
		}
		return o.strict(plan)
	}
	if err := o.strict(plan); err != nil {
		return err
	}
	report, err := usecase.Run(ctx, d, plan)
	if perr := o.print(report.Print, report.PrintJSON); perr != nil && err == nil {
		err = perr
	}
	return err
}

func (o *Options) print(table func(io.Writer), asJSON func(io.Writer) error) error {
	if o.Output == "json" {
		return asJSON(o.IO.Out)
	}
	table(o.IO.Out)
	return nil
}

// strict makes entries that cannot be migrated an error under --strict.
func (o *Options) strict(p *usecase.Plan) error {
	if !o.Strict || len(p.NotMigrated) == 0 {
		return nil
	}
	return exitcode.Errorf(exitcode.Input, "%d aws-auth entries cannot be migrated to access entries (--strict; they are listed with --dry-run); nothing was changed", len(p.NotMigrated))
}

func (o *Options) rollback(ctx context.Context, d *usecase.Deps, cluster string) error {
	rb, err := usecase.BuildRollback(ctx, d, cluster, o.Force)
	if err != nil {
		return err
	}
	if o.DryRun {
		return o.print(rb.Print, rb.PrintJSON)
	}
	err = usecase.RunRollback(ctx, d, rb)
	if o.Output == "json" {
		if jerr := rb.PrintJSON(o.IO.Out); err == nil {
			err = jerr
		}
		return err
	}
	if err == nil {
		fmt.Fprintf(o.IO.Out, "Deleted %d access entries of cluster %s; the authentication mode stays %s.\n", len(rb.Delete), cluster, rb.Mode)
	}
	return err
}

// confirm asks the person at the terminal to type the cluster's name before
// the switch to API; --yes confirms it, and with neither it is nil.
func (o *Options) confirm() func(string) (bool, error) {
	if o.Yes {
		return func(string) (bool, error) { return true, nil }
	}
	if !o.IO.CanPrompt() {
		return nil
	}
	return func(cluster string) (bool, error) {
		q := fmt.Sprintf("After the access entries are made and checked, cluster %s switches to API: aws-auth is ignored from then on, and EKS cannot switch back.\nType the cluster's name (%s) to confirm: ", cluster, cluster)
		return prompt.Typed(o.IO.In, o.IO.ErrOut, q, cluster)
	}
}
