// Package kubetest is a fake Kubernetes API server for unit tests: objects
// by path with resourceVersions and 409 Conflict as the real server keeps
// them, users known by bearer token or client certificate,
// SelfSubjectReview and SelfSubjectAccessReview, and every request
// recorded.
//
// The fake is one API, reached two ways: through pkg/httpmock's Registry
// (Register), next to the AWS stubs of the same test, or served over HTTPS
// by httptest (New), so that the code under test goes through client-go's
// real transport, TLS and kubeconfig authentication.
package kubetest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/rest"

	"github.com/eks-login/eks-login/pkg/httpmock"
	"github.com/eks-login/eks-login/pkg/kube"
)

// User is who a request authenticates as.
type User struct {
	Name   string
	Groups []string
}

// Request is one request the server saw.
type Request struct {
	Method, Path string
	// Auth is "Bearer TOKEN", "cert CN" or "" for none.
	Auth string
}

// Server is the fake API server, served over HTTPS.
type Server struct {
	*httptest.Server
	*API
}

// API is the fake API server's state and handler.
type API struct {
	mu      sync.Mutex
	objects map[string]map[string]any
	version int
	tokens  map[string]User
	deny    map[string]bool // "verb resource" RBAC forbids
	routes  map[string]http.HandlerFunc
	hooks   []func(*API)
	seen    []Request
	writes  int
}

// New starts a server that knows the bearer token "admin-token" as
// kubernetes-admin (system:masters); a client certificate authenticates as
// its common name, with its organizations as groups.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{API: NewAPI()}
	s.Server = httptest.NewUnstartedServer(s.API)
	s.Server.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
	s.Server.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are what some tests want
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// NewAPI is a fake API server to reach through an httpmock.Registry; it
// knows the bearer token "admin-token" as kubernetes-admin
// (system:masters).
func NewAPI() *API {
	return &API{objects: map[string]map[string]any{}, deny: map[string]bool{}, routes: map[string]http.HandlerFunc{},
		tokens: map[string]User{"admin-token": {Name: "kubernetes-admin", Groups: []string{"system:masters", "system:authenticated"}}}}
}

// Host is the API server's host name when it is reached through a
// registry.
const Host = "kube.test"

// Register answers every request to Host in reg from a, after any one-time
// stub of the test: a test scripts a single answer (an error, say) by
// registering it. The stub is optional: Verify does not ask that the
// server was reached (Requests and Writes tell what it saw).
func (a *API) Register(reg *httpmock.Registry) {
	reg.Register(httpmock.Host(Host), httpmock.Serve(a)).Persist().Optional()
}

// Client is a client of a through reg, authenticated by token.
func (a *API) Client(t testing.TB, reg *httpmock.Registry, token string) *kube.Client {
	t.Helper()
	c, err := kube.New(&rest.Config{Host: "https://" + Host, BearerToken: token, Transport: reg})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// AddToken makes token authenticate as u.
func (s *API) AddToken(token string, u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = u
}

// Deny makes RBAC forbid verb (get, create, update, delete) on resource
// (the URL's plural, e.g. configmaps) to everyone.
func (s *API) Deny(verb, resource string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deny[verb+" "+resource] = true
}

// Handle answers route ("POST /apis/...") with h instead of the store.
func (s *API) Handle(route string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes[route] = h
}

// BeforeWrite runs hook, once, before the next PUT or POST is judged: a
// concurrent writer. Hooks queue up, one per write.
func (s *API) BeforeWrite(hook func(*API)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = append(s.hooks, hook)
}

// Put stores obj at path with a new resourceVersion.
func (s *API) Put(path string, obj map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put(path, obj)
}

func (s *API) put(path string, obj map[string]any) {
	s.version++
	obj = clone(obj)
	meta, _ := obj["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		obj["metadata"] = meta
	}
	meta["resourceVersion"] = strconv.Itoa(s.version)
	s.objects[path] = obj
}

// Object is a copy of the object at path, nil when there is none.
func (s *API) Object(path string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if obj, ok := s.objects[path]; ok {
		return clone(obj)
	}
	return nil
}

// Writes is the number of PUTs and POSTs to the store, refused ones too.
func (s *API) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

// Requests are the requests seen so far.
func (s *API) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.seen...)
}

// CAData is the PEM of the server's certificate, which kubeconfigs trust.
func (s *Server) CAData() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
}

// RESTConfig reaches the server with a bearer token.
func (s *Server) RESTConfig(token string) *rest.Config {
	return &rest.Config{Host: s.URL, BearerToken: token, TLSClientConfig: rest.TLSClientConfig{CAData: s.CAData()}}
}

// Kubeconfig writes a kubeconfig into dir whose context "test" (the current
// one) reaches the server as the user given in YAML (the lines under
// "user:", indented by four spaces), and returns its path.
func (s *Server) Kubeconfig(t testing.TB, dir, userYAML string) string {
	t.Helper()
	data := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: test
  user:
%scontexts:
- name: test
  context:
    cluster: test
    user: test
current-context: test
`, s.URL, base64.StdEncoding.EncodeToString(s.CAData()), userYAML)
	path := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// ServeHTTP answers as the API server does.
func (s *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	auth := r.Header.Get("Authorization")
	if auth == "" && r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		auth = "cert " + r.TLS.PeerCertificates[0].Subject.CommonName
	}
	s.seen = append(s.seen, Request{Method: r.Method, Path: r.URL.Path, Auth: auth})
	if h := s.routes[r.Method+" "+r.URL.Path]; h != nil {
		h(w, r)
		return
	}
	if r.URL.Path == "/version" {
		writeJSON(w, http.StatusOK, map[string]any{"major": "1", "minor": "37", "gitVersion": "v1.37.2"})
		return
	}
	user, ok := s.authenticate(r)
	if !ok {
		Status(w, http.StatusUnauthorized, "Unauthorized", "Unauthorized")
		return
	}
	switch r.URL.Path {
	case "/apis/authentication.k8s.io/v1/selfsubjectreviews":
		writeJSON(w, http.StatusCreated, map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview",
			"status": map[string]any{"userInfo": map[string]any{"username": user.Name, "groups": user.Groups}}})
		return
	case "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews":
		var review struct {
			Spec struct {
				ResourceAttributes struct{ Verb, Resource string }
			}
		}
		json.NewDecoder(r.Body).Decode(&review)
		a := review.Spec.ResourceAttributes
		writeJSON(w, http.StatusCreated, map[string]any{"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
			"status": map[string]any{"allowed": !s.deny[a.Verb+" "+a.Resource]}})
		return
	}
	s.store(w, r, user)
}

func (s *API) authenticate(r *http.Request) (User, bool) {
	if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		u, ok := s.tokens[token]
		return u, ok
	}
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		subject := r.TLS.PeerCertificates[0].Subject
		return User{Name: subject.CommonName, Groups: append(subject.Organization, "system:authenticated")}, true
	}
	return User{}, false
}

var verbs = map[string]string{http.MethodGet: "get", http.MethodPost: "create", http.MethodPut: "update", http.MethodDelete: "delete"}

// store serves GET, PUT and DELETE of an object by its path, and POST to
// its collection, as the API server does.
func (s *API) store(w http.ResponseWriter, r *http.Request, user User) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	resource, name := parts[len(parts)-1], ""
	if r.Method == http.MethodGet && collections[resource] {
		name = resource // a list: the collection's own path
	} else if r.Method != http.MethodPost {
		resource, name = parts[len(parts)-2], parts[len(parts)-1]
	}
	verb := verbs[r.Method]
	if s.deny[verb+" "+resource] {
		Status(w, http.StatusForbidden, "Forbidden", fmt.Sprintf("%s %q is forbidden: User %q cannot %s resource %q", resource, name, user.Name, verb, resource))
		return
	}
	path := r.URL.Path
	switch r.Method {
	case http.MethodGet:
		if collections[parts[len(parts)-1]] {
			s.list(w, r, resource)
			return
		}
		if obj, ok := s.objects[path]; ok {
			writeJSON(w, http.StatusOK, obj)
			return
		}
		Status(w, http.StatusNotFound, "NotFound", fmt.Sprintf("%s %q not found", resource, name))
		return
	case http.MethodDelete:
		cur, ok := s.objects[path]
		if !ok {
			Status(w, http.StatusNotFound, "NotFound", fmt.Sprintf("%s %q not found", resource, name))
			return
		}
		var opts struct {
			APIVersion, Kind string
			Preconditions    struct{ ResourceVersion *string }
		}
		json.NewDecoder(r.Body).Decode(&opts)
		if rv := opts.Preconditions.ResourceVersion; rv != nil && *rv != cur["metadata"].(map[string]any)["resourceVersion"] {
			Status(w, http.StatusConflict, "Conflict", fmt.Sprintf("Operation cannot be fulfilled on %s %q: the ResourceVersion in the precondition (%s) does not match the ResourceVersion in record", resource, name, *rv))
			return
		}
		delete(s.objects, path)
		writeJSON(w, http.StatusOK, map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Success"})
		return
	}
	if len(s.hooks) > 0 {
		hook := s.hooks[0]
		s.hooks = s.hooks[1:]
		s.mu.Unlock() // the hook writes through Put, as another client would
		hook(s)
		s.mu.Lock()
	}
	s.writes++
	var obj map[string]any
	if err := json.NewDecoder(r.Body).Decode(&obj); err != nil {
		Status(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	meta, _ := obj["metadata"].(map[string]any)
	if r.Method == http.MethodPost {
		name, _ = meta["name"].(string)
		path += "/" + name
		if _, ok := s.objects[path]; ok {
			Status(w, http.StatusConflict, "AlreadyExists", fmt.Sprintf("%s %q already exists", resource, name))
			return
		}
		s.put(path, obj)
		writeJSON(w, http.StatusCreated, s.objects[path])
		return
	}
	cur, ok := s.objects[path]
	if !ok {
		Status(w, http.StatusNotFound, "NotFound", fmt.Sprintf("%s %q not found", resource, name))
		return
	}
	if meta["resourceVersion"] != cur["metadata"].(map[string]any)["resourceVersion"] {
		Status(w, http.StatusConflict, "Conflict", fmt.Sprintf("Operation cannot be fulfilled on %s %q: the object has been modified; please apply your changes to the latest version and try again", resource, name))
		return
	}
	s.put(path, obj)
	writeJSON(w, http.StatusOK, s.objects[path])
}

// collections are the kinds the fake lists (GET of the collection's path,
// all namespaces or one, with an optional labelSelector of key=value pairs).
var collections = map[string]bool{"configmaps": true, "clusterrolebindings": true, "rolebindings": true}

var listKinds = map[string]string{"configmaps": "ConfigMapList", "clusterrolebindings": "ClusterRoleBindingList", "rolebindings": "RoleBindingList"}

// list answers GET of a collection: the objects stored under it (in every
// namespace when the path names none), filtered by labelSelector.
func (s *API) list(w http.ResponseWriter, r *http.Request, resource string) {
	prefix, namespaced := r.URL.Path+"/", strings.Contains(r.URL.Path, "/namespaces/")
	want := map[string]string{}
	for _, kv := range strings.Split(r.URL.Query().Get("labelSelector"), ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			want[k] = v
		}
	}
	items := []any{}
	for path, obj := range s.objects {
		inside := strings.HasPrefix(path, prefix)
		if !namespaced && !inside { // every namespace: .../namespaces/NS/RESOURCE/NAME
			base := strings.TrimSuffix(r.URL.Path, "/"+resource)
			inside = strings.HasPrefix(path, base+"/namespaces/") && strings.Contains(path, "/"+resource+"/")
		}
		if inside && hasLabels(obj, want) {
			items = append(items, obj)
		}
	}
	sort.Slice(items, func(i, j int) bool { return fmt.Sprint(items[i]) < fmt.Sprint(items[j]) })
	group := "v1"
	if resource != "configmaps" {
		group = "rbac.authorization.k8s.io/v1"
	}
	writeJSON(w, http.StatusOK, map[string]any{"apiVersion": group, "kind": listKinds[resource],
		"metadata": map[string]any{"resourceVersion": strconv.Itoa(s.version)}, "items": items})
}

func hasLabels(obj map[string]any, want map[string]string) bool {
	meta, _ := obj["metadata"].(map[string]any)
	labels, _ := meta["labels"].(map[string]any)
	for k, v := range want {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// Status writes a metav1.Status error answer, as the API server does.
func Status(w http.ResponseWriter, code int, reason, message string) {
	writeJSON(w, code, map[string]any{"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
		"status": "Failure", "reason": reason, "message": message, "code": code})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func clone(obj map[string]any) map[string]any {
	var out map[string]any
	b, _ := json.Marshal(obj)
	json.Unmarshal(b, &out)
	return out
}

// ClientCert makes a self-signed client certificate for cn in groups, as
// PEM, for kubeconfigs and exec plugins that authenticate with one.
func ClientCert(t testing.TB, cn string, groups ...string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: cn, Organization: groups},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}
