package world

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
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/eks-login/eks-login/pkg/token"
)

// How the world's aws-iam-authenticator follows the cluster's access entries
// and authentication mode, the way EKS runs it: the DynamicFile backend reads
// the access entries from a file the world writes (matching principals by
// their unique ID, as EKS does: dynamicfileUserIDStrict), and the order of the
// backends comes from a second file (dynamicBackendModePath) that the
// authenticator watches and rebuilds its chain from, without a restart.
//
// The world knows the authenticator enforces what it wrote by asking it, with
// tokens of two IAM users of its own that no test sees:
//   - the access probe is mapped in the access-entry file alone, with a user
//     name carrying the version of the cluster's access; it authenticates as
//     that version only through a DynamicFile backend that has read it;
//   - the mode probe is mapped in the authenticator's MountedFile backend, a
//     static list that the world puts in the chains of the modes with aws-auth.
//
// The three chains answer the two probes differently (CONFIG_MAP: none, mode
// probe; API_AND_CONFIG_MAP: version, mode probe; API: version, none), and
// every switch changes an answer that the old chain cannot give, so seeing
// both answers proves the new chain and its content are in force. No sleep,
// no restart, no log scraping.
const (
	accessProbeUser = WorldInternalUserPrefix + "access-probe"
	modeProbeUser   = WorldInternalUserPrefix + "mode-probe"
	modeProbeName   = "eks-login-world:mode-probe"
	accessProbeName = "eks-login-world:access:"
)

// backendModes are aws-iam-authenticator's backends for each EKS
// authentication mode, in order (the first mapping found wins, so an access
// entry beats aws-auth). MountedFile maps the mode probe alone.
var backendModes = map[string][]string{
	"CONFIG_MAP":         {"EKSConfigMap", "MountedFile"},
	"API_AND_CONFIG_MAP": {"DynamicFile", "EKSConfigMap", "MountedFile"},
	"API":                {"DynamicFile"},
}

// probe is one of the world's IAM users that ask the authenticator.
type probe struct {
	arn, id string
	creds   aws.Credentials
}

// accessSync keeps the authenticator and the authorizer enforcing the
// cluster's access as the local AWS reports it.
type accessSync struct {
	aws                   *LocalAWS
	authz                 *accessAuthorizer
	authn                 *process
	dir                   string // the authenticator's state folder
	accessProbe           probe
	modeProbe             probe
	client                *http.Client
	log                   io.Writer
	region, cluster       string
	mode                  string // as last written to the backend mode file
	cancel                context.CancelFunc
	done                  chan struct{}
	mu                    sync.Mutex
	lastErr               error
	applyTimeout          time.Duration
	dynamicFile, modeFile string
	addr                  string // the authenticator's host:port
}

func newAccessSync(w *World, authnDir string) (*accessSync, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(w.CAData) {
		return nil, errors.New("the world CA is not PEM")
	}
	return &accessSync{
		aws: w.AWS, authz: w.authz, dir: authnDir, accessProbe: w.probes[0], modeProbe: w.probes[1],
		client: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second},
		log:    w.log, region: Region, cluster: ClusterName, applyTimeout: 20 * time.Second, addr: authenticatorAddr,
		dynamicFile: filepath.Join(authnDir, "access-entries.json"), modeFile: filepath.Join(authnDir, "backend-mode.json"),
	}, nil
}

// authenticatorConfig is aws-iam-authenticator's --config: where the access
// entries and the backend order live, and the mode probe's static mapping.
func (s *accessSync) authenticatorConfig() string {
	return `server:
  dynamicfilepath: ` + s.dynamicFile + `
  dynamicfileUserIDStrict: true
  dynamicBackendModePath: ` + s.modeFile + `
  mapUsers:
  - userarn: ` + s.modeProbe.arn + `
    username: ` + modeProbeName + `
    groups: []
`
}

// dynamicFileMapping is a mapping in aws-iam-authenticator's DynamicFile.
type dynamicFileMapping struct {
	RoleARN  string   `json:"rolearn,omitempty"`
	UserARN  string   `json:"userarn,omitempty"`
	Username string   `json:"username"`
	Groups   []string `json:"groups"`
	UserID   string   `json:"userid"`
}

// renderDynamicFile is the access-entry file for st: each entry's username and
// groups keyed by its principal's unique ID, and the access probe.
func (s *accessSync) renderDynamicFile(st AccessState) ([]byte, error) {
	doc := struct {
		MapRoles    []dynamicFileMapping `json:"mapRoles"`
		MapUsers    []dynamicFileMapping `json:"mapUsers"`
		MapAccounts []string             `json:"mapAccounts"`
	}{MapRoles: []dynamicFileMapping{}, MapAccounts: []string{}}
	doc.MapUsers = []dynamicFileMapping{{UserARN: s.accessProbe.arn, Username: fmt.Sprint(accessProbeName, st.Version), Groups: []string{}, UserID: s.accessProbe.id}}
	for _, e := range st.Entries {
		if e.PrincipalID == "" {
			continue // a principal of another account, unknown here: it matches no one
		}
		m := dynamicFileMapping{Username: e.Username, Groups: append([]string{}, e.KubernetesGroups...), UserID: e.PrincipalID}
		if e.Kind == "role" {
			m.RoleARN = e.PrincipalARN
			doc.MapRoles = append(doc.MapRoles, m)
		} else {
			m.UserARN = e.PrincipalARN
			doc.MapUsers = append(doc.MapUsers, m)
		}
	}
	return json.Marshal(doc)
}

func backendModeFile(mode string) ([]byte, error) {
	chain, ok := backendModes[mode]
	if !ok {
		return nil, fmt.Errorf("unknown authentication mode %q", mode)
	}
	return json.Marshal(map[string]string{"backendMode": strings.Join(chain, " ")})
}

// write lays out st's files. They are rewritten in place, not renamed over:
// the authenticator watches them with inotify and rereads a file on a write
// at once, but after a rename only a second later; a read in the middle of
// the write finds invalid JSON, which it ignores until the write's own event.
func (s *accessSync) write(st AccessState) error {
	entries, err := s.renderDynamicFile(st)
	if err != nil {
		return err
	}
	if err := os.WriteFile(s.dynamicFile, entries, 0o600); err != nil {
		return err
	}
	if st.AuthenticationMode == s.mode {
		return nil
	}
	mode, err := backendModeFile(st.AuthenticationMode)
	if err != nil {
		return err
	}
	if err := os.WriteFile(s.modeFile, mode, 0o600); err != nil {
		return err
	}
	s.mode = st.AuthenticationMode
	return nil
}

// apply makes the world enforce st and waits until the authenticator does.
func (s *accessSync) apply(ctx context.Context, st AccessState) error {
	if err := s.authz.set(st); err != nil {
		return err
	}
	if err := s.write(st); err != nil {
		return fmt.Errorf("write the authenticator's access files: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.applyTimeout)
	defer cancel()
	what := fmt.Sprintf("aws-iam-authenticator to enforce access version %d (%s)", st.Version, st.AuthenticationMode)
	return waitUntil(ctx, what, func(ctx context.Context) error { return s.enforced(ctx, st) }, s.authn)
}

// enforced asks the authenticator about both probes and compares the answers
// with those of st's mode and version.
func (s *accessSync) enforced(ctx context.Context, st AccessState) error {
	chain := strings.Join(backendModes[st.AuthenticationMode], " ")
	wantMode, wantAccess := "", ""
	if strings.Contains(chain, "MountedFile") {
		wantMode = modeProbeName
	}
	if strings.Contains(chain, "DynamicFile") {
		wantAccess = fmt.Sprint(accessProbeName, st.Version)
	}
	for _, c := range []struct {
		p    probe
		want string
	}{{s.modeProbe, wantMode}, {s.accessProbe, wantAccess}} {
		got, err := s.authenticate(ctx, c.p)
		if err != nil {
			return err
		}
		if got != c.want {
			return fmt.Errorf("%s authenticates as %q, not yet %q: %w", c.p.arn, got, c.want, errNotYet)
		}
	}
	return nil
}

// authenticate sends the authenticator a TokenReview for p and returns the
// user name it maps p to ("" when it refuses p).
func (s *accessSync) authenticate(ctx context.Context, p probe) (string, error) {
	tok, err := token.New(ctx, token.Request{Credentials: p.creds, Region: s.region, ClusterName: s.cluster, Now: time.Now()})
	if err != nil {
		return "", err
	}
	body, _ := json.Marshal(map[string]any{"apiVersion": "authentication.k8s.io/v1beta1", "kind": "TokenReview",
		"spec": map[string]string{"token": tok.Value}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+s.addr+"/authenticate", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var review struct {
		Status struct {
			Authenticated bool `json:"authenticated"`
			User          struct {
				Username string `json:"username"`
			} `json:"user"`
		} `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&review); err != nil {
		return "", fmt.Errorf("the authenticator's answer (HTTP %d) is not a TokenReview: %w", resp.StatusCode, err)
	}
	if !review.Status.Authenticated {
		return "", nil
	}
	return review.Status.User.Username, nil
}

// first reads the cluster's access as it is, lays out the authenticator's
// files before it starts, and registers the world as the cluster's enforcer.
func (s *accessSync) first(ctx context.Context) (AccessState, error) {
	st, err := s.aws.WatchAccess(ctx, s.region, s.cluster, -1, 0)
	if err != nil {
		return st, err
	}
	if err := s.authz.set(st); err != nil {
		return st, err
	}
	return st, s.write(st)
}

// confirm waits for the running authenticator to enforce st (the world's
// start), then follows every later change until stop.
func (s *accessSync) confirm(ctx context.Context, st AccessState) error {
	ctx, cancel := context.WithTimeout(ctx, s.applyTimeout)
	defer cancel()
	what := fmt.Sprintf("aws-iam-authenticator to enforce the cluster's access (%s)", st.AuthenticationMode)
	if err := waitUntil(ctx, what, func(ctx context.Context) error { return s.enforced(ctx, st) }, s.authn); err != nil {
		return err
	}
	return s.aws.ReportAccessApplied(ctx, s.region, s.cluster, st.Version)
}

// follow applies each change of the cluster's access in a goroutine until stop.
func (s *accessSync) follow(after int64) {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel, s.done = cancel, make(chan struct{})
	go func() {
		defer close(s.done)
		for ctx.Err() == nil {
			st, err := s.aws.WatchAccess(ctx, s.region, s.cluster, after, 20*time.Second)
			if err != nil {
				s.fail(fmt.Errorf("watch the cluster's access: %w", err))
				select { // a bounded pause before asking again, inside the world
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
				continue
			}
			if st.Version <= after {
				continue
			}
			if err := s.apply(ctx, st); err != nil {
				s.fail(err)
			}
			// Reported even after a failure, so that callers do not hang; the
			// failure is in Logs, and their next kubectl shows it.
			if err := s.aws.ReportAccessApplied(ctx, s.region, s.cluster, st.Version); err != nil {
				s.fail(err)
			}
			after = st.Version
		}
	}()
}

func (s *accessSync) fail(err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	s.mu.Lock()
	s.lastErr = err
	s.mu.Unlock()
	fmt.Fprintf(s.log, "world: %v\n", err)
}

// Err is the last failure to enforce the cluster's access, if any.
func (s *accessSync) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastErr
}

// stop ends the goroutine of follow.
func (s *accessSync) stop() {
	if s.cancel != nil {
		s.cancel()
		<-s.done
	}
}
