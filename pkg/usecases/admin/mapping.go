package admin

import (
	"context"
	"strings"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/names"
	"github.com/eks-login/eks-login/pkg/plan"
)

// AccessPolicies are the EKS access policies MapSpec.AccessPolicy names.
var AccessPolicies = map[string]string{
	"view":          "AmazonEKSViewPolicy",
	"edit":          "AmazonEKSEditPolicy",
	"admin":         "AmazonEKSAdminPolicy",
	"cluster-admin": "AmazonEKSClusterAdminPolicy",
}

func accessPolicyARN(short string) string {
	return "arn:aws:eks::aws:cluster-access-policy/" + AccessPolicies[short]
}

// MapSpec is the mapping of one IAM role or user to a Kubernetes user and
// groups, in aws-auth or as an EKS access entry.
type MapSpec struct {
	// RoleARN or UserARN names the principal: exactly one is set.
	RoleARN, UserARN string
	// Username may be a template such as developer:{{SessionName}}.
	Username string
	Groups   []string
	// Mode is ModeAuto (also ""), ModeConfigMap or ModeAPI.
	Mode string
	// AccessPolicy is a key of AccessPolicies, for access entries only,
	// limited to Namespaces when there are any.
	AccessPolicy string
	Namespaces   []string
	// Cluster is the EKS cluster's name; "" means the kubeconfig
	// context's.
	Cluster string
	// Force allows changing node-role and system:masters mappings.
	Force bool
}

// Principal is the ARN mapped.
func (s MapSpec) Principal() string {
	if s.RoleARN != "" {
		return s.RoleARN
	}
	return s.UserARN
}

func (s MapSpec) mode() string {
	if s.Mode == "" {
		return ModeAuto
	}
	return s.Mode
}

// validateTarget checks what unmap needs: the principal and the mode.
func (s MapSpec) validateTarget() error {
	if (s.RoleARN == "") == (s.UserARN == "") {
		return exitcode.Errorf(exitcode.Usage, "give exactly one of --role-arn and --user-arn")
	}
	key, err := awsauth.KeyFor(s.Principal())
	if err != nil {
		return exitcode.WithCode(exitcode.Usage, err)
	}
	if isRole := key == awsauth.KeyRoles; isRole != (s.RoleARN != "") {
		kind, flag := map[bool]string{true: "role", false: "user"}, map[bool]string{true: "--role-arn", false: "--user-arn"}
		return exitcode.Errorf(exitcode.Usage, "%s is not a %s ARN; use %s", s.Principal(), kind[!isRole], flag[isRole])
	}
	if s.Cluster != "" && !names.Cluster(s.Cluster) {
		return exitcode.Errorf(exitcode.Usage, "--cluster %q is not an EKS cluster name (letters, digits, - and _, starting with a letter or digit, at most 100)", s.Cluster)
	}
	return validMode(s.mode())
}

// validateMapping checks what map needs besides the target.
func (s MapSpec) validateMapping() error {
	if err := s.validateTarget(); err != nil {
		return err
	}
	if s.Username == "" {
		return exitcode.Errorf(exitcode.Usage, "--username is required: the Kubernetes user name the principal becomes")
	}
	if s.AccessPolicy == "" {
		if len(s.Namespaces) > 0 {
			return exitcode.Errorf(exitcode.Usage, "--namespace limits --access-policy; give --access-policy too")
		}
		return nil
	}
	if _, ok := AccessPolicies[s.AccessPolicy]; !ok {
		return exitcode.Errorf(exitcode.Usage, "--access-policy must be view, edit, admin or cluster-admin, not %q", s.AccessPolicy)
	}
	if s.mode() == ModeConfigMap {
		return exitcode.Errorf(exitcode.Usage, "--access-policy needs access entries; drop --mode configmap, or bind the groups with 'admin bind'")
	}
	for _, ns := range s.Namespaces {
		if !names.DNSLabel(ns) {
			return exitcode.Errorf(exitcode.Usage, "--namespace %q is not a Kubernetes namespace name: use at most 63 lower case letters, digits and '-', starting and ending with a letter or digit", ns)
		}
	}
	return nil
}

// PlanMap plans the mapping in the mode chosen.
func (a *Admin) PlanMap(ctx context.Context, s MapSpec) (*plan.Plan, error) {
	if err := s.validateMapping(); err != nil {
		return nil, err
	}
	mode, cluster, err := a.resolveMode(ctx, s.mode(), s.Cluster)
	switch {
	case err != nil:
		return nil, err
	case mode == ModeAPI:
		return a.accessEntryPlan(ctx, s, cluster)
	case s.AccessPolicy != "" && cluster == nil:
		return nil, exitcode.Errorf(exitcode.Usage, "--access-policy needs access entries, which need the cluster's name: pass --cluster")
	case s.AccessPolicy != "":
		return nil, exitcode.Errorf(exitcode.Usage, "--access-policy needs access entries, and cluster %s's authentication mode %s has none; bind the groups with 'admin bind' instead", cluster.Name, cluster.AuthMode)
	}
	arn, note := awsAuthARN(s.Principal())
	m := awsauth.Mapping{ARN: arn, Username: s.Username, Groups: s.Groups}
	step, err := a.awsAuthStep(ctx, "map "+arn, func(d *awsauth.Doc, managed awsauth.Managed) (awsauth.Change, error) {
		change, err := d.Set(m, s.Force)
		if change == awsauth.Added {
			managed[arn] = true // eks-login's: apply --prune may remove it
		}
		return change, err
	})
	if step != nil && note != "" {
		step.Note += "; " + note
	}
	if err != nil {
		return nil, err
	}
	return &plan.Plan{Steps: []*plan.Step{step}}, nil
}

// awsAuthARN is the principal as aws-auth must name it, and a note when
// that drops a role's path.
func awsAuthARN(arn string) (string, string) {
	matched := awsauth.MatchedARN(arn)
	if matched == arn {
		return arn, ""
	}
	resource := strings.SplitN(arn, ":", 6)[5] // role/PATH/NAME
	path := resource[len("role") : strings.LastIndex(resource, "/")+1]
	return matched, "the path " + path + " is left out, as aws-auth matches a role by its ARN without it"
}

// PlanUnmap plans removing the mapping in the mode chosen.
func (a *Admin) PlanUnmap(ctx context.Context, s MapSpec) (*plan.Plan, error) {
	if err := s.validateTarget(); err != nil {
		return nil, err
	}
	mode, cluster, err := a.resolveMode(ctx, s.mode(), s.Cluster)
	if err != nil {
		return nil, err
	}
	if mode == ModeAPI {
		step, err := a.deleteAccessEntryStep(ctx, s, cluster)
		if err != nil {
			return nil, err
		}
		return &plan.Plan{Steps: []*plan.Step{step}}, nil
	}
	given := s.Principal()
	arn, _ := awsAuthARN(given)
	step, err := a.awsAuthStep(ctx, "unmap "+arn, func(d *awsauth.Doc, managed awsauth.Managed) (awsauth.Change, error) {
		delete(managed, arn)
		delete(managed, given)
		change, err := d.Remove(arn, s.Force)
		if err != nil || given == arn {
			return change, err
		}
		// An entry with the path never matched anyone; it goes too.
		if pathful, err := d.Remove(given, s.Force); err != nil || pathful == awsauth.Removed {
			return awsauth.Removed, err
		}
		return change, nil
	})
	if err != nil {
		return nil, err
	}
	return &plan.Plan{Steps: []*plan.Step{step}}, nil
}
