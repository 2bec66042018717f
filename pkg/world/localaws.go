package world

import (
	"bytes"
	"context"
	"crypto/tls"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// localAWSScript is moto with the gaps that matter to eks-login closed; see
// the comment at its top. It is embedded so that test binaries work from any
// directory.
//
//go:embed localaws/localaws.py
var localAWSScript []byte

// LocalAWSOptions configure StartLocalAWS.
type LocalAWSOptions struct {
	// Host to listen on; empty means 127.0.0.1. Keep it on loopback.
	Host string
	// Port to listen on; 0 lets the server pick a free one.
	Port int
	// TLSCert and TLSKey (PEM files) make the server speak HTTPS, as it must
	// when it stands in for the real AWS host names.
	TLSCert, TLSKey string
	// LogPath, if set, receives the server's stdout and stderr; so does Log.
	LogPath string
	Log     io.Writer
	// Verbose logs one line per request (never query strings: presigned
	// URLs carry signatures and session tokens).
	Verbose bool
	// Python is the interpreter with moto installed; empty means python3.
	Python string
	// Env is added to the server's environment, e.g. MOTO_ACCOUNT_ID=....
	// AWS_* variables of this process are not passed on: they configure
	// clients, not the server.
	Env []string
	// StartTimeout bounds the wait for readiness; 0 means one minute.
	StartTimeout time.Duration
}

// LocalAWS is a running localaws.py.
type LocalAWS struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:PORT, or
	// https://127.0.0.1:443 when it stands in for the real endpoints.
	URL string

	cmd     *exec.Cmd
	dir     string
	control *http.Client
	tail    *tailBuffer
	logFile *os.File
	done    chan struct{} // closed once the process has exited
	waitErr error
	stop    sync.Once
	stopErr error
}

// ClusterOverride makes an EKS cluster describe a real API server.
type ClusterOverride struct {
	Region string `json:"region"`
	Name   string `json:"name"`
	// Account defaults to the server's account (moto's 123456789012 unless
	// MOTO_ACCOUNT_ID is set).
	Account  string `json:"account,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`
	// CAData is the cluster CA as PEM, or already base64-encoded PEM as
	// DescribeCluster reports it.
	CAData string `json:"caData,omitempty"`
	// AuthenticationMode is CONFIG_MAP, API_AND_CONFIG_MAP or API.
	AuthenticationMode string `json:"authenticationMode,omitempty"`
}

// StartLocalAWS starts localaws.py and returns once it accepts requests.
func StartLocalAWS(ctx context.Context, opts LocalAWSOptions) (_ *LocalAWS, err error) {
	if (opts.TLSCert == "") != (opts.TLSKey == "") {
		return nil, errors.New("localaws: TLSCert and TLSKey go together")
	}
	host, python := opts.Host, opts.Python
	if host == "" {
		host = "127.0.0.1"
	}
	if python == "" {
		python = "python3"
	}
	dir, err := os.MkdirTemp("", "localaws-")
	if err != nil {
		return nil, err
	}
	a := &LocalAWS{dir: dir, tail: &tailBuffer{}, done: make(chan struct{})}
	defer func() {
		if err != nil {
			a.Stop()
		}
	}()
	script, ready := filepath.Join(dir, "localaws.py"), filepath.Join(dir, "ready.json")
	if err := os.WriteFile(script, localAWSScript, 0o644); err != nil {
		return nil, err
	}
	args := []string{script, "--host", host, "--port", strconv.Itoa(opts.Port), "--ready-file", ready}
	if opts.TLSCert != "" {
		args = append(args, "--tls-cert", opts.TLSCert, "--tls-key", opts.TLSKey)
	}
	if opts.Verbose {
		args = append(args, "--verbose")
	}
	out := []io.Writer{a.tail}
	if opts.LogPath != "" {
		if a.logFile, err = os.OpenFile(opts.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
			return nil, err
		}
		out = append(out, a.logFile)
	}
	if opts.Log != nil {
		out = append(out, opts.Log)
	}
	a.cmd = exec.Command(python, args...)
	a.cmd.Dir = dir
	a.cmd.Env = append(serverEnv(os.Environ()), opts.Env...)
	a.cmd.Stdout = io.MultiWriter(out...)
	a.cmd.Stderr = a.cmd.Stdout
	// Its own process group, and killed with us should the test binary die.
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := a.cmd.Start(); err != nil {
		close(a.done)
		return nil, fmt.Errorf("localaws: start %s: %w", python, err)
	}
	go func() {
		a.waitErr = a.cmd.Wait()
		close(a.done)
	}()

	if a.URL, err = a.awaitReady(ctx, ready, opts.StartTimeout); err != nil {
		return nil, err
	}
	transport := &http.Transport{
		// The control channel only ever goes to the child we started on
		// loopback; its certificate is for the AWS host names, not this URL.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // see above
		DialContext:     (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
	a.control = &http.Client{Transport: transport, Timeout: 30 * time.Second}
	return a, nil
}

// awaitReady polls for the ready file the server writes once it listens.
func (a *LocalAWS) awaitReady(ctx context.Context, path string, timeout time.Duration) (string, error) {
	if timeout <= 0 {
		timeout = time.Minute
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		if data, err := os.ReadFile(path); err == nil {
			var r struct {
				URL string `json:"url"`
			}
			if err := json.Unmarshal(data, &r); err != nil || r.URL == "" {
				return "", fmt.Errorf("localaws: bad ready file %q: %v", data, err)
			}
			return r.URL, nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-deadline.C:
			return "", fmt.Errorf("localaws: not ready after %v; output:\n%s", timeout, a.tail)
		case <-a.done:
			return "", fmt.Errorf("localaws: exited before it was ready (%v); output:\n%s", a.waitErr, a.tail)
		case <-tick.C:
		}
	}
}

// serverEnv drops AWS_* settings: the server must not resolve endpoints or
// credentials the way the clients under test do.
func serverEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "AWS_") {
			out = append(out, kv)
		}
	}
	return append(out, "PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1")
}

// Stop ends the server (SIGTERM, then SIGKILL after ten seconds) and waits
// for it, so that no process is left behind. It is safe to call twice.
func (a *LocalAWS) Stop() error {
	a.stop.Do(func() {
		if a.cmd != nil && a.cmd.Process != nil {
			_ = a.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-a.done:
				var exit *exec.ExitError
				if errors.As(a.waitErr, &exit) && !exitedBySIGTERM(exit) {
					a.stopErr = fmt.Errorf("localaws: %v; output:\n%s", a.waitErr, a.tail)
				}
			case <-time.After(10 * time.Second):
				_ = syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL)
				<-a.done
				a.stopErr = errors.New("localaws: did not stop on SIGTERM; killed")
			}
		}
		if a.logFile != nil {
			a.logFile.Close()
		}
		if err := os.RemoveAll(a.dir); err != nil && a.stopErr == nil {
			a.stopErr = err
		}
	})
	return a.stopErr
}

// exitedBySIGTERM is true when Python died of SIGTERM before its handler was
// installed (while still importing moto): still a clean stop.
func exitedBySIGTERM(exit *exec.ExitError) bool {
	ws, ok := exit.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGTERM
}

// EnforceIAM switches IAM authorization of every call on or off. The world
// creates its admin with it off, then turns it on.
func (a *LocalAWS) EnforceIAM(ctx context.Context, on bool) error {
	body := "off"
	if on {
		body = "on"
	}
	return a.call(ctx, http.MethodPost, "/enforce-iam", "text/plain", []byte(body), nil)
}

// SetCluster creates the cluster if missing and makes DescribeCluster report
// the given endpoint, CA and authentication mode.
func (a *LocalAWS) SetCluster(ctx context.Context, c ClusterOverride) error {
	_, err := a.SetClusterARN(ctx, c)
	return err
}

// SSOSession is an IAM Identity Center sign-in as `aws sso login` leaves it:
// an access token, and the refresh token and client registration that renew
// it. Register it with SetSSOSession; then the SSO portal
// (portal.sso.REGION.amazonaws.com) gives the access token's holder
// credentials for the account's roles, as sessions of those roles that the
// local AWS accepts, and SSO OIDC (oidc.REGION.amazonaws.com) trades the
// refresh token for a new access token and a new refresh token, after which
// the old ones are refused. Write the token cache file with TokenCacheJSON.
type SSOSession struct {
	// Name identifies the session: the sso-session's name, say.
	Name        string
	AccessToken string
	// AccessTokenExpiresAt is when the portal stops accepting AccessToken;
	// zero means an hour from now. A time in the past makes the token
	// expired, for refresh tests.
	AccessTokenExpiresAt time.Time
	// RefreshToken, ClientID and ClientSecret renew the access token; empty
	// ones make it unrenewable.
	RefreshToken, ClientID, ClientSecret string
	// RegistrationExpiresAt ends the client registration; zero means in
	// 90 days.
	RegistrationExpiresAt time.Time
	// UserName is the role session name of the credentials, the last part
	// of their assumed-role ARN; empty means Name.
	UserName string
	// Account is the one account the user is assigned; empty means the
	// server's (123456789012).
	Account string
	// Roles are the roles the user may get; empty means every role that
	// exists in Account. Others are refused with ForbiddenException.
	Roles []string
	// Accounts, when set, replace Account and Roles: the user is assigned
	// these accounts, each with permission sets (see SetPermissionSet) or
	// roles by name, as the SSO portal's ListAccounts and ListAccountRoles
	// show them.
	Accounts []SSOAccount
	// TokenTTL is the lifetime of the access tokens a refresh issues; zero
	// means an hour.
	TokenTTL time.Duration
}

// ssoSessionWire is SSOSession as localaws.py reads and reports it.
type ssoSessionWire struct {
	Name                  string       `json:"name"`
	AccessToken           string       `json:"accessToken"`
	AccessTokenExpiresAt  string       `json:"accessTokenExpiresAt,omitempty"`
	RefreshToken          string       `json:"refreshToken,omitempty"`
	ClientID              string       `json:"clientId,omitempty"`
	ClientSecret          string       `json:"clientSecret,omitempty"`
	RegistrationExpiresAt string       `json:"registrationExpiresAt,omitempty"`
	UserName              string       `json:"userName,omitempty"`
	Account               string       `json:"account,omitempty"`
	Roles                 []string     `json:"roles,omitempty"`
	Accounts              []SSOAccount `json:"accounts,omitempty"`
	TokenTTL              int64        `json:"tokenTTL,omitempty"`
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// SetSSOSession registers (or replaces) an SSO session.
func (a *LocalAWS) SetSSOSession(ctx context.Context, s SSOSession) error {
	if s.Name == "" || s.AccessToken == "" {
		return errors.New("localaws: an SSO session needs a Name and an AccessToken")
	}
	body, err := json.Marshal(ssoSessionWire{
		Name: s.Name, AccessToken: s.AccessToken, AccessTokenExpiresAt: rfc3339(s.AccessTokenExpiresAt),
		RefreshToken: s.RefreshToken, ClientID: s.ClientID, ClientSecret: s.ClientSecret,
		RegistrationExpiresAt: rfc3339(s.RegistrationExpiresAt), UserName: s.UserName, Account: s.Account,
		Roles: s.Roles, Accounts: s.Accounts, TokenTTL: int64(s.TokenTTL / time.Second),
	})
	if err != nil {
		return err
	}
	return a.call(ctx, http.MethodPost, "/sso-session", "application/json", body, nil)
}

// GetSSOSession returns a registered session as the server holds it now,
// with the tokens of its latest refresh and every default filled in.
func (a *LocalAWS) GetSSOSession(ctx context.Context, name string) (SSOSession, error) {
	var w ssoSessionWire
	if err := a.call(ctx, http.MethodGet, "/sso-session/"+url.PathEscape(name), "", nil, &w); err != nil {
		return SSOSession{}, err
	}
	s := SSOSession{Name: w.Name, AccessToken: w.AccessToken, RefreshToken: w.RefreshToken, ClientID: w.ClientID,
		ClientSecret: w.ClientSecret, UserName: w.UserName, Account: w.Account, Roles: w.Roles, Accounts: w.Accounts,
		TokenTTL: time.Duration(w.TokenTTL) * time.Second}
	var err error
	if s.AccessTokenExpiresAt, err = time.Parse(time.RFC3339, w.AccessTokenExpiresAt); err != nil {
		return SSOSession{}, fmt.Errorf("localaws: accessTokenExpiresAt: %w", err)
	}
	if s.RegistrationExpiresAt, err = time.Parse(time.RFC3339, w.RegistrationExpiresAt); err != nil {
		return SSOSession{}, fmt.Errorf("localaws: registrationExpiresAt: %w", err)
	}
	return s, nil
}

// TokenCacheJSON is the token cache file `aws sso login` would write for s
// (in ~/.aws/sso/cache/<sha1 of the sso-session name>.json): the access
// token expiring at expiresAt, the refresh token and client registration,
// and startURL and region (sso_start_url and sso_region). Zero times take
// SetSSOSession's defaults.
func (s SSOSession) TokenCacheJSON(startURL, region string) string {
	expires, registration := s.AccessTokenExpiresAt, s.RegistrationExpiresAt
	if expires.IsZero() {
		expires = time.Now().Add(time.Hour)
	}
	if registration.IsZero() {
		registration = time.Now().Add(90 * 24 * time.Hour)
	}
	m := map[string]string{
		"startUrl": startURL, "region": region, "accessToken": s.AccessToken, "expiresAt": rfc3339(expires),
		"refreshToken": s.RefreshToken, "clientId": s.ClientID, "clientSecret": s.ClientSecret,
		"registrationExpiresAt": rfc3339(registration),
	}
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	data, _ := json.MarshalIndent(m, "", "  ") // strings always marshal
	return string(data) + "\n"
}

// Calls returns how often each API was called, keyed "service:Action"
// (e.g. "sts:AssumeRole", "sso:GetRoleCredentials",
// "sso-oidc:CreateToken"), presigned GetCallerIdentity included.
func (a *LocalAWS) Calls(ctx context.Context) (map[string]int, error) {
	calls := map[string]int{}
	err := a.call(ctx, http.MethodGet, "/calls", "", nil, &calls)
	return calls, err
}

// ResetCalls zeroes the counts Calls returns.
func (a *LocalAWS) ResetCalls(ctx context.Context) error {
	return a.call(ctx, http.MethodPost, "/calls/reset", "text/plain", nil, nil)
}

func (a *LocalAWS) call(ctx context.Context, method, path, contentType string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, a.URL+"/eks-login-world"+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := a.control.Do(req)
	if err != nil {
		return fmt.Errorf("localaws %s: %w", path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("localaws %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("localaws %s: HTTP %d: %s", path, resp.StatusCode, bytes.TrimSpace(data))
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// tailBuffer keeps the last few KiB of the server's output for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	const keep = 8 << 10
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > keep {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-keep:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// WorldInternalUserPrefix starts the names of the IAM users the world makes
// for itself (its authenticator's probes); the local AWS leaves their calls
// out of its counts.
const WorldInternalUserPrefix = "eks-login-world-"

// AccessState is who may enter a cluster, as the local AWS hands it to the
// world that enforces it: the authentication mode and the access entries,
// each with its principal's unique ID (EKS matches that, not the ARN) and its
// access policies.
type AccessState struct {
	// Version grows with every change of the cluster's access.
	Version            int64         `json:"version"`
	AuthenticationMode string        `json:"authenticationMode"`
	Entries            []AccessEntry `json:"entries"`
}

// AccessEntry is an access entry as the world enforces it.
type AccessEntry struct {
	PrincipalARN string `json:"principalArn"`
	// PrincipalID is the role's or user's unique ID (AROA..., AIDA...).
	PrincipalID      string                 `json:"principalId"`
	Kind             string                 `json:"kind"` // "role" or "user"
	Type             string                 `json:"type"`
	Username         string                 `json:"username"`
	KubernetesGroups []string               `json:"kubernetesGroups"`
	AccessPolicies   []AssociatedPolicyView `json:"accessPolicies"`
}

// AssociatedPolicyView is an access policy associated with an entry.
type AssociatedPolicyView struct {
	// Name is the policy's name, e.g. AmazonEKSViewPolicy.
	Name        string `json:"name"`
	AccessScope struct {
		Type       string   `json:"type"` // "cluster" or "namespace"
		Namespaces []string `json:"namespaces"`
	} `json:"accessScope"`
}

// WatchAccess returns the access state of a cluster once its version is past
// after, or when wait has passed (a long poll; at most 25 seconds). From the
// first call on, calls that change the cluster's access return only once
// ReportAccessApplied has confirmed their version (or after 20 seconds).
func (a *LocalAWS) WatchAccess(ctx context.Context, region, name string, after int64, wait time.Duration) (AccessState, error) {
	var st AccessState
	path := fmt.Sprintf("/access/%s/%s?after=%d&wait=%g", url.PathEscape(region), url.PathEscape(name), after, wait.Seconds())
	err := a.call(ctx, http.MethodGet, path, "", nil, &st)
	return st, err
}

// ReportAccessApplied tells the local AWS that the cluster's world enforces
// version: the calls waiting for it return, and a pending change of the
// authentication mode becomes Successful.
func (a *LocalAWS) ReportAccessApplied(ctx context.Context, region, name string, version int64) error {
	path := fmt.Sprintf("/access/%s/%s/applied", url.PathEscape(region), url.PathEscape(name))
	return a.call(ctx, http.MethodPost, path, "application/json", []byte(fmt.Sprintf(`{"version":%d}`, version)), nil)
}

// Node is an EC2 instance of the seed's node group.
type Node struct {
	InstanceID string `json:"instanceId"`
	// PrivateDNSName is the name EC2 gives it after its private IP, which is
	// the name of its Node object and of its Kubernetes user
	// (system:node:NAME).
	PrivateDNSName string `json:"privateDnsName"`
}

// RunNode launches an EC2 instance with the private IP ip and the
// instance profile profile (which must exist), in a VPC of the node group.
func (a *LocalAWS) RunNode(ctx context.Context, region, profile, ip string) (Node, error) {
	body, err := json.Marshal(map[string]string{"region": region, "instanceProfile": profile, "privateIp": ip})
	if err != nil {
		return Node{}, err
	}
	var n Node
	err = a.call(ctx, http.MethodPost, "/node", "application/json", body, &n)
	return n, err
}

// InstanceCredentials are what the instance metadata service gives an
// instance: credentials of its instance profile's role, in a session named
// after the instance ID.
func (a *LocalAWS) InstanceCredentials(ctx context.Context, region, instanceID string) (aws.Credentials, error) {
	var c struct {
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		Token           string
		Expiration      time.Time
	}
	if err := a.call(ctx, http.MethodGet, "/imds/"+url.PathEscape(region)+"/"+url.PathEscape(instanceID), "", nil, &c); err != nil {
		return aws.Credentials{}, err
	}
	return aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.Token,
		CanExpire: true, Expires: c.Expiration}, nil
}
