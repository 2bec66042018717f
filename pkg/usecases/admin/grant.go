package admin

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/plan"
)

// GrantSpec is the whole setup of access to one cluster through one role:
// the IAM side, the role's mapping to a Kubernetes group, and the group's
// RBAC binding.
type GrantSpec struct {
	IAMSpec
	K8sGroup    string
	ClusterRole string
	// Namespace binds in one namespace (a RoleBinding) instead of
	// cluster-wide.
	Namespace string
	// Username defaults to K8sGroup:{{SessionName}}, which keeps each
	// person's session name in the audit log.
	Username string
	Mode     string
	// Force replaces a binding of the same name that binds something else.
	Force bool
}

func (s GrantSpec) username() string {
	if s.Username == "" {
		return s.K8sGroup + ":{{SessionName}}"
	}
	return s.Username
}

func (s GrantSpec) binding() Binding {
	return Binding{Group: s.K8sGroup, ClusterRole: s.ClusterRole, Namespace: s.Namespace}
}

func (s GrantSpec) mapSpec(roleARN string) MapSpec {
	return MapSpec{RoleARN: roleARN, Username: s.username(), Groups: []string{s.K8sGroup}, Mode: s.Mode, Cluster: s.Cluster}
}

// Validate checks every name and choice before anything is asked of AWS or
// the cluster.
func (s GrantSpec) Validate() error {
	if err := s.IAMSpec.Validate(); err != nil {
		return err
	}
	if s.K8sGroup == "" {
		return exitcode.Errorf(exitcode.Usage, "--k8s-group is required: the Kubernetes group the role maps to")
	}
	if err := s.binding().Validate(); err != nil {
		return err
	}
	if s.Mode == "" {
		return nil
	}
	return validMode(s.Mode)
}

// PlanGrant plans the IAM objects, the role's mapping and the binding, in
// that order.
func (a *Admin) PlanGrant(ctx context.Context, s GrantSpec) (*IAMPlan, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	env, err := a.loadIAMEnv(ctx, s.Cluster)
	if err != nil {
		return nil, err
	}
	p, err := env.planIAM(ctx, s.IAMSpec)
	if err != nil {
		return nil, err
	}
	mapping, err := a.PlanMap(ctx, s.mapSpec(p.RoleARN))
	if err != nil {
		return nil, err
	}
	p.Append(mapping)
	bind, err := a.PlanBind(ctx, s.binding(), s.Force)
	if err != nil {
		return nil, err
	}
	p.Append(bind)
	return p, nil
}

// PlanRevoke plans undoing what PlanGrant made with the same spec: the
// binding (when it binds only the group to the role), the role's mapping,
// and the IAM objects eks-login made that nothing else uses.
func (a *Admin) PlanRevoke(ctx context.Context, s GrantSpec) (*plan.Plan, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	env, err := a.loadIAMEnv(ctx, s.Cluster)
	if err != nil {
		return nil, err
	}
	k, err := a.kube()
	if err != nil {
		return nil, err
	}
	unbind, err := unbindStep(ctx, k, s.binding())
	if err != nil {
		return nil, err
	}
	p := &plan.Plan{Steps: []*plan.Step{unbind}}
	role, err := env.getRole(ctx, s.Role)
	if err != nil {
		return nil, err
	}
	roleARN := env.roleARN(s.Role) // the ARN it would have when it is gone
	if role != nil {
		roleARN = aws.ToString(role.Arn) // with its path, which its access entry names
	}
	unmap, err := a.PlanUnmap(ctx, s.mapSpec(roleARN))
	if err != nil {
		return nil, err
	}
	p.Append(unmap)
	iamPlan, err := env.planRevokeIAM(ctx, s.IAMSpec, role)
	if err != nil {
		return nil, err
	}
	p.Append(iamPlan)
	return p, nil
}

// getRole reads the role; nil when there is none.
func (env *iamEnv) getRole(ctx context.Context, role string) (*iamtypes.Role, error) {
	out, err := env.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	switch {
	case noSuchEntity(err):
		return nil, nil
	case err != nil:
		return nil, awserr.Explain(err, "cannot read IAM role "+role+" (iam:GetRole)")
	}
	return out.Role, nil
}
