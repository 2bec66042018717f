package login

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// TestMain doubles as "kubectl-eks_login token": the kubeconfig entries that
// the tests write run this test binary, as kubectl would run the plugin.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "token" && os.Getenv("KUBERNETES_EXEC_INFO") != "" {
		os.Exit(fakeTokenCommand(os.Args[2:]))
	}
	os.Exit(m.Run())
}

// fakeTokenCommand answers with the token "tok-PROFILE".
func fakeTokenCommand(args []string) int {
	var info struct {
		APIVersion string `json:"apiVersion"`
	}
	if err := json.Unmarshal([]byte(os.Getenv("KUBERNETES_EXEC_INFO")), &info); err != nil {
		fmt.Fprintln(os.Stderr, "bad KUBERNETES_EXEC_INFO")
		return 3
	}
	profile := ""
	for i, a := range args {
		if a == "--profile" && i+1 < len(args) {
			profile = args[i+1]
		}
	}
	if profile == "denied-eks" {
		fmt.Fprintln(os.Stderr, "error: you may not assume the role")
		return exitcode.AccessDenied
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"apiVersion": info.APIVersion, "kind": "ExecCredential",
		"status": map[string]any{"token": "tok-" + profile},
	})
	return 0
}

const (
	devARN  = "arn:aws:eks:eu-west-1:111122223333:cluster/dev"
	roleDev = "arn:aws:iam::111122223333:role/developer"
)

// fakeAWS stands in for STS and EKS. DescribeCluster records the config file
// it was given, to show that the planned profile is tried before writing.
type fakeAWS struct {
	mu          sync.Mutex
	identity    Identity
	identityErr error
	cluster     Cluster
	clusterErr  error
	calls       []string
	triedConfig []byte
	realConfig  string
	realAtCall  []byte
}

func (f *fakeAWS) CallerIdentity(ctx context.Context, p ProfileRef) (Identity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "GetCallerIdentity "+p.Name+" "+p.Region)
	return f.identity, f.identityErr
}

func (f *fakeAWS) DescribeCluster(ctx context.Context, p ProfileRef, name string) (Cluster, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "DescribeCluster "+name+" "+p.Name+" "+p.Region)
	f.triedConfig, _ = os.ReadFile(p.ConfigFile)
	f.realAtCall, _ = os.ReadFile(f.realConfig)
	return f.cluster, f.clusterErr
}

// fakeAPI is the API server: it knows the token of profile dev1-eks as user
// developer, refuses forbidden-eks with 403, and no one else.
func fakeAPI(t *testing.T) *httptest.Server {
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "POST" || r.URL.Path != "/apis/authentication.k8s.io/v1/selfsubjectreviews" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		status := func(code int, reason, msg string) {
			w.WriteHeader(code)
			json.NewEncoder(w).Encode(map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": reason, "message": msg, "code": code})
		}
		switch r.Header.Get("Authorization") {
		case "Bearer tok-dev1-eks", "Bearer tok-dev1-admin":
			json.NewEncoder(w).Encode(map[string]any{"kind": "SelfSubjectReview", "status": map[string]any{"userInfo": map[string]any{
				"username": "developer", "groups": []string{"developers", "system:authenticated"},
			}}})
		case "Bearer tok-forbidden-eks":
			status(403, "Forbidden", `selfsubjectreviews.authentication.k8s.io is forbidden: User "nobody" cannot create resource "selfsubjectreviews"`)
		default:
			status(401, "Unauthorized", "Unauthorized")
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// world is one user's home with ~/.aws files, a fake AWS and a fake cluster.
type world struct {
	t              *testing.T
	home           string
	env            map[string]string
	aws            *fakeAWS
	api            *httptest.Server
	exe            string
	out, errOut    bytes.Buffer
	config, creds  string
	kubeconfigPath string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	home := t.TempDir()
	w := &world{t: t, home: home, env: map[string]string{"HOME": home}}
	w.config = filepath.Join(home, ".aws", "config")
	w.creds = filepath.Join(home, ".aws", "credentials")
	w.kubeconfigPath = filepath.Join(home, ".kube", "config")
	w.write(w.config, "# my profiles\n[profile dev1]\nregion = eu-west-1\n")
	w.write(w.creds, "[dev1]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n")
	w.api = fakeAPI(t)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: w.api.Certificate().Raw})
	w.aws = &fakeAWS{
		identity:   Identity{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice"},
		cluster:    Cluster{Name: "dev", ARN: devARN, Endpoint: w.api.URL, CAData: base64.StdEncoding.EncodeToString(ca), Status: "ACTIVE", Version: "1.31"},
		realConfig: w.config,
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	w.exe = exe
	return w
}

func (w *world) write(path, content string) {
	w.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) read(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}

// options are the flags of "kubectl eks-login --cluster dev --role-arn
// ROLE --source-profile dev1" as the flag layer would fill them.
func (w *world) options(mod ...func(*Options)) *Options {
	o := &Options{
		IO:             &iostreams.IOStreams{In: strings.NewReader(""), Out: &w.out, ErrOut: &w.errOut},
		Getenv:         func(k string) string { return w.env[k] },
		Cluster:        "dev",
		RoleARN:        roleDev,
		SourceProfile:  "dev1",
		ExecAPIVersion: "v1beta1",
		AWS:            w.aws,
		ExecCommand:    w.exe,
		LookPath:       func(string) (string, error) { return w.exe, nil },
	}
	for _, m := range mod {
		m(o)
	}
	return o
}

func (w *world) login(mod ...func(*Options)) error {
	w.out.Reset()
	w.errOut.Reset()
	return runLogin(context.Background(), w.options(mod...))
}

// normalize replaces what changes from run to run, for golden files.
func (w *world) normalize(s string) string {
	s = strings.ReplaceAll(s, w.exe, "kubectl-eks_login")
	s = strings.ReplaceAll(s, w.api.URL, "https://API-SERVER")
	return strings.ReplaceAll(s, w.home, "$HOME")
}

func TestLoginWritesBothFilesAndVerifies(t *testing.T) {
	w := newWorld(t)
	if err := w.login(); err != nil {
		t.Fatalf("%v\n%s", err, w.errOut.String())
	}
	golden.Check(t, "login.out.golden", w.normalize(w.out.String()))
	golden.Check(t, "login.config.golden", w.read(w.config))
	golden.Check(t, "login.kubeconfig.golden", w.normalize(w.read(w.kubeconfigPath)))
	if !strings.Contains(w.out.String(), "Logged in to dev as developer (groups: developers, system:authenticated)\n") {
		t.Errorf("output:\n%s", w.out.String())
	}
	// The role profile was tried from the planned content while the real
	// file was still as it was.
	if !bytes.Contains(w.aws.triedConfig, []byte("[profile dev1-eks]")) || bytes.Contains(w.aws.realAtCall, []byte("dev1-eks")) {
		t.Errorf("DescribeCluster saw config %q while the real one was %q", w.aws.triedConfig, w.aws.realAtCall)
	}
	if got := strings.Join(w.aws.calls, "; "); got != "DescribeCluster dev dev1-eks eu-west-1" {
		t.Errorf("AWS calls: %s", got)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(w.kubeconfigPath); fi.Mode().Perm() != 0o600 {
			t.Errorf("new kubeconfig mode %v", fi.Mode().Perm())
		}
	}

	// Again: nothing changes, not a byte.
	config, kc := w.read(w.config), w.read(w.kubeconfigPath)
	if err := w.login(); err != nil {
		t.Fatal(err)
	}
	if w.read(w.config) != config || w.read(w.kubeconfigPath) != kc {
		t.Error("a second identical login changed a file")
	}
	if !strings.Contains(w.out.String(), "is up to date") {
		t.Errorf("second run output:\n%s", w.out.String())
	}
	checkRealTools(t, w)
}

// checkRealTools has the AWS CLI read the profile and kubectl the context.
func checkRealTools(t *testing.T, w *world) {
	if aws, err := exec.LookPath("aws"); err == nil {
		cmd := exec.Command(aws, "configure", "get", "role_arn", "--profile", "dev1-eks")
		cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE="+w.config, "AWS_SHARED_CREDENTIALS_FILE="+w.creds)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != roleDev {
			t.Errorf("aws configure get role_arn: %q %v", out, err)
		}
	}
	if kubectl, err := exec.LookPath("kubectl"); err == nil {
		cmd := exec.Command(kubectl, "config", "current-context", "--kubeconfig", w.kubeconfigPath)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "dev" {
			t.Errorf("kubectl config current-context: %q %v", out, err)
		}
		cmd = exec.Command(kubectl, "config", "view", "--kubeconfig", w.kubeconfigPath, "-o", "jsonpath={.users[0].user.exec.args}")
		out, err = cmd.CombinedOutput()
		if err != nil || string(out) != `["token","--cluster-name","dev","--profile","dev1-eks","--region","eu-west-1"]` {
			t.Errorf("kubectl config view: %q %v", out, err)
		}
	}
}

func TestDryRunPrintsDiffsAndWritesNothing(t *testing.T) {
	w := newWorld(t)
	config := w.read(w.config)
	if err := w.login(func(o *Options) { o.DryRun = true; o.Namespace = "team-a" }); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "dry-run.out.golden", w.normalize(w.out.String()))
	if w.read(w.config) != config {
		t.Error("--dry-run changed the config file")
	}
	if _, err := os.Stat(w.kubeconfigPath); !os.IsNotExist(err) {
		t.Errorf("--dry-run created the kubeconfig: %v", err)
	}
	// A real run writes exactly what the dry run showed.
	var shown bytes.Buffer
	shown.Write(w.out.Bytes())
	if err := w.login(func(o *Options) { o.Namespace = "team-a"; o.NoVerify = true }); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(shown.String(), "\n") {
		if strings.HasPrefix(line, "+") && !strings.HasPrefix(line, "+++") {
			if !strings.Contains(w.read(w.config)+w.read(w.kubeconfigPath), line[1:]) {
				t.Errorf("the dry run showed %q, which the real run did not write", line)
			}
		}
	}
}

func TestRoleNameTakesAccountFromIdentity(t *testing.T) {
	w := newWorld(t)
	w.aws.identity = Identity{Account: "444455556666", ARN: "arn:aws-cn:iam::444455556666:user/alice"}
	w.aws.cluster.ARN = "arn:aws-cn:eks:cn-north-1:444455556666:cluster/dev"
	err := w.login(func(o *Options) { o.RoleARN = ""; o.Role = "team/viewer"; o.Region = "cn-north-1"; o.NoVerify = true })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.read(w.config), "role_arn = arn:aws-cn:iam::444455556666:role/team/viewer\n") {
		t.Errorf("config:\n%s", w.read(w.config))
	}
	if got := strings.Join(w.aws.calls, "; "); got != "GetCallerIdentity dev1 cn-north-1; DescribeCluster dev dev1-eks cn-north-1" {
		t.Errorf("calls: %s", got)
	}
}

func TestTwoProfilesOnOneCluster(t *testing.T) {
	w := newWorld(t)
	if err := w.login(); err != nil {
		t.Fatal(err)
	}
	err := w.login(func(o *Options) {
		o.Profile = "dev1-admin"
		o.RoleARN = "arn:aws:iam::111122223333:role/admin"
		o.Alias = "dev-admin"
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, w.errOut.String())
	}
	kc := w.read(w.kubeconfigPath)
	for _, want := range []string{"name: dev1-eks@" + devARN, "name: dev1-admin@" + devARN, "name: dev\n", "name: dev-admin\n", "current-context: dev-admin"} {
		if !strings.Contains(kc, want) {
			t.Errorf("kubeconfig lacks %q:\n%s", want, kc)
		}
	}
	if strings.Count(kc, "name: "+devARN) != 1 {
		t.Errorf("want one cluster entry:\n%s", kc)
	}
}

func TestConflictsNeedYes(t *testing.T) {
	w := newWorld(t)
	w.write(w.config, "[profile dev1]\nregion = eu-west-1\n\n[profile dev1-eks]\nrole_arn = arn:aws:iam::111122223333:role/admin\nsource_profile = dev1\n")
	before := w.read(w.config)
	err := w.login()
	if exitcode.Of(err) != exitcode.Conflict || !strings.Contains(err.Error(), w.config+" already has [profile dev1-eks] (line 4)") || !strings.Contains(err.Error(), "--yes") {
		t.Fatalf("want a conflict naming the file and line, got %v", err)
	}
	if !strings.Contains(w.errOut.String(), "-role_arn = arn:aws:iam::111122223333:role/admin\n+role_arn = "+roleDev) {
		t.Errorf("the refusal must show the diff:\n%s", w.errOut.String())
	}
	if w.read(w.config) != before {
		t.Error("the refused login changed the config")
	}
	if len(w.aws.calls) != 0 {
		t.Errorf("a refused login must not call AWS: %v", w.aws.calls)
	}
	if err := w.login(func(o *Options) { o.Yes = true }); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.read(w.config), "role_arn = "+roleDev) {
		t.Error("--yes did not write the role")
	}

	// A context of that name that points elsewhere is a conflict too.
	w2 := newWorld(t)
	w2.write(w2.kubeconfigPath, "apiVersion: v1\nkind: Config\nclusters:\n- name: other\n  cluster:\n    server: https://other\ncontexts:\n- name: dev\n  context:\n    cluster: other\n    user: other\nusers:\n- name: other\n  user:\n    token: x\ncurrent-context: dev\n")
	kc, config := w2.read(w2.kubeconfigPath), w2.read(w2.config)
	err = w2.login()
	if exitcode.Of(err) != exitcode.Conflict || !strings.Contains(err.Error(), `context "dev" in `+w2.kubeconfigPath) || !strings.Contains(err.Error(), "--alias") {
		t.Fatalf("want a context conflict, got %v", err)
	}
	if w2.read(w2.kubeconfigPath) != kc || w2.read(w2.config) != config {
		t.Error("a refused login wrote a file")
	}
}

func TestVerifyFailures(t *testing.T) {
	tests := []struct {
		name, profile string
		code          int
		want          []string
	}{
		{"unmapped role", "unmapped-eks", exitcode.Unauthorized, []string{"does not know role " + roleDev, "aws-auth", "access entry", "kubectl eks-login admin map --role-arn " + roleDev + " --username developer --group GROUP"}},
		{"rbac forbids the review", "forbidden-eks", exitcode.Forbidden, []string{"RBAC forbids", "selfsubjectreviews", `User "nobody" cannot create`}},
		// Its own message goes to the terminal, as under kubectl.
		{"token command fails", "denied-eks", exitcode.AccessDenied, []string{"failed with exit code 5", "credential command"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			err := w.login(func(o *Options) { o.Profile = tt.profile })
			if exitcode.Of(err) != tt.code {
				t.Fatalf("exit code %d, want %d: %v", exitcode.Of(err), tt.code, err)
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error()+w.errOut.String(), s) {
					t.Errorf("error lacks %q:\n%v\n%s", s, err, w.errOut.String())
				}
			}
			// The files are written: the mapping is the admin's part.
			if !strings.Contains(w.read(w.config), "[profile "+tt.profile+"]") || !strings.Contains(w.read(w.kubeconfigPath), "current-context: dev") {
				t.Error("the files should be written before the check")
			}
		})
	}
}

// TestBadInputsChangeNothing is the corpus of inputs that must be refused
// with a message naming what to fix, leaving both files byte for byte.
func TestBadInputsChangeNothing(t *testing.T) {
	tests := []struct {
		name  string
		setup func(w *world)
		opts  func(o *Options)
		code  int
		want  []string
	}{
		{name: "unclosed section header", setup: func(w *world) { w.write(w.config, "[profile dev1]\nregion = eu-west-1\n[profile dev1-eks\n") },
			code: exitcode.Input, want: []string{"/.aws/config line 3", `a section header has no closing "]"`}},
		{name: "garbage in credentials", setup: func(w *world) { w.write(w.creds, "[dev1]\naws_access_key_id AKID\n") },
			code: exitcode.Input, want: []string{"/.aws/credentials line 2"}},
		{name: "malformed kubeconfig", setup: func(w *world) {
			w.write(w.kubeconfigPath, "apiVersion: v1\nclusters:\n- name: a\n  cluster:\n\tserver: x\n")
		}, code: exitcode.Input, want: []string{"/.kube/config line 5", "not valid YAML"}},
		{name: "kubeconfig list not a list", setup: func(w *world) { w.write(w.kubeconfigPath, "users: {a: b}\n") },
			code: exitcode.Input, want: []string{"/.kube/config line 1", "users must be a list"}},
		{name: "unwritable folder", setup: func(w *world) {
			if runtime.GOOS != "linux" {
				w.t.Skip("uses /proc")
			}
		}, opts: func(o *Options) { o.Kubeconfig = "/proc/eks-login-test/config" }, code: exitcode.Input, want: []string{"cannot write /proc/eks-login-test/config", "nothing was written"}},
		{name: "unknown source profile", opts: func(o *Options) { o.SourceProfile = "nobody" },
			code: exitcode.Credentials, want: []string{`source profile "nobody" is in neither`, "/.aws/config", "/.aws/credentials"}},
		{name: "short account in role ARN", opts: func(o *Options) { o.RoleARN = "arn:aws:iam::12:role/x" },
			code: exitcode.Usage, want: []string{`--role-arn "arn:aws:iam::12:role/x"`, `the account "12" must be 12 digits`}},
		{name: "not an ARN", opts: func(o *Options) { o.RoleARN = "not-an-arn" },
			code: exitcode.Usage, want: []string{`--role-arn "not-an-arn" is not an IAM role ARN`, "arn:aws:iam::123456789012:role/NAME"}},
		{name: "user ARN", opts: func(o *Options) { o.RoleARN = "arn:aws:iam::111122223333:user/alice" },
			code: exitcode.Usage, want: []string{"names a user, not a role"}},
		{name: "role and role ARN", opts: func(o *Options) { o.Role = "x" }, code: exitcode.Usage, want: []string{"pass one of them"}},
		{name: "no cluster", opts: func(o *Options) { o.Cluster = "" }, code: exitcode.Usage, want: []string{"--cluster is required"}},
		{name: "no region anywhere", setup: func(w *world) { w.write(w.config, "[profile dev1]\n") },
			code: exitcode.Usage, want: []string{"no AWS region", "pass --region"}},
		{name: "bad namespace", opts: func(o *Options) { o.Namespace = "Team_A" }, code: exitcode.Usage, want: []string{`--namespace "Team_A"`}},
		{name: "bad exec api version", opts: func(o *Options) { o.ExecAPIVersion = "v2" }, code: exitcode.Usage, want: []string{`--exec-api-version "v2"`}},
		{name: "profile is the source", opts: func(o *Options) { o.Profile = "dev1" }, code: exitcode.Usage, want: []string{"is also the source profile"}},
		{name: "assume role denied", setup: func(w *world) {
			w.aws.clusterErr = &awserr.Error{Kind: awserr.AssumeRoleDenied, Code: "AccessDenied", Caller: "arn:aws:iam::111122223333:user/alice"}
		}, code: exitcode.AccessDenied, want: []string{"arn:aws:iam::111122223333:user/alice may not assume role " + roleDev, "add you to the IAM group", "nothing was written"}},
		{name: "describe denied", setup: func(w *world) {
			w.aws.clusterErr = &awserr.Error{Kind: awserr.AccessDenied, Code: "AccessDeniedException", Message: "not authorized to perform: eks:DescribeCluster"}
		}, code: exitcode.AccessDenied, want: []string{"role " + roleDev + " may not call eks:DescribeCluster on cluster dev", "nothing was written"}},
		{name: "no such cluster", setup: func(w *world) {
			w.aws.clusterErr = &awserr.Error{Kind: awserr.NotFound, Code: "ResourceNotFoundException", Message: "No cluster found for name: dev."}
		}, code: exitcode.Usage, want: []string{"no EKS cluster dev in region eu-west-1"}},
		{name: "AWS unreachable", setup: func(w *world) {
			w.aws.clusterErr = &awserr.Error{Kind: awserr.Network, Err: errors.New("dial tcp: no route")}
		}, code: exitcode.Network, want: []string{"AWS could not be reached"}},
		{name: "cluster still creating", setup: func(w *world) { w.aws.cluster.Status = "CREATING" },
			code: exitcode.Failure, want: []string{"cluster dev is CREATING"}},
		{name: "plain http endpoint", setup: func(w *world) { w.aws.cluster.Endpoint = "http://evil.example" },
			code: exitcode.Failure, want: []string{`endpoint "http://evil.example", which is not an https:// URL`}},
		{name: "CA not base64", setup: func(w *world) { w.aws.cluster.CAData = "%%%" },
			code: exitcode.Failure, want: []string{"not base64"}},
		{name: "CA not a certificate", setup: func(w *world) {
			w.aws.cluster.CAData = base64.StdEncoding.EncodeToString([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
		}, code: exitcode.Failure, want: []string{"not a PEM certificate"}},
		{name: "CA garbage inside PEM", setup: func(w *world) {
			w.aws.cluster.CAData = base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
		}, code: exitcode.Failure, want: []string{"does not parse"}},
		{name: "ARN of another cluster", setup: func(w *world) { w.aws.cluster.ARN = "arn:aws:eks:eu-west-1:111122223333:cluster/prod" },
			code: exitcode.Failure, want: []string{"not the ARN of an EKS cluster named dev"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			if tt.setup != nil {
				tt.setup(w)
			}
			config, creds, kc := w.read(w.config), w.read(w.creds), w.read(w.kubeconfigPath)
			mod := func(*Options) {}
			if tt.opts != nil {
				mod = tt.opts
			}
			err := w.login(mod)
			if exitcode.Of(err) != tt.code {
				t.Fatalf("exit code %d, want %d: %v", exitcode.Of(err), tt.code, err)
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if w.read(w.config) != config || w.read(w.creds) != creds || w.read(w.kubeconfigPath) != kc {
				t.Error("a refused login changed a file")
			}
		})
	}
}

func TestWarnsWhenPluginNotOnPath(t *testing.T) {
	w := newWorld(t)
	err := w.login(func(o *Options) {
		o.ExecCommand = "kubectl-eks_login"
		o.LookPath = func(string) (string, error) { return "", exec.ErrNotFound }
		o.NoVerify = true
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.errOut.String(), "kubectl-eks_login is not on your PATH") {
		t.Errorf("stderr:\n%s", w.errOut.String())
	}
}

func TestKubeconfigListPicksFileHoldingCluster(t *testing.T) {
	w := newWorld(t)
	a, b := filepath.Join(w.home, "a.yaml"), filepath.Join(w.home, "b.yaml")
	w.write(a, "apiVersion: v1\nkind: Config\ncurrent-context: elsewhere\n")
	w.write(b, "apiVersion: v1\nkind: Config\nclusters:\n- name: "+devARN+"\n  cluster:\n    server: https://old\n")
	w.env["KUBECONFIG"] = a + string(filepath.ListSeparator) + b
	if err := w.login(func(o *Options) { o.NoVerify = true }); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(w.read(a), "dev1-eks") || !strings.Contains(w.read(b), "user: dev1-eks@"+devARN) {
		t.Errorf("want the entries in %s:\n%s\n---\n%s", b, w.read(a), w.read(b))
	}
	if !strings.Contains(w.errOut.String(), "warning: "+a+` sets current-context "elsewhere"`) {
		t.Errorf("want a warning about the shadowing current-context:\n%s", w.errOut.String())
	}
}

func TestExecAPIVersionV1(t *testing.T) {
	w := newWorld(t)
	if err := w.login(func(o *Options) { o.ExecAPIVersion = "v1" }); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.read(w.kubeconfigPath), "apiVersion: client.authentication.k8s.io/v1\n") {
		t.Errorf("kubeconfig:\n%s", w.read(w.kubeconfigPath))
	}
}

func TestFlagsThroughCommand(t *testing.T) {
	f := &cmdutil.Factory{IOStreams: &iostreams.IOStreams{In: strings.NewReader(""), Out: new(bytes.Buffer), ErrOut: new(bytes.Buffer)}, Getenv: func(string) string { return "" }}
	cmd := NewCmd(f)
	cmd.SetArgs([]string{"--cluster", "dev", "--role", "viewer", "--exec-api-version", "v1", "--dry-run", "extra"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); exitcode.Of(err) != exitcode.Usage {
		t.Errorf("extra arguments: %v", err)
	}
	var help bytes.Buffer
	cmd.SetOut(&help)
	cmd.Help()
	if !strings.Contains(help.String(), "--role-arn") || !strings.Contains(help.String(), "PROFILE@CLUSTER-ARN") {
		t.Error("help lacks the flags or the entry names")
	}
}

func TestParseRoleARN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"arn:aws:iam::111122223333:role/developer", ""},
		{"arn:aws:iam::111122223333:role/team/a/viewer", ""},
		{"arn:aws-cn:iam::111122223333:role/x", ""},
		{"arn:aws:iam::12:role/x", `the account "12" must be 12 digits`},
		{"not-an-arn", "is not an IAM role ARN"},
		{"arn:aws:iam::111122223333:role/", "is not a valid IAM role name"},
		{"arn:aws:iam::111122223333:role//x", "is not a valid IAM role name"},
		{"arn:aws:iam::111122223333:role/a b", "is not a valid IAM role name"},
		{"arn:aws:s3:::bucket/x:y", "service \"s3\""},
		{"arn:aws:iam:eu-west-1:111122223333:role/x", "has a region"},
		{"arn:azure:iam::111122223333:role/x", "not an AWS partition"},
		{"arn:aws:iam::111122223333:group/devs", "names a group, not a role"},
		{"arn:aws:iam::111122223333:role/" + strings.Repeat("a", 65), "is not a valid IAM role name"},
	}
	for _, tt := range tests {
		r, err := parseRoleARN(tt.in)
		switch {
		case tt.want == "" && (err != nil || r.String() != tt.in):
			t.Errorf("%s: %v, round trip %s", tt.in, err, r)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want %q", tt.in, err, tt.want)
		}
	}
	for in, ok := range map[string]bool{"dev": true, "a_b-9": true, "-x": false, "": false, strings.Repeat("a", 101): false, "a.b": false} {
		if ValidClusterName(in) != ok {
			t.Errorf("ValidClusterName(%q) != %v", in, ok)
		}
	}
	for in, ok := range map[string]bool{"default": true, "team-a": true, "Team": false, "-a": false, "a-": false, strings.Repeat("a", 64): false} {
		if validNamespace(in) != ok {
			t.Errorf("validNamespace(%q) != %v", in, ok)
		}
	}
}

func TestMFASerialAndVerbose(t *testing.T) {
	w := newWorld(t)
	const serial = "arn:aws:iam::111122223333:mfa/alice"
	if err := w.login(func(o *Options) { o.MFASerial = serial; o.Verbose = true; o.NoVerify = true }); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.read(w.config), "mfa_serial = "+serial+"\n") || !bytes.Contains(w.aws.triedConfig, []byte("mfa_serial = "+serial)) {
		t.Errorf("config:\n%s", w.read(w.config))
	}
	for _, s := range []string{"eks-login: region eu-west-1 (from profile dev1 in", "eks-login: DescribeCluster dev in eu-west-1 as profile dev1-eks"} {
		if !strings.Contains(w.errOut.String(), s) {
			t.Errorf("verbose log lacks %q:\n%s", s, w.errOut.String())
		}
	}
}
