package kube

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// credentialSource gives the bearer token of a request.
type credentialSource interface {
	// token returns the token; refresh asks for a new one even if the cached
	// one has not expired (the server answered 401).
	token(ctx context.Context, refresh bool) (string, error)
	refreshable() bool
}

type staticToken string

func (s staticToken) token(context.Context, bool) (string, error) { return string(s), nil }
func (staticToken) refreshable() bool                             { return false }

// ExecError is a credential plugin that could not be run or failed.
type ExecError struct {
	Command string
	// ExitCode is the plugin's exit code, -1 when it did not run.
	ExitCode int
	Err      error
}

func (e *ExecError) Error() string {
	if e.ExitCode > 0 {
		return fmt.Sprintf("the credential command %q exited with code %d: %v", e.Command, e.ExitCode, e.Err)
	}
	return fmt.Sprintf("the credential command %q failed: %v", e.Command, e.Err)
}

func (e *ExecError) Unwrap() error { return e.Err }

// execSource runs the kubeconfig's exec plugin and caches its token until the
// expiration the plugin states (for the client's life when it states none,
// as kubectl does).
type execSource struct {
	cfg Config

	mu      sync.Mutex
	cached  string
	expires time.Time // zero: no stated expiry
}

func newExecSource(cfg Config) *execSource { return &execSource{cfg: cfg} }

func (s *execSource) refreshable() bool { return true }

func (s *execSource) token(ctx context.Context, refresh bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !refresh && s.cached != "" && (s.expires.IsZero() || time.Now().Before(s.expires)) {
		return s.cached, nil
	}
	tok, exp, err := s.run(ctx)
	if err != nil {
		return "", err
	}
	s.cached, s.expires = tok, exp
	return tok, nil
}

// execCredential is the plugin protocol's message, both ways
// (client.authentication.k8s.io v1 and v1beta1 share this shape).
type execCredential struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		Interactive bool         `json:"interactive"`
		Cluster     *execCluster `json:"cluster,omitempty"`
	} `json:"spec"`
	Status *struct {
		Token               string     `json:"token"`
		ExpirationTimestamp *time.Time `json:"expirationTimestamp"`
	} `json:"status,omitempty"`
}

type execCluster struct {
	Server                   string `json:"server"`
	TLSServerName            string `json:"tls-server-name,omitempty"`
	InsecureSkipTLSVerify    bool   `json:"insecure-skip-tls-verify,omitempty"`
	CertificateAuthorityData []byte `json:"certificate-authority-data,omitempty"`
}

// run runs the plugin as kubectl does: the process's environment plus the
// entry's env and KUBERNETES_EXEC_INFO; stdin only when interactive; the
// plugin's stderr shown to the user; its stdout parsed as an ExecCredential.
func (s *execSource) run(ctx context.Context) (string, time.Time, error) {
	x := s.cfg.Exec
	name := x.Command
	fail := func(code int, err error) (string, time.Time, error) {
		return "", time.Time{}, &ExecError{Command: name, ExitCode: code, Err: err}
	}
	if name == "" {
		return fail(-1, errors.New("the exec entry has no command"))
	}
	switch x.APIVersion {
	case "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1":
	default:
		return fail(-1, fmt.Errorf("exec apiVersion %q is not supported; use client.authentication.k8s.io/v1 or v1beta1", x.APIVersion))
	}
	interactive, err := s.interactive()
	if err != nil {
		return fail(-1, err)
	}
	// A command with a path separator is relative to the kubeconfig's folder.
	path := name
	if strings.ContainsRune(name, filepath.Separator) && !filepath.IsAbs(name) && s.cfg.ExecDir != "" {
		path = filepath.Join(s.cfg.ExecDir, name)
	}
	info := execCredential{APIVersion: x.APIVersion, Kind: "ExecCredential"}
	info.Spec.Interactive = interactive
	if x.ProvideClusterInfo {
		info.Spec.Cluster = &execCluster{Server: s.cfg.Server, TLSServerName: s.cfg.TLSServerName, InsecureSkipTLSVerify: s.cfg.InsecureSkipTLSVerify, CertificateAuthorityData: s.cfg.CAData}
	}
	infoJSON, err := json.Marshal(info)
	if err != nil {
		return fail(-1, err)
	}
	environ := os.Environ
	if s.cfg.Environ != nil {
		environ = s.cfg.Environ
	}
	env := environ()
	for _, e := range x.Env {
		env = append(env, e.Name+"="+e.Value)
	}
	env = append(env, "KUBERNETES_EXEC_INFO="+string(infoJSON))

	cmd := exec.CommandContext(ctx, path, x.Args...)
	cmd.Env = env
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	// The plugin's messages go to the user as they come; the last ones are
	// kept for the error when there is no one to show them to.
	var tail tailBuffer
	cmd.Stderr = &tail
	if s.cfg.Stderr != nil {
		cmd.Stderr = io.MultiWriter(s.cfg.Stderr, &tail)
	}
	if interactive {
		cmd.Stdin = s.cfg.Stdin
	}
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			msg := tail.lastLine()
			switch {
			case msg == "":
				msg = "it printed no message"
			case s.cfg.Stderr != nil:
				msg = "its last message: " + msg
			}
			return fail(ee.ExitCode(), errors.New(msg))
		}
		if errors.Is(err, exec.ErrNotFound) {
			hint := ""
			if x.InstallHint != "" {
				hint = "; " + strings.TrimSpace(x.InstallHint)
			}
			return fail(-1, fmt.Errorf("not found in PATH%s", hint))
		}
		return fail(-1, err)
	}
	var cred execCredential
	if err := json.Unmarshal(stdout.Bytes(), &cred); err != nil {
		return fail(0, fmt.Errorf("its output is not an ExecCredential: %w", err))
	}
	if cred.Kind != "ExecCredential" || cred.APIVersion != x.APIVersion {
		return fail(0, fmt.Errorf("it answered kind %q apiVersion %q, want ExecCredential %s", cred.Kind, cred.APIVersion, x.APIVersion))
	}
	if cred.Status == nil || cred.Status.Token == "" {
		return fail(0, errors.New("its ExecCredential has no status.token (client certificates from plugins are not supported)"))
	}
	var exp time.Time
	if cred.Status.ExpirationTimestamp != nil {
		exp = *cred.Status.ExpirationTimestamp
	}
	return cred.Status.Token, exp, nil
}

// interactive decides, like kubectl, whether the plugin may talk to the
// user: never for Never, always for Always (which needs a terminal), and
// when stdin is a terminal for IfAvailable, the default.
func (s *execSource) interactive() (bool, error) {
	tty := false
	if f, ok := s.cfg.Stdin.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	switch s.cfg.Exec.InteractiveMode {
	case "Never":
		return false, nil
	case "Always":
		if !tty {
			return false, errors.New("its interactiveMode is Always but standard input is not a terminal")
		}
		return true, nil
	case "", "IfAvailable":
		return tty, nil
	}
	return false, fmt.Errorf("interactiveMode %q is not one of Never, IfAvailable, Always", s.cfg.Exec.InteractiveMode)
}

func decodeB64(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("not base64: %w", err)
	}
	return b, nil
}

// tailBuffer keeps the last kilobyte written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 1024 {
		t.b = t.b[len(t.b)-1024:]
	}
	return len(p), nil
}

func (t *tailBuffer) lastLine() string {
	lines := strings.Split(strings.TrimSpace(string(t.b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
