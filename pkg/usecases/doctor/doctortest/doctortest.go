// Package doctortest is the world doctor's tests run in, for the use case
// and for the command: a home with a role profile and a kubeconfig context
// for cluster my-example, and fakes of AWS, IAM, the API server and the
// token mint, each of which a test can break.
package doctortest

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/client-go/rest"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/awsprofile"
	"github.com/eks-login/eks-login/pkg/env"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/usecases/doctor"
	"github.com/eks-login/eks-login/pkg/usecases/gettoken"
)

// The world's names.
const (
	Account  = "123456789012"
	RoleARN  = "arn:aws:iam::" + Account + ":role/EKSMyExampleViewer"
	UserARN  = "arn:aws:iam::" + Account + ":user/dev1"
	Endpoint = "https://ABCDEF.gr7.ap-northeast-2.eks.amazonaws.com"
	// Secret is dev1's secret key, which no output may show.
	Secret = "wJalrSECRETKEY"
)

var (
	// CAData is the cluster's CA, as DescribeCluster and the kubeconfig give it.
	CAData = base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
	// Now is the world's clock.
	Now = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
)

// AWS answers by profile name.
type AWS struct {
	IDs      map[string]error // profile -> error of CallerIdentity (nil: ok)
	Describe error
	Cluster  awsprofile.Cluster
	IAMFake  *IAM // nil: IAM may not be read
}

func (f *AWS) CallerIdentity(_ context.Context, p awsprofile.Ref) (awsprofile.Identity, error) {
	if err := f.IDs[p.Name]; err != nil {
		return awsprofile.Identity{}, err
	}
	if p.Name == "dev1-eks" {
		return awsprofile.Identity{Account: Account, ARN: "arn:aws:sts::" + Account + ":assumed-role/EKSMyExampleViewer/dev1"}, nil
	}
	return awsprofile.Identity{Account: Account, ARN: UserARN}, nil
}

func (f *AWS) DescribeCluster(_ context.Context, p awsprofile.Ref, name string) (awsprofile.Cluster, error) {
	if f.Describe != nil {
		return awsprofile.Cluster{}, f.Describe
	}
	return f.Cluster, nil
}

func (f *AWS) IAM(context.Context, awsprofile.Ref) (awsprofile.IAMReader, error) {
	if f.IAMFake == nil {
		return nil, &awserr.Error{Kind: awserr.AccessDenied, Code: "AccessDenied", Message: "no"}
	}
	return f.IAMFake, nil
}

// IAM is the caller's groups, their inline policies and the role's trust.
type IAM struct {
	Denied   bool
	Groups   []string
	Policies map[string]string // group -> inline policy document
	Trust    string
}

func (f *IAM) ListGroupsForUser(context.Context, string) ([]string, error) {
	if f.Denied {
		return nil, &awserr.Error{Kind: awserr.AccessDenied, Code: "AccessDenied", Message: "User: " + UserARN + " is not authorized to perform: iam:ListGroupsForUser"}
	}
	return f.Groups, nil
}

func (f *IAM) ListGroupPolicies(_ context.Context, g string) ([]string, error) {
	if _, ok := f.Policies[g]; ok {
		return []string{"assume"}, nil
	}
	return nil, nil
}

func (f *IAM) GetGroupPolicy(_ context.Context, g, _ string) (string, error) {
	return f.Policies[g], nil
}

func (f *IAM) ListAttachedGroupPolicies(context.Context, string) ([]string, error) {
	return nil, nil
}

func (f *IAM) RoleTrustPolicy(context.Context, string) (string, error) { return f.Trust, nil }

// Kube answers the API server's questions.
type Kube struct {
	ReachErr error
	WhoErr   error
	Allowed  map[string]bool // resource -> allowed
}

func (k *Kube) Reach(context.Context) error { return k.ReachErr }

func (k *Kube) WhoAmI(context.Context) (*authenticationv1.UserInfo, error) {
	if k.WhoErr != nil {
		return nil, k.WhoErr
	}
	return &authenticationv1.UserInfo{Username: "developer", Groups: []string{"developers", "system:authenticated"}}, nil
}

func (k *Kube) CanI(_ context.Context, a authorizationv1.ResourceAttributes) (bool, error) {
	return k.Allowed[a.Resource], nil
}

// Mint is the token mint faked with a real token of fixed keys.
func Mint(ctx context.Context, _ func(string) string, in gettoken.Input) (token.Token, error) {
	return token.New(ctx, token.Request{
		Credentials: aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: Secret, SessionToken: "session"},
		Region:      in.Region, ClusterName: in.ClusterName, Endpoint: token.EndpointRegional, Now: Now,
	})
}

const awsConfig = `[profile dev1]
region = ap-northeast-2

[profile dev1-eks]
role_arn = ` + RoleARN + `
source_profile = dev1
region = ap-northeast-2
`

// KubeconfigFor is the kubeconfig of context my-example, with server, CA
// and exec command.
func KubeconfigFor(server, ca, command string) string {
	return `apiVersion: v1
kind: Config
clusters:
- name: arn:aws:eks:ap-northeast-2:123456789012:cluster/my-example
  cluster:
    server: ` + server + `
    certificate-authority-data: ` + ca + `
users:
- name: dev1-eks@my-example
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ` + command + `
      args: [token, --cluster-name, my-example, --profile, dev1-eks, --region, ap-northeast-2]
contexts:
- name: my-example
  context:
    cluster: arn:aws:eks:ap-northeast-2:123456789012:cluster/my-example
    user: dev1-eks@my-example
current-context: my-example
`
}

// Setup is one world; each field can be broken by a test.
type Setup struct {
	AWS        *AWS
	Kube       *Kube
	Kubeconfig string
	Token      doctor.MintToken
	NoPath     bool
	// OnKube sees the rest.Config the API server client is built from.
	OnKube func(*rest.Config)
	// Context is --context.
	Context string
}

// Healthy is a world in which every link holds.
func Healthy() Setup {
	return Setup{
		AWS: &AWS{
			Cluster: awsprofile.Cluster{Name: "my-example", ARN: "arn:aws:eks:ap-northeast-2:123456789012:cluster/my-example", Endpoint: Endpoint, CAData: CAData, Status: "ACTIVE", Version: "1.31", AuthMode: "API_AND_CONFIG_MAP"},
		},
		Kube:       &Kube{Allowed: map[string]bool{"pods": true, "secrets": false}},
		Kubeconfig: KubeconfigFor(Endpoint, CAData, "kubectl-eks_login"),
		Token:      Mint,
	}
}

// Doctor writes the world's home and returns the use case in it, the
// input, and the home.
func (s Setup) Doctor(t *testing.T) (*doctor.Doctor, doctor.Input, string) {
	t.Helper()
	home := t.TempDir()
	for name, content := range map[string]string{".aws/config": awsConfig, ".aws/credentials": "[dev1]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = " + Secret + "\n", ".kube/config": s.Kubeconfig} {
		p := filepath.Join(home, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	vars := map[string]string{"HOME": home}
	d := &doctor.Doctor{
		Env: env.Env{Getenv: func(k string) string { return vars[k] }, Environ: func() []string { return nil }, Now: func() time.Time { return Now }},
		AWS: s.AWS,
		NewKube: func(c *rest.Config) (doctor.Kube, error) {
			if s.OnKube != nil {
				s.OnKube(c)
			}
			return s.Kube, nil
		},
		Token: s.Token,
		LookPath: func(name string) (string, error) {
			if s.NoPath {
				return "", errors.New("not found")
			}
			return "/usr/local/bin/" + name, nil
		},
	}
	return d, doctor.Input{Context: s.Context}, home
}
