package admin

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/plan"
)

// createdByValue is CreatedByTag's value on what eks-login creates.
const createdByValue = "kubectl eks-login admin"

func createdByTags() []iamtypes.Tag {
	return []iamtypes.Tag{{Key: aws.String(CreatedByTag), Value: aws.String(createdByValue)}}
}

// roleSteps plans the role and its describe policy. It returns the ARN of
// the role found, with its path, or "" when the role is to be created.
func (env *iamEnv) roleSteps(ctx context.Context, p *plan.Plan, s IAMSpec) (string, error) {
	im, object := env.iam, "IAM role "+s.Role
	trust := env.trustPolicy(s.MFA)
	role, err := im.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(s.Role)})
	found := ""
	switch {
	case noSuchEntity(err):
		p.Add(&plan.Step{Verb: plan.Create, Object: object, Note: "trusting account " + env.account + mfaNote(s.MFA),
			Diff: fileplan.ObjectDiff("iam/role/"+s.Role+"/trust-policy.json", nil, trust.String()),
			Apply: func(ctx context.Context) error {
				_, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(s.Role), AssumeRolePolicyDocument: aws.String(trust.String()),
					Description: aws.String("Access to EKS cluster " + s.Cluster + " (kubectl eks-login)"), Tags: createdByTags()})
				return awserr.Explain(err, "cannot create "+object+" (iam:CreateRole, iam:TagRole)")
			}})
	case err != nil:
		return "", awserr.Explain(err, "cannot read "+object+" (iam:GetRole)")
	default:
		found = aws.ToString(role.Role.Arn)
		note := "left alone"
		if !sameJSON(aws.ToString(role.Role.AssumeRolePolicyDocument), trust) {
			note = "its trust policy differs from what eks-login would write; left alone, check it lets the account's users take the role" + mfaNote(s.MFA)
		}
		p.Add(&plan.Step{Verb: plan.Keep, Object: object, Note: note})
	}
	step, err := env.describePolicyStep(ctx, s.Role, s.Cluster, env.clusterARN, found != "")
	if err != nil {
		return "", err
	}
	p.Add(step)
	return found, nil
}

// groupSteps plans the group and its policy allowing sts:AssumeRole on the
// role (roleARN, the plan's), and returns the group's members.
func (env *iamEnv) groupSteps(ctx context.Context, p *IAMPlan, s IAMSpec) (map[string]bool, error) {
	im, object := env.iam, "IAM group "+s.Group
	group, err := im.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(s.Group)})
	members := map[string]bool{}
	switch {
	case noSuchEntity(err):
		p.Add(&plan.Step{Verb: plan.Create, Object: object, Note: "path " + CreatedGroupPath + ", which marks it as eks-login's for revoke",
			Apply: func(ctx context.Context) error {
				_, err := im.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(s.Group), Path: aws.String(CreatedGroupPath)})
				return awserr.Explain(err, "cannot create "+object+" (iam:CreateGroup)")
			}})
	case err != nil:
		return nil, awserr.Explain(err, "cannot read "+object+" (iam:GetGroup)")
	default:
		for _, u := range group.Users {
			members[aws.ToString(u.UserName)] = true
		}
		p.Add(&plan.Step{Verb: plan.Keep, Object: object, Note: fmt.Sprintf("%d members", len(group.Users))})
	}
	g, name := aws.String(s.Group), aws.String(s.groupPolicyName())
	step, err := inlinePolicyStep(ctx, inlinePolicy{
		object: object + " policy " + s.groupPolicyName(), diffName: "iam/group/" + s.Group + "/policy/" + s.groupPolicyName() + ".json",
		what: "sts:AssumeRole on " + p.RoleARN, want: allow("sts:AssumeRole", p.RoleARN), action: "iam:PutGroupPolicy",
		get: func(ctx context.Context) (*string, error) {
			out, err := im.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: g, PolicyName: name})
			if err != nil {
				return nil, err
			}
			return out.PolicyDocument, nil
		},
		put: func(ctx context.Context, doc string) error {
			_, err := im.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: g, PolicyName: name, PolicyDocument: aws.String(doc)})
			return err
		},
	}, group != nil && err == nil)
	if err != nil {
		return nil, err
	}
	p.Add(step)
	return members, nil
}

// inlinePolicy is eks-login's inline policy on a role or a group: the calls
// differ by kind (IAM has Role and Group variants of each); the planning
// does not.
type inlinePolicy struct {
	object, diffName, what string
	want                   policyDoc
	action                 string // the put's IAM action, for errors
	get                    func(context.Context) (*string, error)
	put                    func(context.Context, string) error
}

// inlinePolicyStep plans one inline policy: create it, keep it, or bring it
// back to what eks-login writes (the policy's name is eks-login's own). A
// holder that does not exist yet has no policy to read.
func inlinePolicyStep(ctx context.Context, ip inlinePolicy, holderExists bool) (*plan.Step, error) {
	var have *string
	err := error(&iamtypes.NoSuchEntityException{})
	if holderExists {
		have, err = ip.get(ctx)
	}
	apply := func(ctx context.Context) error {
		return awserr.Explain(ip.put(ctx, ip.want.String()), "cannot write "+ip.object+" ("+ip.action+")")
	}
	switch {
	case noSuchEntity(err):
		return &plan.Step{Verb: plan.Create, Object: ip.object, Note: ip.what, Diff: fileplan.ObjectDiff(ip.diffName, nil, ip.want.String()), Apply: apply}, nil
	case err != nil:
		return nil, awserr.Explain(err, "cannot read "+ip.object)
	case sameJSON(aws.ToString(have), ip.want):
		return &plan.Step{Verb: plan.Keep, Object: ip.object, Note: ip.what}, nil
	}
	// Both sides as IAM would return them (keys sorted), so the diff shows
	// what differs and not the order of the keys.
	return &plan.Step{Verb: plan.Update, Object: ip.object, Note: ip.what, Diff: fileplan.ObjectDiff(ip.diffName, prettyJSON(aws.ToString(have)), prettyJSON(ip.want.String())), Apply: apply}, nil
}

// userSteps plans one user: created with --create-users, put in the group,
// and given an access key with --access-key-file.
func (env *iamEnv) userSteps(ctx context.Context, p *plan.Plan, s IAMSpec, u string, members map[string]bool) error {
	im, object, groupObject := env.iam, "IAM user "+u, "IAM group "+s.Group
	_, err := im.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(u)})
	switch {
	case noSuchEntity(err) && !s.CreateUsers:
		return exitcode.Errorf(exitcode.Usage, "%s does not exist; pass --create-users to create it", object)
	case noSuchEntity(err):
		p.Add(&plan.Step{Verb: plan.Create, Object: object, Apply: func(ctx context.Context) error {
			_, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u), Tags: createdByTags()})
			return awserr.Explain(err, "cannot create "+object+" (iam:CreateUser, iam:TagUser)")
		}})
	case err != nil:
		return awserr.Explain(err, "cannot read "+object+" (iam:GetUser)")
	default:
		p.Add(&plan.Step{Verb: plan.Keep, Object: object})
	}
	if members[u] {
		p.Add(&plan.Step{Verb: plan.Keep, Object: object + " in " + groupObject})
	} else {
		p.Add(&plan.Step{Verb: plan.Update, Object: groupObject, Note: "add member " + u, Apply: func(ctx context.Context) error {
			_, err := im.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(s.Group), UserName: aws.String(u)})
			return awserr.Explain(err, "cannot add "+object+" to "+groupObject+" (iam:AddUserToGroup)")
		}})
	}
	if s.AccessKeyFile == "" {
		return nil
	}
	step, err := env.accessKeyStep(s.AccessKeyFile, u)
	if err != nil {
		return err
	}
	p.Add(step)
	return nil
}
