// Package admin is "kubectl eks-login admin", the cluster administrator's
// side of giving people access to an EKS cluster through IAM roles. It
// assembles its subcommands, one package each beside it; the work is done by
// the use cases in pkg/usecases/admin.
package admin

import (
	"github.com/spf13/cobra"

	"github.com/eks-login/eks-login/plugin/admin/accessreport"
	"github.com/eks-login/eks-login/plugin/admin/apply"
	"github.com/eks-login/eks-login/plugin/admin/bind"
	"github.com/eks-login/eks-login/plugin/admin/diff"
	"github.com/eks-login/eks-login/plugin/admin/export"
	"github.com/eks-login/eks-login/plugin/admin/grant"
	"github.com/eks-login/eks-login/plugin/admin/iam"
	"github.com/eks-login/eks-login/plugin/admin/list"
	"github.com/eks-login/eks-login/plugin/admin/mapcmd"
	"github.com/eks-login/eks-login/plugin/admin/migrate"
	"github.com/eks-login/eks-login/plugin/admin/revoke"
	"github.com/eks-login/eks-login/plugin/admin/unmap"
	"github.com/eks-login/eks-login/plugin/admin/whocan"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// NewCmd builds "admin" with its subcommands.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "Give people access to the cluster: IAM role and group, aws-auth or access entries, RBAC",
		Long: `Give people access to an EKS cluster through an IAM role, as the cluster's
administrator. "grant" does the whole setup at once: the IAM role, group and
policies, the role's mapping to a Kubernetes user and group, and the RBAC
binding of that group. The other commands do one part each. "apply -f FILE"
does it for every team and cluster an access file declares, "diff" shows
where they drifted from it, and "export" writes one from what is there.

Every command that changes something takes --dry-run, which prints what
would change with a diff for every object, and changes nothing. "who-can"
and "access-report" audit: from the IAM person to what Kubernetes allows.`,
		Example: `  # Everything the developers need to view the cluster my-example:
  kubectl eks-login admin grant --cluster my-example --iam-group Developers \
    --role EKSMyExampleViewer --k8s-group developers --clusterrole view --user dev1

  # Who may read the secrets of kube-system, from IAM user to RBAC:
  kubectl eks-login admin who-can get secrets -n kube-system --cluster my-example

  # Only the mapping of the role, in aws-auth:
  kubectl eks-login admin map --role-arn arn:aws:iam::123456789012:role/EKSMyExampleViewer \
    --username developer --group developers --mode configmap`,
		Args: cmdutil.UnknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(mapcmd.NewCmd(f, nil), unmap.NewCmd(f, nil), list.NewCmd(f, nil), bind.NewCmd(f, nil),
		iam.NewCmd(f, nil), grant.NewCmd(f, nil), revoke.NewCmd(f, nil), migrate.NewCmd(f, nil))
	cmd.AddCommand(apply.NewCmd(f, nil), diff.NewCmd(f, nil), export.NewCmd(f, nil))
	cmd.AddCommand(whocan.NewCmd(f, nil), accessreport.NewCmd(f, nil))
	return cmd
}
