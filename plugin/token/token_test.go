package token

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/tokencache"
	"github.com/eks-login/eks-login/plugin/cmdutil"
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

// run is one call of the command, as kubectl would make it.
type run struct {
	opts           *Options
	stdout, stderr bytes.Buffer
}

func (h *harness) options(edit func(*Options)) *run {
	// The SDK reads the process environment, not Getenv: give it the
	// harness's AWS variables too.
	for k, v := range h.env {
		if strings.HasPrefix(k, "AWS_") {
			h.t.Setenv(k, v)
		}
	}
	r := &run{}
	r.opts = &Options{
		IO:          &iostreams.IOStreams{In: strings.NewReader(""), Out: &r.stdout, ErrOut: &r.stderr},
		Getenv:      func(k string) string { return h.env[k] },
		ClusterName: "my-example",
		STSEndpoint: "regional",
		CacheDir:    h.cacheDir,
		Verbose:     true,
		IsTerminal:  func() bool { return false },
		PromptMFA: func(string) (string, error) {
			h.t.Error("prompted for an MFA code")
			return "", errors.New("unexpected prompt")
		},
		loadOptions: []func(*config.LoadOptions) error{
			config.WithBaseEndpoint(h.fake.URL),
			config.WithRetryMaxAttempts(1),
		},
	}
	if edit != nil {
		edit(r.opts)
	}
	return r
}

func (r *run) exec(t *testing.T) error {
	t.Helper()
	err := runToken(context.Background(), r.opts)
	checkNoSecrets(t, r.stderr.String())
	if err != nil {
		checkNoSecrets(t, err.Error())
		if r.stdout.Len() > 0 {
			t.Errorf("stdout holds %q after an error", r.stdout.String())
		}
	}
	return err
}

// mustToken runs the command and returns the token it printed.
func (r *run) mustToken(t *testing.T) string {
	t.Helper()
	if err := r.exec(t); err != nil {
		t.Fatalf("runToken: %v\nstderr:\n%s", err, r.stderr.String())
	}
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
	dec := json.NewDecoder(bytes.NewReader(r.stdout.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cred); err != nil {
		t.Fatalf("stdout is not one ExecCredential: %v\n%s", err, r.stdout.String())
	}
	if dec.More() {
		t.Fatalf("stdout holds more than the ExecCredential:\n%s", r.stdout.String())
	}
	if cred.Kind != "ExecCredential" || cred.Status.Token == "" {
		t.Fatalf("ExecCredential without a token: %s", r.stdout.String())
	}
	if _, err := time.Parse(time.RFC3339, cred.Status.ExpirationTimestamp); err != nil {
		t.Errorf("expirationTimestamp %q: %v", cred.Status.ExpirationTimestamp, err)
	}
	return cred.Status.Token
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
	cold := h.options(func(o *Options) { o.Profile = "dev1-eks" })
	tok := cold.mustToken(t)
	t.Logf("cold call, --verbose:\n%s", cold.stderr.String())

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
	entries, _ := filepath.Glob(filepath.Join(h.cacheDir, "*.json"))
	if len(entries) != 1 {
		t.Fatalf("cache holds %v, want one entry", entries)
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

	warm := h.options(func(o *Options) {
		o.Profile = "dev1-eks"
		o.loadConfig = func(context.Context, awsclient.Request) (aws.Config, error) {
			t.Error("the warm path loaded the AWS config")
			return aws.Config{}, errors.New("not on the warm path")
		}
	})
	if got := warm.mustToken(t); got != tok {
		t.Error("the warm call minted a new token instead of reusing the cached one")
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
	at := func(d time.Duration) func(*Options) {
		return func(o *Options) { o.Profile = "dev1-eks"; o.Now = func() time.Time { return start.Add(d) } }
	}
	first := h.options(at(0)).mustToken(t)
	// 15 minutes on: the token is spent, the one-hour credentials are not.
	second := h.options(at(15 * time.Minute)).mustToken(t)
	if second == first {
		t.Error("an expired token was served")
	}
	if got := h.fake.count("AssumeRole"); got != 1 {
		t.Errorf("re-signing with cached credentials made an AssumeRole call (%d in all)", got)
	}
	// 58 minutes on: the credentials have two minutes left, too few to sign.
	h.options(at(58 * time.Minute)).mustToken(t)
	if got := h.fake.count("AssumeRole"); got != 2 {
		t.Errorf("%d AssumeRole calls, want a second one once the credentials run low", got)
	}
	// --force-refresh mints although the entry is fresh; --no-cache too,
	// and leaves the entry alone.
	h.options(func(o *Options) { at(58 * time.Minute)(o); o.ForceRefresh = true }).mustToken(t)
	if got := h.fake.count("AssumeRole"); got != 3 {
		t.Errorf("--force-refresh: %d AssumeRole calls, want 3", got)
	}
	entries, _ := filepath.Glob(filepath.Join(h.cacheDir, "*.json"))
	before, _ := os.ReadFile(entries[0])
	noCache := h.options(func(o *Options) { at(58 * time.Minute)(o); o.NoCache = true; o.CacheDir = "" })
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
	h.options(func(o *Options) { o.Profile = "dev1-eks" }).mustToken(t)
	cfg := filepath.Join(h.home, ".aws", "config")
	writeFile(t, cfg, testConfig+"\n[profile added]\nregion = eu-west-1\n")
	h.options(func(o *Options) { o.Profile = "dev1-eks" }).mustToken(t)
	if got := h.fake.count("AssumeRole"); got != 2 {
		t.Errorf("%d AssumeRole calls, want a new one after the config changed", got)
	}
}

func TestCorruptEntryIsReplaced(t *testing.T) {
	h := newHarness(t)
	h.options(func(o *Options) { o.Profile = "dev1-eks" }).mustToken(t)
	entries, _ := filepath.Glob(filepath.Join(h.cacheDir, "*.json"))
	writeFile(t, entries[0], `{"version":1,"token":`)
	r := h.options(func(o *Options) { o.Profile = "dev1-eks" })
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

func TestConcurrentColdCalls(t *testing.T) {
	h := newHarness(t)
	const n = 64
	runs := make([]*run, n)
	for i := range runs {
		runs[i] = h.options(func(o *Options) { o.Profile = "dev1-eks"; o.Verbose = false })
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = runToken(context.Background(), r.opts)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if !strings.Contains(runs[i].stdout.String(), "k8s-aws-v1.") {
			t.Errorf("call %d printed no token", i)
		}
	}
	if got := h.fake.count("AssumeRole"); got != 1 {
		t.Errorf("%d concurrent cold calls made %d AssumeRole calls, want 1", n, got)
	}
}

func TestSessionNames(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(*Options)
		wantRole  string
		wantName  string
		wantCalls int // AssumeRole calls
	}{
		{"derived for a profile role", func(o *Options) { o.Profile = "dev1-eks" }, viewerARN, "eks-login-dev1", 1},
		{"the profile's role_session_name", func(o *Options) { o.Profile = "dev1-named" }, viewerARN, "fixed-name", 1},
		{"--session-name for a profile role", func(o *Options) { o.Profile = "dev1-eks"; o.SessionName = "alice" }, viewerARN, "alice", 1},
		{"--forward-session-name for a profile role", func(o *Options) { o.Profile = "dev1-eks"; o.ForwardSessionName = true }, viewerARN, "dev1", 1},
		{"derived for --role-arn", func(o *Options) { o.Profile = "dev1"; o.RoleARN = viewerARN }, viewerARN, "eks-login-dev1", 1},
		{"--session-name for --role-arn", func(o *Options) { o.Profile = "dev1"; o.RoleARN = viewerARN; o.SessionName = "alice@example.com" }, viewerARN, "alice@example.com", 1},
		{"--forward-session-name for --role-arn", func(o *Options) { o.Profile = "dev1"; o.RoleARN = viewerARN; o.ForwardSessionName = true }, viewerARN, "dev1", 1},
		{"--role-arn on a role profile", func(o *Options) { o.Profile = "dev1-eks"; o.RoleARN = auditARN }, auditARN, "eks-login-dev1", 2},
		{"--forward-session-name through a chain", func(o *Options) { o.Profile = "dev1-eks"; o.RoleARN = auditARN; o.ForwardSessionName = true }, auditARN, "eks-login-dev1", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.options(tt.edit).mustToken(t)
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
	r := h.options(func(o *Options) { o.Profile = "dev1-eks"; o.RoleARN = auditARN; o.ExternalID = "ext-42" })
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
		edit func(*Options)
	}{
		{"profile role", func(o *Options) { o.Profile = "dev2-eks" }},
		{"--role-arn", func(o *Options) { o.Profile = "dev2"; o.RoleARN = viewerARN }},
		{"--role-arn with a session name", func(o *Options) { o.Profile = "dev2"; o.RoleARN = viewerARN; o.SessionName = "bob" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			err := h.options(tt.edit).exec(t)
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

func TestMFA(t *testing.T) {
	v1 := func(interactive bool) string {
		return fmt.Sprintf(`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":%v}}`, interactive)
	}
	tests := []struct {
		name       string
		execInfo   string
		terminal   bool
		code       string
		wantPrompt bool
		wantCode   int
		wantErr    string
	}{
		{"kubectl says interactive", v1(true), false, "123456", true, 0, ""},
		{"by hand at a terminal", "", true, " 123456\n", true, 0, ""},
		{"kubectl says not interactive", v1(false), true, "", false, exitcode.Credentials, "run this once in a terminal"},
		{"no exec info, no terminal", "", false, "", false, exitcode.Credentials, "run this once in a terminal"},
		{"a code that is not six digits", v1(true), false, "12345", true, exitcode.Credentials, "6 digits"},
		{"a wrong code", v1(true), false, "654321", true, exitcode.Credentials, "did not accept the MFA code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.env["KUBERNETES_EXEC_INFO"] = tt.execInfo
			h.env["AWS_REGION"] = "ap-northeast-2"
			var prompted []string
			r := h.options(func(o *Options) {
				o.Profile = "dev1-mfa"
				o.Executable = "/usr/local/bin/kubectl-eks_login"
				o.IsTerminal = func() bool { return tt.terminal }
				o.PromptMFA = func(serial string) (string, error) {
					prompted = append(prompted, serial)
					return tt.code, nil
				}
			})
			err := r.exec(t)
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
				// The next call, even without a terminal, is served from the cache.
				h.env["KUBERNETES_EXEC_INFO"] = v1(false)
				h.options(func(o *Options) { o.Profile = "dev1-mfa" }).mustToken(t)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		edit     func(h *harness, o *Options)
		wantCode int
		wantErr  []string
	}{
		{"no cluster", nil, func(_ *harness, o *Options) { o.ClusterName = "" }, exitcode.Usage, []string{"--cluster-name is required"}},
		{"both session flags", nil, func(_ *harness, o *Options) { o.SessionName = "a1"; o.ForwardSessionName = true }, exitcode.Usage, []string{"pass one of them"}},
		{"bad session name", nil, func(_ *harness, o *Options) { o.SessionName = "has space" }, exitcode.Usage, []string{"not a valid role session name"}},
		{"external id alone", nil, func(_ *harness, o *Options) { o.ExternalID = "x" }, exitcode.Usage, []string{"--external-id goes with --role-arn"}},
		{"bad role arn", nil, func(_ *harness, o *Options) { o.RoleARN = "EKSMyExampleViewer" }, exitcode.Usage, []string{"not an IAM role ARN"}},
		{"bad endpoint", nil, func(_ *harness, o *Options) { o.STSEndpoint = "fips" }, exitcode.Usage, []string{"--sts-endpoint", "regional"}},
		{"no-cache with force-refresh", nil, func(_ *harness, o *Options) { o.NoCache, o.ForceRefresh = true, true }, exitcode.Usage, []string{"cannot go together"}},
		{"bad region flag", nil, func(_ *harness, o *Options) { o.Region = "ap_northeast_2" }, exitcode.Usage, []string{"--region", "not an AWS region name"}},
		{"bad region env", map[string]string{"AWS_REGION": "seoul"}, nil, exitcode.Usage, []string{"AWS_REGION", `"seoul"`}},
		{"bad default region env", map[string]string{"AWS_DEFAULT_REGION": "xx-east-1"}, nil, exitcode.Usage, []string{"AWS_DEFAULT_REGION", "partition"}},
		{"global outside aws", nil, func(_ *harness, o *Options) { o.Region = "cn-north-1"; o.STSEndpoint = "global" }, exitcode.Usage, []string{"only in the aws partition"}},
		{"bad region in profile", nil, func(_ *harness, o *Options) { o.Profile = "badregion" }, exitcode.Input, []string{`profile "badregion" in `, "config", "not an AWS region name"}},
		{"no region", nil, func(_ *harness, o *Options) { o.Profile = "noregion" }, exitcode.Usage, []string{"no AWS region", "--region"}},
		{"missing profile", nil, func(_ *harness, o *Options) { o.Profile = "nope" }, exitcode.Input, []string{`AWS profile "nope" does not exist in`, ".aws/config"}},
		{"missing profile from env", map[string]string{"AWS_PROFILE": "nope"}, nil, exitcode.Input, []string{`"nope" does not exist`}},
		{"profile without credentials", nil, func(_ *harness, o *Options) { o.Profile = "nokeys" }, exitcode.Credentials, []string{`profile "nokeys"`, "has no credentials"}},
		{"no credentials at all", map[string]string{"AWS_REGION": "ap-northeast-2"}, nil, exitcode.Credentials, []string{"no AWS credentials found", "--profile"}},
		{"expired credentials", nil, func(h *harness, o *Options) {
			o.Profile = "dev1-eks"
			h.fake.errs["GetCallerIdentity"] = "ExpiredToken"
		},
			exitcode.Credentials, []string{`profile "dev1-eks" have expired`}},
		{"unknown access key", nil, func(h *harness, o *Options) {
			o.Profile = "dev1-eks"
			h.fake.errs["AssumeRole"] = "InvalidClientTokenId"
		},
			exitcode.Credentials, []string{"does not accept", "InvalidClientTokenId"}},
		{"unknown error code", nil, func(h *harness, o *Options) {
			o.Profile = "dev1-eks"
			h.fake.errs["AssumeRole"] = "RegionDisabledException"
		},
			exitcode.Failure, []string{"RegionDisabledException"}},
		{"network", nil, func(_ *harness, o *Options) {
			o.Profile = "dev1-eks"
			o.loadOptions = []func(*config.LoadOptions) error{config.WithBaseEndpoint("http://127.0.0.1:1"), config.WithRetryMaxAttempts(1)}
		}, exitcode.Network, []string{"cannot reach AWS at 127.0.0.1:1", "connection refused"}},
		{"bad exec info", map[string]string{"KUBERNETES_EXEC_INFO": `{"apiVersion":"client.authentication.k8s.io/v1alpha1"}`}, nil, exitcode.Input, []string{"v1alpha1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			for k, v := range tt.env {
				h.env[k] = v
			}
			r := h.options(func(o *Options) {
				if tt.edit != nil {
					tt.edit(h, o)
				}
			})
			err := r.exec(t)
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
	err := h.options(func(o *Options) { o.Profile = "dev1-eks" }).exec(t)
	if exitcode.Of(err) != exitcode.Input || !strings.Contains(err.Error(), "chmod 700 "+h.cacheDir) {
		t.Errorf("err = %v (code %d), want ExitInput with chmod 700", err, exitcode.Of(err))
	}
	if got := h.fake.count("AssumeRole"); got != 0 {
		t.Errorf("%d AssumeRole calls despite the refusal", got)
	}
}

func TestExecCredentialVersion(t *testing.T) {
	for _, tt := range []struct{ execInfo, want string }{
		{"", token.APIVersionV1beta1},
		{`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`, token.APIVersionV1},
		{`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":false}}`, token.APIVersionV1beta1},
	} {
		h := newHarness(t)
		h.env["KUBERNETES_EXEC_INFO"] = tt.execInfo
		r := h.options(func(o *Options) { o.Profile = "dev1-eks" })
		r.mustToken(t)
		if !strings.Contains(r.stdout.String(), `"apiVersion":"`+tt.want+`"`) {
			t.Errorf("exec info %q: got %s, want apiVersion %s", tt.execInfo, r.stdout.String(), tt.want)
		}
	}
}

func TestGlobalEndpointAndRegionSources(t *testing.T) {
	for _, tt := range []struct {
		name     string
		env      map[string]string
		edit     func(*Options)
		wantHost string
	}{
		{"global", nil, func(o *Options) { o.STSEndpoint = "global" }, "sts.amazonaws.com"},
		{"flag over env over profile", map[string]string{"AWS_REGION": "eu-west-1"}, func(o *Options) { o.Region = "us-west-2" }, "sts.us-west-2.amazonaws.com"},
		{"env over profile", map[string]string{"AWS_REGION": "eu-west-1"}, nil, "sts.eu-west-1.amazonaws.com"},
		{"AWS_DEFAULT_REGION", map[string]string{"AWS_DEFAULT_REGION": "eu-central-1"}, nil, "sts.eu-central-1.amazonaws.com"},
		{"profile", nil, nil, "sts.ap-northeast-2.amazonaws.com"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			for k, v := range tt.env {
				h.env[k] = v
			}
			tok := h.options(func(o *Options) {
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
	tok := h.options(func(o *Options) { o.RoleARN = viewerARN }).mustToken(t)
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
	err := h.options(func(o *Options) { o.RoleARN = viewerARN }).exec(t)
	if exitcode.Of(err) != exitcode.AccessDenied {
		t.Errorf("dev2's keys were served dev1's cached token (err %v)", err)
	}
}

func TestLongTermKeysAreNotCached(t *testing.T) {
	h := newHarness(t)
	h.options(func(o *Options) { o.Profile = "dev1" }).mustToken(t)
	entries, _ := filepath.Glob(filepath.Join(h.cacheDir, "*.json"))
	if len(entries) != 1 {
		t.Fatalf("cache holds %v", entries)
	}
	data, _ := os.ReadFile(entries[0])
	if strings.Contains(string(data), "secret-AKIADEV1") || strings.Contains(string(data), `"credentials":`) {
		t.Errorf("the entry copies long-term keys:\n%s", data)
	}
}

func TestNewCmd(t *testing.T) {
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IOStreams: &iostreams.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, Getenv: func(string) string { return "" }}
	cmd := NewCmd(f)
	var b bytes.Buffer
	cmd.SetOut(&b)
	cmd.Help()
	help := b.String()
	for _, want := range []string{"--cluster-name", "--forward-session-name", "--no-cache", "my-example", "dev1-eks", "ap-northeast-2", "Examples:"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	cmd.SetArgs([]string{"extra"})
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); exitcode.Of(err) != exitcode.Usage {
		t.Errorf("a stray argument gives %v, want a usage error", err)
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
	err := h.options(func(o *Options) { o.Profile = "proc" }).exec(t)
	if exitcode.Of(err) != exitcode.Credentials || !strings.Contains(fmt.Sprint(err), "the credentials from credential_process expired at "+expired) {
		t.Errorf("err = %v (exit %d), want exit 4 naming credential_process and the expiry", err, exitcode.Of(err))
	}
	if entries, _ := filepath.Glob(filepath.Join(h.cacheDir, "*.json")); len(entries) != 0 {
		t.Errorf("expired credentials were cached: %v", entries)
	}
}
