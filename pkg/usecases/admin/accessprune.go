package admin

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/accessfile"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/plan"
)

// pruneTeams plans removing the IAM side of teams the file no longer
// declares. It finds them through eks-login's groups (path /eks-login/) and
// their eks-login-assume-ROLE policies, and touches a role only when it is
// in the file's scope: it has eks-login's describe policy for a cluster of
// the file. So another access file's teams, on other clusters, stay.
func (env *iamEnv) pruneTeams(ctx context.Context, p *plan.Plan, want *desired) error {
	groups, err := env.eksLoginGroups(ctx)
	if err != nil {
		return err
	}
	inFile := want.fileClusterNames()
	pruned := map[string]bool{} // roles whose eks-login policies go
	for _, g := range groups {
		team := slices.IndexFunc(want.file.Teams, func(t accessfile.Team) bool { return t.IAMGroup == g })
		policies, err := env.groupPolicyNames(ctx, g)
		if err != nil {
			return err
		}
		left := len(policies)
		for _, pol := range policies {
			role, ok := strings.CutPrefix(pol, assumePolicyPrefix)
			if !ok || team >= 0 && want.file.Teams[team].Role.Name == role {
				continue
			}
			in, err := env.roleInScope(ctx, role, inFile)
			if err != nil {
				return err
			}
			if !in {
				continue
			}
			p.Add(env.deleteGroupPolicyStep(g, pol, "role "+role+" is no longer the team's"))
			left--
			if !slices.ContainsFunc(want.file.Teams, func(t accessfile.Team) bool { return t.Role.Name == role }) {
				pruned[role] = true
			}
		}
		if team < 0 && left == 0 && len(policies) > 0 {
			if err := env.deleteGroupSteps(ctx, p, g); err != nil {
				return err
			}
		}
	}
	for _, role := range slices.Sorted(mapKeys(pruned)) {
		if err := env.pruneRole(ctx, p, role, inFile); err != nil {
			return err
		}
	}
	return nil
}

// eksLoginGroups are the groups under eks-login's path.
func (env *iamEnv) eksLoginGroups(ctx context.Context) ([]string, error) {
	var out []string
	pages := iam.NewListGroupsPaginator(env.iam, &iam.ListGroupsInput{PathPrefix: aws.String(CreatedGroupPath)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, awserr.Explain(err, "cannot list eks-login's IAM groups (iam:ListGroups)")
		}
		for _, g := range page.Groups {
			out = append(out, aws.ToString(g.GroupName))
		}
	}
	return out, nil
}

func (env *iamEnv) groupPolicyNames(ctx context.Context, group string) ([]string, error) {
	var out []string
	pages := iam.NewListGroupPoliciesPaginator(env.iam, &iam.ListGroupPoliciesInput{GroupName: aws.String(group)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, awserr.Explain(err, "cannot list the policies of IAM group "+group+" (iam:ListGroupPolicies)")
		}
		out = append(out, page.PolicyNames...)
	}
	return out, nil
}

// roleInScope: the role exists and eks-login lets it describe a cluster of
// the file.
func (env *iamEnv) roleInScope(ctx context.Context, role string, inFile map[string]bool) (bool, error) {
	r, err := env.getRole(ctx, role)
	if err != nil || r == nil {
		return false, err
	}
	names, _, err := env.rolePolicies(ctx, role)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(names, func(n string) bool {
		c, ok := strings.CutPrefix(n, describePolicyPrefix)
		return ok && inFile[c]
	}), nil
}

// pruneRole plans deleting the role's describe policies of the file's
// clusters, and the role itself when eks-login made it and nothing else is
// left on it.
func (env *iamEnv) pruneRole(ctx context.Context, p *plan.Plan, role string, inFile map[string]bool) error {
	r, err := env.getRole(ctx, role)
	if err != nil || r == nil {
		return err
	}
	names, attached, err := env.rolePolicies(ctx, role)
	if err != nil {
		return err
	}
	others := attached
	for _, n := range names {
		if c, ok := strings.CutPrefix(n, describePolicyPrefix); ok && inFile[c] {
			p.Add(env.deleteRolePolicyStep(role, n, "no team of the file has the role"))
		} else {
			others++
		}
	}
	object := "IAM role " + role
	switch {
	case !taggedByUs(r.Tags):
		p.Add(&plan.Step{Verb: plan.Keep, Object: object, Note: "not created by eks-login: left alone"})
	case others > 0:
		p.Add(&plan.Step{Verb: plan.Keep, Object: object, Note: fmt.Sprintf("%d other policies still use it: left alone", others)})
	default:
		p.Add(&plan.Step{Verb: plan.Delete, Object: object, Note: "created by eks-login; no team of the file has it",
			Diff: fileplan.ObjectDiff("iam/role/"+role+"/trust-policy.json", prettyJSON(aws.ToString(r.AssumeRolePolicyDocument)), nil),
			Apply: func(ctx context.Context) error {
				_, err := env.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(role)})
				return awserr.Explain(err, "cannot delete "+object+" (iam:DeleteRole)")
			}})
	}
	return nil
}

func (env *iamEnv) deleteGroupPolicyStep(group, policy, why string) *plan.Step {
	object := fmt.Sprintf("IAM group %s policy %s", group, policy)
	return &plan.Step{Verb: plan.Delete, Object: object, Note: why, Apply: func(ctx context.Context) error {
		_, err := env.iam.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String(policy)})
		if noSuchEntity(err) {
			return nil
		}
		return awserr.Explain(err, "cannot delete "+object+" (iam:DeleteGroupPolicy)")
	}}
}

// deleteGroupSteps plans emptying and deleting one of eks-login's groups
// that the file no longer declares, when it holds no attached policy.
func (env *iamEnv) deleteGroupSteps(ctx context.Context, p *plan.Plan, group string) error {
	object := "IAM group " + group
	attached, err := env.iam.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(group)})
	if err != nil {
		return awserr.Explain(err, "cannot list the policies of "+object+" (iam:ListAttachedGroupPolicies)")
	}
	if len(attached.AttachedPolicies) > 0 {
		p.Add(&plan.Step{Verb: plan.Keep, Object: object, Note: "other policies still use it: left alone"})
		return nil
	}
	g, err := env.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(group)})
	if err != nil {
		return awserr.Explain(err, "cannot read "+object+" (iam:GetGroup)")
	}
	for _, u := range g.Users {
		p.Add(env.removeMemberStep(group, aws.ToString(u.UserName), "the group goes"))
	}
	p.Add(&plan.Step{Verb: plan.Delete, Object: object, Note: "created by eks-login (path " + CreatedGroupPath + "); no team of the file has it",
		Apply: func(ctx context.Context) error {
			_, err := env.iam.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String(group)})
			return awserr.Explain(err, "cannot delete "+object+" (iam:DeleteGroup)")
		}})
	return nil
}
