// Package revoke is "kubectl eks-login admin revoke": what grant made,
// undone, leaving what other things use.
package revoke

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

// Options are the flags of "admin revoke", grant's own.
type Options struct {
	*adminflags.Common
	Spec admin.GrantSpec
}

// NewCmd builds "admin revoke"; runF, when not nil, runs instead of the
// command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{Common: adminflags.New(f)}
	cmd := &cobra.Command{
		Use:   "revoke --cluster NAME --iam-group GROUP --role ROLE --k8s-group GROUP --clusterrole ROLE [flags]",
		Short: "Undo what grant made, leaving what other things use",
		Long: `Undo 'admin grant' run with the same flags: the binding (when it binds only
the group to the role), the role's mapping, the group's and role's
eks-login policies, the users' membership, the users grant created (with
--create-users; with their access keys) and the role grant created. A group
or role that still has other members or policies is left in place.`,
		Example: `  kubectl eks-login admin revoke --cluster my-example --iam-group Developers --role EKSMyExampleViewer \
    --k8s-group developers --clusterrole view --user dev1 --create-users --dry-run`,
	}
	adminflags.Setup(cmd, o.Common, o, func(fs *pflag.FlagSet) { adminflags.AddGrantFlags(fs, &o.Spec) }, runF, run)
	adminflags.MarkRequired(cmd, adminflags.GrantRequired...)
	return cmd
}

func run(ctx context.Context, o *Options) error {
	p, err := o.Admin().PlanRevoke(ctx, o.Spec)
	if err != nil {
		return err
	}
	return o.Run(ctx, p)
}
