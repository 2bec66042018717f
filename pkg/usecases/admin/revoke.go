package admin

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/plan"
)

func taggedByUs(tags []iamtypes.Tag) bool {
	return slices.ContainsFunc(tags, func(t iamtypes.Tag) bool { return aws.ToString(t.Key) == CreatedByTag })
}

// planRevokeIAM plans undoing planIAM: what eks-login's names and tags say
// it made goes; what else uses the group or role stays.
// role is the role as read, nil when there is none.
func (env *iamEnv) planRevokeIAM(ctx context.Context, s IAMSpec, role *iamtypes.Role) (*plan.Plan, error) {
	p := &plan.Plan{}
	object := "IAM group " + s.Group
	group, err := env.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(s.Group)})
	if err != nil && !noSuchEntity(err) {
		return nil, awserr.Explain(err, "cannot read "+object+" (iam:GetGroup)")
	}
	found := err == nil
	var members []string
	if found {
		for _, u := range group.Users {
			members = append(members, aws.ToString(u.UserName))
		}
	}
	members, err = env.revokeUserSteps(ctx, p, s, members)
	if err != nil {
		return nil, err
	}
	if found {
		if err := env.revokeGroupSteps(ctx, p, s, group.Group, len(members)); err != nil {
			return nil, err
		}
	}
	if role == nil {
		return p, nil
	}
	if err := env.revokeRoleSteps(ctx, p, s, role); err != nil {
		return nil, err
	}
	return p, nil
}

// revokeUserSteps takes the users out of the group, and deletes those grant
// created (with --create-users). It returns the members left.
func (env *iamEnv) revokeUserSteps(ctx context.Context, p *plan.Plan, s IAMSpec, members []string) ([]string, error) {
	groupObject := "IAM group " + s.Group
	for _, u := range s.Users {
		if slices.Contains(members, u) {
			p.Add(&plan.Step{Verb: plan.Update, Object: groupObject, Note: "remove member " + u, Apply: func(ctx context.Context) error {
				_, err := env.iam.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String(s.Group), UserName: aws.String(u)})
				return awserr.Explain(err, "cannot remove IAM user "+u+" from "+groupObject+" (iam:RemoveUserFromGroup)")
			}})
			members = slices.DeleteFunc(members, func(m string) bool { return m == u })
		}
		if !s.CreateUsers {
			continue
		}
		step, err := env.deleteUserStep(ctx, u, s.Group)
		if err != nil {
			return nil, err
		}
		p.Add(step)
	}
	return members, nil
}

// revokeGroupSteps deletes eks-login's policy from the group, and the group
// when eks-login made it and nothing else uses it.
func (env *iamEnv) revokeGroupSteps(ctx context.Context, p *plan.Plan, s IAMSpec, group *iamtypes.Group, members int) error {
	im, object := env.iam, "IAM group "+s.Group
	g, name := aws.String(s.Group), aws.String(s.groupPolicyName())
	others, err := revokeInlinePolicy(ctx, p, policyHolder{
		kind: "Group", name: object, policy: s.groupPolicyName(),
		get: func(ctx context.Context) error {
			_, err := im.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: g, PolicyName: name})
			return err
		},
		del: func(ctx context.Context) error {
			_, err := im.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: g, PolicyName: name})
			return err
		},
		list: func(ctx context.Context) ([]string, int, error) {
			inline, err := im.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: g})
			if err != nil {
				return nil, 0, err
			}
			attached, err := im.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: g})
			if err != nil {
				return nil, 0, err
			}
			return inline.PolicyNames, len(attached.AttachedPolicies), nil
		},
	})
	switch {
	case err != nil:
		return err
	case group == nil || aws.ToString(group.Path) != CreatedGroupPath:
		p.Add(&plan.Step{Verb: plan.Keep, Object: object, Note: "not created by eks-login: left alone"})
	case members == 0 && others == 0:
		p.Add(&plan.Step{Verb: plan.Delete, Object: object, Note: "no members or policies left", Apply: func(ctx context.Context) error {
			_, err := im.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: g})
			return awserr.Explain(err, "cannot delete "+object+" (iam:DeleteGroup)")
		}})
	default:
		p.Add(&plan.Step{Verb: plan.Keep, Object: object, Note: fmt.Sprintf("%d other members and %d other policies still use it: left alone", members, others)})
	}
	return nil
}

// revokeRoleSteps deletes eks-login's policy from the role, and the role
// when eks-login made it and it holds no other policy.
func (env *iamEnv) revokeRoleSteps(ctx context.Context, p *plan.Plan, s IAMSpec, role *iamtypes.Role) error {
	im, object := env.iam, "IAM role "+s.Role
	r, name := aws.String(s.Role), aws.String(s.rolePolicyName())
	others, err := revokeInlinePolicy(ctx, p, policyHolder{
		kind: "Role", name: object, policy: s.rolePolicyName(),
		get: func(ctx context.Context) error {
			_, err := im.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: r, PolicyName: name})
			return err
		},
		del: func(ctx context.Context) error {
			_, err := im.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: r, PolicyName: name})
			return err
		},
		list: func(ctx context.Context) ([]string, int, error) {
			inline, err := im.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: r})
			if err != nil {
				return nil, 0, err
			}
			attached, err := im.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: r})
			if err != nil {
				return nil, 0, err
			}
			return inline.PolicyNames, len(attached.AttachedPolicies), nil
		},
	})
	switch {
	case err != nil:
		return err
	case !taggedByUs(role.Tags):
		p.Add(&plan.Step{Verb: plan.Keep, Object: object, Note: "not created by eks-login: left alone"})
	case others > 0:
		p.Add(&plan.Step{Verb: plan.Keep, Object: object, Note: fmt.Sprintf("%d other policies still use it: left alone", others)})
	default:
		p.Add(&plan.Step{Verb: plan.Delete, Object: object,
			Diff: fileplan.ObjectDiff("iam/role/"+s.Role+"/trust-policy.json", prettyJSON(aws.ToString(role.AssumeRolePolicyDocument)), nil),
			Apply: func(ctx context.Context) error {
				_, err := im.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: r})
				return awserr.Explain(err, "cannot delete "+object+" (iam:DeleteRole)")
			}})
	}
	return nil
}

// policyHolder is a group or a role as revoke sees it: eks-login's inline
// policy on it, and the policies it holds. The calls differ by kind; the
// planning does not.
type policyHolder struct {
	kind, name, policy string // "Group" or "Role", "IAM group Developers", the inline policy's name
	get, del           func(context.Context) error
	list               func(context.Context) (inline []string, attached int, err error)
}

// revokeInlinePolicy plans deleting eks-login's inline policy from h when it
// is there, and returns how many other policies h keeps, which decides
// whether h itself may go.
func revokeInlinePolicy(ctx context.Context, p *plan.Plan, h policyHolder) (others int, err error) {
	object := h.name + " policy " + h.policy
	switch err := h.get(ctx); {
	case err == nil:
		p.Add(&plan.Step{Verb: plan.Delete, Object: object, Apply: func(ctx context.Context) error {
			return awserr.Explain(h.del(ctx), "cannot delete "+object+" (iam:Delete"+h.kind+"Policy)")
		}})
	case !noSuchEntity(err):
		return 0, awserr.Explain(err, "cannot read "+object+" (iam:Get"+h.kind+"Policy)")
	}
	inline, attached, err := h.list(ctx)
	if err != nil {
		return 0, awserr.Explain(err, "cannot list the policies of "+h.name+" (iam:List"+h.kind+"Policies, iam:ListAttached"+h.kind+"Policies)")
	}
	others = attached
	for _, name := range inline {
		if name != h.policy {
			others++
		}
	}
	return others, nil
}

// deleteUserStep plans deleting a user grant created, with its access keys,
// unless it is in other groups or has policies of its own.
func (env *iamEnv) deleteUserStep(ctx context.Context, u, group string) (*plan.Step, error) {
	im, object := env.iam, "IAM user "+u
	user, err := im.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(u)})
	if noSuchEntity(err) {
		return &plan.Step{Verb: plan.Keep, Object: object, Note: "absent: nothing to remove"}, nil
	}
	if err != nil {
		return nil, awserr.Explain(err, "cannot read "+object+" (iam:GetUser)")
	}
	if !taggedByUs(user.User.Tags) {
		return &plan.Step{Verb: plan.Keep, Object: object, Note: "not created by eks-login: left alone"}, nil
	}
	used, err := env.userUsedElsewhere(ctx, u, group)
	if err != nil {
		return nil, err
	}
	if used {
		return &plan.Step{Verb: plan.Keep, Object: object, Note: "in other groups or with policies of its own: left alone"}, nil
	}
	keys, err := im.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(u)})
	if err != nil {
		return nil, awserr.Explain(err, "cannot list the access keys of "+object+" (iam:ListAccessKeys)")
	}
	note := "created by eks-login"
	if n := len(keys.AccessKeyMetadata); n > 0 {
		note += fmt.Sprintf(", with its %d access keys", n)
	}
	return &plan.Step{Verb: plan.Delete, Object: object, Note: note, Apply: func(ctx context.Context) error {
		for _, k := range keys.AccessKeyMetadata {
			if _, err := im.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(u), AccessKeyId: k.AccessKeyId}); err != nil && !noSuchEntity(err) {
				return awserr.Explain(err, "cannot delete an access key of "+object+" (iam:DeleteAccessKey)")
			}
		}
		_, err := im.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(u)})
		return awserr.Explain(err, "cannot delete "+object+" (iam:DeleteUser)")
	}}, nil
}

// userUsedElsewhere tells whether user u is in groups other than group, or
// has policies of its own: then it is not grant's alone to delete.
func (env *iamEnv) userUsedElsewhere(ctx context.Context, u, group string) (bool, error) {
	im, object, name := env.iam, "IAM user "+u, aws.String(u)
	groups, err := im.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: name})
	if err != nil {
		return false, awserr.Explain(err, "cannot list the groups of "+object+" (iam:ListGroupsForUser)")
	}
	inline, err := im.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: name})
	if err != nil {
		return false, awserr.Explain(err, "cannot list the policies of "+object+" (iam:ListUserPolicies)")
	}
	attached, err := im.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: name})
	if err != nil {
		return false, awserr.Explain(err, "cannot list the policies of "+object+" (iam:ListAttachedUserPolicies)")
	}
	other := slices.ContainsFunc(groups.Groups, func(g iamtypes.Group) bool { return aws.ToString(g.GroupName) != group })
	return other || len(inline.PolicyNames)+len(attached.AttachedPolicies) > 0, nil
}
