// Package awsprofile makes the AWS calls of login and doctor as one profile
// of the shared files: STS GetCallerIdentity, EKS DescribeCluster, and the
// IAM reads that explain a refused AssumeRole. Profiles are loaded by
// awsclient (the one loader), role sessions are opened as the token command
// opens them (rolesession), and every error is an *awserr.Error.
package awsprofile

import (
	"context"
	"errors"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/discovery"
	"github.com/eks-login/eks-login/pkg/rolesession"
)

// Ref names a profile and the files to read it from. Login passes a
// temporary copy of the planned config file, so the role profile is tried
// before anything is written.
type Ref struct {
	Name, Region    string
	ConfigFile      string
	CredentialsFile string
}

// Identity is an STS caller identity.
type Identity struct {
	Account, ARN string
}

// Cluster is the part of DescribeCluster's answer login and doctor use.
type Cluster struct {
	Name, ARN, Endpoint string
	CAData              string // base64 of PEM, as EKS returns it
	Status, Version     string
	AuthMode            string // CONFIG_MAP, API_AND_CONFIG_MAP or API; "" when not reported
}

// SDK is AWS through aws-sdk-go-v2.
type SDK struct {
	// MFA asks for the code of an MFA device (prompt.MFA.Code).
	MFA func(serial string) (string, error)
	// Options are added to every config load; tests point the SDK at a
	// local endpoint with them.
	Options []func(*config.LoadOptions) error

	sessions rolesession.Sessions

	mu   sync.Mutex
	role *roleSession // the last role session DescribeCluster used
}

// roleSession is a role profile's temporary credentials and who they are.
type roleSession struct {
	profile string
	creds   aws.Credentials
	who     rolesession.Assumed
}

// New returns AWS through the SDK, asking mfa for MFA codes.
func New(mfa func(serial string) (string, error)) *SDK { return &SDK{MFA: mfa} }

// Config loads profile p; its errors are *awserr.Error.
func (a *SDK) Config(ctx context.Context, p Ref) (aws.Config, error) {
	cfg, err := awsclient.Load(ctx, awsclient.Request{
		Profile: p.Name, Region: p.Region,
		ConfigFile: p.ConfigFile, CredentialsFile: p.CredentialsFile,
		MFA: a.MFA, AssumeRole: a.sessions.Adjust,
		Options: a.Options,
	})
	if err != nil {
		return aws.Config{}, awserr.Classify(err)
	}
	return cfg, nil
}

// CallerIdentity is STS GetCallerIdentity as profile p.
func (a *SDK) CallerIdentity(ctx context.Context, p Ref) (Identity, error) {
	cfg, err := a.Config(ctx, p)
	if err != nil {
		return Identity{}, err
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, awserr.Classify(err)
	}
	return Identity{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn)}, nil
}

// DescribeCluster is EKS DescribeCluster as profile p. It keeps the role
// session it used (RoleSession).
func (a *SDK) DescribeCluster(ctx context.Context, p Ref, name string) (Cluster, error) {
	cfg, err := a.Config(ctx, p)
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
	a.keepSession(ctx, cfg, p.Name)
	cl := Cluster{Name: aws.ToString(c.Name), ARN: aws.ToString(c.Arn), Endpoint: aws.ToString(c.Endpoint), Status: string(c.Status), Version: aws.ToString(c.Version)}
	if c.CertificateAuthority != nil {
		cl.CAData = aws.ToString(c.CertificateAuthority.Data)
	}
	if c.AccessConfig != nil {
		cl.AuthMode = string(c.AccessConfig.AuthenticationMode)
	}
	return cl, nil
}

// RoleSession returns the temporary credentials DescribeCluster got for
// profile, and who they are: login hands them to the token cache, so that
// with an MFA profile the code is asked once, not again at the first
// kubectl call.
func (a *SDK) RoleSession(profile string) (aws.Credentials, rolesession.Assumed, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.role == nil || a.role.profile != profile {
		return aws.Credentials{}, rolesession.Assumed{}, false
	}
	return a.role.creds, a.role.who, true
}

// Discover finds every cluster profile p can see (discovery.Discover). It
// keeps the role session it used, as DescribeCluster does: login hands it
// to the token cache for every cluster found.
func (a *SDK) Discover(ctx context.Context, p Ref, opts discovery.Options) (*discovery.Result, error) {
	cfg, err := a.Config(ctx, p)
	if err != nil {
		return nil, err
	}
	if _, cached := cfg.Credentials.(*aws.CredentialsCache); !cached && cfg.Credentials != nil {
		// One cache for discovery's calls and keepSession's look after them.
		cfg.Credentials = aws.NewCredentialsCache(cfg.Credentials)
	}
	res, err := discovery.Discover(ctx, cfg, opts)
	if err != nil {
		return nil, awserr.Classify(err)
	}
	a.keepSession(ctx, cfg, p.Name)
	return res, nil
}

// WalkSSO finds every cluster of every account and role of an SSO
// session's sign-in (discovery.WalkSSO). p names the files (and the
// profile, usually none) for the SDK's settings: CA bundle, endpoints,
// retries.
func (a *SDK) WalkSSO(ctx context.Context, p Ref, s discovery.SSOSession, opts discovery.SSOOptions) (*discovery.SSOResult, error) {
	cfg, err := a.Config(ctx, p)
	if err != nil {
		return nil, err
	}
	return discovery.WalkSSO(ctx, cfg, s, opts)
}

// keepSession keeps cfg's temporary credentials, already retrieved, as
// profile's role session (RoleSession).
func (a *SDK) keepSession(ctx context.Context, cfg aws.Config, profile string) {
	// The SDK's cache hands back what the calls used, with no new call.
	if creds, err := cfg.Credentials.Retrieve(ctx); err == nil && creds.CanExpire {
		a.mu.Lock()
		a.role = &roleSession{profile: profile, creds: creds, who: a.sessions.Assumed()}
		a.mu.Unlock()
	}
}
