package token

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/eks-login/eks-login/pkg/env"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/rolesession"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/usecases/gettoken"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/cmdutiltest"
)

func testFactory(vars map[string]string) (*cmdutil.Factory, *bytes.Buffer, *bytes.Buffer) {
	io, _, out, errOut := iostreams.Test()
	return &cmdutil.Factory{IOStreams: io, Getenv: func(k string) string { return vars[k] }, Environ: func() []string { return nil }, Now: time.Now}, out, errOut
}

// TestNewCmd: the flags fill the Options, and the static rules between them
// are cobra's, in this command's words, with exit code 2.
func TestNewCmd(t *testing.T) {
	tests := []struct {
		args    string
		want    gettoken.Input
		verbose bool
		wantErr string
	}{
		{args: "--cluster-name my-example --profile dev1-eks --region ap-northeast-2",
			want: gettoken.Input{ClusterName: "my-example", Profile: "dev1-eks", Region: "ap-northeast-2", STSEndpoint: "regional"}},
		{args: "--cluster-name c --role-arn arn:aws:iam::123456789012:role/R --external-id x --session-name s --sts-endpoint global --cache-dir /c --no-cache --verbose",
			want:    gettoken.Input{ClusterName: "c", RoleARN: "arn:aws:iam::123456789012:role/R", ExternalID: "x", SessionName: "s", STSEndpoint: "global", CacheDir: "/c", NoCache: true},
			verbose: true},
		{args: "--cluster-name c --forward-session-name --force-refresh",
			want: gettoken.Input{ClusterName: "c", ForwardSessionName: true, ForceRefresh: true, STSEndpoint: "regional"}},
		{args: "--profile dev1", wantErr: "--cluster-name is required: the name of the EKS cluster the token is for; see 'kubectl eks-login token --help'"},
		{args: "--cluster-name c --session-name a1 --forward-session-name", wantErr: "--session-name and --forward-session-name both name the session; pass one of them"},
		{args: "--cluster-name c --no-cache --force-refresh", wantErr: "--no-cache and --force-refresh cannot go together: --no-cache already skips the cache"},
		{args: "--cluster-name c extra", wantErr: `token takes no arguments, got ["extra"]; pass the cluster with --cluster-name`},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			f, _, _ := testFactory(nil)
			got, err := cmdutiltest.ParseOptions(f, NewCmd, tt.args)
			if tt.wantErr != "" {
				cmdutiltest.WantRefusal(t, got, err, exitcode.Usage, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Input != tt.want || got.Verbose != tt.verbose {
				t.Errorf("options %+v (verbose %v), want %+v (verbose %v)", got.Input, got.Verbose, tt.want, tt.verbose)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	f, _, _ := testFactory(nil)
	cmd := NewCmd(f, nil)
	var b bytes.Buffer
	cmd.SetOut(&b)
	if err := cmd.Help(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--cluster-name", "--forward-session-name", "--no-cache", "my-example", "dev1-eks", "ap-northeast-2", "Examples:"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, b.String())
		}
	}
}

// TestMayPrompt: kubectl's interactive flag decides when kubectl sends it;
// otherwise a terminal on stdin does, unless prompts are turned off.
func TestMayPrompt(t *testing.T) {
	v1 := func(interactive bool) string {
		return fmt.Sprintf(`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":%v}}`, interactive)
	}
	tests := []struct {
		name          string
		execInfo      string
		stdinTTY, off bool
		want          bool
	}{
		{"kubectl says interactive", v1(true), false, false, true},
		{"kubectl says not interactive, at a terminal", v1(false), true, false, false},
		{"by hand at a terminal", "", true, false, true},
		{"by hand, stdin piped", "", false, false, false},
		{"by hand at a terminal, prompts turned off", "", true, true, false},
		{"old kubectl (v1beta1 without interactive), at a terminal", `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{}}`, true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := token.ParseExecInfo(tt.execInfo)
			if err != nil {
				t.Fatal(err)
			}
			io, _, _, _ := iostreams.Test()
			io.SetStdinTTY(tt.stdinTTY)
			io.SetNeverPrompt(tt.off)
			o := &Options{IO: io}
			if got := o.useCase(info).Interactive; got != tt.want {
				t.Errorf("may prompt: %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRun: the run function prints exactly one ExecCredential, of the
// version kubectl asks for, and nothing at all on an error. The token
// comes from the cache, primed as login primes it, so no AWS is needed.
func TestRun(t *testing.T) {
	tests := []struct {
		name, execInfo, roleARN string
		wantVersion             string
		wantCode                int
		wantErr                 string
	}{
		{name: "no exec info", wantVersion: token.APIVersionV1beta1},
		{name: "v1", execInfo: `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`, wantVersion: token.APIVersionV1},
		{name: "v1beta1", execInfo: `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":false}}`, wantVersion: token.APIVersionV1beta1},
		{name: "bad exec info", execInfo: `{"apiVersion":"client.authentication.k8s.io/v1alpha1"}`, wantCode: exitcode.Input, wantErr: "v1alpha1"},
		{name: "bad input", roleARN: "EKSMyExampleViewer", wantCode: exitcode.Usage, wantErr: "not an IAM role ARN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			vars := map[string]string{"HOME": home, "KUBERNETES_EXEC_INFO": tt.execInfo}
			f, out, _ := testFactory(vars)
			in := gettoken.Input{ClusterName: "my-example", Profile: "dev1-eks", Region: "ap-northeast-2", STSEndpoint: "regional"}
			prime(t, f.Environment(), in)
			in.RoleARN = tt.roleARN
			err := runToken(context.Background(), &Options{IO: f.IOStreams, Env: f.Environment(), Input: in})
			if code := exitcode.Of(err); code != tt.wantCode || !strings.Contains(fmt.Sprint(err), tt.wantErr) {
				t.Fatalf("err %v (exit %d), want exit %d saying %q", err, code, tt.wantCode, tt.wantErr)
			}
			if err != nil {
				if out.Len() > 0 {
					t.Errorf("stdout holds %q after an error", out.String())
				}
				return
			}
			checkExecCredential(t, out.Bytes(), tt.wantVersion)
		})
	}
}

// prime puts a token for in into the cache, with credentials that sign but
// open nothing.
func prime(t *testing.T, e env.Env, in gettoken.Input) {
	t.Helper()
	creds := aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "session", CanExpire: true, Expires: time.Now().Add(time.Hour)}
	u := &gettoken.GetToken{Env: e}
	if err := u.Prime(context.Background(), in, creds, rolesession.Assumed{CallerARN: "arn:aws:sts::123456789012:assumed-role/EKSMyExampleViewer/eks-login-dev1"}); err != nil {
		t.Fatal(err)
	}
}

// checkExecCredential checks that data is one ExecCredential of version,
// with a token and its expiry, and nothing else.
func checkExecCredential(t *testing.T, data []byte, version string) {
	t.Helper()
	var cred struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Spec       struct {
			Interactive bool `json:"interactive"`
		} `json:"spec"`
		Status struct {
			Token               string `json:"token"`
			ExpirationTimestamp string `json:"expirationTimestamp"`
		} `json:"status"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cred); err != nil {
		t.Fatalf("stdout is not one ExecCredential: %v\n%s", err, data)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than the ExecCredential:\n%s", data)
	}
	if cred.Kind != "ExecCredential" || cred.APIVersion != version || !strings.HasPrefix(cred.Status.Token, "k8s-aws-v1.") {
		t.Errorf("ExecCredential %s %s with token %.12q, want %s with an EKS token", cred.Kind, cred.APIVersion, cred.Status.Token, version)
	}
	if _, err := time.Parse(time.RFC3339, cred.Status.ExpirationTimestamp); err != nil {
		t.Errorf("expirationTimestamp %q: %v", cred.Status.ExpirationTimestamp, err)
	}
}
