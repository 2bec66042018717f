package gettoken

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/env"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/rolesession"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/tokencache"
)

// TestMain keeps the developer's AWS environment out of the SDK, and keeps
// the SDK off the instance metadata address: tests talk to loopback only.
func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") || k == "KUBERNETES_EXEC_INFO" || k == "KUBECACHEDIR" {
			os.Unsetenv(k)
		}
	}
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	os.Exit(m.Run())
}

const (
	dev1ARN   = "arn:aws:iam::" + account + ":user/dev1"
	dev2ARN   = "arn:aws:iam::" + account + ":user/dev2"
	viewerARN = "arn:aws:iam::" + account + ":role/EKSMyExampleViewer"
	adminARN  = "arn:aws:iam::" + account + ":role/EKSMyExampleAdmin"
	auditARN  = "arn:aws:iam::" + account + ":role/EKSAudit"
	mfaSerial = "arn:aws:iam::" + account + ":mfa/dev1"
)

const testConfig = `[profile dev1]
region = ap-northeast-2

[profile dev2]
region = ap-northeast-2

[profile dev1-eks]
role_arn = ` + viewerARN + `
source_profile = dev1
region = ap-northeast-2

[profile dev2-eks]
role_arn = ` + viewerARN + `
source_profile = dev2
region = ap-northeast-2

[profile dev1-named]
role_arn = ` + viewerARN + `
source_profile = dev1
role_session_name = fixed-name
region = ap-northeast-2

[profile dev1-mfa]
role_arn = ` + adminARN + `
source_profile = dev1
mfa_serial = ` + mfaSerial + `
region = ap-northeast-2

[profile noregion]

[profile badregion]
region = ap_northeast_2

[profile nokeys]
region = ap-northeast-2
`

const testCredentials = `[dev1]
aws_access_key_id = AKIADEV1
aws_secret_access_key = secret-AKIADEV1

[dev2]
aws_access_key_id = AKIADEV2
aws_secret_access_key = secret-AKIADEV2

[noregion]
aws_access_key_id = AKIADEV1
aws_secret_access_key = secret-AKIADEV1

[badregion]
aws_access_key_id = AKIADEV1
aws_secret_access_key = secret-AKIADEV1
`

// harness is a home folder with an AWS config, a cache and a fake STS.
type harness struct {
	t        *testing.T
	fake     *fakeSTS
	home     string
	cacheDir string
	env      map[string]string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	fake := newFakeSTS(t)
	fake.addUser("dev1", "AKIADEV1")
	fake.addUser("dev2", "AKIADEV2")
	fake.addRole("EKSMyExampleViewer", dev1ARN)
	fake.addRole("EKSMyExampleAdmin", dev1ARN)
	fake.addRole("EKSAudit", "arn:aws:sts::"+account+":assumed-role/EKSMyExampleViewer/eks-login-dev1", dev1ARN)
	fake.mfa[adminARN] = mfaSerial
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(home, ".aws", "config"), testConfig)
	writeFile(t, filepath.Join(home, ".aws", "credentials"), testCredentials)
	return &harness{t: t, fake: fake, home: home, cacheDir: filepath.Join(home, "cache"), env: map[string]string{"HOME": home}}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// call is one token call, as kubectl's would be: the use case with its
// surroundings, and the input its flags give.
type call struct {
	*GetToken
	Input
	stderr bytes.Buffer // the --verbose log and the prompt
	out    Output       // what the last mustToken got
}

func (h *harness) call(edit func(*call)) *call {
	// The SDK reads the process environment, not Getenv: give it the
	// harness's AWS variables too.
	for k, v := range h.env {
		if strings.HasPrefix(k, "AWS_") {
			h.t.Setenv(k, v)
		}
	}
	c := &call{}
	c.GetToken = &GetToken{
		Env: env.Env{
			Getenv:  func(k string) string { return h.env[k] },
			Environ: os.Environ,
			Now:     time.Now,
		},
		IO:  &iostreams.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: &c.stderr},
		Log: logTo(&c.stderr),
		AskMFA: func(string) (string, error) {
			h.t.Error("prompted for an MFA code")
			return "", errors.New("unexpected prompt")
		},
		LoadOptions: []func(*config.LoadOptions) error{
			config.WithBaseEndpoint(h.fake.URL),
			config.WithRetryMaxAttempts(1),
		},
	}
	c.Input = Input{ClusterName: "my-example", STSEndpoint: "regional", CacheDir: h.cacheDir}
	if edit != nil {
		edit(c)
	}
	return c
}

// all makes the calls at once, as many kubectl processes would, and
// returns what each got.
func all(calls []*call) ([]Output, []error) {
	var wg sync.WaitGroup
	outs := make([]Output, len(calls))
	errs := make([]error, len(calls))
	for i, c := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = c.Do(context.Background(), c.Input)
		}()
	}
	wg.Wait()
	return outs, errs
}

// logTo is the --verbose log on w.
func logTo(w io.Writer) env.Logf {
	return func(format string, args ...any) { fmt.Fprintf(w, "eks-login: "+format+"\n", args...) }
}

// quiet turns the --verbose log off.
func (c *call) quiet() { c.Log = nil }

func (c *call) exec(t *testing.T) (Output, error) {
	t.Helper()
	out, err := c.Do(context.Background(), c.Input)
	checkNoSecrets(t, c.stderr.String())
	if err != nil {
		checkNoSecrets(t, err.Error())
		if out.Token.Value != "" {
			t.Errorf("a token came with the error %v", err)
		}
	}
	return out, err
}

// mustToken runs the call and returns the token it got.
func (c *call) mustToken(t *testing.T) string {
	t.Helper()
	out, err := c.exec(t)
	if err != nil {
		t.Fatalf("Do: %v\nstderr:\n%s", err, c.stderr.String())
	}
	if !strings.HasPrefix(out.Token.Value, "k8s-aws-v1.") {
		t.Fatalf("not an EKS token: %.12q", out.Token.Value)
	}
	if out.Token.Expiration.IsZero() {
		t.Error("the token has no expiry")
	}
	c.out = out
	return out.Token.Value
}

// checkNoSecrets fails if text shows a secret key, a session token or a
// signature; the fake's secrets all start "secret-" or "session-".
func checkNoSecrets(t *testing.T, text string) {
	t.Helper()
	for _, s := range []string{"secret-", "session-ASIA", "X-Amz-Signature", "k8s-aws-v1."} {
		if strings.Contains(text, s) {
			t.Errorf("output holds a secret (%q):\n%s", s, text)
		}
	}
}

func tokenURLQuery(t *testing.T, tok string) (host string, q map[string]string) {
	t.Helper()
	u, err := token.Decode(tok)
	if err != nil {
		t.Fatal(err)
	}
	q = map[string]string{}
	for k, v := range u.Query() {
		q[k] = v[0]
	}
	return u.Host, q
}

func TestColdThenWarm(t *testing.T) {
	h := newHarness(t)
	cold := h.call(func(o *call) { o.Profile = "dev1-eks" })
	tok := cold.mustToken(t)
	t.Logf("cold call, --verbose:\n%s", cold.stderr.String())
	if cold.out.Outcome != tokencache.Minted || cold.out.CallerARN != "arn:aws:sts::"+account+":assumed-role/EKSMyExampleViewer/eks-login-dev1" {
		t.Errorf("cold call: %s as %q, want minted as the viewer session", cold.out.Outcome, cold.out.CallerARN)
	}

	host, q := tokenURLQuery(t, tok)
	if host != "sts.ap-northeast-2.amazonaws.com" {
		t.Errorf("token host %q, want the canonical sts.ap-northeast-2.amazonaws.com even with an endpoint override", host)
	}
	if !strings.HasPrefix(q["X-Amz-Credential"], "ASIAFAKE") || q["X-Amz-Security-Token"] == "" {
		t.Errorf("token not signed by the role's session credentials: %s", q["X-Amz-Credential"])
	}
	if got := h.fake.count("AssumeRole"); got != 1 {
		t.Errorf("%d AssumeRole calls, want 1", got)
	}
	if a := h.fake.lastAssume(); a["RoleSessionName"] != "eks-login-dev1" || a["DurationSeconds"] != "3600" {
		t.Errorf("AssumeRole session %q for %s s, want eks-login-dev1 for 3600 s", a["RoleSessionName"], a["DurationSeconds"])
	}
	for _, want := range []string{"cache: miss", "source identity " + dev1ARN, "AssumeRole " + viewerARN, "assumed arn:aws:sts::" + account + ":assumed-role/EKSMyExampleViewer/eks-login-dev1"} {
		if !strings.Contains(cold.stderr.String(), want) {
			t.Errorf("--verbose does not say %q:\n%s", want, cold.stderr.String())
		}
	}

	// The entry keeps the metadata and the session credentials.
	entries := tokenEntries(t, h.cacheDir)
	if len(entries) != 1 {
		t.Fatalf("cache holds %v, want one token entry", entries)
	}
	var e tokencache.Entry
	data, _ := os.ReadFile(entries[0])
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatal(err)
	}
	if e.CallerARN != "arn:aws:sts::"+account+":assumed-role/EKSMyExampleViewer/eks-login-dev1" || e.RoleARN != viewerARN ||
		e.SourceIdentity != dev1ARN || e.Region != "ap-northeast-2" || e.Partition != "aws" || e.Credentials == nil {
		t.Errorf("entry metadata = %+v", e)
	}

	warm := h.call(func(o *call) {
		o.Profile = "dev1-eks"
		o.LoadConfig = func(context.Context, awsclient.Request) (aws.Config, error) {
			t.Error("the warm path loaded the AWS config")
			return aws.Config{}, errors.New("not on the warm path")
		}
	})
	if got := warm.mustToken(t); got != tok || warm.out.Outcome != tokencache.Hit {
		t.Errorf("the warm call's token is %s, not the cached one", warm.out.Outcome)
	}
	if got := h.fake.count("AssumeRole") + h.fake.count("GetCallerIdentity"); got != 2 {
		t.Errorf("the warm call made %d STS calls", got-2)
	}
	t.Logf("warm call, --verbose:\n%s", warm.stderr.String())
	if !strings.Contains(warm.stderr.String(), "cache: hit") {
		t.Errorf("--verbose does not report the hit:\n%s", warm.stderr.String())
	}
}

func TestCacheLifecycle(t *testing.T) {
	h := newHarness(t)
	start := time.Now()
	at := func(d time.Duration) func(*call) {
		return func(o *call) { o.Profile = "dev1-eks"; o.Env.Now = func() time.Time { return start.Add(d) } }
	}
	first := h.call(at(0)).mustToken(t)
	// 15 minutes on: the token is spent, the one-hour credentials are not.
	second := h.call(at(15 * time.Minute)).mustToken(t)
	if second == first {
		t.Error("an expired token was served")
	}
	if got := h.fake.count("AssumeRole"); got != 1 {
		t.Errorf("re-signing with cached credentials made an AssumeRole call (%d in all)", got)
	}
	// 58 minutes on: the credentials have two minutes left, too few to sign.
	h.call(at(58 * time.Minute)).mustToken(t)
	if got := h.fake.count("AssumeRole"); got != 2 {
		t.Errorf("%d AssumeRole calls, want a second one once the credentials run low", got)
	}
	// --force-refresh mints although the entry is fresh; --no-cache too,
	// and leaves the entry alone.
	h.call(func(o *call) { at(58 * time.Minute)(o); o.ForceRefresh = true }).mustToken(t)
	if got := h.fake.count("AssumeRole"); got != 3 {
		t.Errorf("--force-refresh: %d AssumeRole calls, want 3", got)
	}
	entries, _ := filepath.Glob(filepath.Join(h.cacheDir, "*.json"))
	before, _ := os.ReadFile(entries[0])
	noCache := h.call(func(o *call) { at(58 * time.Minute)(o); o.NoCache = true; o.CacheDir = "" })
	noCache.mustToken(t)
	if got := h.fake.count("AssumeRole"); got != 4 {
		t.Errorf("--no-cache: %d AssumeRole calls, want 4", got)
	}
	if after, _ := os.ReadFile(entries[0]); !bytes.Equal(before, after) {
		t.Error("--no-cache rewrote the cache entry")
	}
	if _, err := os.Stat(filepath.Join(h.home, ".kube")); err == nil {
		t.Error("--no-cache created the default cache folder")
	}
}

func TestEditingTheProfileInvalidatesTheEntry(t *testing.T) {
	h := newHarness(t)
	h.call(func(o *call) { o.Profile = "dev1-eks" }).mustToken(t)
	cfg := filepath.Join(h.home, ".aws", "config")
	writeFile(t, cfg, testConfig+"\n[profile added]\nregion = eu-west-1\n")
	h.call(func(o *call) { o.Profile = "dev1-eks" }).mustToken(t)
	if got := h.fake.count("AssumeRole"); got != 2 {
		t.Errorf("%d AssumeRole calls, want a new one after the config changed", got)
	}
}

func TestCorruptEntryIsReplaced(t *testing.T) {
	h := newHarness(t)
	h.call(func(o *call) { o.Profile = "dev1-eks" }).mustToken(t)
	entries := tokenEntries(t, h.cacheDir)
	writeFile(t, entries[0], `{"version":1,"token":`)
	r := h.call(func(o *call) { o.Profile = "dev1-eks" })
	r.mustToken(t)
	if !strings.Contains(r.stderr.String(), "corrupt") {
		t.Errorf("--verbose does not mention the corrupt entry:\n%s", r.stderr.String())
	}
	var e tokencache.Entry
	data, _ := os.ReadFile(entries[0])
	if err := json.Unmarshal(data, &e); err != nil || e.Token == "" {
		t.Errorf("the corrupt entry was not replaced: %v, %s", err, data)
	}
}

// TestClustersOfOneProfileShareTheRole: cold tokens for different
// clusters (and regions of the partition) of one profile, as the entries
// login writes ask for them (--region given), make one AssumeRole: the
// first shares the role credentials, the others sign with them; each
// cluster keeps an entry of its own. A corrupt shared entry is got anew.
func TestClustersOfOneProfileShareTheRole(t *testing.T) {
	h := newHarness(t)
	first := h.call(func(o *call) { o.Profile, o.ClusterName, o.Region = "dev1-eks", "web", "ap-northeast-2" })
	first.mustToken(t)
	var calls []*call
	for _, c := range []struct{ cluster, region string }{{"jobs", "ap-northeast-2"}, {"data", "eu-west-1"}, {"other", "us-west-2"}} {
		calls = append(calls, h.call(func(o *call) { o.Profile, o.ClusterName, o.Region = "dev1-eks", c.cluster, c.region; o.quiet() }))
	}
	outs, errs := all(calls)
	for i, err := range errs {
		if err != nil || outs[i].Outcome != tokencache.Minted || outs[i].CallerARN != first.out.CallerARN {
			t.Fatalf("call %d: %s as %q (%v)", i, outs[i].Outcome, outs[i].CallerARN, err)
		}
	}
	if _, q := tokenURLQuery(t, outs[1].Token.Value); !strings.Contains(q["X-Amz-Credential"], "/eu-west-1/sts/") {
		t.Errorf("the token of data is signed for %s, want eu-west-1", q["X-Amz-Credential"])
	}
	if got := h.fake.count("AssumeRole"); got != 1 {
		t.Errorf("cold tokens for four clusters of one profile made %d AssumeRole calls, want 1", got)
	}
	if got := len(tokenEntries(t, h.cacheDir)); got != 4 {
		t.Errorf("%d token entries, want one per cluster", got)
	}
	paths, _ := filepath.Glob(filepath.Join(h.cacheDir, "*.json"))
	for _, p := range paths {
		if !slices.Contains(tokenEntries(t, h.cacheDir), p) {
			writeFile(t, p, "{")
		}
	}
	if h.call(func(o *call) { o.Profile, o.ClusterName, o.Region = "dev1-eks", "fifth", "us-east-1" }).mustToken(t); h.fake.count("AssumeRole") != 2 {
		t.Errorf("a corrupt shared entry was used: %d AssumeRole calls, want 2", h.fake.count("AssumeRole"))
	}
}

func TestConcurrentColdCalls(t *testing.T) {
	h := newHarness(t)
	const n = 64
	calls := make([]*call, n)
	for i := range calls {
		calls[i] = h.call(func(o *call) { o.Profile = "dev1-eks"; o.quiet() })
	}
	outs, errs := all(calls)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if !strings.HasPrefix(outs[i].Token.Value, "k8s-aws-v1.") {
			t.Errorf("call %d got no token", i)
		}
	}
	if got := h.fake.count("AssumeRole"); got != 1 {
		t.Errorf("%d concurrent cold calls made %d AssumeRole calls, want 1", n, got)
	}
}

func TestSessionNames(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(*call)
		wantRole  string
		wantName  string
		wantCalls int // AssumeRole calls
	}{
		{"derived for a profile role", func(o *call) { o.Profile = "dev1-eks" }, viewerARN, "eks-login-dev1", 1},
		{"the profile's role_session_name", func(o *call) { o.Profile = "dev1-named" }, viewerARN, "fixed-name", 1},
		{"--session-name for a profile role", func(o *call) { o.Profile = "dev1-eks"; o.SessionName = "alice" }, viewerARN, "alice", 1},
		{"--forward-session-name for a profile role", func(o *call) { o.Profile = "dev1-eks"; o.ForwardSessionName = true }, viewerARN, "dev1", 1},
		{"derived for --role-arn", func(o *call) { o.Profile = "dev1"; o.RoleARN = viewerARN }, viewerARN, "eks-login-dev1", 1},
		{"--session-name for --role-arn", func(o *call) { o.Profile = "dev1"; o.RoleARN = viewerARN; o.SessionName = "alice@example.com" }, viewerARN, "alice@example.com", 1},
		{"--forward-session-name for --role-arn", func(o *call) { o.Profile = "dev1"; o.RoleARN = viewerARN; o.ForwardSessionName = true }, viewerARN, "dev1", 1},
		{"--role-arn on a role profile", func(o *call) { o.Profile = "dev1-eks"; o.RoleARN = auditARN }, auditARN, "eks-login-dev1", 2},
		{"--forward-session-name through a chain", func(o *call) { o.Profile = "dev1-eks"; o.RoleARN = auditARN; o.ForwardSessionName = true }, auditARN, "eks-login-dev1", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.call(tt.edit).mustToken(t)
			a := h.fake.lastAssume()
			if a["RoleArn"] != tt.wantRole || a["RoleSessionName"] != tt.wantName {
				t.Errorf("last AssumeRole %s as %q, want %s as %q", a["RoleArn"], a["RoleSessionName"], tt.wantRole, tt.wantName)
			}
			if got := h.fake.count("AssumeRole"); got != tt.wantCalls {
				t.Errorf("%d AssumeRole calls, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestRoleARNChainingAndExternalID(t *testing.T) {
	h := newHarness(t)
	r := h.call(func(o *call) { o.Profile = "dev1-eks"; o.RoleARN = auditARN; o.ExternalID = "ext-42" })
	tok := r.mustToken(t)
	a := h.fake.lastAssume()
	if a["Caller"] != "arn:aws:sts::"+account+":assumed-role/EKSMyExampleViewer/eks-login-dev1" || a["ExternalId"] != "ext-42" {
		t.Errorf("--role-arn assumed by %s with external id %q", a["Caller"], a["ExternalId"])
	}
	_, q := tokenURLQuery(t, tok)
	if q["X-Amz-Credential"][:12] != "ASIAFAKE0002" {
		t.Errorf("token signed by %s, want the second role's session", q["X-Amz-Credential"])
	}
}

func TestAccessDenied(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(*call)
	}{
		{"profile role", func(o *call) { o.Profile = "dev2-eks" }},
		{"--role-arn", func(o *call) { o.Profile = "dev2"; o.RoleARN = viewerARN }},
		{"--role-arn with a session name", func(o *call) { o.Profile = "dev2"; o.RoleARN = viewerARN; o.SessionName = "bob" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			_, err := h.call(tt.edit).exec(t)
			t.Logf("error: %v", err)
			if exitcode.Of(err) != exitcode.AccessDenied {
				t.Fatalf("exit code %d (%v), want %d", exitcode.Of(err), err, exitcode.AccessDenied)
			}
			for _, want := range []string{dev2ARN + " may not assume role " + viewerARN, "IAM group", "kubectl eks-login admin iam"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not say %q: %v", want, err)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is more than one line: %q", err)
			}
			if entries, _ := filepath.Glob(filepath.Join(h.cacheDir, "*.json")); len(entries) != 0 {
				t.Errorf("a failure left cache entries %v", entries)
			}
		})
	}
}

// TestMFA: a profile with mfa_serial asks for the code only when a person
// may be asked (whether one may is the command's to say: plugin/token's
// TestMayPrompt), and otherwise names the command that fills the cache.
func TestMFA(t *testing.T) {
	tests := []struct {
		name        string
		interactive bool
		code        string
		wantPrompt  bool
		wantCode    int
		wantErr     string
	}{
		{"a person may be asked", true, "123456", true, 0, ""},
		{"blanks and a line end around the code", true, " 123456\n", true, 0, ""},
		{"no one may be asked", false, "", false, exitcode.Credentials, "run this once in a terminal"},
		{"a code that is not six digits", true, "12345", true, exitcode.Credentials, "6 digits"},
		{"a wrong code", true, "654321", true, exitcode.Credentials, "did not accept the MFA code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.env["AWS_REGION"] = "ap-northeast-2"
			var prompted []string
			r := h.call(func(o *call) {
				o.Profile = "dev1-mfa"
				o.Executable = "/usr/local/bin/kubectl-eks_login"
				o.Interactive = tt.interactive
				o.AskMFA = func(serial string) (string, error) {
					prompted = append(prompted, serial)
					return tt.code, nil
				}
			})
			_, err := r.exec(t)
			t.Logf("error: %v", err)
			if got := exitcode.Of(err); got != tt.wantCode {
				t.Fatalf("exit code %d (%v), want %d", got, err, tt.wantCode)
			}
			if tt.wantErr != "" && !strings.Contains(fmt.Sprint(err), tt.wantErr) {
				t.Errorf("error %q does not say %q", err, tt.wantErr)
			}
			if (len(prompted) > 0) != tt.wantPrompt || (tt.wantPrompt && prompted[0] != mfaSerial) {
				t.Errorf("prompted for %v, want a prompt: %v", prompted, tt.wantPrompt)
			}
			if !tt.wantPrompt {
				want := "AWS_REGION=ap-northeast-2 /usr/local/bin/kubectl-eks_login token --cluster-name my-example --profile dev1-mfa --cache-dir " + h.cacheDir
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not give the command %q: %v", want, err)
				}
				if got := h.fake.count("AssumeRole"); got != 0 {
					t.Errorf("%d AssumeRole calls without an MFA code", got)
				}
			}
			if tt.wantCode == 0 {
				if a := h.fake.lastAssume(); a["SerialNumber"] != mfaSerial || a["TokenCode"] != "123456" {
					t.Errorf("AssumeRole sent serial %q, code %q", a["SerialNumber"], a["TokenCode"])
				}
				// The next call, where no one may be asked, is served from the cache.
				h.call(func(o *call) { o.Profile = "dev1-mfa" }).mustToken(t)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		edit     func(h *harness, o *call)
		wantCode int
		wantErr  []string
	}{
		{"no cluster", nil, func(_ *harness, o *call) { o.ClusterName = "" }, exitcode.Usage, []string{"no cluster name", "--cluster-name"}},
		{"bad session name", nil, func(_ *harness, o *call) { o.SessionName = "has space" }, exitcode.Usage, []string{"not a valid role session name"}},
		{"external id alone", nil, func(_ *harness, o *call) { o.ExternalID = "x" }, exitcode.Usage, []string{"--external-id goes with --role-arn"}},
		{"bad role arn", nil, func(_ *harness, o *call) { o.RoleARN = "EKSMyExampleViewer" }, exitcode.Usage, []string{"not an IAM role ARN"}},
		{"bad endpoint", nil, func(_ *harness, o *call) { o.STSEndpoint = "fips" }, exitcode.Usage, []string{"--sts-endpoint", "regional"}},
		{"bad region flag", nil, func(_ *harness, o *call) { o.Region = "ap_northeast_2" }, exitcode.Usage, []string{"--region", "not an AWS region name"}},
		{"bad region env", map[string]string{"AWS_REGION": "seoul"}, nil, exitcode.Usage, []string{"AWS_REGION", `"seoul"`}},
		{"bad default region env", map[string]string{"AWS_DEFAULT_REGION": "xx-east-1"}, nil, exitcode.Usage, []string{"AWS_DEFAULT_REGION", "partition"}},
		{"global outside aws", nil, func(_ *harness, o *call) { o.Region = "cn-north-1"; o.STSEndpoint = "global" }, exitcode.Usage, []string{"only in the aws partition"}},
		{"bad region in profile", nil, func(_ *harness, o *call) { o.Profile = "badregion" }, exitcode.Input, []string{`profile "badregion" in `, "config", "not an AWS region name"}},
		{"no region", nil, func(_ *harness, o *call) { o.Profile = "noregion" }, exitcode.Usage, []string{"no AWS region", "--region"}},
		{"missing profile", nil, func(_ *harness, o *call) { o.Profile = "nope" }, exitcode.Input, []string{`AWS profile "nope" does not exist in`, ".aws/config"}},
		{"missing profile from env", map[string]string{"AWS_PROFILE": "nope"}, nil, exitcode.Input, []string{`"nope" does not exist`}},
		{"profile without credentials", nil, func(_ *harness, o *call) { o.Profile = "nokeys" }, exitcode.Credentials, []string{`profile "nokeys"`, "has no credentials"}},
		{"no credentials at all", map[string]string{"AWS_REGION": "ap-northeast-2"}, nil, exitcode.Credentials, []string{"no AWS credentials found", "--profile"}},
		{"expired credentials", nil, func(h *harness, o *call) {
			o.Profile = "dev1-eks"
			h.fake.errs["GetCallerIdentity"] = "ExpiredToken"
		},
			exitcode.Credentials, []string{`profile "dev1-eks" have expired`}},
		{"unknown access key", nil, func(h *harness, o *call) {
			o.Profile = "dev1-eks"
			h.fake.errs["AssumeRole"] = "InvalidClientTokenId"
		},
			exitcode.Credentials, []string{"does not accept", "InvalidClientTokenId"}},
		{"unknown error code", nil, func(h *harness, o *call) {
			o.Profile = "dev1-eks"
			h.fake.errs["AssumeRole"] = "RegionDisabledException"
		},
			exitcode.Failure, []string{"RegionDisabledException"}},
		{"network", nil, func(_ *harness, o *call) {
			o.Profile = "dev1-eks"
			o.LoadOptions = []func(*config.LoadOptions) error{config.WithBaseEndpoint("http://127.0.0.1:1"), config.WithRetryMaxAttempts(1)}
		}, exitcode.Network, []string{"cannot reach AWS at 127.0.0.1:1", "connection refused"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			for k, v := range tt.env {
				h.env[k] = v
			}
			r := h.call(func(o *call) {
				if tt.edit != nil {
					tt.edit(h, o)
				}
			})
			_, err := r.exec(t)
			t.Logf("error: %v", err)
			if got := exitcode.Of(err); got != tt.wantCode {
				t.Fatalf("exit code %d (%v), want %d", got, err, tt.wantCode)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not say %q: %v", want, err)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is more than one line: %q", err)
			}
		})
	}
}

func TestOpenCacheFolderRefused(t *testing.T) {
	h := newHarness(t)
	if err := os.MkdirAll(h.cacheDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(h.cacheDir, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := h.call(func(o *call) { o.Profile = "dev1-eks" }).exec(t)
	if exitcode.Of(err) != exitcode.Input || !strings.Contains(err.Error(), "chmod 700 "+h.cacheDir) {
		t.Errorf("err = %v (code %d), want ExitInput with chmod 700", err, exitcode.Of(err))
	}
	if got := h.fake.count("AssumeRole"); got != 0 {
		t.Errorf("%d AssumeRole calls despite the refusal", got)
	}
}

func TestGlobalEndpointAndRegionSources(t *testing.T) {
	for _, tt := range []struct {
		name     string
		env      map[string]string
		edit     func(*call)
		wantHost string
	}{
		{"global", nil, func(o *call) { o.STSEndpoint = "global" }, "sts.amazonaws.com"},
		{"flag over env over profile", map[string]string{"AWS_REGION": "eu-west-1"}, func(o *call) { o.Region = "us-west-2" }, "sts.us-west-2.amazonaws.com"},
		{"env over profile", map[string]string{"AWS_REGION": "eu-west-1"}, nil, "sts.eu-west-1.amazonaws.com"},
		{"AWS_DEFAULT_REGION", map[string]string{"AWS_DEFAULT_REGION": "eu-central-1"}, nil, "sts.eu-central-1.amazonaws.com"},
		{"profile", nil, nil, "sts.ap-northeast-2.amazonaws.com"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			for k, v := range tt.env {
				h.env[k] = v
			}
			tok := h.call(func(o *call) {
				o.Profile = "dev1-eks"
				if tt.edit != nil {
					tt.edit(o)
				}
			}).mustToken(t)
			if host, _ := tokenURLQuery(t, tok); host != tt.wantHost {
				t.Errorf("token host %s, want %s", host, tt.wantHost)
			}
		})
	}
}

// TestEnvironmentCredentials covers keys in the environment with no AWS
// files at all; the SDK reads the process environment, so it is set too.
func TestEnvironmentCredentials(t *testing.T) {
	h := newHarness(t)
	if err := os.RemoveAll(filepath.Join(h.home, ".aws")); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "AKIADEV1", "AWS_SECRET_ACCESS_KEY": "secret-AKIADEV1", "AWS_REGION": "eu-west-1"} {
		t.Setenv(k, v)
		h.env[k] = v
	}
	tok := h.call(func(o *call) { o.RoleARN = viewerARN }).mustToken(t)
	if host, _ := tokenURLQuery(t, tok); host != "sts.eu-west-1.amazonaws.com" {
		t.Errorf("token host %s", host)
	}
	if a := h.fake.lastAssume(); a["Caller"] != dev1ARN || a["RoleSessionName"] != "eks-login-dev1" {
		t.Errorf("AssumeRole by %s as %q, want dev1 as eks-login-dev1", a["Caller"], a["RoleSessionName"])
	}
	// Other keys in the environment make another entry.
	h.env["AWS_ACCESS_KEY_ID"] = "AKIADEV2"
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIADEV2")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret-AKIADEV2")
	_, err := h.call(func(o *call) { o.RoleARN = viewerARN }).exec(t)
	if exitcode.Of(err) != exitcode.AccessDenied {
		t.Errorf("dev2's keys were served dev1's cached token (err %v)", err)
	}
}

func TestLongTermKeysAreNotCached(t *testing.T) {
	h := newHarness(t)
	h.call(func(o *call) { o.Profile = "dev1" }).mustToken(t)
	entries, _ := filepath.Glob(filepath.Join(h.cacheDir, "*.json"))
	if len(entries) != 1 {
		t.Fatalf("cache holds %v", entries)
	}
	data, err := os.ReadFile(entries[0])
	var e tokencache.Entry
	if err == nil {
		err = json.Unmarshal(data, &e)
	}
	if err != nil || e.Token == "" {
		t.Fatalf("the entry holds no token (%v):\n%s", err, data)
	}
	if e.Credentials != nil || strings.Contains(string(data), "secret-AKIADEV1") {
		t.Errorf("the entry copies long-term keys:\n%s", data)
	}
}

// TestExpiredProcessCredentials (issue 18): credentials that
// credential_process hands out already expired give exit 4, and nothing is
// cached (a cached token would be refused by the cluster for its lifetime).
func TestExpiredProcessCredentials(t *testing.T) {
	h := newHarness(t)
	script := filepath.Join(h.home, "creds.sh")
	expired := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	writeFile(t, script, "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROC\", \"SecretAccessKey\": \"secret-proc\", \"SessionToken\": \"session-proc\", \"Expiration\": \""+expired+"\"}'\n")
	if err := os.Chmod(script, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(h.home, ".aws", "config"), testConfig+"\n[profile proc]\ncredential_process = "+script+"\nregion = ap-northeast-2\n")
	_, err := h.call(func(o *call) { o.Profile = "proc" }).exec(t)
	if exitcode.Of(err) != exitcode.Credentials || !strings.Contains(fmt.Sprint(err), "the credentials from credential_process expired at "+expired) {
		t.Errorf("err = %v (exit %d), want exit 4 naming credential_process and the expiry", err, exitcode.Of(err))
	}
	if entries, _ := filepath.Glob(filepath.Join(h.cacheDir, "*.json")); len(entries) != 0 {
		t.Errorf("expired credentials were cached: %v", entries)
	}
}

// TestPrime: the credentials login hands over serve the next call for the
// same input, signed by them, with no AWS config loaded and no STS call;
// long-term keys are refused, as the cache keeps only temporary ones.
func TestPrime(t *testing.T) {
	h := newHarness(t)
	creds := aws.Credentials{AccessKeyID: "ASIAPRIMED", SecretAccessKey: "secret-primed", SessionToken: "session-primed", CanExpire: true, Expires: time.Now().Add(time.Hour)}
	who := rolesession.Assumed{CallerARN: "arn:aws:sts::" + account + ":assumed-role/EKSMyExampleViewer/eks-login-dev1", RoleARN: viewerARN, SourceIdentity: dev1ARN}
	c := h.call(func(o *call) {
		o.Profile, o.Region = "dev1-eks", "ap-northeast-2"
		o.LoadConfig = func(context.Context, awsclient.Request) (aws.Config, error) {
			t.Error("a primed entry was not used: the AWS config was loaded")
			return aws.Config{}, errors.New("not after Prime")
		}
	})
	if err := c.Prime(context.Background(), c.Input, creds, who); err != nil {
		t.Fatal(err)
	}
	tok := c.mustToken(t)
	if c.out.Outcome != tokencache.Hit || c.out.CallerARN != who.CallerARN {
		t.Errorf("after Prime: %s as %q, want a hit as %s", c.out.Outcome, c.out.CallerARN, who.CallerARN)
	}
	if _, q := tokenURLQuery(t, tok); !strings.HasPrefix(q["X-Amz-Credential"], "ASIAPRIMED/") {
		t.Errorf("token signed by %q, want the primed credentials", q["X-Amz-Credential"])
	}
	if n := h.fake.count("AssumeRole") + h.fake.count("GetCallerIdentity"); n != 0 {
		t.Errorf("%d STS calls after Prime", n)
	}
	longTerm := creds
	longTerm.CanExpire = false
	if err := c.Prime(context.Background(), c.Input, longTerm, who); err == nil {
		t.Error("Prime cached long-term keys")
	}
}

// tokenEntries lists the cache's token entries, leaving out the role
// credentials the profile's clusters share.
func tokenEntries(t *testing.T, dir string) []string {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	var out []string
	for _, p := range paths {
		var e tokencache.Entry
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if json.Unmarshal(data, &e) != nil || e.Kind != tokencache.KindCredentials {
			out = append(out, p)
		}
	}
	return out
}
