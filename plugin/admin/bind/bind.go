// Package bind is "kubectl eks-login admin bind": a Kubernetes group bound
// to a ClusterRole, cluster-wide or in one namespace.
package bind

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

// Options are the flags of "admin bind".
type Options struct {
	*adminflags.Common
	Binding admin.Binding
	Force   bool
}

// NewCmd builds "admin bind"; runF, when not nil, runs instead of the
// command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{Common: adminflags.New(f)}
	cmd := &cobra.Command{
		Use:   "bind --group GROUP --clusterrole ROLE [--namespace NS] [flags]",
		Short: "Bind a Kubernetes group to a ClusterRole, cluster-wide or in a namespace",
		Long: `Create a ClusterRoleBinding (or, with --namespace, a RoleBinding) of one group
to one ClusterRole. Running it again changes nothing; a binding of the same
name that binds other subjects or another role is replaced only with --force.`,
		Example: `  # The seed's ClusterRoleBinding developers-view
  kubectl eks-login admin bind --group developers --clusterrole view

  # Edit rights in team-a only
  kubectl eks-login admin bind --group developers --clusterrole edit --namespace team-a --dry-run`,
	}
	adminflags.Setup(cmd, o.Common, o, func(fs *pflag.FlagSet) {
		fs.StringVar(&o.Binding.Group, "group", "", "The Kubernetes group to bind (as mapped with 'admin map --group').")
		fs.StringVar(&o.Binding.ClusterRole, "clusterrole", "", "The ClusterRole to bind it to, e.g. view, edit, admin.")
		fs.StringVarP(&o.Binding.Namespace, "namespace", "n", "", "Bind in this namespace only (a RoleBinding) instead of cluster-wide.")
		fs.StringVar(&o.Binding.Name, "name", "", "The binding's name (default GROUP-CLUSTERROLE).")
		fs.BoolVar(&o.Force, "force", false, "Replace a binding of that name that binds other subjects or another role.")
	}, runF, run)
	adminflags.MarkRequired(cmd, "group", "clusterrole")
	return cmd
}

func run(ctx context.Context, o *Options) error {
	p, err := o.Admin().PlanBind(ctx, o.Binding, o.Force)
	if err != nil {
		return err
	}
	return o.Run(ctx, p)
}
