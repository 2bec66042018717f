// Package unmap is "kubectl eks-login admin unmap": an IAM role's or user's
// mapping removed from aws-auth, or its EKS access entry deleted.
package unmap

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

// Options are the flags of "admin unmap".
type Options struct {
	*adminflags.Common
	Spec admin.MapSpec
}

// NewCmd builds "admin unmap"; runF, when not nil, runs instead of the
// command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{Common: adminflags.New(f)}
	cmd := &cobra.Command{
		Use:   "unmap (--role-arn ARN | --user-arn ARN) [flags]",
		Short: "Remove the mapping of an IAM role or user",
		Long: `Remove an IAM role's or user's mapping from kube-system/aws-auth, or its EKS
access entry. Node-role and system:masters entries are removed only with --force.`,
		Example: `  kubectl eks-login admin unmap --role-arn arn:aws:iam::123456789012:role/EKSMyExampleViewer --dry-run`,
	}
	return adminflags.Setup(cmd, o.Common, o, func(*pflag.FlagSet) { adminflags.AddTargetFlags(cmd, &o.Spec) }, runF, run)
}

func run(ctx context.Context, o *Options) error {
	p, err := o.Admin().PlanUnmap(ctx, o.Spec)
	if err != nil {
		return err
	}
	return o.Run(ctx, p)
}
