package gettoken

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/env"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/world"
)

// localAccount is moto's default account.
const localAccount = "123456789012"

// localAWS is the seed's account in a local AWS: dev1 in the Developers
// group, whose policy lets it assume EKSMyExampleViewer and (with MFA)
// EKSMyExampleAdmin; dev2 in no group; and EKSAudit, which only the viewer
// role may assume. Every call after the setup is checked against IAM.
type localAWS struct {
	srv       *world.LocalAWS
	home      string
	env       map[string]string
	viewer    string
	admin     string
	audit     string
	dev1ARN   string
	dev2ARN   string
	mfaSerial string
}

func startLocalAWS(t *testing.T) *localAWS {
	t.Helper()
	if testing.Short() {
		t.Skip("local AWS tests start moto; skipped with -short")
	}
	if err := exec.Command("python3", "-c", "import moto").Run(); err != nil {
		t.Skip("python3 with moto is not installed (pip install 'moto[server]==5.2.1'); see the Makefile")
	}
	ctx := context.Background()
	srv, err := world.StartLocalAWS(ctx, world.LocalAWSOptions{})
	if err != nil {
		t.Fatalf("start the local AWS: %v", err)
	}
	t.Cleanup(func() { srv.Stop() })

	// Before enforcement any key works; it only bootstraps the account.
	im := iam.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIALOCALBOOTSTRAP00", "bootstrap", ""),
		BaseEndpoint: aws.String(srv.URL),
		HTTPClient:   awsclient.HoldBodies(nil),
	})
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("set up IAM: %v", err)
		}
	}
	l := &localAWS{srv: srv, home: t.TempDir()}
	keys := map[string][2]string{}
	for _, user := range []string{"dev1", "dev2"} {
		out, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)})
		must(out, err)
		if user == "dev1" {
			l.dev1ARN = aws.ToString(out.User.Arn)
		} else {
			l.dev2ARN = aws.ToString(out.User.Arn)
		}
		key, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
		must(key, err)
		keys[user] = [2]string{aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey)}
	}
	trustRoot := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + localAccount + `:root"},"Action":"sts:AssumeRole"}]}`
	trustRootMFA := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + localAccount + `:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	role := func(name, trust string) string {
		out, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
		must(out, err)
		return aws.ToString(out.Role.Arn)
	}
	l.viewer = role("EKSMyExampleViewer", trustRoot)
	l.admin = role("EKSMyExampleAdmin", trustRootMFA)
	l.audit = role("EKSAudit", trustRoot)
	allowAssume := func(roles ...string) string {
		b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": roles}}})
		return string(b)
	}
	must(im.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Developers")}))
	must(im.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Developers"), UserName: aws.String("dev1")}))
	must(im.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("Developers"), PolicyName: aws.String("AssumeEKSRoles"), PolicyDocument: aws.String(allowAssume(l.viewer, l.admin))}))
	must(im.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("EKSMyExampleViewer"), PolicyName: aws.String("AssumeAudit"), PolicyDocument: aws.String(allowAssume(l.audit))}))
	mfa, err := im.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("dev1")})
	must(mfa, err)
	l.mfaSerial = aws.ToString(mfa.VirtualMFADevice.SerialNumber)
	if err := srv.EnforceIAM(ctx, true); err != nil {
		t.Fatal(err)
	}

	// The developer's files: dev1's keys, and role profiles on top of them.
	awsDir := filepath.Join(l.home, ".aws")
	if err := os.MkdirAll(awsDir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(awsDir, "config"), `[profile dev1]
region = ap-northeast-2

[profile dev2]
region = ap-northeast-2

[profile dev1-eks]
role_arn = `+l.viewer+`
source_profile = dev1
region = ap-northeast-2

[profile dev2-eks]
role_arn = `+l.viewer+`
source_profile = dev2
region = ap-northeast-2

[profile dev1-admin]
role_arn = `+l.admin+`
source_profile = dev1
mfa_serial = `+l.mfaSerial+`
region = ap-northeast-2
`)
	writeFile(t, filepath.Join(awsDir, "credentials"), "[dev1]\naws_access_key_id = "+keys["dev1"][0]+"\naws_secret_access_key = "+keys["dev1"][1]+
		"\n\n[dev2]\naws_access_key_id = "+keys["dev2"][0]+"\naws_secret_access_key = "+keys["dev2"][1]+"\n")

	// The SDK reads the endpoint overrides from the process; the command
	// reads its own environment. These tests are not parallel.
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)
	l.env = map[string]string{
		"HOME":                        l.home,
		"AWS_CONFIG_FILE":             filepath.Join(awsDir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(awsDir, "credentials"),
		"AWS_ENDPOINT_URL":            srv.URL,
		"AWS_ENDPOINT_URL_STS":        srv.URL,
	}
	return l
}

// options is one kubectl call without a terminal, with its own streams, as
// its own process would have them.
func (l *localAWS) options(cacheDir string, edit func(*call)) *call {
	c := &call{}
	c.GetToken = &GetToken{
		Env: env.Env{Getenv: func(k string) string { return l.env[k] }, Environ: os.Environ, Now: time.Now},
		IO:  &iostreams.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: &c.stderr},
	}
	c.Input = Input{ClusterName: "my-example", STSEndpoint: "regional", CacheDir: cacheDir}
	if edit != nil {
		edit(c)
	}
	return c
}

func (l *localAWS) assumeRoleCalls(t *testing.T) int {
	t.Helper()
	calls, err := l.srv.Calls(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return calls["sts:AssumeRole"]
}

func (l *localAWS) resetCalls(t *testing.T) {
	t.Helper()
	if err := l.srv.ResetCalls(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// whoIs sends the token's presigned URL to the local STS as the cluster's
// authenticator would send it to AWS: to the canonical host, with the
// cluster header, asking for JSON. It returns the ARN STS vouches for.
func (l *localAWS) whoIs(t *testing.T, tok string) string {
	t.Helper()
	status, arn := l.presign(t, tok, "my-example")
	if status != http.StatusOK {
		t.Fatalf("STS rejects the token: %d %s", status, arn)
	}
	return arn
}

// presign sends the token's URL with cluster in the cluster header and
// returns the status and the ARN (or the error body).
func (l *localAWS) presign(t *testing.T, tok, cluster string) (int, string) {
	t.Helper()
	u, err := token.Decode(tok)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.Host, "sts.") || !strings.HasSuffix(u.Host, ".amazonaws.com") {
		t.Fatalf("token names %s, not a canonical STS host", u.Host)
	}
	req, err := http.NewRequest(http.MethodGet, l.srv.URL+"/?"+u.RawQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = u.Host
	req.Header.Set("x-k8s-aws-id", cluster)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		GetCallerIdentityResponse struct {
			GetCallerIdentityResult struct{ Arn string }
		}
	}
	var raw bytes.Buffer
	raw.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, raw.String()
	}
	if err := json.Unmarshal(raw.Bytes(), &body); err != nil {
		t.Fatalf("STS answer %q: %v", raw.String(), err)
	}
	return resp.StatusCode, body.GetCallerIdentityResponse.GetCallerIdentityResult.Arn
}

func TestLocalAWS(t *testing.T) {
	l := startLocalAWS(t)
	viewerSession := "arn:aws:sts::" + localAccount + ":assumed-role/EKSMyExampleViewer/eks-login-dev1"

	t.Run("cold then warm", func(t *testing.T) {
		l.resetCalls(t)
		cache := filepath.Join(t.TempDir(), "cache")
		tok := l.options(cache, func(o *call) { o.Profile = "dev1-eks" }).mustToken(t)
		u, _ := token.Decode(tok)
		if u.Host != "sts.ap-northeast-2.amazonaws.com" {
			t.Errorf("token host %s, want sts.ap-northeast-2.amazonaws.com despite AWS_ENDPOINT_URL_STS", u.Host)
		}
		if got := l.whoIs(t, tok); got != viewerSession {
			t.Errorf("STS says the token is %s, want %s", got, viewerSession)
		}
		if got := l.assumeRoleCalls(t); got != 1 {
			t.Errorf("%d AssumeRole calls, want 1", got)
		}
		// The cluster name is signed: the token is worthless for another.
		if status, body := l.presign(t, tok, "other-cluster"); status != http.StatusForbidden {
			t.Errorf("the token verifies for another cluster: %d %s", status, body)
		}
		warm := l.options(cache, func(o *call) { o.Profile = "dev1-eks" }).mustToken(t)
		if warm != tok {
			t.Error("the second call did not reuse the cached token")
		}
		if got := l.assumeRoleCalls(t); got != 1 {
			t.Errorf("the warm call made %d new AssumeRole calls", got-1)
		}
	})

	t.Run("64 concurrent cold calls", func(t *testing.T) {
		l.resetCalls(t)
		cache := filepath.Join(t.TempDir(), "cache")
		const n = 64
		calls := make([]*call, n)
		for i := range calls {
			calls[i] = l.options(cache, func(o *call) { o.Profile = "dev1-eks" })
		}
		outs, errs := all(calls)
		tokens := map[string]bool{}
		for i := range calls {
			if errs[i] != nil {
				t.Fatalf("call %d: %v", i, errs[i])
			}
			if outs[i].Token.Value == "" {
				t.Fatalf("call %d got no token", i)
			}
			tokens[outs[i].Token.Value] = true
		}
		if got := l.assumeRoleCalls(t); got != 1 {
			t.Errorf("%d concurrent cold calls made %d AssumeRole calls, want 1", n, got)
		}
		for tok := range tokens {
			if got := l.whoIs(t, tok); got != viewerSession {
				t.Errorf("a token is for %s, want %s", got, viewerSession)
			}
		}
	})

	t.Run("corrupt cache file is replaced", func(t *testing.T) {
		cache := filepath.Join(t.TempDir(), "cache")
		l.options(cache, func(o *call) { o.Profile = "dev1-eks" }).mustToken(t)
		entries := tokenEntries(t, cache)
		if len(entries) != 1 {
			t.Fatalf("cache holds %v", entries)
		}
		writeFile(t, entries[0], "\x00garbage")
		l.resetCalls(t)
		r := l.options(cache, func(o *call) { o.Profile = "dev1-eks"; o.Log = logTo(&o.stderr) })
		tok := r.mustToken(t)
		if !strings.Contains(r.stderr.String(), "corrupt") {
			t.Errorf("--verbose does not mention the corrupt entry:\n%s", r.stderr.String())
		}
		if got := l.assumeRoleCalls(t); got != 0 {
			t.Errorf("%d AssumeRole calls, want none: the profile's shared role credentials sign the new token", got)
		}
		if got := l.whoIs(t, tok); got != viewerSession {
			t.Errorf("token is for %s", got)
		}
		data, _ := os.ReadFile(entries[0])
		if !json.Valid(data) {
			t.Errorf("the entry was not replaced: %q", data)
		}
	})

	t.Run("access denied", func(t *testing.T) {
		cache := filepath.Join(t.TempDir(), "cache")
		_, err := l.options(cache, func(o *call) { o.Profile = "dev2-eks" }).exec(t)
		if exitcode.Of(err) != exitcode.AccessDenied {
			t.Fatalf("exit code %d (%v), want %d", exitcode.Of(err), err, exitcode.AccessDenied)
		}
		for _, want := range []string{l.dev2ARN + " may not assume role " + l.viewer, "IAM group", "kubectl eks-login admin iam"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error does not say %q: %v", want, err)
			}
		}
	})

	t.Run("--role-arn", func(t *testing.T) {
		for _, tt := range []struct {
			name, profile, role, want string
			calls                     int
		}{
			{"on a user profile", "dev1", l.viewer, viewerSession, 1},
			{"chained on a role profile", "dev1-eks", l.audit, "arn:aws:sts::" + localAccount + ":assumed-role/EKSAudit/eks-login-dev1", 2},
		} {
			t.Run(tt.name, func(t *testing.T) {
				l.resetCalls(t)
				tok := l.options(filepath.Join(t.TempDir(), "cache"), func(o *call) { o.Profile = tt.profile; o.RoleARN = tt.role }).mustToken(t)
				if got := l.whoIs(t, tok); got != tt.want {
					t.Errorf("token is for %s, want %s", got, tt.want)
				}
				if got := l.assumeRoleCalls(t); got != tt.calls {
					t.Errorf("%d AssumeRole calls, want %d", got, tt.calls)
				}
			})
		}
		// dev1 may not assume EKSAudit itself: only the viewer role may.
		_, err := l.options(filepath.Join(t.TempDir(), "cache"), func(o *call) { o.Profile = "dev1"; o.RoleARN = l.audit }).exec(t)
		if exitcode.Of(err) != exitcode.AccessDenied || !strings.Contains(err.Error(), l.dev1ARN+" may not assume role "+l.audit) {
			t.Errorf("err = %v, want AccessDenied naming dev1 and EKSAudit", err)
		}
	})

	t.Run("MFA", func(t *testing.T) {
		cache := filepath.Join(t.TempDir(), "cache")
		// kubectl without a terminal: fail at once, saying what to run.
		l.resetCalls(t)
		_, err := l.options(cache, func(o *call) { o.Profile = "dev1-admin" }).exec(t)
		if exitcode.Of(err) != exitcode.Credentials || !strings.Contains(err.Error(), "token --cluster-name my-example --profile dev1-admin --cache-dir "+cache) {
			t.Fatalf("err = %v, want ExitCredentials with the command to run", err)
		}
		if got := l.assumeRoleCalls(t); got != 0 {
			t.Errorf("%d AssumeRole calls without a code", got)
		}
		// By hand at a terminal: the prompt's code opens the session.
		var asked []string
		byHand := l.options(cache, func(o *call) {
			o.Profile = "dev1-admin"
			o.Interactive = true
			o.AskMFA = func(serial string) (string, error) { asked = append(asked, serial); return "123456", nil }
		})
		tok := byHand.mustToken(t)
		if len(asked) != 1 || asked[0] != l.mfaSerial {
			t.Errorf("prompted for %v, want once for %s", asked, l.mfaSerial)
		}
		if got := l.whoIs(t, tok); got != "arn:aws:sts::"+localAccount+":assumed-role/EKSMyExampleAdmin/eks-login-dev1" {
			t.Errorf("token is for %s", got)
		}
		// kubectl again, still without a terminal: the cache serves it.
		l.options(cache, func(o *call) { o.Profile = "dev1-admin" }).mustToken(t)
		if got := l.assumeRoleCalls(t); got != 1 {
			t.Errorf("%d AssumeRole calls, want the one made by hand", got)
		}
	})
}
