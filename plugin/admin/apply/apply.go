// Package apply is "kubectl eks-login admin apply -f FILE": access as code.
// It plans every change an access file asks for, across IAM and every
// cluster of the file, prints the plan as Terraform does, and applies it.
package apply

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

// Options are the flags of "admin apply".
type Options struct {
	*adminflags.Common
	adminflags.AccessFlags
	Prune bool
}

// NewCmd builds "admin apply"; runF, when not nil, runs instead of the
// command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{Common: adminflags.New(f)}
	cmd := &cobra.Command{
		Use:   "apply -f FILE [--prune] [--dry-run] [flags]",
		Short: "Make IAM and every cluster as an access file declares them",
		Long: `Read an access file (apiVersion eks-login/v1alpha1, kind Access) and make IAM
and every cluster of the file as it declares: each team's IAM role (trusting
the account, allowed eks:DescribeCluster on the team's clusters), its IAM
group with the policy to assume the role and its members, the role's mapping
on each cluster (aws-auth or access entries, as the cluster's mapping says),
and the RBAC bindings of the team's groups to its cluster roles.

The plan is printed first, as Terraform prints one (+ create, ~ update,
- delete, with a diff); --dry-run stops there. Then IAM is changed, then the
clusters, several at once. A cluster that fails leaves the others going; the
summary says what happened where, and the exit code is the first failure's.
Running it again plans nothing. An object the file declares and someone
changed by hand is put back.

--prune also deletes what eks-login created (by apply, grant, map or bind)
and the file no longer declares: roles and access entries tagged
eks-login:created-by, groups under the path /eks-login/, bindings labelled
app.kubernetes.io/managed-by=eks-login, and the aws-auth mappings its
annotation eks-login/managed-mappings lists. Nothing else is ever deleted.

Each cluster is reached through the kubeconfig context of the file's
'context', or else the one named after the cluster or its ARN (as login and
aws eks update-kubeconfig write them). --kubeconfig and --context override
it when --cluster names one cluster.`,
		Example: `  # The plan for every cluster of the file, changing nothing
  kubectl eks-login admin apply -f access.yaml --dry-run

  # Apply it, deleting what eks-login made that the file no longer declares
  kubectl eks-login admin apply -f access.yaml --prune

  # One cluster only, through a context of its own
  kubectl eks-login admin apply -f access.yaml --cluster my-example --context admin@my-example`,
	}
	adminflags.Setup(cmd, o.Common, o, func(fs *pflag.FlagSet) {
		adminflags.AddAccessFlags(fs, &o.AccessFlags)
		fs.BoolVar(&o.Prune, "prune", false, "Also delete what eks-login created that the file no longer declares.")
	}, runF, run)
	adminflags.MarkRequired(cmd, "filename")
	adminflags.CompleteAccessFile(cmd)
	return cmd
}

func run(ctx context.Context, o *Options) error {
	spec, err := o.Spec(o.Common, o.Prune)
	if err != nil {
		return err
	}
	a := o.Admin()
	p, err := a.PlanAccess(ctx, spec)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.IO.Out, "Access file %s:\n\n", spec.File.Path)
	counts := adminflags.PrintAccessPlan(o.IO.Out, p)
	if o.DryRun {
		fmt.Fprintln(o.IO.Out, "dry run: nothing was changed")
		return p.Failure()
	}
	if counts.Total() > 0 {
		fmt.Fprintln(o.IO.Out)
	}
	progress := adminflags.NewProgress(o.IO, len(p.Clusters))
	err = a.ApplyAccess(ctx, p, admin.ApplyRun{Out: o.IO.Out, Parallel: o.Parallel, Started: progress.Started, Finished: progress.Finished})
	progress.End()
	p.Summary(o.IO.Out)
	return err
}
