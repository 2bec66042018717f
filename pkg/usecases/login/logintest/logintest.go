// Package logintest is the world login's tests run in, for the use case
// and for the command: a home with ~/.aws files, a fake AWS (STS and EKS,
// with the calls it saw), and a fake API server over TLS that knows the
// token of a few profiles. The test binary itself plays
// "kubectl-eks_login token" for the kubeconfig entries the tests write
// (RunTokenCommand, from TestMain), as kubectl would run the plugin.
package logintest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/eks-login/eks-login/pkg/awsprofile"
	"github.com/eks-login/eks-login/pkg/discovery"
	"github.com/eks-login/eks-login/pkg/env"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/rolesession"
)

// The cluster and the role of the world.
const (
	DevARN  = "arn:aws:eks:eu-west-1:111122223333:cluster/dev"
	RoleDev = "arn:aws:iam::111122223333:role/developer"
)

// RunTokenCommand makes the test binary answer as "kubectl-eks_login
// token" when the kubeconfig entries the tests write run it; call it first
// in TestMain. The token is "tok-PROFILE"; profile denied-eks fails with
// exit code 5, as an AccessDenied would.
func RunTokenCommand() {
	if len(os.Args) > 1 && os.Args[1] == "token" && os.Getenv("KUBERNETES_EXEC_INFO") != "" {
		os.Exit(fakeTokenCommand(os.Args[2:]))
	}
}

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

// AWS stands in for STS and EKS. DescribeCluster records the config file
// it was given, to show that the planned profile is tried before writing.
type AWS struct {
	mu          sync.Mutex
	Identity    awsprofile.Identity
	IdentityErr error
	Cluster     awsprofile.Cluster
	ClusterErr  error
	// Session, when set, is the role session DescribeCluster opened.
	Session *rolesession.Assumed
	// Calls lists the calls made, as "ACTION ARGS".
	Calls []string
	// TriedConfig is the config file DescribeCluster was given; RealAtCall
	// is what RealConfig held at that moment.
	TriedConfig, RealAtCall []byte
	RealConfig              string
}

func (f *AWS) CallerIdentity(_ context.Context, p awsprofile.Ref) (awsprofile.Identity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, "GetCallerIdentity "+p.Name+" "+p.Region)
	return f.Identity, f.IdentityErr
}

func (f *AWS) DescribeCluster(_ context.Context, p awsprofile.Ref, name string) (awsprofile.Cluster, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, "DescribeCluster "+name+" "+p.Name+" "+p.Region)
	f.TriedConfig, _ = os.ReadFile(p.ConfigFile)
	f.RealAtCall, _ = os.ReadFile(f.RealConfig)
	return f.Cluster, f.ClusterErr
}

// RoleSession hands out temporary credentials for Session, if set.
func (f *AWS) RoleSession(string) (aws.Credentials, rolesession.Assumed, bool) {
	if f.Session == nil {
		return aws.Credentials{}, rolesession.Assumed{}, false
	}
	creds := aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "session", CanExpire: true, Expires: time.Now().Add(time.Hour)}
	return creds, *f.Session, true
}

// newAPI is the API server: it knows the token of profiles dev1-eks and
// dev1-admin as user developer, of the SSO profiles ACCOUNT-EKSViewer of
// accounts 111122223333 and 210987654321 as viewer, refuses forbidden-eks
// with 403, and no one else.
func newAPI(t *testing.T) *httptest.Server {
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
		case "Bearer tok-111122223333-EKSViewer", "Bearer tok-210987654321-EKSViewer":
			json.NewEncoder(w).Encode(map[string]any{"kind": "SelfSubjectReview", "status": map[string]any{"userInfo": map[string]any{
				"username": "viewer", "groups": []string{"viewers", "system:authenticated"},
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

// World is one user's home with ~/.aws files, a fake AWS and a fake cluster.
type World struct {
	T    *testing.T
	Home string
	Vars map[string]string
	AWS  *AWS
	API  *httptest.Server
	// Exe is the test binary, which the kubeconfig's exec entries run.
	Exe                       string
	Config, Creds, Kubeconfig string
}

// New makes a world: profile dev1 with keys and region eu-west-1, and
// cluster dev, ACTIVE, served by the fake API server.
func New(t *testing.T) *World {
	t.Helper()
	home := t.TempDir()
	w := &World{T: t, Home: home, Vars: map[string]string{"HOME": home}}
	w.Config = filepath.Join(home, ".aws", "config")
	w.Creds = filepath.Join(home, ".aws", "credentials")
	w.Kubeconfig = filepath.Join(home, ".kube", "config")
	w.Write(w.Config, "# my profiles\n[profile dev1]\nregion = eu-west-1\n")
	w.Write(w.Creds, "[dev1]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n")
	w.API = newAPI(t)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: w.API.Certificate().Raw})
	w.AWS = &AWS{
		Identity:   awsprofile.Identity{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice"},
		Cluster:    awsprofile.Cluster{Name: "dev", ARN: DevARN, Endpoint: w.API.URL, CAData: base64.StdEncoding.EncodeToString(ca), Status: "ACTIVE", Version: "1.31"},
		RealConfig: w.Config,
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	w.Exe = exe
	return w
}

// Env is the world's environment (Vars) with the real clock.
func (w *World) Env() env.Env {
	return env.Env{Getenv: func(k string) string { return w.Vars[k] }, Environ: func() []string { return nil }, Now: time.Now}
}

// Write writes a file of the world.
func (w *World) Write(path, content string) {
	w.T.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		w.T.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		w.T.Fatal(err)
	}
}

// Read reads a file of the world; a missing file reads as its error.
func (w *World) Read(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}

// Normalize replaces what changes from run to run, for golden files.
func (w *World) Normalize(s string) string {
	s = strings.ReplaceAll(s, w.Exe, "kubectl-eks_login")
	s = strings.ReplaceAll(s, w.API.URL, "https://API-SERVER")
	return strings.ReplaceAll(s, w.Home, "$HOME")
}

// Finder stands in for discovery: it answers Discover and WalkSSO with the
// results set, and records what it was asked, and the config file it was
// given as the test files had it at that moment.
type Finder struct {
	mu     sync.Mutex
	Result *discovery.Result
	SSO    *discovery.SSOResult
	Err    error
	// Calls lists the calls, as "Discover PROFILE REGIONS" or "WalkSSO
	// SESSION ACCOUNTS ROLES".
	Calls []string
	// TriedConfig is the config file Discover was given.
	TriedConfig []byte
	// Options are the last options given.
	Options discovery.Options
	// TokenFile is the SSO token cache WalkSSO was told to read.
	TokenFile string
}

func (f *Finder) Discover(_ context.Context, p awsprofile.Ref, opts discovery.Options) (*discovery.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, fmt.Sprintf("Discover %s %v", p.Name, opts.Regions))
	f.TriedConfig, _ = os.ReadFile(p.ConfigFile)
	f.Options = opts
	if opts.Progress != nil {
		opts.Progress(discovery.Progress{RegionsDone: 1, Regions: 1})
	}
	return f.Result, f.Err
}

func (f *Finder) WalkSSO(_ context.Context, p awsprofile.Ref, s discovery.SSOSession, opts discovery.SSOOptions) (*discovery.SSOResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, fmt.Sprintf("WalkSSO %s %s %s %v %v", s.Name, s.StartURL, s.Region, opts.Accounts, opts.Roles))
	f.Options, f.TokenFile = opts.Discover, opts.TokenFile
	return f.SSO, f.Err
}

// Found is a cluster of the world as discovery finds it: ACTIVE, served by
// the fake API server, in the account and region given, through role.
func (w *World) Found(account, region, name, role string) discovery.Cluster {
	return discovery.Cluster{
		Name: name, Region: region, Account: account, ARN: "arn:aws:eks:" + region + ":" + account + ":cluster/" + name,
		Endpoint: w.API.URL, CAData: w.AWS.Cluster.CAData, Status: "ACTIVE", Version: "1.33", AuthMode: "API_AND_CONFIG_MAP", Role: role,
	}
}
