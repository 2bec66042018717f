// Package kube is a small REST client for the Kubernetes API server, made of
// net/http and encoding/json. client-go would bring hundreds of packages
// whose init runs on every start of the binary, which kubectl starts on every
// call; eks-login needs only a few requests: who am I (SelfSubjectReview),
// and GET/PUT of ConfigMaps and RBAC objects for the admin commands.
//
// A Client is built from a kubeconfig context the way kubectl reads it:
// server, CA, TLS server name, and credentials from a bearer token, a client
// certificate, or an exec credential plugin that is run as kubectl runs it
// (KUBERNETES_EXEC_INFO, interactive mode, a token cached until it expires
// and refreshed once on 401).
package kube

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/eks-login/eks-login/pkg/kubeconfig"
)

// Config says how to reach and authenticate to one API server.
type Config struct {
	Server                string
	CAData                []byte // PEM; empty trusts the system's roots
	TLSServerName         string
	InsecureSkipTLSVerify bool

	// One way to authenticate: a bearer token, a client certificate, or an
	// exec credential plugin.
	BearerToken                   string
	ClientCertData, ClientKeyData []byte
	Exec                          *kubeconfig.Exec
	// ExecDir is where a relative exec command is looked up (the
	// kubeconfig's folder, as kubectl does).
	ExecDir string

	// Stdin and Stderr are the plugin's streams. Stdin is passed on only
	// when the plugin may be interactive (it is a terminal).
	Stdin  io.Reader
	Stderr io.Writer
	// Environ is the environment the plugin inherits; nil means os.Environ.
	Environ func() []string

	// Timeout bounds one HTTP request (not the plugin, which may prompt);
	// zero means 30 seconds.
	Timeout time.Duration
}

// ConfigFor reads a context of a kubeconfig file ("" for its current
// context) into a Config.
func ConfigFor(f *kubeconfig.File, contextName string) (Config, error) {
	if contextName == "" {
		contextName = f.CurrentContext()
		if contextName == "" {
			return Config{}, fmt.Errorf("%s has no current-context; name a context", f.Path)
		}
	}
	ctx, ok := f.Context(contextName)
	if !ok {
		return Config{}, fmt.Errorf("%s has no context %q", f.Path, contextName)
	}
	cl, ok := f.Cluster(ctx.Cluster)
	if !ok {
		return Config{}, fmt.Errorf("context %q in %s uses cluster %q, which the file does not have", contextName, f.Path, ctx.Cluster)
	}
	if cl.Server == "" {
		return Config{}, fmt.Errorf("cluster %q in %s has no server", ctx.Cluster, f.Path)
	}
	dir := filepath.Dir(f.Path)
	cfg := Config{Server: cl.Server, TLSServerName: cl.TLSServerName, InsecureSkipTLSVerify: cl.InsecureSkipTLSVerify, ExecDir: dir}
	var err error
	if cfg.CAData, err = cl.CAData(); err != nil {
		return Config{}, fmt.Errorf("cluster %q in %s: %w", ctx.Cluster, f.Path, err)
	}
	if cl.CertificateAuthority != "" && cfg.CAData == nil {
		if cfg.CAData, err = os.ReadFile(resolve(dir, cl.CertificateAuthority)); err != nil {
			return Config{}, fmt.Errorf("cluster %q in %s: cannot read certificate-authority: %w", ctx.Cluster, f.Path, err)
		}
	}
	if ctx.User == "" {
		return cfg, nil
	}
	u, ok := f.User(ctx.User)
	if !ok {
		return Config{}, fmt.Errorf("context %q in %s uses user %q, which the file does not have", contextName, f.Path, ctx.User)
	}
	cfg.Exec = u.Exec
	cfg.BearerToken = u.Token
	if u.TokenFile != "" && cfg.BearerToken == "" {
		b, err := os.ReadFile(resolve(dir, u.TokenFile))
		if err != nil {
			return Config{}, fmt.Errorf("user %q in %s: cannot read tokenFile: %w", ctx.User, f.Path, err)
		}
		cfg.BearerToken = strings.TrimSpace(string(b))
	}
	for _, kv := range []struct {
		data, file string
		dst        *[]byte
	}{{u.ClientCertificateData, u.ClientCertificate, &cfg.ClientCertData}, {u.ClientKeyData, u.ClientKey, &cfg.ClientKeyData}} {
		switch {
		case kv.data != "":
			if *kv.dst, err = decodeB64(kv.data); err != nil {
				return Config{}, fmt.Errorf("user %q in %s: %w", ctx.User, f.Path, err)
			}
		case kv.file != "":
			if *kv.dst, err = os.ReadFile(resolve(dir, kv.file)); err != nil {
				return Config{}, fmt.Errorf("user %q in %s: %w", ctx.User, f.Path, err)
			}
		}
	}
	return cfg, nil
}

func resolve(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// Client sends requests to one API server.
type Client struct {
	base  *url.URL
	http  *http.Client
	creds credentialSource
}

// New builds a client for cfg.
func New(cfg Config) (*Client, error) {
	base, err := url.Parse(cfg.Server)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("the server %q is not a URL", cfg.Server)
	}
	if base.Scheme != "https" {
		return nil, fmt.Errorf("the server %q does not use https; eks-login sends credentials only over TLS", cfg.Server)
	}
	tlsConfig := &tls.Config{ServerName: cfg.TLSServerName, InsecureSkipVerify: cfg.InsecureSkipTLSVerify, MinVersion: tls.VersionTLS12}
	if len(cfg.CAData) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(cfg.CAData) {
			return nil, fmt.Errorf("the certificate authority data of %s holds no PEM certificate", cfg.Server)
		}
		tlsConfig.RootCAs = pool
	}
	if len(cfg.ClientCertData) > 0 || len(cfg.ClientKeyData) > 0 {
		cert, err := tls.X509KeyPair(cfg.ClientCertData, cfg.ClientKeyData)
		if err != nil {
			return nil, fmt.Errorf("the client certificate for %s: %w", cfg.Server, err)
		}
		tlsConfig.Certificates = []tls.Certificate{cert}
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = tlsConfig
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	c := &Client{base: base, http: &http.Client{Transport: transport, Timeout: timeout}}
	switch {
	case cfg.Exec != nil:
		c.creds = newExecSource(cfg)
	case cfg.BearerToken != "":
		c.creds = staticToken(cfg.BearerToken)
	}
	return c, nil
}

// Server is the API server's URL.
func (c *Client) Server() string { return c.base.String() }

// Errors of Do, for errors.Is. A *StatusError matches the one of its code.
var (
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
)

// StatusError is an answer of the API server outside 2xx, with the message
// of its Status object.
type StatusError struct {
	Method, Path string
	Code         int
	Reason       string // e.g. "Forbidden", from the Status object
	Message      string
}

func (e *StatusError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Code)
	}
	return fmt.Sprintf("%s %s: the API server answered %d %s: %s", e.Method, e.Path, e.Code, http.StatusText(e.Code), msg)
}

// Is lets errors.Is(err, ErrForbidden) and the like test the code.
func (e *StatusError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Code == http.StatusUnauthorized
	case ErrForbidden:
		return e.Code == http.StatusForbidden
	case ErrNotFound:
		return e.Code == http.StatusNotFound
	case ErrConflict:
		return e.Code == http.StatusConflict
	}
	return false
}

// TransportError is a request that got no answer: DNS, connection, TLS.
type TransportError struct {
	Server string
	Err    error
}

func (e *TransportError) Error() string {
	var unknownCA x509.UnknownAuthorityError
	if errors.As(e.Err, &unknownCA) {
		return fmt.Sprintf("cannot reach the API server at %s: its certificate is not signed by the cluster's certificate authority in the kubeconfig: %v", e.Server, e.Err)
	}
	return fmt.Sprintf("cannot reach the API server at %s: %v", e.Server, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// maxBody bounds what is read from an answer; the objects eks-login reads
// (ConfigMaps, RBAC objects) are far smaller.
const maxBody = 16 << 20

// Do sends a request to path (e.g. "/api/v1/namespaces/kube-system/configmaps/aws-auth")
// with body encoded as JSON (nil for none) and decodes a 2xx answer into out
// (nil to ignore it). Other answers are a *StatusError; no answer is a
// *TransportError; a failing credential plugin is an *ExecError.
//
// A 401 with credentials from a plugin runs the plugin once more and retries,
// as kubectl does: the cached token may have been revoked or expired early.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("cannot encode the request body for %s %s: %w", method, path, err)
		}
	}
	err := c.do(ctx, method, path, payload, out, false)
	if errors.Is(err, ErrUnauthorized) && c.creds != nil && c.creds.refreshable() {
		err = c.do(ctx, method, path, payload, out, true)
	}
	return err
}

func (c *Client) do(ctx context.Context, method, path string, payload []byte, out any, refresh bool) error {
	u := *c.base
	rel, err := url.Parse(path)
	if err != nil {
		return fmt.Errorf("bad request path %q: %w", path, err)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + rel.Path
	u.RawQuery = rel.RawQuery
	var reader io.Reader
	if payload != nil {
		reader = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), reader)
	if err != nil {
		return fmt.Errorf("cannot build %s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "kubectl-eks_login")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.creds != nil {
		token, err := c.creds.token(ctx, refresh)
		if err != nil {
			return err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &TransportError{Server: c.base.String(), Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return &TransportError{Server: c.base.String(), Err: err}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		se := &StatusError{Method: method, Path: path, Code: resp.StatusCode}
		var status struct {
			Kind, Reason, Message string
		}
		if json.Unmarshal(data, &status) == nil && status.Kind == "Status" {
			se.Reason, se.Message = status.Reason, status.Message
		} else if s := strings.TrimSpace(string(data)); len(s) < 200 {
			se.Message = s
		}
		return se
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: the API server's answer is not the JSON expected: %w", method, path, err)
	}
	return nil
}

// UserInfo is who the API server takes the caller for.
type UserInfo struct {
	Username string              `json:"username"`
	UID      string              `json:"uid,omitempty"`
	Groups   []string            `json:"groups,omitempty"`
	Extra    map[string][]string `json:"extra,omitempty"`
}

// SelfSubjectReview asks the API server who the client is
// (authentication.k8s.io/v1, GA in Kubernetes 1.28; v1beta1 is tried when v1
// is not served). Every authenticated user may ask, through the
// system:basic-user ClusterRole.
func (c *Client) SelfSubjectReview(ctx context.Context) (*UserInfo, error) {
	var err error
	for _, version := range []string{"v1", "v1beta1"} {
		req := map[string]string{"apiVersion": "authentication.k8s.io/" + version, "kind": "SelfSubjectReview"}
		var resp struct {
			Status struct {
				UserInfo UserInfo `json:"userInfo"`
			} `json:"status"`
		}
		err = c.Do(ctx, http.MethodPost, "/apis/authentication.k8s.io/"+version+"/selfsubjectreviews", req, &resp)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if resp.Status.UserInfo.Username == "" {
			return nil, fmt.Errorf("the API server's SelfSubjectReview answer has no username")
		}
		return &resp.Status.UserInfo, nil
	}
	return nil, fmt.Errorf("the API server does not serve SelfSubjectReview (Kubernetes 1.28 or later, or 1.27 with the beta API, is needed): %w", err)
}
