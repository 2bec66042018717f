package doctor

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"

	"github.com/aws/aws-sdk-go-v2/aws"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"

	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/plugin/login"
	ptoken "github.com/eks-login/eks-login/plugin/token"
)

const (
	account  = "123456789012"
	roleARN  = "arn:aws:iam::" + account + ":role/EKSMyExampleViewer"
	userARN  = "arn:aws:iam::" + account + ":user/dev1"
	endpoint = "https://ABCDEF.gr7.ap-northeast-2.eks.amazonaws.com"
)

var (
	caData = base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
	now    = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
)

// fakeAWS answers by profile name.
type fakeAWS struct {
	ids      map[string]error // profile -> error of CallerIdentity (nil: ok)
	describe error
	cluster  Cluster
	iam      *fakeIAM
}

func (f *fakeAWS) CallerIdentity(_ context.Context, p login.ProfileRef) (login.Identity, error) {
	if err := f.ids[p.Name]; err != nil {
		return login.Identity{}, err
	}
	if p.Name == "dev1-eks" {
		return login.Identity{Account: account, ARN: "arn:aws:sts::" + account + ":assumed-role/EKSMyExampleViewer/dev1"}, nil
	}
	return login.Identity{Account: account, ARN: userARN}, nil
}

func (f *fakeAWS) DescribeCluster(_ context.Context, p login.ProfileRef, name string) (Cluster, error) {
	if f.describe != nil {
		return Cluster{}, f.describe
	}
	return f.cluster, nil
}

func (f *fakeAWS) IAM(context.Context, login.ProfileRef) (IAMReader, error) {
	if f.iam == nil {
		return nil, &awserr.Error{Kind: awserr.AccessDenied, Code: "AccessDenied", Message: "no"}
	}
	return f.iam, nil
}

type fakeIAM struct {
	denied   bool
	groups   []string
	policies map[string]string // group -> inline policy document
	trust    string
}

func (f *fakeIAM) ListGroupsForUser(context.Context, string) ([]string, error) {
	if f.denied {
		return nil, &awserr.Error{Kind: awserr.AccessDenied, Code: "AccessDenied", Message: "User: " + userARN + " is not authorized to perform: iam:ListGroupsForUser"}
	}
	return f.groups, nil
}
func (f *fakeIAM) ListGroupPolicies(_ context.Context, g string) ([]string, error) {
	if _, ok := f.policies[g]; ok {
		return []string{"assume"}, nil
	}
	return nil, nil
}
func (f *fakeIAM) GetGroupPolicy(_ context.Context, g, _ string) (string, error) {
	return f.policies[g], nil
}
func (f *fakeIAM) ListAttachedGroupPolicies(context.Context, string) ([]string, error) {
	return nil, nil
}
func (f *fakeIAM) RoleTrustPolicy(context.Context, string) (string, error) { return f.trust, nil }

// fakeKube answers the API server's questions.
type fakeKube struct {
	reach   error
	who     error
	allowed map[string]bool // resource -> allowed
}

func (k *fakeKube) Reach(context.Context) error { return k.reach }
func (k *fakeKube) WhoAmI(context.Context) (*authenticationv1.UserInfo, error) {
	if k.who != nil {
		return nil, k.who
	}
	return &authenticationv1.UserInfo{Username: "developer", Groups: []string{"developers", "system:authenticated"}}, nil
}
func (k *fakeKube) CanI(_ context.Context, a authorizationv1.ResourceAttributes) (bool, error) {
	return k.allowed[a.Resource], nil
}

// mint is the token command faked with a real token of fixed keys.
func mint(ctx context.Context, o *ptoken.Options) error {
	tok, err := token.New(ctx, token.Request{
		Credentials: aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrSECRETKEY", SessionToken: "session"},
		Region:      o.Region, ClusterName: o.ClusterName, Endpoint: token.EndpointRegional, Now: o.Now(),
	})
	if err != nil {
		return err
	}
	out, err := token.EncodeExecCredential(token.APIVersionV1beta1, tok)
	if err != nil {
		return err
	}
	_, err = o.IO.Out.Write(out)
	return err
}

const awsConfig = `[profile dev1]
region = ap-northeast-2

[profile dev1-eks]
role_arn = ` + roleARN + `
source_profile = dev1
region = ap-northeast-2
`

func kubeconfigFor(server, ca, command string) string {
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

type setup struct {
	aws        *fakeAWS
	kube       *fakeKube
	kubeconfig string
	token      func(context.Context, *ptoken.Options) error
	noPath     bool
	// onKube sees the rest.Config the API server client is built from.
	onKube  func(*rest.Config)
	context string // --context
}

func healthy() setup {
	return setup{
		aws: &fakeAWS{
			cluster: Cluster{Name: "my-example", ARN: "arn:aws:eks:ap-northeast-2:123456789012:cluster/my-example", Endpoint: endpoint, CAData: caData, Status: "ACTIVE", Version: "1.31", AuthMode: "API_AND_CONFIG_MAP"},
		},
		kube:       &fakeKube{allowed: map[string]bool{"pods": true, "secrets": false}},
		kubeconfig: kubeconfigFor(endpoint, caData, "kubectl-eks_login"),
		token:      mint,
	}
}

func run(t *testing.T, s setup, output string) (string, error) {
	t.Helper()
	home := t.TempDir()
	for name, content := range map[string]string{".aws/config": awsConfig, ".aws/credentials": "[dev1]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrSECRETKEY\n", ".kube/config": s.kubeconfig} {
		p := filepath.Join(home, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"HOME": home}
	var out bytes.Buffer
	o := &Options{
		IO:      &iostreams.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out},
		Getenv:  func(k string) string { return env[k] },
		Output:  output,
		Context: s.context,
		AWS:     s.aws,
		NewKube: func(c *rest.Config) (Kube, error) {
			if s.onKube != nil {
				s.onKube(c)
			}
			return s.kube, nil
		},
		Token: s.token,
		LookPath: func(name string) (string, error) {
			if s.noPath {
				return "", errors.New("not found")
			}
			return "/usr/local/bin/" + name, nil
		},
		IsTerminal: func() bool { return false },
		Now:        func() time.Time { return now },
	}
	err := runDoctor(context.Background(), o)
	return strings.ReplaceAll(out.String(), home, "$HOME"), err
}

func TestLinks(t *testing.T) {
	denied := &awserr.Error{Kind: awserr.AssumeRoleDenied, Code: "AccessDenied", Message: "User: " + userARN + " is not authorized to perform: sts:AssumeRole on resource: " + roleARN, Caller: userARN}
	assumePolicy := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + roleARN + `"}}`
	trustAccount := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"sts:AssumeRole"}]}`
	tests := []struct {
		name     string
		change   func(*setup)
		code     int
		link     string   // the first broken link; "" for none
		want     []string // in the output
		wantSkip []string
	}{
		{name: "healthy", code: 0, want: []string{"ok   credentials", "source credentials of " + userARN, "assumed role " + roleARN, "authentication mode API_AND_CONFIG_MAP",
			"server " + endpoint + " and CA match", "STS host sts.ap-northeast-2.amazonaws.com", "x-k8s-aws-id", "X-Amz-Expires=60", "valid until 2025-01-02T03:18:05Z",
			"the cluster takes you for developer (groups: developers, system:authenticated)", fmt.Sprintf("%-40s yes", "list pods (all namespaces)"), fmt.Sprintf("%-40s no", "list nodes")}},
		{name: "bad source credentials", code: exitcode.Credentials, link: LinkCredentials,
			change: func(s *setup) {
				s.aws.ids = map[string]error{"dev1": &awserr.Error{Kind: awserr.InvalidCredentials, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}}
			},
			want: []string{"FAIL credentials", "InvalidClientTokenId", "aws sts get-caller-identity --profile dev1"}, wantSkip: []string{LinkRole, LinkCluster, LinkToken}},
		{name: "role denied, IAM unreadable", code: exitcode.AccessDenied, link: LinkRole,
			change: func(s *setup) { s.aws.ids = map[string]error{"dev1-eks": denied}; s.aws.iam = &fakeIAM{denied: true} },
			want: []string{userARN + " is not allowed to assume role " + roleARN, "eks-login cannot tell why", "iam:ListGroupsForUser is denied",
				"kubectl eks-login admin iam --cluster my-example --role EKSMyExampleViewer --iam-group GROUP --user dev1"}},
		{name: "role denied, not in the group", code: exitcode.AccessDenied, link: LinkRole,
			change: func(s *setup) {
				s.aws.ids = map[string]error{"dev1-eks": denied}
				s.aws.iam = &fakeIAM{groups: []string{"Others"}, policies: map[string]string{"Others": `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}, trust: trustAccount}
			},
			want: []string{"is in group(s) Others, but no inline policy of them allows sts:AssumeRole", "the role's trust policy admits the caller's account"}},
		{name: "role denied, trust policy", code: exitcode.AccessDenied, link: LinkRole,
			change: func(s *setup) {
				s.aws.ids = map[string]error{"dev1-eks": denied}
				s.aws.iam = &fakeIAM{groups: []string{"Developers"}, policies: map[string]string{"Developers": assumePolicy}, trust: `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}`}
			},
			want: []string{"is in group(s) Developers whose policy allows sts:AssumeRole", "does not admit the caller", "must admit account " + account}},
		{name: "describe denied", code: exitcode.AccessDenied, link: LinkCluster,
			change: func(s *setup) {
				s.aws.describe = &awserr.Error{Kind: awserr.AccessDenied, Code: "AccessDeniedException", Message: "not authorized to perform: eks:DescribeCluster"}
			},
			want: []string{"may not call eks:DescribeCluster on cluster my-example"}},
		{name: "cluster not active", code: exitcode.Failure, link: LinkCluster,
			change: func(s *setup) { s.aws.cluster.Status = "CREATING" }, want: []string{"is CREATING"}},
		{name: "missing context named first", code: exitcode.Input, link: LinkKubeconfig,
			change: func(s *setup) { s.context = "nope" },
			want:   []string{`has no context "nope"`}, wantSkip: []string{LinkCredentials, LinkRole, LinkCluster, LinkToken}},
		{name: "unreadable kubeconfig named first", code: exitcode.Input, link: LinkKubeconfig,
			change: func(s *setup) { s.kubeconfig = "contexts: [\n" },
			want:   []string{"/.kube/config line 1: is not valid YAML"}, wantSkip: []string{LinkCredentials, LinkRole, LinkCluster, LinkToken}},
		{name: "stale server", code: exitcode.Input, link: LinkKubeconfig,
			change: func(s *setup) {
				s.kubeconfig = kubeconfigFor("https://127.0.0.1:6444", caData, "kubectl-eks_login")
				s.kube.reach = &kube.TransportError{Server: "https://127.0.0.1:6444", Err: errors.New("connection refused")}
			},
			want: []string{"the server https://127.0.0.1:6444 is stale: cluster my-example's endpoint is " + endpoint,
				"fix: kubectl eks-login --cluster my-example --role-arn " + roleARN + " --source-profile dev1 --profile dev1-eks --region ap-northeast-2 (rewrites the context)",
				"FAIL apiserver"}},
		{name: "exec not on PATH", code: exitcode.Input, link: LinkKubeconfig,
			change: func(s *setup) { s.noPath = true }, want: []string{"kubectl-eks_login is not on PATH"}},
		{name: "token fails", code: exitcode.Credentials, link: LinkToken,
			change: func(s *setup) {
				s.token = func(context.Context, *ptoken.Options) error {
					return exitcode.Errorf(exitcode.Credentials, "the credentials have expired")
				}
			},
			want: []string{"the token command failed: the credentials have expired"}, wantSkip: []string{LinkAuthentication, LinkAuthorization}},
		{name: "unreachable", code: exitcode.Network, link: LinkAPIServer,
			change: func(s *setup) {
				s.kube.reach = &kube.TransportError{Server: endpoint, Err: errors.New("dial tcp: i/o timeout")}
			},
			want: []string{"cannot reach the API server"}},
		{name: "not mapped", code: exitcode.Unauthorized, link: LinkAuthentication,
			change: func(s *setup) { s.kube.who = apierrors.NewUnauthorized("Unauthorized") },
			want: []string{"401 Unauthorized: " + roleARN + " is not mapped", "no aws-auth entry and no EKS access entry",
				"kubectl eks-login admin map --role-arn " + roleARN + " --username eksmyexampleviewer --group GROUP", "admin list"}},
		{name: "no binding", code: exitcode.Forbidden, link: LinkAuthorization,
			change: func(s *setup) { s.kube.allowed = nil },
			want:   []string{"developer (groups: developers, system:authenticated) may do none of", "kubectl eks-login admin bind --group developers --clusterrole view"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := healthy()
			if tt.change != nil {
				tt.change(&s)
			}
			out, err := run(t, s, "")
			if got := exitcode.Of(err); got != tt.code {
				t.Errorf("exit code %d, want %d (%v)\n%s", got, tt.code, err, out)
			}
			if tt.link != "" && (err == nil || !strings.Contains(err.Error(), fmt.Sprintf("link %q is broken", tt.link))) {
				t.Errorf("error %v, want link %q named", err, tt.link)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, l := range tt.wantSkip {
				if !strings.Contains(out, "skip "+l) {
					t.Errorf("link %s not skipped:\n%s", l, out)
				}
			}
			for _, secret := range []string{"wJalrSECRETKEY", "k8s-aws-v1.", "AKIDEXAMPLE", "X-Amz-Signature"} {
				if strings.Contains(out, secret) {
					t.Errorf("output holds %q:\n%s", secret, out)
				}
			}
		})
	}
}

// TestAPIServerGetsTheMintedToken: the API server link talks to the
// context's server with the token the token link minted, instead of running
// the exec entry again.
func TestAPIServerGetsTheMintedToken(t *testing.T) {
	s := healthy()
	var got *rest.Config
	s.onKube = func(c *rest.Config) { got = c }
	if _, err := run(t, s, ""); err != nil {
		t.Fatal(err)
	}
	switch {
	case got == nil:
		t.Fatal("no API server client was built")
	case got.ExecProvider != nil:
		t.Errorf("the exec entry %q would run again", got.ExecProvider.Command)
	case !strings.HasPrefix(got.BearerToken, "k8s-aws-v1."):
		t.Errorf("bearer token %.12q, want the minted k8s-aws-v1 token", got.BearerToken)
	case got.Host != endpoint || got.Timeout == 0:
		t.Errorf("host %q, timeout %v", got.Host, got.Timeout)
	}
}

func TestJSONGolden(t *testing.T) {
	s := healthy()
	s.kube.who = apierrors.NewUnauthorized("Unauthorized")
	out, err := run(t, s, "json")
	if exitcode.Of(err) != exitcode.Unauthorized {
		t.Errorf("exit code %d, want %d", exitcode.Of(err), exitcode.Unauthorized)
	}
	golden.Check(t, "unmapped.json", out)
}

func TestTerminalMarks(t *testing.T) {
	var out bytes.Buffer
	o := &Options{IO: &iostreams.IOStreams{Out: &out}, IsTerminal: func() bool { return true }}
	o.print([]Finding{{Link: "role", Status: StatusOK}, {Link: "token", Status: StatusFail, Fix: "x"}, {Link: "kubeconfig", Status: StatusWarn}}, "")
	for _, w := range []string{"✓ role", "✗ token", "! kubeconfig", "fix: x"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, out.String())
		}
	}
}

func TestBadOutput(t *testing.T) {
	err := runDoctor(context.Background(), &Options{Output: "yaml"})
	if exitcode.Of(err) != exitcode.Usage {
		t.Errorf("got %v", err)
	}
}

func TestPolicies(t *testing.T) {
	for _, tt := range []struct {
		doc  string
		want bool
	}{
		{`{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + roleARN + `"}}`, true},
		{`{"Statement":[{"Effect":"Allow","Action":["iam:ListRoles","sts:Assume*"],"Resource":"arn:aws:iam::*:role/EKS*"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/Other"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sts:*","Resource":"*"}]}`, false},
	} {
		v, err := allowsAssume(tt.doc, roleARN)
		if err != nil || (v.Allowed && !v.Denied) != tt.want {
			t.Errorf("allowsAssume(%s) = %+v, %v; want %v", tt.doc, v, err, tt.want)
		}
	}
	for _, tt := range []struct {
		doc  string
		want bool
	}{
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["` + userARN + `"]},"Action":"sts:AssumeRole"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, false},
	} {
		got, err := trustAdmits(tt.doc, account, userARN)
		if err != nil || got != tt.want {
			t.Errorf("trustAdmits(%s) = %v, %v; want %v", tt.doc, got, err, tt.want)
		}
	}
}
