package kube

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/kubeconfig"
)

// TestMain doubles as the credential plugin: when KUBE_TEST_PLUGIN is set,
// the test binary prints an ExecCredential instead of running tests.
func TestMain(m *testing.M) {
	if mode := os.Getenv("KUBE_TEST_PLUGIN"); mode != "" {
		os.Exit(plugin(mode))
	}
	os.Exit(m.Run())
}

// plugin behaves as a credential plugin. Its token is "tok-" + its first
// argument + "-" + the number of times it has run (counted in a file), so
// tests see both what was passed and how often it ran.
func plugin(mode string) int {
	var info execCredential
	if err := json.Unmarshal([]byte(os.Getenv("KUBERNETES_EXEC_INFO")), &info); err != nil {
		fmt.Fprintln(os.Stderr, "no KUBERNETES_EXEC_INFO:", err)
		return 3
	}
	n := 1
	if counter := os.Getenv("KUBE_TEST_COUNTER"); counter != "" {
		b, _ := os.ReadFile(counter)
		n = len(b) + 1
		os.WriteFile(counter, append(b, 'x'), 0o600)
	}
	if f := os.Getenv("KUBE_TEST_INFO_OUT"); f != "" {
		os.WriteFile(f, []byte(os.Getenv("KUBERNETES_EXEC_INFO")), 0o600)
	}
	switch mode {
	case "fail":
		fmt.Fprintln(os.Stderr, "AccessDenied: you may not assume the role")
		return 5
	case "garbage":
		fmt.Println("not json")
		return 0
	}
	exp := time.Now().Add(time.Hour)
	if mode == "expired" {
		exp = time.Now().Add(-time.Minute)
	}
	out := map[string]any{
		"apiVersion": info.APIVersion,
		"kind":       "ExecCredential",
		"status":     map[string]any{"token": fmt.Sprintf("tok-%s-%d", strings.Join(os.Args[1:2], ""), n), "expirationTimestamp": exp.UTC().Format(time.RFC3339)},
	}
	json.NewEncoder(os.Stdout).Encode(out)
	return 0
}

// apiServer is a fake API server: it maps tokens to users and records requests.
type apiServer struct {
	*httptest.Server
	mu       sync.Mutex
	tokens   []string
	handlers map[string]http.HandlerFunc
}

func newAPIServer(t *testing.T) *apiServer {
	s := &apiServer{handlers: map[string]http.HandlerFunc{}}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.tokens = append(s.tokens, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		h := s.handlers[r.Method+" "+r.URL.Path]
		s.mu.Unlock()
		if h == nil {
			status(w, 404, "NotFound", "the server could not find the requested resource")
			return
		}
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *apiServer) handle(route string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[route] = h
}

func (s *apiServer) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
}

func (s *apiServer) caPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
}

func status(w http.ResponseWriter, code int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": reason, "message": msg, "code": code})
}

func reviewHandler(version string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req map[string]any
		json.NewDecoder(r.Body).Decode(&req)
		if req["kind"] != "SelfSubjectReview" || req["apiVersion"] != "authentication.k8s.io/"+version {
			status(w, 400, "BadRequest", fmt.Sprintf("bad review %v", req))
			return
		}
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !strings.HasPrefix(tok, "tok-") && tok != "static" {
			status(w, 401, "Unauthorized", "Unauthorized")
			return
		}
		json.NewEncoder(w).Encode(map[string]any{
			"apiVersion": "authentication.k8s.io/" + version, "kind": "SelfSubjectReview",
			"status": map[string]any{"userInfo": map[string]any{"username": "developer", "groups": []string{"developers", "system:authenticated"}}},
		})
	}
}

// pluginConfig runs this test binary as the credential plugin.
func pluginConfig(t *testing.T, s *apiServer, mode string, extraEnv ...string) (Config, string) {
	t.Helper()
	counter := filepath.Join(t.TempDir(), "runs")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Config{
		Server: s.URL,
		CAData: s.caPEM(),
		Exec: &kubeconfig.Exec{
			APIVersion: "client.authentication.k8s.io/v1beta1",
			Command:    exe,
			Args:       []string{"dev1-eks", "--region", "eu-west-1"},
			Env:        []kubeconfig.ExecEnv{{Name: "FROM_ENTRY", Value: "1"}},
		},
		Environ: func() []string {
			return append(os.Environ(), append([]string{"KUBE_TEST_PLUGIN=" + mode, "KUBE_TEST_COUNTER=" + counter}, extraEnv...)...)
		},
		Stdin:  strings.NewReader(""),
		Stderr: io.Discard,
	}, counter
}

func TestSelfSubjectReviewWithExecPlugin(t *testing.T) {
	s := newAPIServer(t)
	s.handle("POST /apis/authentication.k8s.io/v1/selfsubjectreviews", reviewHandler("v1"))
	infoFile := filepath.Join(t.TempDir(), "info")
	cfg, _ := pluginConfig(t, s, "ok", "KUBE_TEST_INFO_OUT="+infoFile)
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		u, err := c.SelfSubjectReview(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if u.Username != "developer" || strings.Join(u.Groups, ",") != "developers,system:authenticated" {
			t.Errorf("user %+v", u)
		}
	}
	// The token is cached until it expires: the plugin ran once.
	if got := strings.Join(s.seen(), " "); got != "tok-dev1-eks-1 tok-dev1-eks-1" {
		t.Errorf("tokens sent: %s", got)
	}
	var info execCredential
	b, _ := os.ReadFile(infoFile)
	if err := json.Unmarshal(b, &info); err != nil || info.Kind != "ExecCredential" || info.APIVersion != "client.authentication.k8s.io/v1beta1" || info.Spec.Interactive || info.Spec.Cluster != nil {
		t.Errorf("KUBERNETES_EXEC_INFO = %s (%v)", b, err)
	}
}

func TestExpiredTokenRunsPluginAgain(t *testing.T) {
	s := newAPIServer(t)
	s.handle("POST /apis/authentication.k8s.io/v1/selfsubjectreviews", reviewHandler("v1"))
	cfg, _ := pluginConfig(t, s, "expired")
	c, _ := New(cfg)
	for i := 0; i < 2; i++ {
		if _, err := c.SelfSubjectReview(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Join(s.seen(), " "); got != "tok-dev1-eks-1 tok-dev1-eks-2" {
		t.Errorf("tokens sent: %s", got)
	}
}

func TestUnauthorizedRefreshesOnceThenFails(t *testing.T) {
	s := newAPIServer(t)
	s.handle("POST /apis/authentication.k8s.io/v1/selfsubjectreviews", func(w http.ResponseWriter, r *http.Request) {
		status(w, 401, "Unauthorized", "Unauthorized")
	})
	cfg, _ := pluginConfig(t, s, "ok")
	c, _ := New(cfg)
	_, err := c.SelfSubjectReview(context.Background())
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("want ErrUnauthorized, got %v", err)
	}
	if got := strings.Join(s.seen(), " "); got != "tok-dev1-eks-1 tok-dev1-eks-2" {
		t.Errorf("want one retry with a fresh token, sent: %s", got)
	}
}

func TestFallsBackToBetaReview(t *testing.T) {
	s := newAPIServer(t)
	s.handle("POST /apis/authentication.k8s.io/v1beta1/selfsubjectreviews", reviewHandler("v1beta1"))
	c, _ := New(Config{Server: s.URL, CAData: s.caPEM(), BearerToken: "static"})
	u, err := c.SelfSubjectReview(context.Background())
	if err != nil || u.Username != "developer" {
		t.Fatalf("%+v %v", u, err)
	}
}

func TestDoTypedErrors(t *testing.T) {
	s := newAPIServer(t)
	s.handle("GET /api/v1/namespaces/kube-system/configmaps/aws-auth", func(w http.ResponseWriter, r *http.Request) {
		status(w, 403, "Forbidden", `configmaps "aws-auth" is forbidden: User "developer" cannot get resource "configmaps" in API group "" in the namespace "kube-system"`)
	})
	s.handle("PUT /api/v1/namespaces/kube-system/configmaps/aws-auth", func(w http.ResponseWriter, r *http.Request) {
		status(w, 409, "Conflict", `Operation cannot be fulfilled on configmaps "aws-auth": the object has been modified`)
	})
	s.handle("GET /api/v1/namespaces/kube-system/configmaps/ok", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("x") != "1" {
			status(w, 400, "BadRequest", "query lost")
			return
		}
		fmt.Fprint(w, `{"metadata":{"resourceVersion":"42"},"data":{"k":"v"}}`)
	})
	c, _ := New(Config{Server: s.URL + "/", CAData: s.caPEM(), BearerToken: "static"})
	ctx := context.Background()
	const cm = "/api/v1/namespaces/kube-system/configmaps/aws-auth"

	err := c.Do(ctx, "GET", cm, nil, nil)
	var se *StatusError
	if !errors.Is(err, ErrForbidden) || !errors.As(err, &se) || se.Reason != "Forbidden" || !strings.Contains(err.Error(), `cannot get resource "configmaps"`) {
		t.Errorf("403: %v", err)
	}
	err = c.Do(ctx, "PUT", cm, map[string]any{"metadata": map[string]string{"resourceVersion": "41"}}, nil)
	if !errors.Is(err, ErrConflict) || errors.Is(err, ErrForbidden) {
		t.Errorf("409: %v", err)
	}
	if err := c.Do(ctx, "GET", "/api/v1/namespaces/x/configmaps/none", nil, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("404: %v", err)
	}
	var out struct {
		Metadata struct{ ResourceVersion string }
		Data     map[string]string
	}
	if err := c.Do(ctx, "GET", "/api/v1/namespaces/kube-system/configmaps/ok?x=1", nil, &out); err != nil || out.Metadata.ResourceVersion != "42" {
		t.Errorf("GET: %+v %v", out, err)
	}
}

func TestPluginFailures(t *testing.T) {
	s := newAPIServer(t)
	s.handle("POST /apis/authentication.k8s.io/v1/selfsubjectreviews", reviewHandler("v1"))
	for _, tt := range []struct {
		mode, want string
		code       int
	}{
		{"fail", `exited with code 5: AccessDenied: you may not assume the role`, 5},
		{"garbage", "its output is not an ExecCredential", 0},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			cfg, _ := pluginConfig(t, s, tt.mode)
			cfg.Stderr = nil
			c, _ := New(cfg)
			_, err := c.SelfSubjectReview(context.Background())
			var ee *ExecError
			if !errors.As(err, &ee) || ee.ExitCode != tt.code || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an ExecError with code %d containing %q", err, tt.code, tt.want)
			}
		})
	}
	cfg, _ := pluginConfig(t, s, "ok")
	cfg.Exec.Command = "kubectl-eks_login-does-not-exist"
	cfg.Exec.InstallHint = "install it with brew"
	c, _ := New(cfg)
	_, err := c.SelfSubjectReview(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not found in PATH; install it with brew") {
		t.Errorf("missing plugin: %v", err)
	}
	cfg, _ = pluginConfig(t, s, "ok")
	cfg.Exec.InteractiveMode = "Always"
	c, _ = New(cfg)
	if _, err := c.SelfSubjectReview(context.Background()); err == nil || !strings.Contains(err.Error(), "not a terminal") {
		t.Errorf("Always without a terminal: %v", err)
	}
}

func TestTLSAndServerChecks(t *testing.T) {
	s := newAPIServer(t)
	wrongCA := selfSigned(t)
	c, err := New(Config{Server: s.URL, CAData: wrongCA, BearerToken: "static"})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Do(context.Background(), "GET", "/version", nil, nil)
	var te *TransportError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "not signed by the cluster's certificate authority") {
		t.Errorf("wrong CA: %v", err)
	}
	if _, err := New(Config{Server: "http://127.0.0.1:1"}); err == nil || !strings.Contains(err.Error(), "does not use https") {
		t.Errorf("plain http: %v", err)
	}
	if _, err := New(Config{Server: s.URL, CAData: []byte("junk")}); err == nil {
		t.Error("junk CA data accepted")
	}
}

func TestConfigForKubeconfigContext(t *testing.T) {
	s := newAPIServer(t)
	s.handle("POST /apis/authentication.k8s.io/v1/selfsubjectreviews", reviewHandler("v1"))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "token"), []byte("static\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: %s\n    certificate-authority-data: %s\n", s.URL, b64(s.caPEM()))
	fmt.Fprintf(&b, "users:\n- name: u\n  user:\n    tokenFile: token\ncontexts:\n- name: ctx\n  context: {cluster: c, user: u}\n- name: broken\n  context: {cluster: nope, user: u}\ncurrent-context: ctx\n")
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := kubeconfig.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ConfigFor(f, "")
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := c.SelfSubjectReview(context.Background()); err != nil || u.Username != "developer" {
		t.Fatalf("%+v %v", u, err)
	}
	if _, err := ConfigFor(f, "broken"); err == nil || !strings.Contains(err.Error(), `uses cluster "nope"`) {
		t.Errorf("broken context: %v", err)
	}
	if _, err := ConfigFor(f, "missing"); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("missing context: %v", err)
	}
}

// selfSigned makes a CA certificate that signed nothing the test server has
// (every httptest server shares one certificate, so another server's will not do).
func selfSigned(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "other-ca"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
