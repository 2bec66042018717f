// Package iam is "kubectl eks-login admin iam": the IAM role, policies,
// group and users that let people reach a cluster.
package iam

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

// Options are the flags of "admin iam".
type Options struct {
	*adminflags.Common
	Spec admin.IAMSpec
}

// NewCmd builds "admin iam"; runF, when not nil, runs instead of the
// command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{Common: adminflags.New(f)}
	cmd := &cobra.Command{
		Use:   "iam --cluster NAME --role ROLE --iam-group GROUP [--user USER ...] [flags]",
		Short: "Create the IAM role, policies and group that let people reach the cluster",
		Long: `Create, or find and leave alone: the IAM role trusting the account (with
--mfa, only callers who signed in with MFA), its inline policy allowing
eks:DescribeCluster on the one cluster, the IAM group, the group's inline
policy allowing sts:AssumeRole on that role alone, and the users in the group.
Users are created only with --create-users, access keys only with
--access-key-file (written there, never printed).`,
		Example: `  kubectl eks-login admin iam --cluster my-example --role EKSMyExampleViewer --iam-group Developers \
    --user dev1 --create-users --access-key-file ./dev1.credentials`,
	}
	adminflags.Setup(cmd, o.Common, o, func(fs *pflag.FlagSet) { adminflags.AddIAMFlags(fs, &o.Spec) }, runF, run)
	adminflags.MarkRequired(cmd, "cluster", "role", "iam-group")
	return cmd
}

func run(ctx context.Context, o *Options) error {
	p, err := o.Admin().PlanIAM(ctx, o.Spec)
	if err != nil {
		return err
	}
	if err := o.Run(ctx, p.Plan); err != nil {
		return err
	}
	adminflags.PrintLoginHint(o.IO.Out, o.Spec, p.RoleARN)
	return nil
}
