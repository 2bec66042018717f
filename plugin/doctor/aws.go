package doctor

import (
	"context"
	"errors"
	"io"
	"net/url"

	"github.com/eks-login/eks-login/pkg/awserr"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/eks-login/eks-login/plugin/login"
)

// AWS is what doctor asks of AWS. Profiles are loaded and errors sorted by
// login's code (login.SDK, login.Classify): errors are *awserr.Error.
type AWS interface {
	// CallerIdentity is STS GetCallerIdentity as profile p.
	CallerIdentity(ctx context.Context, p login.ProfileRef) (login.Identity, error)
	// DescribeCluster is EKS DescribeCluster as profile p.
	DescribeCluster(ctx context.Context, p login.ProfileRef, name string) (Cluster, error)
	// IAM reads IAM as profile p.
	IAM(ctx context.Context, p login.ProfileRef) (IAMReader, error)
}

// Cluster is the part of DescribeCluster's answer doctor checks.
type Cluster struct {
	Name, ARN, Endpoint string
	CAData              string // base64 of PEM, as EKS returns it
	Status, Version     string
	AuthMode            string // CONFIG_MAP, API_AND_CONFIG_MAP or API
}

// IAMReader is the IAM reading that explains a refused AssumeRole. Policy
// documents come back decoded (IAM sends them URL-encoded).
type IAMReader interface {
	ListGroupsForUser(ctx context.Context, user string) ([]string, error)
	ListGroupPolicies(ctx context.Context, group string) ([]string, error)
	GetGroupPolicy(ctx context.Context, group, policy string) (string, error)
	ListAttachedGroupPolicies(ctx context.Context, group string) ([]string, error)
	RoleTrustPolicy(ctx context.Context, role string) (string, error)
}

// sdkAWS is the real AWS, through login's SDK loading and the lean clients.
type sdkAWS struct{ sdk *login.SDK }

func newSDKAWS(in io.Reader, errOut io.Writer) *sdkAWS { return &sdkAWS{sdk: login.NewSDK(in, errOut)} }

func (a *sdkAWS) CallerIdentity(ctx context.Context, p login.ProfileRef) (login.Identity, error) {
	return a.sdk.CallerIdentity(ctx, p)
}

func (a *sdkAWS) DescribeCluster(ctx context.Context, p login.ProfileRef, name string) (Cluster, error) {
	cfg, err := a.sdk.Config(ctx, p)
	if err != nil {
		return Cluster{}, err
	}
	out, err := eks.NewFromConfig(cfg).DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
	if err != nil {
		return Cluster{}, awserr.Classify(err)
	}
	c := out.Cluster
	if c == nil {
		return Cluster{}, &awserr.Error{Kind: awserr.Other, Err: errors.New("DescribeCluster answered without a cluster")}
	}
	cl := Cluster{Name: aws.ToString(c.Name), ARN: aws.ToString(c.Arn), Endpoint: aws.ToString(c.Endpoint), Status: string(c.Status), Version: aws.ToString(c.Version)}
	if c.CertificateAuthority != nil {
		cl.CAData = aws.ToString(c.CertificateAuthority.Data)
	}
	if c.AccessConfig != nil {
		cl.AuthMode = string(c.AccessConfig.AuthenticationMode)
	}
	return cl, nil
}

func (a *sdkAWS) IAM(ctx context.Context, p login.ProfileRef) (IAMReader, error) {
	cfg, err := a.sdk.Config(ctx, p)
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
