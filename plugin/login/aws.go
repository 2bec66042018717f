package login

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/prompt"
	tokencmd "github.com/eks-login/eks-login/plugin/token"
)

// AWS is what login asks of AWS. The real one goes through the SDK; tests
// use a fake.
type AWS interface {
	// CallerIdentity is STS GetCallerIdentity as profile p.
	CallerIdentity(ctx context.Context, p ProfileRef) (Identity, error)
	// DescribeCluster is EKS DescribeCluster as profile p.
	DescribeCluster(ctx context.Context, p ProfileRef, name string) (Cluster, error)
}

// ProfileRef names a profile and the files to read it from. Login passes a
// temporary copy of the planned config file, so the role profile is tried
// before anything is written.
type ProfileRef struct {
	Name, Region    string
	ConfigFile      string
	CredentialsFile string
}

// Identity is an STS caller identity.
type Identity struct {
	Account, ARN string
}

// Cluster is the part of DescribeCluster's answer login uses.
type Cluster struct {
	Name, ARN, Endpoint string
	CAData              string // base64 of PEM, as EKS returns it
	Status              string
	Version             string
}

// sdkAWS is the real AWS, through aws-sdk-go-v2.
type sdkAWS struct {
	// mfa asks for MFA codes: once per role, on stdin or the terminal.
	mfa *prompt.MFA
	// loadOptions are added to every config load; tests point the SDK at a
	// local endpoint with them.
	loadOptions []func(*config.LoadOptions) error

	mu sync.Mutex

	// sessions names role sessions as the token command does; role keeps
	// the credentials DescribeCluster assumed, for the token cache.
	sessions *tokencmd.RoleSessions
	role     *roleSession
}

// roleSession is a role profile's temporary credentials and who they are.
type roleSession struct {
	profile string
	creds   aws.Credentials
	who     tokencmd.Assumed
}

func newSDKAWS(in io.Reader, errOut io.Writer) *sdkAWS {
	return &sdkAWS{mfa: &prompt.MFA{In: in, Out: errOut, Allowed: true}, sessions: tokencmd.NewRoleSessions(nil)}
}

// RoleSession returns the temporary credentials DescribeCluster got for
// profile, so that login can hand them to the token command's cache: with
// an MFA profile, the code is then asked once, not again at the first
// kubectl call.
func (a *sdkAWS) RoleSession(profile string) (aws.Credentials, tokencmd.Assumed, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.role == nil || a.role.profile != profile {
		return aws.Credentials{}, tokencmd.Assumed{}, false
	}
	return a.role.creds, a.role.who, true
}

func (a *sdkAWS) load(ctx context.Context, p ProfileRef) (aws.Config, error) {
	cfg, err := awsclient.Load(ctx, awsclient.Request{
		Profile: p.Name, Region: p.Region,
		ConfigFile: p.ConfigFile, CredentialsFile: p.CredentialsFile,
		MFA: a.mfa.Code, AssumeRole: a.sessions.Adjust,
		Options: a.loadOptions,
	})
	if err != nil {
		return aws.Config{}, awserr.Classify(err)
	}
	return cfg, nil
}

func (a *sdkAWS) CallerIdentity(ctx context.Context, p ProfileRef) (Identity, error) {
	cfg, err := a.load(ctx, p)
	if err != nil {
		return Identity{}, err
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, awserr.Classify(err)
	}
	return Identity{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn)}, nil
}

func (a *sdkAWS) DescribeCluster(ctx context.Context, p ProfileRef, name string) (Cluster, error) {
	cfg, err := a.load(ctx, p)
	if err != nil {
		return Cluster{}, err
	}
	out, err := eks.NewFromConfig(cfg).DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
	if err != nil {
		return Cluster{}, awserr.Classify(err)
	}
	c := out.Cluster
	if c == nil {
		return Cluster{}, awserr.Classify(errors.New("DescribeCluster answered without a cluster"))
	}
	// The cache hands back what DescribeCluster used, with no new call.
	if creds, err := cfg.Credentials.Retrieve(ctx); err == nil && creds.CanExpire {
		a.mu.Lock()
		a.role = &roleSession{profile: p.Name, creds: creds, who: a.sessions.Assumed()}
		a.mu.Unlock()
	}
	cl := Cluster{Name: aws.ToString(c.Name), ARN: aws.ToString(c.Arn), Endpoint: aws.ToString(c.Endpoint), Status: string(c.Status), Version: aws.ToString(c.Version)}
	if c.CertificateAuthority != nil {
		cl.CAData = aws.ToString(c.CertificateAuthority.Data)
	}
	return cl, nil
}

// SDK is login's AWS through aws-sdk-go-v2, for commands (doctor) that must
// load profiles, prompt for MFA and sort errors exactly as login does.
type SDK = sdkAWS

// NewSDK returns login's AWS through the SDK.
func NewSDK(in io.Reader, errOut io.Writer) *SDK { return newSDKAWS(in, errOut) }

// Config loads profile p as login does; its errors are *awserr.Error.
func (a *sdkAWS) Config(ctx context.Context, p ProfileRef) (aws.Config, error) { return a.load(ctx, p) }
