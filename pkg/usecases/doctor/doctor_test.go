package doctor_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/usecases/doctor"
	"github.com/eks-login/eks-login/pkg/usecases/doctor/doctortest"
	"github.com/eks-login/eks-login/pkg/usecases/gettoken"
)

const (
	account  = doctortest.Account
	roleARN  = doctortest.RoleARN
	userARN  = doctortest.UserARN
	endpoint = doctortest.Endpoint
)

// diagnose runs the use case in s's world and renders the findings as
// "LINK STATUS: DETAIL", "fix: FIX" and "WHAT=yes|no" lines, home as $HOME.
func diagnose(t *testing.T, s doctortest.Setup) (*doctor.Report, string) {
	t.Helper()
	d, in, home := s.Doctor(t)
	r := d.Diagnose(context.Background(), in)
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s %s: %s\n", f.Link, f.Status, f.Detail)
		for _, row := range f.Table {
			fmt.Fprintf(&b, "%s=%v\n", row.What, map[bool]string{true: "yes", false: "no"}[row.Allowed])
		}
		if f.Fix != "" {
			fmt.Fprintf(&b, "fix: %s\n", f.Fix)
		}
	}
	return r, strings.ReplaceAll(b.String(), home, "$HOME")
}

func TestLinks(t *testing.T) {
	denied := &awserr.Error{Kind: awserr.AssumeRoleDenied, Code: "AccessDenied", Message: "User: " + userARN + " is not authorized to perform: sts:AssumeRole on resource: " + roleARN, Caller: userARN}
	assumePolicy := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + roleARN + `"}}`
	trustAccount := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"sts:AssumeRole"}]}`
	tests := []struct {
		name     string
		change   func(*doctortest.Setup)
		code     int
		link     string   // the first broken link; "" for none
		want     []string // in the rendered findings
		wantSkip []string
	}{
		{name: "healthy", code: 0, want: []string{"credentials ok: ", "source credentials of " + userARN, "assumed role " + roleARN, "authentication mode API_AND_CONFIG_MAP",
			"server " + endpoint + " and CA match", "STS host sts.ap-northeast-2.amazonaws.com", "x-k8s-aws-id", "X-Amz-Expires=60", "valid until 2025-01-02T03:18:05Z",
			"the cluster takes you for developer (groups: developers, system:authenticated)", "list pods (all namespaces)=yes", "list nodes=no", "authorization ok: "}},
		{name: "bad source credentials", code: exitcode.Credentials, link: doctor.LinkCredentials,
			change: func(s *doctortest.Setup) {
				s.AWS.IDs = map[string]error{"dev1": &awserr.Error{Kind: awserr.InvalidCredentials, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}}
			},
			want: []string{"credentials fail: ", "InvalidClientTokenId", "aws sts get-caller-identity --profile dev1"}, wantSkip: []string{doctor.LinkRole, doctor.LinkCluster, doctor.LinkToken}},
		{name: "role denied, IAM unreadable", code: exitcode.AccessDenied, link: doctor.LinkRole,
			change: func(s *doctortest.Setup) {
				s.AWS.IDs = map[string]error{"dev1-eks": denied}
				s.AWS.IAMFake = &doctortest.IAM{Denied: true}
			},
			want: []string{userARN + " is not allowed to assume role " + roleARN, "eks-login cannot tell why", "iam:ListGroupsForUser is denied",
				"kubectl eks-login admin iam --cluster my-example --role EKSMyExampleViewer --iam-group GROUP --user dev1"}},
		{name: "role denied, not in the group", code: exitcode.AccessDenied, link: doctor.LinkRole,
			change: func(s *doctortest.Setup) {
				s.AWS.IDs = map[string]error{"dev1-eks": denied}
				s.AWS.IAMFake = &doctortest.IAM{Groups: []string{"Others"}, Policies: map[string]string{"Others": `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}, Trust: trustAccount}
			},
			want: []string{"is in group(s) Others, but no inline policy of them allows sts:AssumeRole", "the role's trust policy admits the caller's account"}},
		{name: "role denied, trust policy", code: exitcode.AccessDenied, link: doctor.LinkRole,
			change: func(s *doctortest.Setup) {
				s.AWS.IDs = map[string]error{"dev1-eks": denied}
				s.AWS.IAMFake = &doctortest.IAM{Groups: []string{"Developers"}, Policies: map[string]string{"Developers": assumePolicy}, Trust: `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}`}
			},
			want: []string{"is in group(s) Developers whose policy allows sts:AssumeRole", "does not admit the caller", "must admit account " + account}},
		{name: "describe denied", code: exitcode.AccessDenied, link: doctor.LinkCluster,
			change: func(s *doctortest.Setup) {
				s.AWS.Describe = &awserr.Error{Kind: awserr.AccessDenied, Code: "AccessDeniedException", Message: "not authorized to perform: eks:DescribeCluster"}
			},
			want: []string{"may not call eks:DescribeCluster on cluster my-example"}},
		{name: "no such cluster", code: exitcode.Input, link: doctor.LinkCluster,
			change: func(s *doctortest.Setup) {
				s.AWS.Describe = &awserr.Error{Kind: awserr.NotFound, Code: "ResourceNotFoundException", Message: "No cluster found"}
			},
			want: []string{"there is no EKS cluster my-example in region ap-northeast-2"}},
		{name: "cluster not active", code: exitcode.Failure, link: doctor.LinkCluster,
			change: func(s *doctortest.Setup) { s.AWS.Cluster.Status = "CREATING" }, want: []string{"is CREATING"}},
		{name: "missing context named first", code: exitcode.Input, link: doctor.LinkKubeconfig,
			change: func(s *doctortest.Setup) { s.Context = "nope" },
			want:   []string{`has no context "nope"`}, wantSkip: []string{doctor.LinkCredentials, doctor.LinkRole, doctor.LinkCluster, doctor.LinkToken}},
		{name: "unreadable kubeconfig named first", code: exitcode.Input, link: doctor.LinkKubeconfig,
			change: func(s *doctortest.Setup) { s.Kubeconfig = "contexts: [\n" },
			want:   []string{"/.kube/config line 1: is not valid YAML"}, wantSkip: []string{doctor.LinkCredentials, doctor.LinkRole, doctor.LinkCluster, doctor.LinkToken}},
		{name: "stale server", code: exitcode.Input, link: doctor.LinkKubeconfig,
			change: func(s *doctortest.Setup) {
				s.Kubeconfig = doctortest.KubeconfigFor("https://127.0.0.1:6444", doctortest.CAData, "kubectl-eks_login")
				s.Kube.ReachErr = &kube.TransportError{Server: "https://127.0.0.1:6444", Err: errors.New("connection refused")}
			},
			want: []string{"the server https://127.0.0.1:6444 is stale: cluster my-example's endpoint is " + endpoint,
				"fix: kubectl eks-login --cluster my-example --role-arn " + roleARN + " --source-profile dev1 --profile dev1-eks --region ap-northeast-2 (rewrites the context)",
				"apiserver fail: "}},
		{name: "another CA", code: exitcode.Input, link: doctor.LinkKubeconfig,
			change: func(s *doctortest.Setup) {
				s.Kubeconfig = doctortest.KubeconfigFor(endpoint, "Q0E=", "kubectl-eks_login")
			},
			want: []string{"is not cluster my-example's CA"}},
		{name: "exec not on PATH", code: exitcode.Input, link: doctor.LinkKubeconfig,
			change: func(s *doctortest.Setup) { s.NoPath = true }, want: []string{"kubectl-eks_login is not on PATH"}},
		{name: "token fails", code: exitcode.Credentials, link: doctor.LinkToken,
			change: func(s *doctortest.Setup) {
				s.Token = func(context.Context, func(string) string, gettoken.Input) (token.Token, error) {
					return token.Token{}, exitcode.Errorf(exitcode.Credentials, "the credentials have expired")
				}
			},
			want: []string{"the token command failed: the credentials have expired"}, wantSkip: []string{doctor.LinkAuthentication, doctor.LinkAuthorization}},
		{name: "token of the wrong shape", code: exitcode.Failure, link: doctor.LinkToken,
			change: func(s *doctortest.Setup) {
				s.Token = func(ctx context.Context, getenv func(string) string, in gettoken.Input) (token.Token, error) {
					in.Region = "eu-west-1"
					tok, err := doctortest.Mint(ctx, getenv, in)
					tok.Expiration = doctortest.Now.Add(-time.Minute)
					return tok, err
				}
			},
			want: []string{"the token has the wrong shape: it names STS host sts.eu-west-1.amazonaws.com, not sts.ap-northeast-2.amazonaws.com; it has already expired"}},
		{name: "unreachable", code: exitcode.Network, link: doctor.LinkAPIServer,
			change: func(s *doctortest.Setup) {
				s.Kube.ReachErr = &kube.TransportError{Server: endpoint, Err: errors.New("dial tcp: i/o timeout")}
			},
			want: []string{"cannot reach the API server"}},
		{name: "not mapped", code: exitcode.Unauthorized, link: doctor.LinkAuthentication,
			change: func(s *doctortest.Setup) { s.Kube.WhoErr = apierrors.NewUnauthorized("Unauthorized") },
			want: []string{"401 Unauthorized: " + roleARN + " is not mapped", "no aws-auth entry and no EKS access entry",
				"kubectl eks-login admin map --role-arn " + roleARN + " --username eksmyexampleviewer --group GROUP", "admin list"}},
		{name: "no binding", code: exitcode.Forbidden, link: doctor.LinkAuthorization,
			change: func(s *doctortest.Setup) { s.Kube.Allowed = nil },
			want:   []string{"developer (groups: developers, system:authenticated) may do none of", "kubectl eks-login admin bind --group developers --clusterrole view", "list pods (all namespaces)=no"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := doctortest.Healthy()
			if tt.change != nil {
				tt.change(&s)
			}
			r, out := diagnose(t, s)
			err := r.Err()
			if got := exitcode.Of(err); got != tt.code {
				t.Errorf("exit code %d, want %d (%v)\n%s", got, tt.code, err, out)
			}
			if tt.link != "" && (err == nil || !strings.Contains(err.Error(), fmt.Sprintf("link %q is broken", tt.link))) {
				t.Errorf("error %v, want link %q named", err, tt.link)
			}
			if len(r.Findings) != 8 {
				t.Errorf("%d findings, want one for each of the 8 links", len(r.Findings))
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("findings lack %q:\n%s", w, out)
				}
			}
			for _, l := range tt.wantSkip {
				if !strings.Contains(out, l+" skip: ") {
					t.Errorf("link %s not skipped:\n%s", l, out)
				}
			}
			for _, secret := range []string{doctortest.Secret, "k8s-aws-v1.", "AKIDEXAMPLE", "X-Amz-Signature"} {
				if strings.Contains(out, secret) || strings.Contains(fmt.Sprint(err), secret) {
					t.Errorf("the findings hold %q:\n%s", secret, out)
				}
			}
		})
	}
}

// TestAPIServerGetsTheMintedToken: the API server link talks to the
// context's server with the token the token link minted, instead of running
// the exec entry again.
func TestAPIServerGetsTheMintedToken(t *testing.T) {
	s := doctortest.Healthy()
	var got *rest.Config
	s.OnKube = func(c *rest.Config) { got = c }
	if r, _ := diagnose(t, s); r.Err() != nil {
		t.Fatal(r.Err())
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

// TestTokenLinkGetsTheExecEntry: the token is minted as the exec entry
// would get it: its arguments, without the cache, and its env entries over
// doctor's environment.
func TestTokenLinkGetsTheExecEntry(t *testing.T) {
	s := doctortest.Healthy()
	s.Kubeconfig = strings.Replace(s.Kubeconfig, "      args:", "      env: [{name: AWS_PROFILE, value: from-entry}]\n      args:", 1)
	var gotIn gettoken.Input
	var gotProfileVar string
	s.Token = func(ctx context.Context, getenv func(string) string, in gettoken.Input) (token.Token, error) {
		gotIn, gotProfileVar = in, getenv("AWS_PROFILE")
		return doctortest.Mint(ctx, getenv, in)
	}
	if r, out := diagnose(t, s); r.Err() != nil {
		t.Fatalf("%v\n%s", r.Err(), out)
	}
	want := gettoken.Input{ClusterName: "my-example", Profile: "dev1-eks", Region: "ap-northeast-2", STSEndpoint: "regional", NoCache: true}
	if gotIn != want || gotProfileVar != "from-entry" {
		t.Errorf("minted with %+v and AWS_PROFILE %q; want %+v and the entry's from-entry", gotIn, gotProfileVar, want)
	}
}
