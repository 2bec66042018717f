package login

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"github.com/eks-login/eks-login/pkg/awserr"
	"io"
	"net"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
	"github.com/eks-login/eks-login/pkg/awsapi/config"
	"github.com/eks-login/eks-login/pkg/awsapi/eks"
	"github.com/eks-login/eks-login/pkg/awsapi/ssocreds"
	"github.com/eks-login/eks-login/pkg/awsapi/sts"
	"github.com/eks-login/eks-login/pkg/awsapi/stscreds"
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
	// MFASerial names the device in the MFA prompt; the SDK reads the
	// profile's own mfa_serial to decide whether to ask.
	MFASerial string
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

// ErrorKind sorts AWS failures by what the user has to do about them.
type ErrorKind int

const (
	KindOther            ErrorKind = iota
	KindAssumeRoleDenied           // STS refused AssumeRole of the profile's role
	KindAccessDenied               // the call itself was refused (eks:DescribeCluster)
	KindNotFound                   // no such cluster
	KindCredentials                // no, expired or invalid credentials; a wrong MFA code
	KindNetwork                    // no answer
)

// AWSError is a classified AWS failure.
type AWSError struct {
	Kind ErrorKind
	// Code and Message are AWS's, when it answered.
	Code, Message string
	// Caller is the identity AWS named in an AccessDenied message, if any.
	Caller string
	Err    error
}

func (e *AWSError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	return e.Err.Error()
}

func (e *AWSError) Unwrap() error { return e.Err }

// sdkAWS is the real AWS, through aws-sdk-go-v2.
type sdkAWS struct {
	in     io.Reader
	errOut io.Writer
	// loadOptions are added to every config load; tests point the SDK at a
	// local endpoint with them.
	loadOptions []func(*config.LoadOptions) error

	mu     sync.Mutex
	reader *bufio.Reader

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
	return &sdkAWS{in: in, errOut: errOut, sessions: tokencmd.NewRoleSessions(nil)}
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
	opts := []func(*config.LoadOptions) error{
		config.WithSharedConfigProfile(p.Name),
		config.WithSharedConfigFiles([]string{p.ConfigFile}),
		config.WithSharedCredentialsFiles([]string{p.CredentialsFile}),
		config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) {
			a.sessions.Adjust(o)
			o.TokenProvider = func() (string, error) { return a.mfaCode(p.MFASerial) }
		}),
	}
	if p.Region != "" {
		opts = append(opts, config.WithRegion(p.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, append(opts, a.loadOptions...)...)
	if err != nil {
		return aws.Config{}, classify(err)
	}
	return cfg, nil
}

// mfaCode asks for the code of the profile's mfa_serial device. The SDK
// calls it only for a profile that has one.
func (a *sdkAWS) mfaCode(serial string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.reader == nil {
		a.reader = bufio.NewReader(a.in)
	}
	if serial != "" {
		fmt.Fprintf(a.errOut, "MFA code for %s: ", serial)
	} else {
		fmt.Fprint(a.errOut, "MFA code: ")
	}
	line, err := a.reader.ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("cannot read the MFA code from standard input: %w", err)
	}
	return strings.TrimSpace(line), nil
}

func (a *sdkAWS) CallerIdentity(ctx context.Context, p ProfileRef) (Identity, error) {
	cfg, err := a.load(ctx, p)
	if err != nil {
		return Identity{}, err
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, classify(err)
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
		return Cluster{}, classify(err)
	}
	c := out.Cluster
	if c == nil {
		return Cluster{}, &AWSError{Kind: KindOther, Err: errors.New("DescribeCluster answered without a cluster")}
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

// classify sorts an SDK error. A refused AssumeRole reaches us wrapped in the
// error of the call that needed the credentials (EKS DescribeCluster: get
// identity: get credentials: ... STS AssumeRole ...), so the chain is walked
// for an STS AssumeRole operation before the outer call is looked at.
func classify(err error) error {
	var existing *AWSError
	if errors.As(err, &existing) {
		return err
	}
	out := &AWSError{Kind: KindOther, Err: err}
	var api smithy.APIError
	if errors.As(err, &api) {
		out.Code, out.Message = api.ErrorCode(), api.ErrorMessage()
		out.Caller = awserr.CallerInMessage(out.Message)
	}
	assumeRole := false
	for e := err; e != nil; e = errors.Unwrap(e) {
		var op *smithy.OperationError
		if errors.As(e, &op) && op.ServiceID == "STS" && strings.HasPrefix(op.OperationName, "AssumeRole") {
			assumeRole = true
			break
		}
	}
	var notExist config.SharedConfigProfileNotExistError
	var assumeMissing config.SharedConfigAssumeRoleError
	var badProfile *config.ProfileError
	var signIn *ssocreds.InvalidTokenError
	var dns *net.DNSError
	var opErr *net.OpError
	kind := awserr.KindOfCode(out.Code)
	switch {
	case strings.Contains(out.Message, "MultiFactorAuthentication"), errors.As(err, &signIn):
		out.Kind = KindCredentials
	case assumeRole && kind == awserr.AccessDenied:
		out.Kind = KindAssumeRoleDenied
	case kind == awserr.AccessDenied:
		out.Kind = KindAccessDenied
	case kind == awserr.NotFound:
		out.Kind = KindNotFound
	case kind.IsCredentials(), errors.As(err, &notExist), errors.As(err, &assumeMissing), errors.As(err, &badProfile):
		out.Kind = KindCredentials
	case out.Code == "" && (errors.As(err, &dns) || errors.As(err, &opErr) || errors.Is(err, context.DeadlineExceeded)):
		out.Kind = KindNetwork
	case out.Code == "" && strings.Contains(err.Error(), "failed to retrieve credentials"),
		out.Code == "" && strings.Contains(err.Error(), "get credentials"):
		out.Kind = KindCredentials
	}
	return out
}

// SDK is login's AWS through aws-sdk-go-v2, for commands (doctor) that must
// load profiles, prompt for MFA and sort errors exactly as login does.
type SDK = sdkAWS

// NewSDK returns login's AWS through the SDK.
func NewSDK(in io.Reader, errOut io.Writer) *SDK { return newSDKAWS(in, errOut) }

// Config loads profile p as login does; its errors are *AWSError.
func (a *sdkAWS) Config(ctx context.Context, p ProfileRef) (aws.Config, error) { return a.load(ctx, p) }

// Classify sorts an SDK error into an *AWSError, as login does.
func Classify(err error) error { return classify(err) }
