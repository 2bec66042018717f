package admin

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/names"
	"github.com/eks-login/eks-login/pkg/plan"
)

// CreatedByTag marks the IAM roles and users and the EKS access entries
// eks-login creates, so revoke and apply --prune delete only those.
const CreatedByTag = "eks-login:created-by"

// CreatedGroupPath marks the IAM groups eks-login creates, which take no
// tags: revoke deletes a group left empty only when it has this path, so a
// group someone made by hand, empty or not, outlives grant and revoke.
const CreatedGroupPath = "/eks-login/"

// IAMSpec is the IAM side of access to one cluster through one role.
type IAMSpec struct {
	Cluster     string
	Role        string
	Group       string
	Users       []string
	CreateUsers bool
	// AccessKeyFile is the credentials file each new user's key is
	// written to, as section [USER]; "" makes no keys.
	AccessKeyFile string
	// MFA lets the role be taken only with MFA (aws:MultiFactorAuthPresent).
	MFA bool
}

func (s IAMSpec) rolePolicyName() string  { return "eks-login-describe-cluster-" + s.Cluster }
func (s IAMSpec) groupPolicyName() string { return "eks-login-assume-" + s.Role }

// Validate checks every name the IAM plan puts into an ARN, a policy or an
// API call, before anything is asked of AWS.
func (s IAMSpec) Validate() error {
	bad := func(flag, v, what string, max int) error {
		return exitcode.Errorf(exitcode.Usage, "%s %q is not a valid IAM %s name: use 1 to %d letters, digits or any of _+=,.@-", flag, v, what, max)
	}
	if !names.Cluster(s.Cluster) {
		return exitcode.Errorf(exitcode.Usage, "--cluster %q is not an EKS cluster name (letters, digits, - and _, starting with a letter or digit, at most 100)", s.Cluster)
	}
	if !names.IAM(s.Role, names.MaxRoleName) {
		return bad("--role", s.Role, "role", names.MaxRoleName)
	}
	if !names.IAM(s.Group, names.MaxGroupName) {
		return bad("--iam-group", s.Group, "group", names.MaxGroupName)
	}
	for _, u := range s.Users {
		if !names.IAM(u, names.MaxUserName) {
			return bad("--user", u, "user", names.MaxUserName)
		}
	}
	if s.AccessKeyFile != "" && len(s.Users) == 0 {
		return exitcode.Errorf(exitcode.Usage, "--access-key-file needs --user: it holds the keys of the users named")
	}
	return nil
}

// IAMPlan is the IAM plan, with the role's ARN people log in with.
type IAMPlan struct {
	*plan.Plan
	RoleARN string
}

// iamEnv is what the IAM plan needs to know about the account and cluster.
type iamEnv struct {
	iam        IAMAPI
	account    string
	partition  string
	clusterARN string
	lockDir    string
}

func (e *iamEnv) roleARN(role string) string {
	return "arn:" + e.partition + ":iam::" + e.account + ":role/" + role
}

func (a *Admin) loadIAMEnv(ctx context.Context, cluster string) (*iamEnv, error) {
	info, err := a.describeCluster(ctx, cluster, "")
	if err != nil {
		return nil, err
	}
	env, err := a.accountEnv(ctx)
	if err != nil {
		return nil, err
	}
	env.clusterARN = info.ARN
	return env, nil
}

// PlanIAM reads IAM and plans what is missing: the role trusting the
// account, its policy allowing eks:DescribeCluster on the one cluster, the
// group, its policy allowing sts:AssumeRole on the role, the users in the
// group and their access keys.
func (a *Admin) PlanIAM(ctx context.Context, s IAMSpec) (*IAMPlan, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	env, err := a.loadIAMEnv(ctx, s.Cluster)
	if err != nil {
		return nil, err
	}
	return env.planIAM(ctx, s)
}

func (env *iamEnv) planIAM(ctx context.Context, s IAMSpec) (*IAMPlan, error) {
	p := &IAMPlan{Plan: &plan.Plan{}, RoleARN: env.roleARN(s.Role)}
	roleARN, err := env.roleSteps(ctx, p.Plan, s)
	if err != nil {
		return nil, err
	}
	if roleARN != "" {
		p.RoleARN = roleARN
	}
	members, err := env.groupSteps(ctx, p, s)
	if err != nil {
		return nil, err
	}
	for _, u := range s.Users {
		if err := env.userSteps(ctx, p.Plan, s, u, members); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// policyDoc is an IAM policy document.
type policyDoc struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

type statement struct {
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal,omitempty"`
	Action    any            `json:"Action"`
	Resource  any            `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

func (d policyDoc) String() string {
	b, _ := json.MarshalIndent(d, "", "  ")
	return string(b) + "\n"
}

func allow(action, resource string) policyDoc {
	return policyDoc{Version: "2012-10-17", Statement: []statement{{Effect: "Allow", Action: action, Resource: resource}}}
}

// trustPolicy trusts the account: who may take the role is decided by the
// group policy, as in the seed.
func (env *iamEnv) trustPolicy(mfa bool) policyDoc {
	st := statement{Effect: "Allow", Principal: map[string]any{"AWS": "arn:" + env.partition + ":iam::" + env.account + ":root"}, Action: "sts:AssumeRole"}
	if mfa {
		st.Condition = map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}
	}
	return policyDoc{Version: "2012-10-17", Statement: []statement{st}}
}

// sameJSON compares two policy documents by meaning, not bytes; IAM returns
// them URL-encoded.
func sameJSON(have string, want policyDoc) bool {
	var a, b any
	if json.Unmarshal([]byte(unescape(have)), &a) != nil {
		return false
	}
	w, _ := json.Marshal(want)
	json.Unmarshal(w, &b)
	return reflect.DeepEqual(a, b)
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func prettyJSON(s string) string {
	s = unescape(s)
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return s
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b) + "\n"
}

func mfaNote(mfa bool) string {
	if mfa {
		return ", with MFA"
	}
	return ""
}
