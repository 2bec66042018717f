// Package diff is "kubectl eks-login admin diff -f FILE": whether IAM and
// the clusters still match an access file, for CI and cron. It exits 0
// when they do and 1 on drift, as diff(1) does, with the drift printed;
// a failure to find out exits 2 or more.
package diff

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

// Options are the flags of "admin diff".
type Options struct {
	*adminflags.Common
	adminflags.AccessFlags
}

// NewCmd builds "admin diff"; runF, when not nil, runs instead of the
// command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{Common: adminflags.New(f)}
	cmd := &cobra.Command{
		Use:   "diff -f FILE [flags]",
		Short: "Show where IAM and the clusters differ from an access file (exit 1 on drift)",
		Long: `Compare IAM and every cluster of an access file with what the file declares,
and print the differences as 'admin apply --prune' would plan them, with the
mappings someone added by hand that the file does not declare (apply leaves
those alone; they show here as drift). Nothing is changed.

Exit codes: 0 when everything matches, 1 on drift (as diff(1) exits 1 on a
difference), and the usual codes of 2 and more when the comparison could
not be made (10 for a failure none of them names).`,
		Example: `  # In CI or cron: fail when someone changed access by hand
  kubectl eks-login admin diff -f access.yaml || alert "access drifted"

  # Only cluster my-example
  kubectl eks-login admin diff -f access.yaml --cluster my-example`,
	}
	adminflags.Setup(cmd, o.Common, o, func(fs *pflag.FlagSet) { adminflags.AddAccessFlags(fs, &o.AccessFlags) }, runF, run)
	adminflags.MarkRequired(cmd, "filename")
	adminflags.CompleteAccessFile(cmd)
	cmd.Flags().MarkHidden("dry-run") // diff never changes anything
	return cmd
}

func run(ctx context.Context, o *Options) error {
	err := diff(ctx, o)
	if err != nil && exitcode.Of(err) == exitcode.Failure && !isDrift(err) {
		return exitcode.WithCode(exitcode.Incomplete, err)
	}
	return err
}

type driftError struct{ error }

func (d driftError) Unwrap() error { return d.error }

func isDrift(err error) bool { _, ok := err.(driftError); return ok }

func diff(ctx context.Context, o *Options) error {
	spec, err := o.Spec(o.Common, true)
	if err != nil {
		return err
	}
	p, err := o.Admin().PlanAccess(ctx, spec)
	if err != nil {
		return err
	}
	if err := p.Failure(); err != nil {
		adminflags.PrintAccessPlan(o.IO.Out, p)
		return err
	}
	if !p.Drift() {
		fmt.Fprintf(o.IO.Out, "No drift: IAM and the %d clusters match %s.\n", len(p.Clusters), spec.File.Path)
		return nil
	}
	fmt.Fprintf(o.IO.Out, "Drift from %s ('admin apply --prune' would make these changes; ! marks what it leaves alone):\n\n", spec.File.Path)
	adminflags.PrintAccessPlan(o.IO.Out, p)
	return driftError{exitcode.Errorf(exitcode.Failure, "IAM or the clusters differ from %s", spec.File.Path)}
}
