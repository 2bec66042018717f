// Package grant is "kubectl eks-login admin grant": the administrator's
// whole setup of access through one role (iam, map and bind) in one go.
package grant

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

// Options are the flags of "admin grant".
type Options struct {
	*adminflags.Common
	Spec admin.GrantSpec
}

// NewCmd builds "admin grant"; runF, when not nil, runs instead of the
// command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{Common: adminflags.New(f)}
	cmd := &cobra.Command{
		Use:   "grant --cluster NAME --iam-group GROUP --role ROLE --k8s-group GROUP --clusterrole ROLE [flags]",
		Short: "Give an IAM group access to the cluster: iam, map and bind in one go",
		Long: `Do the administrator's whole setup in order, printing each step as it happens:
the IAM role, policies, group and users ('admin iam'), the role's mapping to
the Kubernetes group ('admin map'), and the group's RBAC binding ('admin
bind'). Running it again changes nothing. 'admin revoke' with the same flags
undoes it.`,
		Example: `  # The seed's whole setup in one command
  kubectl eks-login admin grant --cluster my-example --iam-group Developers --role EKSMyExampleViewer \
    --k8s-group developers --clusterrole view --username developer \
    --user dev1 --create-users --access-key-file ./dev1.credentials`,
	}
	adminflags.Setup(cmd, o.Common, o, func(fs *pflag.FlagSet) { adminflags.AddGrantFlags(fs, &o.Spec) }, runF, run)
	adminflags.MarkRequired(cmd, adminflags.GrantRequired...)
	return cmd
}

func run(ctx context.Context, o *Options) error {
	p, err := o.Admin().PlanGrant(ctx, o.Spec)
	if err != nil {
		return err
	}
	if err := o.Run(ctx, p.Plan); err != nil {
		return err
	}
	adminflags.PrintLoginHint(o.IO.Out, o.Spec.IAMSpec, p.RoleARN)
	return nil
}
