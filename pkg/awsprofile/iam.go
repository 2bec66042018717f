package awsprofile

import (
	"context"
	"errors"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/awserr"
)

// IAMReader is the IAM reading that explains a refused AssumeRole. Policy
// documents come back decoded (IAM sends them URL-encoded).
type IAMReader interface {
	ListGroupsForUser(ctx context.Context, user string) ([]string, error)
	ListGroupPolicies(ctx context.Context, group string) ([]string, error)
	GetGroupPolicy(ctx context.Context, group, policy string) (string, error)
	ListAttachedGroupPolicies(ctx context.Context, group string) ([]string, error)
	RoleTrustPolicy(ctx context.Context, role string) (string, error)
}

// IAM reads IAM as profile p.
func (a *SDK) IAM(ctx context.Context, p Ref) (IAMReader, error) {
	cfg, err := a.Config(ctx, p)
	if err != nil {
		return nil, err
	}
	return sdkIAM{iam.NewFromConfig(cfg)}, nil
}

type sdkIAM struct{ c *iam.Client }

func (s sdkIAM) ListGroupsForUser(ctx context.Context, user string) ([]string, error) {
	out, err := s.c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String(user)})
	if err != nil {
		return nil, awserr.Classify(err)
	}
	var names []string
	for _, g := range out.Groups {
		names = append(names, aws.ToString(g.GroupName))
	}
	return names, nil
}

func (s sdkIAM) ListGroupPolicies(ctx context.Context, group string) ([]string, error) {
	out, err := s.c.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String(group)})
	if err != nil {
		return nil, awserr.Classify(err)
	}
	return out.PolicyNames, nil
}

func (s sdkIAM) GetGroupPolicy(ctx context.Context, group, policy string) (string, error) {
	out, err := s.c.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String(policy)})
	if err != nil {
		return "", awserr.Classify(err)
	}
	return unescape(aws.ToString(out.PolicyDocument)), nil
}

func (s sdkIAM) ListAttachedGroupPolicies(ctx context.Context, group string) ([]string, error) {
	out, err := s.c.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(group)})
	if err != nil {
		return nil, awserr.Classify(err)
	}
	var names []string
	for _, p := range out.AttachedPolicies {
		names = append(names, aws.ToString(p.PolicyName))
	}
	return names, nil
}

func (s sdkIAM) RoleTrustPolicy(ctx context.Context, role string) (string, error) {
	out, err := s.c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	if err != nil {
		return "", awserr.Classify(err)
	}
	if out.Role == nil {
		return "", errors.New("GetRole answered without a role")
	}
	return unescape(aws.ToString(out.Role.AssumeRolePolicyDocument)), nil
}

func unescape(doc string) string {
	if u, err := url.QueryUnescape(doc); err == nil {
		return u
	}
	return doc
}
