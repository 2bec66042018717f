// Package mapcmd is "kubectl eks-login admin map": an IAM role or user
// mapped to a Kubernetes user and groups, in aws-auth or as an EKS access
// entry. (The package is not called map, which Go keeps for itself.)
package mapcmd

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

// Options are the flags of "admin map".
type Options struct {
	*adminflags.Common
	Spec admin.MapSpec
}

// NewCmd builds "admin map"; runF, when not nil, runs instead of the
// command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{Common: adminflags.New(f)}
	cmd := &cobra.Command{
		Use:   "map (--role-arn ARN | --user-arn ARN) --username NAME --group GROUP [flags]",
		Short: "Map an IAM role or user to a Kubernetes user and groups",
		Long: `Map an IAM role or user to a Kubernetes user name and groups, in the
kube-system/aws-auth ConfigMap or as an EKS access entry.

In aws-auth, other entries keep their order and content; a concurrent edit is
never lost (the write carries the resourceVersion it read, and a conflict is
re-read and redone). A role is written there by its ARN without its path,
which is how aws-auth matches it. Node-role entries (system:nodes,
system:bootstrappers) and system:masters entries are changed only with
--force.`,
		Example: `  # The seed's mapping: the role EKSMyExampleViewer is user developer in group developers
  kubectl eks-login admin map --role-arn arn:aws:iam::123456789012:role/EKSMyExampleViewer \
    --username developer --group developers

  # Keep each person's session name in the audit log
  kubectl eks-login admin map --role-arn arn:aws:iam::123456789012:role/EKSMyExampleViewer \
    --username 'developer:{{SessionName}}' --group developers --mode configmap --dry-run

  # An access entry with the EKS view policy in two namespaces
  kubectl eks-login admin map --cluster my-example --mode api --role-arn arn:aws:iam::123456789012:role/EKSMyExampleViewer \
    --username developer --access-policy view --namespace default --namespace team-a`,
	}
	adminflags.Setup(cmd, o.Common, o, func(fs *pflag.FlagSet) {
		adminflags.AddTargetFlags(cmd, &o.Spec)
		fs.StringVar(&o.Spec.Username, "username", "", "The Kubernetes user name; templates such as developer:{{SessionName}} are filled in at each login.")
		fs.StringSliceVar(&o.Spec.Groups, "group", nil, "A Kubernetes group for the identity (repeatable).")
		fs.StringVar(&o.Spec.AccessPolicy, "access-policy", "", "Access entries only: associate the EKS access policy view, edit, admin or cluster-admin.")
		fs.StringSliceVar(&o.Spec.Namespaces, "namespace", nil, "Access entries only: limit --access-policy to these namespaces (repeatable).")
	}, runF, run)
	adminflags.MarkRequired(cmd, "username")
	return cmd
}

func run(ctx context.Context, o *Options) error {
	p, err := o.Admin().PlanMap(ctx, o.Spec)
	if err != nil {
		return err
	}
	return o.Run(ctx, p)
}
