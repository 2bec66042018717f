package admin

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/eks-login/eks-login/pkg/accessfile"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/plan"
)

// The names of eks-login's inline policies, as admin iam and grant name
// them: the role's, per cluster, and the group's, per role.
const (
	describePolicyPrefix = "eks-login-describe-cluster-"
	assumePolicyPrefix   = "eks-login-assume-"
)

// planTeams plans the IAM side of every team: the role, trusting the
// account, with a describe policy per cluster; the group with its policy to
// assume the role; the members. With prune, it also plans removing what
// eks-login made for teams and clusters the file no longer declares.
func (env *iamEnv) planTeams(ctx context.Context, want *desired, prune bool) (*plan.Plan, error) {
	p := &plan.Plan{}
	want.roleARNs = map[string]string{}
	for _, t := range want.file.Teams {
		if err := env.planTeam(ctx, p, want, t, prune); err != nil {
			return nil, err
		}
	}
	if !prune {
		return p, nil
	}
	if err := env.pruneTeams(ctx, p, want); err != nil {
		return nil, err
	}
	return p, nil
}

func (env *iamEnv) planTeam(ctx context.Context, p *plan.Plan, want *desired, t accessfile.Team, prune bool) error {
	role, err := env.getRole(ctx, t.Role.Name)
	if err != nil {
		return err
	}
	roleARN := env.roleARN(t.Role.Name)
	if role != nil {
		roleARN = aws.ToString(role.Arn)
	}
	want.roleARNs[t.Role.Name] = roleARN
	p.Add(env.teamRoleStep(t, role))
	clusters := want.teamClusters(t)
	for _, c := range clusters {
		step, err := env.describePolicyStep(ctx, t.Role.Name, c.Name, want.clusterARN(c), role != nil)
		if err != nil {
			return err
		}
		p.Add(step)
	}
	if role != nil && prune {
		if err := env.pruneDescribePolicies(ctx, p, t.Role.Name, want.fileClusterNames(), clusters); err != nil {
			return err
		}
	}
	spec := IAMSpec{Role: t.Role.Name, Group: t.IAMGroup, CreateUsers: true}
	members, err := env.groupSteps(ctx, &IAMPlan{Plan: p, RoleARN: roleARN}, spec)
	if err != nil {
		return err
	}
	for _, u := range t.Members {
		if err := env.userSteps(ctx, p, spec, u, members); err != nil {
			return err
		}
	}
	for _, u := range slices.Sorted(mapKeys(members)) {
		if !slices.Contains(t.Members, u) {
			p.Add(env.removeMemberStep(t.IAMGroup, u, "not a member in the access file"))
		}
	}
	return nil
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// teamRoleStep plans the team's role: created, kept, or (when eks-login
// made it) its trust policy put back. A role someone else made keeps its
// trust policy; the plan says when it differs.
func (env *iamEnv) teamRoleStep(t accessfile.Team, role *iamtypes.Role) *plan.Step {
	im, object, name := env.iam, "IAM role "+t.Role.Name, aws.String(t.Role.Name)
	trust := env.trustPolicy(t.Role.RequireMFA)
	diffName := "iam/role/" + t.Role.Name + "/trust-policy.json"
	switch {
	case role == nil:
		return &plan.Step{Verb: plan.Create, Object: object, Note: "trusting account " + env.account + mfaNote(t.Role.RequireMFA),
			Diff: fileplan.ObjectDiff(diffName, nil, trust.String()),
			Apply: func(ctx context.Context) error {
				_, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: name, AssumeRolePolicyDocument: aws.String(trust.String()),
					Description: aws.String("Team " + t.Name + "'s access to EKS (kubectl eks-login)"), Tags: createdByTags()})
				return awserr.Explain(err, "cannot create "+object+" (iam:CreateRole, iam:TagRole)")
			}}
	case sameJSON(aws.ToString(role.AssumeRolePolicyDocument), trust):
		return &plan.Step{Verb: plan.Keep, Object: object}
	case !taggedByUs(role.Tags):
		return &plan.Step{Verb: plan.Keep, Object: object, Note: "its trust policy differs from the file's; not created by eks-login: left alone"}
	}
	return &plan.Step{Verb: plan.Update, Object: object, Note: "trust policy put back",
		Diff: fileplan.ObjectDiff(diffName, prettyJSON(aws.ToString(role.AssumeRolePolicyDocument)), prettyJSON(trust.String())),
		Apply: func(ctx context.Context) error {
			_, err := im.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: name, PolicyDocument: aws.String(trust.String())})
			return awserr.Explain(err, "cannot update the trust policy of "+object+" (iam:UpdateAssumeRolePolicy)")
		}}
}

// describePolicyStep plans the role's policy allowing eks:DescribeCluster
// on one cluster, named as admin iam names it.
func (env *iamEnv) describePolicyStep(ctx context.Context, role, cluster, clusterARN string, roleExists bool) (*plan.Step, error) {
	im, r, name := env.iam, aws.String(role), aws.String(describePolicyPrefix+cluster)
	return inlinePolicyStep(ctx, inlinePolicy{
		object: "IAM role " + role + " policy " + *name, diffName: "iam/role/" + role + "/policy/" + *name + ".json",
		what: "eks:DescribeCluster on " + clusterARN, want: allow("eks:DescribeCluster", clusterARN), action: "iam:PutRolePolicy",
		get: func(ctx context.Context) (*string, error) {
			out, err := im.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: r, PolicyName: name})
			if err != nil {
				return nil, err
			}
			return out.PolicyDocument, nil
		},
		put: func(ctx context.Context, doc string) error {
			_, err := im.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: r, PolicyName: name, PolicyDocument: aws.String(doc)})
			return err
		},
	}, roleExists)
}

func (env *iamEnv) removeMemberStep(group, user, why string) *plan.Step {
	object := "IAM group " + group
	return &plan.Step{Verb: plan.Update, Object: object, Note: "remove member " + user + ": " + why, Apply: func(ctx context.Context) error {
		_, err := env.iam.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String(group), UserName: aws.String(user)})
		if noSuchEntity(err) {
			return nil
		}
		return awserr.Explain(err, "cannot remove IAM user "+user+" from "+object+" (iam:RemoveUserFromGroup)")
	}}
}

// rolePolicies lists the role's inline policies and counts its attached
// ones.
func (env *iamEnv) rolePolicies(ctx context.Context, role string) ([]string, int, error) {
	var names []string
	pages := iam.NewListRolePoliciesPaginator(env.iam, &iam.ListRolePoliciesInput{RoleName: aws.String(role)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, 0, awserr.Explain(err, "cannot list the policies of IAM role "+role+" (iam:ListRolePolicies)")
		}
		names = append(names, out.PolicyNames...)
	}
	attached, err := env.iam.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)})
	if err != nil {
		return nil, 0, awserr.Explain(err, "cannot list the policies of IAM role "+role+" (iam:ListAttachedRolePolicies)")
	}
	return names, len(attached.AttachedPolicies), nil
}

// pruneDescribePolicies plans deleting the role's describe policies of
// clusters of the file that the team no longer has; those of clusters the
// file does not name belong to someone else.
func (env *iamEnv) pruneDescribePolicies(ctx context.Context, p *plan.Plan, role string, inFile map[string]bool, keep []accessfile.Cluster) error {
	names, _, err := env.rolePolicies(ctx, role)
	if err != nil {
		return err
	}
	for _, n := range names {
		cluster, ok := strings.CutPrefix(n, describePolicyPrefix)
		if ok && inFile[cluster] && !slices.ContainsFunc(keep, func(c accessfile.Cluster) bool { return c.Name == cluster }) {
			p.Add(env.deleteRolePolicyStep(role, n, "the team no longer has cluster "+cluster))
		}
	}
	return nil
}

func (env *iamEnv) deleteRolePolicyStep(role, policy, why string) *plan.Step {
	object := fmt.Sprintf("IAM role %s policy %s", role, policy)
	return &plan.Step{Verb: plan.Delete, Object: object, Note: why, Apply: func(ctx context.Context) error {
		_, err := env.iam.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(policy)})
		if noSuchEntity(err) {
			return nil
		}
		return awserr.Explain(err, "cannot delete "+object+" (iam:DeleteRolePolicy)")
	}}
}
