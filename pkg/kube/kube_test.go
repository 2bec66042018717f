package kube_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/kube/kubetest"
)

// TestMain doubles as a kubeconfig exec plugin: when KUBE_TEST_PLUGIN is set
// (by the exec entry's env), the test binary prints an ExecCredential
// instead of running tests.
func TestMain(m *testing.M) {
	if mode := os.Getenv("KUBE_TEST_PLUGIN"); mode != "" {
		os.Exit(plugin(mode))
	}
	os.Exit(m.Run())
}

// plugin answers as a credential plugin: "token" prints KUBE_TEST_TOKEN,
// "cert" the client certificate and key in KUBE_TEST_CERT and
// KUBE_TEST_KEY, "fail" exits 5. It saves KUBERNETES_EXEC_INFO in
// KUBE_TEST_INFO_OUT and counts its runs there with a suffix.
func plugin(mode string) int {
	info := os.Getenv("KUBERNETES_EXEC_INFO")
	if out := os.Getenv("KUBE_TEST_INFO_OUT"); out != "" {
		os.WriteFile(out, []byte(info), 0o600)
		f, _ := os.OpenFile(out+".runs", os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		f.WriteString("x")
		f.Close()
	}
	var in struct{ APIVersion string }
	json.Unmarshal([]byte(info), &in)
	status := map[string]any{"expirationTimestamp": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}
	switch mode {
	case "token":
		status["token"] = os.Getenv("KUBE_TEST_TOKEN")
	case "cert":
		cert, _ := os.ReadFile(os.Getenv("KUBE_TEST_CERT"))
		key, _ := os.ReadFile(os.Getenv("KUBE_TEST_KEY"))
		status["clientCertificateData"], status["clientKeyData"] = string(cert), string(key)
	case "fail":
		fmt.Fprintln(os.Stderr, "AccessDenied: you may not assume the role")
		return 5
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{"apiVersion": in.APIVersion, "kind": "ExecCredential", "status": status})
	return 0
}

// execUser is the kubeconfig user lines of an exec entry that runs this
// test binary in mode, with env as NAME=VALUE pairs.
func execUser(t *testing.T, mode string, env ...string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	s := fmt.Sprintf("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: %s\n      interactiveMode: Never\n      args: [--cluster-name, my-example]\n      env:\n      - {name: KUBE_TEST_PLUGIN, value: %s}\n", exe, mode)
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		s += fmt.Sprintf("      - {name: %s, value: %q}\n", name, value)
	}
	return s
}

func load(t *testing.T, src kube.Source) *kube.Client {
	t.Helper()
	cfg, err := kube.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kube.New(cfg.REST)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func noEnv(string) string { return "" }

// TestAuthenticatesAsKubectlDoes: each way a kubeconfig user can
// authenticate reaches the fake API server as the right user.
func TestAuthenticatesAsKubectlDoes(t *testing.T) {
	s := kubetest.New(t)
	s.AddToken("dev-token", kubetest.User{Name: "developer", Groups: []string{"developers"}})
	dir := t.TempDir()
	certPEM, keyPEM := kubetest.ClientCert(t, "cert-user", "cert-group")
	certFile, keyFile := filepath.Join(dir, "user.crt"), filepath.Join(dir, "user.key")
	os.WriteFile(certFile, certPEM, 0o600)
	os.WriteFile(keyFile, keyPEM, 0o600)
	os.WriteFile(filepath.Join(dir, "token"), []byte("dev-token\n"), 0o600)

	for _, tt := range []struct {
		name, user, wantAuth, wantUser string
	}{
		{"token", "    token: dev-token\n", "Bearer dev-token", "developer"},
		{"tokenFile relative to the kubeconfig", "    tokenFile: token\n", "Bearer dev-token", "developer"},
		{"client certificate files", "    client-certificate: user.crt\n    client-key: user.key\n", "cert cert-user", "cert-user"},
		{"client certificate data", fmt.Sprintf("    client-certificate-data: %s\n    client-key-data: %s\n",
			base64.StdEncoding.EncodeToString(certPEM), base64.StdEncoding.EncodeToString(keyPEM)), "cert cert-user", "cert-user"},
		{"exec plugin with a token", execUser(t, "token", "KUBE_TEST_TOKEN=dev-token"), "Bearer dev-token", "developer"},
		{"exec plugin with a client certificate", execUser(t, "cert", "KUBE_TEST_CERT="+certFile, "KUBE_TEST_KEY="+keyFile), "cert cert-user", "cert-user"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := s.Kubeconfig(t, dir, tt.user)
			c := load(t, kube.Source{Kubeconfig: path, Getenv: noEnv})
			before := len(s.Requests())
			u, err := c.WhoAmI(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if u.Username != tt.wantUser {
				t.Errorf("the server took us for %q, want %q", u.Username, tt.wantUser)
			}
			if got := s.Requests()[before].Auth; got != tt.wantAuth {
				t.Errorf("request authenticated with %q, want %q", got, tt.wantAuth)
			}
		})
	}
}

// TestExecPluginProtocol: the plugin gets KUBERNETES_EXEC_INFO of its
// apiVersion, is not interactive, runs once for many requests, and its
// failure is an ExecError with its exit code.
func TestExecPluginProtocol(t *testing.T) {
	s := kubetest.New(t)
	s.AddToken("dev-token", kubetest.User{Name: "developer"})
	dir := t.TempDir()
	infoOut := filepath.Join(dir, "info")
	c := load(t, kube.Source{Kubeconfig: s.Kubeconfig(t, dir, execUser(t, "token", "KUBE_TEST_TOKEN=dev-token", "KUBE_TEST_INFO_OUT="+infoOut)), Getenv: noEnv})
	for i := 0; i < 3; i++ {
		if _, err := c.WhoAmI(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	var info struct {
		APIVersion, Kind string
		Spec             struct{ Interactive *bool }
	}
	b, _ := os.ReadFile(infoOut)
	if err := json.Unmarshal(b, &info); err != nil || info.APIVersion != "client.authentication.k8s.io/v1" || info.Kind != "ExecCredential" || info.Spec.Interactive == nil || *info.Spec.Interactive {
		t.Errorf("KUBERNETES_EXEC_INFO = %s (%v)", b, err)
	}
	if runs, _ := os.ReadFile(infoOut + ".runs"); string(runs) != "x" {
		t.Errorf("the plugin ran %d times for 3 requests, want once (its token is cached until it expires)", len(runs))
	}

	c = load(t, kube.Source{Kubeconfig: s.Kubeconfig(t, t.TempDir(), execUser(t, "fail")), Getenv: noEnv})
	_, err := c.WhoAmI(context.Background())
	var ee *kube.ExecError
	if !errors.As(err, &ee) || ee.ExitCode != 5 || !strings.Contains(err.Error(), "credential command") {
		t.Errorf("a failing plugin gave %v, want an ExecError with exit code 5", err)
	}
}

// TestKubeconfigSelection: KUBECONFIG lists merge (the first file to name an
// entry wins), --kubeconfig reads one file alone, --context picks a
// context, and what cannot be used is a ConfigError naming the files.
func TestKubeconfigSelection(t *testing.T) {
	s := kubetest.New(t)
	s.AddToken("first", kubetest.User{Name: "first-user"})
	s.AddToken("second", kubetest.User{Name: "second-user"})
	dir := t.TempDir()
	ca := base64.StdEncoding.EncodeToString(s.CAData())
	clusters := filepath.Join(dir, "clusters.yaml")
	os.WriteFile(clusters, fmt.Appendf(nil, `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: %s, certificate-authority-data: %s}
contexts:
- name: one
  context: {cluster: c, user: u1}
- name: two
  context: {cluster: c, user: u2}
current-context: one
`, s.URL, ca), 0o600)
	users := filepath.Join(dir, "users.yaml")
	os.WriteFile(users, []byte("apiVersion: v1\nkind: Config\nusers:\n- name: u1\n  user: {token: first}\n- name: u2\n  user: {token: second}\ncurrent-context: two\n"), 0o600)
	broken := filepath.Join(dir, "broken.yaml")
	os.WriteFile(broken, []byte("apiVersion: v1\nclusters: [\n"), 0o600)
	env := func(list string) func(string) string {
		return func(k string) string {
			if k == "KUBECONFIG" {
				return list
			}
			return ""
		}
	}
	list := clusters + string(os.PathListSeparator) + users + string(os.PathListSeparator) + filepath.Join(dir, "missing.yaml")
	for _, tt := range []struct {
		name     string
		src      kube.Source
		wantUser string
		wantErr  []string
	}{
		{name: "KUBECONFIG list, first current-context", src: kube.Source{Getenv: env(list)}, wantUser: "first-user"},
		{name: "KUBECONFIG list and --context", src: kube.Source{Getenv: env(list), Context: "two"}, wantUser: "second-user"},
		{name: "--kubeconfig alone lacks the users", src: kube.Source{Kubeconfig: clusters, Getenv: env(list)}, wantErr: []string{clusters, `context "one"`, `"u1"`}},
		{name: "--context not in the files", src: kube.Source{Getenv: env(list), Context: "three"}, wantErr: []string{clusters, `"three"`}},
		{name: "--kubeconfig missing", src: kube.Source{Kubeconfig: filepath.Join(dir, "nope.yaml")}, wantErr: []string{"nope.yaml"}},
		{name: "malformed file", src: kube.Source{Getenv: env(broken)}, wantErr: []string{broken}},
		{name: "no file at all", src: kube.Source{Getenv: func(k string) string {
			if k == "HOME" {
				return dir
			}
			return ""
		}}, wantErr: []string{filepath.Join(dir, ".kube", "config")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := kube.Load(tt.src)
			if tt.wantErr != nil {
				var ce *kube.ConfigError
				if !errors.As(err, &ce) {
					t.Fatalf("got %v, want a ConfigError", err)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not name %s", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c, err := kube.New(cfg.REST)
			if err != nil {
				t.Fatal(err)
			}
			u, err := c.WhoAmI(context.Background())
			if err != nil || u.Username != tt.wantUser {
				t.Errorf("user %v (%v), want %s", u, err, tt.wantUser)
			}
		})
	}
}

// TestTLSOptions: tls-server-name, insecure-skip-tls-verify and proxy-url
// are honoured; a wrong CA is a TransportError that says so.
func TestTLSOptions(t *testing.T) {
	s := kubetest.New(t)
	proxy := connectProxy(t)
	port := s.URL[strings.LastIndex(s.URL, ":")+1:]
	ca := base64.StdEncoding.EncodeToString(s.CAData())
	// Every httptest server has the same certificate, so another's will not
	// do as a wrong CA.
	otherPEM, _ := kubetest.ClientCert(t, "other-ca")
	otherCA := base64.StdEncoding.EncodeToString(otherPEM)
	for _, tt := range []struct {
		name, cluster string
		wantErr       string
		viaProxy      bool
	}{
		// httptest's certificate names example.com and 127.0.0.1, not localhost.
		{name: "tls-server-name", cluster: "server: https://localhost:" + port + "\n    certificate-authority-data: " + ca + "\n    tls-server-name: example.com"},
		{name: "host not in the certificate", cluster: "server: https://localhost:" + port + "\n    certificate-authority-data: " + ca, wantErr: "localhost"},
		{name: "insecure-skip-tls-verify", cluster: "server: " + s.URL + "\n    insecure-skip-tls-verify: true"},
		{name: "wrong CA", cluster: "server: " + s.URL + "\n    certificate-authority-data: " + otherCA, wantErr: "not signed by the cluster's certificate authority"},
		{name: "proxy-url", cluster: "server: " + s.URL + "\n    certificate-authority-data: " + ca + "\n    proxy-url: " + proxy.URL, viaProxy: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config")
			os.WriteFile(path, []byte("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    "+tt.cluster+
				"\nusers:\n- name: u\n  user: {token: admin-token}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n"), 0o600)
			c := load(t, kube.Source{Kubeconfig: path})
			before := proxy.connects()
			_, err := c.WhoAmI(context.Background())
			if tt.wantErr != "" {
				var te *kube.TransportError
				if !errors.As(err, &te) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want a TransportError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.viaProxy && proxy.connects() != before+1 {
				t.Errorf("the request did not go through proxy-url")
			}
		})
	}
}

// TestObjectsAndErrors: typed reads and writes keep resourceVersion, a
// stale one is a Conflict, and the API server's answers stay apierrors.
func TestObjectsAndErrors(t *testing.T) {
	s := kubetest.New(t)
	s.AddToken("nobody", kubetest.User{Name: "nobody"})
	ctx := context.Background()
	c, err := kube.New(s.RESTConfig("admin-token"))
	if err != nil {
		t.Fatal(err)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "aws-auth", Namespace: "kube-system"}, Data: map[string]string{"mapRoles": "[]"}}
	if err := c.Create(ctx, kube.ConfigMaps, "kube-system", cm); err != nil {
		t.Fatal(err)
	}
	stored := s.Object("/api/v1/namespaces/kube-system/configmaps/aws-auth")
	if stored["kind"] != "ConfigMap" || stored["apiVersion"] != "v1" || cm.ResourceVersion == "" {
		t.Errorf("created %v, read back resourceVersion %q", stored, cm.ResourceVersion)
	}
	stale := cm.DeepCopy()
	cm.Data["other"] = "x"
	if err := c.Update(ctx, kube.ConfigMaps, "kube-system", "aws-auth", cm); err != nil {
		t.Fatal(err)
	}
	if err := c.Update(ctx, kube.ConfigMaps, "kube-system", "aws-auth", stale); !apierrors.IsConflict(err) {
		t.Errorf("a stale resourceVersion gave %v, want a Conflict", err)
	}
	var got corev1.ConfigMap
	if err := c.Get(ctx, kube.ConfigMaps, "kube-system", "aws-auth", &got); err != nil || got.Data["other"] != "x" {
		t.Errorf("read back %v (%v)", got.Data, err)
	}
	if err := c.Get(ctx, kube.ConfigMaps, "kube-system", "none", &got); !apierrors.IsNotFound(err) {
		t.Errorf("missing object: %v", err)
	}
	if err := c.Delete(ctx, kube.ConfigMaps, "kube-system", "aws-auth", stale.ResourceVersion); !apierrors.IsConflict(err) {
		t.Errorf("deleting a version since changed: %v, want a Conflict", err)
	}
	if err := c.Delete(ctx, kube.ConfigMaps, "kube-system", "aws-auth", got.ResourceVersion); err != nil {
		t.Error(err)
	}
	s.Deny("get", "configmaps")
	if err := c.Get(ctx, kube.ConfigMaps, "kube-system", "aws-auth", &got); !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "takes you for kubernetes-admin, groups: system:masters, system:authenticated") {
		t.Errorf("RBAC refusal: %v", err)
	}
	if ok, err := c.CanI(ctx, authorizationv1.ResourceAttributes{Verb: "get", Resource: "configmaps"}); ok || err != nil {
		t.Errorf("CanI get configmaps = %v, %v; want false", ok, err)
	}
	if ok, err := c.CanI(ctx, authorizationv1.ResourceAttributes{Verb: "list", Resource: "pods"}); !ok || err != nil {
		t.Errorf("CanI list pods = %v, %v; want true", ok, err)
	}
	anon, _ := kube.New(s.RESTConfig("unknown-token"))
	if _, err := anon.WhoAmI(ctx); !apierrors.IsUnauthorized(err) {
		t.Errorf("unknown token: %v", err)
	}
	if err := anon.Reach(ctx); err != nil {
		t.Errorf("an answer of 401 still reaches the server: %v", err)
	}
	s.Close()
	err = c.Reach(ctx)
	var te *kube.TransportError
	if !errors.As(err, &te) {
		t.Errorf("closed server: %v, want a TransportError", err)
	}
	if _, err := kube.New(s.RESTConfig("x")); err != nil {
		t.Error(err)
	}
	plain := s.RESTConfig("x")
	plain.Host = "http://127.0.0.1:1"
	if _, err := kube.New(plain); err == nil || !strings.Contains(err.Error(), "does not use https") {
		t.Errorf("plain http: %v", err)
	}
}

// TestWhoAmIFallsBackToBeta: a server without authentication.k8s.io/v1's
// SelfSubjectReview (Kubernetes 1.27) is asked in v1beta1.
func TestWhoAmIFallsBackToBeta(t *testing.T) {
	s := kubetest.New(t)
	s.Handle("POST /apis/authentication.k8s.io/v1/selfsubjectreviews", func(w http.ResponseWriter, r *http.Request) {
		kubetest.Status(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource")
	})
	s.Handle("POST /apis/authentication.k8s.io/v1beta1/selfsubjectreviews", func(w http.ResponseWriter, r *http.Request) {
		var req map[string]any
		json.NewDecoder(r.Body).Decode(&req)
		if req["apiVersion"] != "authentication.k8s.io/v1beta1" || req["kind"] != "SelfSubjectReview" {
			kubetest.Status(w, http.StatusBadRequest, "BadRequest", fmt.Sprint(req))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"apiVersion":"authentication.k8s.io/v1beta1","kind":"SelfSubjectReview","status":{"userInfo":{"username":"old-cluster-user"}}}`)
	})
	c, _ := kube.New(s.RESTConfig("admin-token"))
	if u, err := c.WhoAmI(context.Background()); err != nil || u.Username != "old-cluster-user" {
		t.Fatalf("%v %v", u, err)
	}
}

// TestReview: a SubjectAccessReview carries the user, groups, extra and
// attributes, and returns the server's status with its reason.
func TestReview(t *testing.T) {
	s := kubetest.New(t)
	s.Handle("POST /apis/authorization.k8s.io/v1/subjectaccessreviews", func(w http.ResponseWriter, r *http.Request) {
		var req authorizationv1.SubjectAccessReview
		json.NewDecoder(r.Body).Decode(&req)
		a := req.Spec.ResourceAttributes
		allowed := req.Kind == "SubjectAccessReview" && req.Spec.User == "dev:{{SessionName}}" && strings.Join(req.Spec.Groups, ",") == "devs,system:authenticated" &&
			strings.Join(req.Spec.Extra["principalId"], ",") == "AROADEV" && a != nil && a.Verb == "get" && a.Resource == "secrets" && a.Namespace == "kube-system"
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
			"status": map[string]any{"allowed": allowed, "reason": "asked " + req.Spec.User}})
	})
	c, _ := kube.New(s.RESTConfig("admin-token"))
	st, err := c.Review(context.Background(), authorizationv1.SubjectAccessReviewSpec{User: "dev:{{SessionName}}", Groups: []string{"devs", "system:authenticated"},
		Extra:              map[string]authorizationv1.ExtraValue{"principalId": {"AROADEV"}},
		ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: "get", Resource: "secrets", Namespace: "kube-system"}})
	if err != nil || !st.Allowed || st.Reason != "asked dev:{{SessionName}}" {
		t.Fatalf("Review: %+v, %v", st, err)
	}
}

// TestExecArg reads the exec entry's flags for the admin's cluster guess.
func TestExecArg(t *testing.T) {
	s := kubetest.New(t)
	cfg, err := kube.Load(kube.Source{Kubeconfig: s.Kubeconfig(t, t.TempDir(), execUser(t, "token")), Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.ExecArg("--cluster-name"); got != "my-example" {
		t.Errorf("--cluster-name = %q", got)
	}
	if got := cfg.ExecArg("--region"); got != "" {
		t.Errorf("--region = %q, want none", got)
	}
	if cfg.Context != "test" || cfg.ClusterName() != "test" {
		t.Errorf("context %q, cluster %q", cfg.Context, cfg.ClusterName())
	}
}

type proxyServer struct {
	*httptest.Server
	mu sync.Mutex
	n  int
}

func (p *proxyServer) connects() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// connectProxy is an HTTP CONNECT proxy that counts its tunnels.
func connectProxy(t *testing.T) *proxyServer {
	p := &proxyServer{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		upstream, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		p.mu.Lock()
		p.n++
		p.mu.Unlock()
		conn, buf, _ := w.(http.Hijacker).Hijack()
		conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
		go func() { io.Copy(upstream, bufio.NewReader(buf)); upstream.Close() }()
		io.Copy(conn, upstream)
		conn.Close()
	}))
	t.Cleanup(p.Close)
	return p
}

// TestEKSCluster tells the cluster from the exec entry, or from a cluster
// entry named by its ARN, as update-kubeconfig and login write them.
func TestEKSCluster(t *testing.T) {
	tests := []struct {
		name, kubeconfig, cluster, region string
	}{
		{name: "exec --cluster-name and --region", cluster: "my-example", region: "ap-northeast-2", kubeconfig: `
contexts: [{name: c, context: {cluster: c, user: u}}]
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token, --cluster-name, my-example, --region, ap-northeast-2]}}}]`},
		{name: "cluster entry named by its ARN", cluster: "my-example", region: "eu-west-1", kubeconfig: `
contexts: [{name: c, context: {cluster: "arn:aws:eks:eu-west-1:123456789012:cluster/my-example", user: u}}]
clusters: [{name: "arn:aws:eks:eu-west-1:123456789012:cluster/my-example", cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]`},
		{name: "aws-iam-authenticator's -i", cluster: "other", kubeconfig: `
contexts: [{name: c, context: {cluster: c, user: u}}]
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws-iam-authenticator, args: [token, -i, other]}}}]`},
		{name: "a client certificate says nothing", kubeconfig: `
contexts: [{name: c, context: {cluster: c, user: u}}]
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := kube.LoadBytes("kubeconfig", []byte("apiVersion: v1\nkind: Config\ncurrent-context: c"+tt.kubeconfig+"\n"), "c")
			if err != nil {
				t.Fatal(err)
			}
			if name, region := cfg.EKSCluster(); name != tt.cluster || region != tt.region {
				t.Errorf("EKSCluster = %q, %q; want %q, %q", name, region, tt.cluster, tt.region)
			}
		})
	}
}

// TestContextsFor: the contexts that reach an EKS cluster, by the context's
// name, its cluster entry's name or ARN, or its exec entry's flag.
func TestContextsFor(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(`apiVersion: v1
kind: Config
clusters:
- name: arn:aws:eks:eu-west-1:123456789012:cluster/prod
  cluster: {server: "https://prod.example"}
- name: staging
  cluster: {server: "https://staging.example"}
- name: other
  cluster: {server: "https://other.example"}
users:
- name: exec-dev
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: kubectl-eks_login, args: [token, --cluster-name=dev]}
- name: plain
  user: {token: x}
contexts:
- name: prod-admin
  context: {cluster: "arn:aws:eks:eu-west-1:123456789012:cluster/prod", user: plain}
- name: staging-admin
  context: {cluster: staging, user: plain}
- name: dev
  context: {cluster: other, user: plain}
- name: dev-through-exec
  context: {cluster: other, user: exec-dev}
- name: elsewhere
  context: {cluster: other, user: plain}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	for cluster, want := range map[string]string{"prod": "prod-admin", "staging": "staging-admin", "dev": "dev,dev-through-exec", "gone": ""} {
		got, err := kube.ContextsFor(kube.Source{Kubeconfig: path, Getenv: noEnv}, cluster)
		if err != nil || strings.Join(got, ",") != want {
			t.Errorf("ContextsFor(%s) = %v, %v; want %s", cluster, got, err, want)
		}
	}
	if _, err := kube.ContextsFor(kube.Source{Kubeconfig: filepath.Join(t.TempDir(), "none"), Getenv: noEnv}, "prod"); err == nil {
		t.Error("a missing kubeconfig: no error")
	}
}
