// Package logout is "kubectl eks-login logout": it parses logout's flags,
// runs the logout use case (pkg/usecases/logout) and prints what it removed.
package logout

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/eks-login/eks-login/pkg/env"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/usecases/logout"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// Options are the command's flags and what it takes from its surroundings.
type Options struct {
	IO  *iostreams.IOStreams
	Env env.Env

	logout.Input
	DryRun bool
}

// NewCmd builds the logout command; runF, when set, runs instead of the
// command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, Env: f.Environment()}
	cmd := &cobra.Command{
		Use:     "logout --cluster NAME [flags]",
		Short:   "Remove what login wrote for a cluster: context, user, cluster, profile",
		Long:    longHelp,
		Example: examples,
		Args:    cmdutil.NoArgs("name the cluster with --cluster"),
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(o)
			}
			return runLogout(o)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&o.Cluster, "cluster", "", "Name of the EKS cluster (required).")
	fs.StringVar(&o.Profile, "profile", "", "AWS profile login wrote; read from the context's user otherwise.")
	fs.StringVar(&o.Alias, "alias", "", "Name of the kubeconfig context; the cluster's name by default.")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", "", "Kubeconfig file; as kubectl chooses otherwise (KUBECONFIG, ~/.kube/config).")
	fs.BoolVar(&o.DryRun, "dry-run", false, "Print the changes to both files as diffs and write nothing.")
	cmdutil.RequireFlag(cmd, "cluster", "--cluster is required: the name of the EKS cluster to log out of")
	return cmd
}

func runLogout(o *Options) error {
	uc := &logout.Logout{Env: o.Env}
	if o.DryRun {
		return dryRun(o, uc)
	}
	p, err := uc.Remove(o.Input)
	if err != nil {
		return err
	}
	out := o.IO.Out
	if p.Context.Changed() {
		fmt.Fprintf(out, "Removed from %s: %s.\n", p.Context.Path, strings.Join(p.Context.Changes, "; "))
	}
	if p.Config.Changed() {
		fmt.Fprintf(out, "Removed profile %s from %s.\n", p.Profile, p.Config.Path)
	}
	printNotes(o, p)
	removed, err := uc.ForgetTokens(p, false)
	if err != nil {
		return err
	}
	if removed > 0 {
		fmt.Fprintf(out, "Removed %d cached token(s) of cluster %s, profile %s.\n", removed, p.Input.Cluster, p.Profile)
	}
	if !p.Context.Changed() && !p.Config.Changed() && removed == 0 {
		fmt.Fprintf(out, "Nothing to remove for cluster %s.\n", p.Input.Cluster)
	}
	return nil
}

// dryRun prints what a logout would remove.
func dryRun(o *Options, uc *logout.Logout) error {
	p, err := uc.Plan(o.Input)
	if err != nil {
		return err
	}
	for _, f := range p.Files() {
		cmdutil.PrintPlan(o.IO.Out, f)
	}
	printNotes(o, p)
	if n, _ := uc.ForgetTokens(p, true); n > 0 {
		fmt.Fprintf(o.IO.Out, "Would remove %d cached token(s) of cluster %s, profile %s.\n", n, p.Input.Cluster, p.Profile)
	}
	fmt.Fprintln(o.IO.Out, "Dry run: nothing was written.")
	return nil
}

func printNotes(o *Options, p *logout.Plan) {
	for _, n := range p.Notes {
		fmt.Fprintln(o.IO.Out, n)
	}
}

const longHelp = `Remove what "kubectl eks-login" wrote for a cluster.

The context (--alias, or the cluster's name) is removed, with its user and its
cluster entry when no other context (in any file of KUBECONFIG) uses them. If
it was the current context, the one that was current before login becomes
current again, when it still exists. The AWS profile is removed when login
created it and no other eks-login context still uses it; a profile you wrote
yourself is left alone. Nothing else in either file changes, and running it
again finishes what an interrupted logout left.

A context that eks-login did not write is refused: remove it with
'kubectl config delete-context'.`

const examples = `  # Undo 'kubectl eks-login --cluster my-example ...'
  kubectl eks-login logout --cluster my-example

  # See what would be removed
  kubectl eks-login logout --cluster my-example --alias example --dry-run`
