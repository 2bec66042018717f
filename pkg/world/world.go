// Package world runs a small, real EKS-like world on loopback for the tests
// and the demo: a local AWS (moto, with the gaps that matter here closed)
// answering on the real AWS host names, etcd, kube-apiserver with RBAC,
// kube-controller-manager for ClusterRole aggregation, aws-iam-authenticator
// as the API server's token webhook reading kube-system/aws-auth and the
// cluster's EKS access entries in the order of its authentication mode, and
// an authorization webhook for EKS access policies in front of RBAC (see
// access.go and authorizer.go).
//
// Everything runs inside network and mount namespaces of the test process
// (see MainIsolated), so nothing listens outside this process's loopback and
// no test-only code path is needed in eks-login itself.
package world

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The seed's names.
const (
	Region      = "ap-northeast-2"
	ClusterName = "my-example"
	AccountID   = "123456789012"
	NodeRoleARN = "arn:aws:iam::" + AccountID + ":role/MyExampleEKSNode"
	// ClusterARN is the ARN DescribeCluster reports for the cluster.
	ClusterARN = "arn:aws:eks:" + Region + ":" + AccountID + ":cluster/" + ClusterName

	apiServerAddr     = "127.0.0.1:6443"
	etcdClientURL     = "http://127.0.0.1:2379"
	authenticatorAddr = "127.0.0.1:21362"
	authorizerAddr    = "127.0.0.1:21364"
)

// Options configure Start.
type Options struct {
	// Dir holds the world's state, logs and certificates; it must exist.
	Dir string
	// ToolsBin is the folder with the servers' binaries; empty means run
	// tools/build.sh (from the module root) to find or build them.
	ToolsBin string
	// Log receives progress lines; nil discards them.
	Log io.Writer
	// TokenWebhookCacheTTL is how long the API server trusts a token that
	// aws-iam-authenticator accepted. Zero means no webhook cache; the API
	// server still keeps every accepted token for ten seconds (a cache of
	// its own, with no flag), so a token in use sees a removed or changed
	// mapping within ten seconds. The benchmark uses two minutes, the API
	// server's default and what a user of a real cluster feels.
	TokenWebhookCacheTTL time.Duration
	// AuthenticationMode is the cluster's at the start: CONFIG_MAP (the
	// default, as the seed has it), API_AND_CONFIG_MAP or API. It changes
	// later only as EKS allows, through UpdateClusterConfig.
	AuthenticationMode string
	// AWSOnly starts the local AWS alone, seeded as usual, for tests of AWS
	// credentials that need no cluster: no tools are built, no Kubernetes
	// server runs (the cluster's endpoint answers nothing) and
	// AdminKubeconfig is empty. It starts in about two seconds instead of ten.
	AWSOnly bool
	// SecondCluster starts a second cluster, SecondClusterName, with
	// servers of its own (see second.go), for tests of access across
	// clusters. It adds a few seconds to the start.
	SecondCluster bool
	// SecondClusterAuthenticationMode is the second cluster's mode at the
	// start; empty means API_AND_CONFIG_MAP.
	SecondClusterAuthenticationMode string
}

// World is a running world. All fields are read-only.
type World struct {
	Dir string
	// CAFile is the one CA the world's servers use; SSL_CERT_FILE and
	// AWS_CA_BUNDLE point at it in Env.
	CAFile string
	CAData []byte
	// APIServerURL is the cluster's endpoint, as DescribeCluster reports it.
	APIServerURL string
	// AdminKubeconfig holds a system:masters client certificate: the cluster
	// creator's access.
	AdminKubeconfig string
	// AdminCertFile and AdminKeyFile are that client certificate and its
	// key (PEM), for kubeconfigs that present it another way.
	AdminCertFile, AdminKeyFile string
	// AdminAccessKeyID and AdminSecretAccessKey belong to IAM user "admin",
	// who may do anything in the account (the seed's "default" profile).
	AdminAccessKeyID, AdminSecretAccessKey string
	AWS                                    *LocalAWS
	// Nodes are the EC2 instances of the seed's node group, one per
	// SeedNodes name, launched with the node role's instance profile.
	Nodes []Node

	// authnCreds let aws-iam-authenticator call ec2:DescribeInstances.
	authnCreds aws.Credentials

	kube   *kubeAdmin
	procs  []*process
	authz  *accessAuthorizer
	access *accessSync
	// probes are the world's own IAM users that ask the authenticator what
	// it enforces (access.go): the access probe, then the mode probe.
	probes [2]probe
	second *secondCluster
	log    io.Writer
	once   sync.Once
}

// Start brings the world up. It must run inside the world's namespaces
// (MainIsolated); call Stop when done, even after an error.
func Start(ctx context.Context, opts Options) (w *World, err error) {
	if !Isolated() {
		return nil, errors.New("world.Start must run inside the world's namespaces: call it under world.MainIsolated from TestMain")
	}
	w = &World{Dir: opts.Dir, log: opts.Log, APIServerURL: "https://" + apiServerAddr}
	if w.log == nil {
		w.log = io.Discard
	}
	defer func() {
		if err != nil {
			w.Stop()
			w = nil
		}
	}()
	bin := opts.ToolsBin
	if bin == "" && !opts.AWSOnly {
		if bin, err = BuildTools(ctx); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	pki := filepath.Join(w.Dir, "pki")
	if err := os.MkdirAll(pki, 0o700); err != nil {
		return nil, err
	}
	ca, err := newCertAuthority()
	if err != nil {
		return nil, err
	}
	w.CAData = ca.certPEM
	w.CAFile = filepath.Join(pki, "ca.crt")
	if err := os.WriteFile(w.CAFile, ca.certPEM, 0o644); err != nil {
		return nil, err
	}
	if opts.AWSOnly {
		awsCert, awsKey, err := ca.issue(pki, "aws", leafSpec{commonName: "amazonaws.com", dnsNames: awsHostNames()})
		if err != nil {
			return nil, err
		}
		w.AWS, err = StartLocalAWS(ctx, LocalAWSOptions{Host: "127.0.0.1", Port: 443, TLSCert: awsCert, TLSKey: awsKey, LogPath: filepath.Join(w.Dir, "localaws.log")})
		if err != nil {
			return nil, fmt.Errorf("start the local AWS: %w", err)
		}
		if err := w.seedAWS(ctx, opts); err != nil {
			return nil, fmt.Errorf("seed the local AWS: %w", err)
		}
		fmt.Fprintf(w.log, "world: AWS ready after %v (logs in %s)\n", time.Since(start).Round(time.Millisecond), w.Dir)
		return w, nil
	}
	loopback := []net.IP{net.ParseIP("127.0.0.1")}
	apiCert, apiKey, err := ca.issue(pki, "apiserver", leafSpec{commonName: "kube-apiserver", ips: loopback, dnsNames: []string{"localhost", "kubernetes", "kubernetes.default.svc"}})
	if err != nil {
		return nil, err
	}
	adminCert, adminKey, err := ca.issue(pki, "admin", leafSpec{commonName: "kubernetes-admin", organization: []string{"system:masters"}, client: true})
	if err != nil {
		return nil, err
	}
	authnDir := filepath.Join(w.Dir, "aws-iam-authenticator")
	if err := os.MkdirAll(authnDir, 0o700); err != nil {
		return nil, err
	}
	if err := w.authenticatorCerts(ca, authnDir); err != nil {
		return nil, err
	}
	awsCert, awsKey, err := ca.issue(pki, "aws", leafSpec{commonName: "amazonaws.com", dnsNames: awsHostNames()})
	if err != nil {
		return nil, err
	}
	authzConfig, err := w.startAuthorizer(ca, pki)
	if err != nil {
		return nil, err
	}
	saPub, saKey, err := writeServiceAccountKey(pki)
	if err != nil {
		return nil, err
	}
	w.AdminCertFile, w.AdminKeyFile = adminCert, adminKey
	w.AdminKubeconfig = filepath.Join(w.Dir, "admin.kubeconfig")
	if err := os.WriteFile(w.AdminKubeconfig, []byte(adminKubeconfig(w.APIServerURL, w.CAFile, adminCert, adminKey)), 0o600); err != nil {
		return nil, err
	}
	webhookKubeconfig := filepath.Join(authnDir, "webhook.kubeconfig")
	if err := os.WriteFile(webhookKubeconfig, []byte(webhookConfig("aws-iam-authenticator", "https://"+authenticatorAddr+"/authenticate", w.CAFile)), 0o600); err != nil {
		return nil, err
	}
	env := w.Env()

	// The local AWS and etcd have no dependency on each other: start both,
	// then the API server, and seed AWS while the API server comes up.
	w.AWS, err = StartLocalAWS(ctx, LocalAWSOptions{Host: "127.0.0.1", Port: 443, TLSCert: awsCert, TLSKey: awsKey, LogPath: filepath.Join(w.Dir, "localaws.log")})
	if err != nil {
		return nil, fmt.Errorf("start the local AWS: %w", err)
	}
	etcd, err := w.start("etcd", env, filepath.Join(bin, "etcd"),
		"--data-dir", filepath.Join(w.Dir, "etcd"),
		"--listen-client-urls", etcdClientURL, "--advertise-client-urls", etcdClientURL,
		"--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
		"--initial-cluster", "default=http://127.0.0.1:2380",
		"--listen-metrics-urls", "http://127.0.0.1:2381",
		"--unsafe-no-fsync", "--log-level", "warn")
	if err != nil {
		return nil, err
	}
	if err := waitUntil(ctx, "etcd", httpOK(http.DefaultClient, etcdClientURL+"/health"), etcd); err != nil {
		return nil, err
	}
	fmt.Fprintf(w.log, "world: local AWS and etcd up after %v\n", time.Since(start).Round(time.Millisecond))
	apiserver, err := w.start("kube-apiserver", env, filepath.Join(bin, "kube-apiserver"),
		"--etcd-servers", etcdClientURL,
		"--bind-address", "127.0.0.1", "--secure-port", "6443", "--advertise-address", "127.0.0.1",
		// On loopback the endpoints reconciler would publish 127.0.0.1 as the
		// kubernetes service's endpoint, which the API server rejects.
		"--endpoint-reconciler-type", "none",
		"--authorization-config", authzConfig,
		"--client-ca-file", w.CAFile,
		"--tls-cert-file", apiCert, "--tls-private-key-file", apiKey,
		"--service-account-key-file", saPub, "--service-account-signing-key-file", saKey,
		"--service-account-issuer", "https://kubernetes.default.svc",
		"--service-cluster-ip-range", "10.100.0.0/16",
		"--authentication-token-webhook-config-file", webhookKubeconfig,
		"--authentication-token-webhook-cache-ttl", opts.TokenWebhookCacheTTL.String(),
		"--enable-priority-and-fairness=false",
		"--v", "1")
	if err != nil {
		return nil, err
	}
	if err := w.seedAWS(ctx, opts); err != nil {
		return nil, fmt.Errorf("seed the local AWS: %w", err)
	}
	if w.kube, err = newKubeAdmin(w.APIServerURL, w.CAFile, adminCert, adminKey); err != nil {
		return nil, err
	}
	if err := waitUntil(ctx, "kube-apiserver", httpOK(w.kube.client, w.APIServerURL+"/readyz"), apiserver); err != nil {
		return nil, err
	}
	fmt.Fprintf(w.log, "world: kube-apiserver ready after %v\n", time.Since(start).Round(time.Millisecond))
	if opts.SecondCluster {
		// Started once the first is up: two API servers starting at once on
		// two cores take longer in all than one after the other.
		if err := w.startSecondAPIServer(ca, bin, secondFiles{apiCert, apiKey, saPub, saKey, adminCert, adminKey}); err != nil {
			return nil, err
		}
	}
	kcm, err := w.start("kube-controller-manager", env, filepath.Join(bin, "kube-controller-manager"),
		"--kubeconfig", w.AdminKubeconfig,
		// Only ClusterRole aggregation: it fills the built-in view/edit/admin roles.
		"--controllers", "clusterrole-aggregation",
		"--leader-elect=false", "--bind-address", "127.0.0.1", "--secure-port", "10257",
		"--use-service-account-credentials=false")
	if err != nil {
		return nil, err
	}
	if w.access, err = newAccessSync(w, authnDir); err != nil {
		return nil, err
	}
	access, err := w.access.first(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the cluster's access entries: %w", err)
	}
	authnConfig := filepath.Join(authnDir, "config.yaml")
	if err := os.WriteFile(authnConfig, []byte(w.access.authenticatorConfig()), 0o600); err != nil {
		return nil, err
	}
	// The flag's backends only pass the authenticator's start-up checks: the
	// backend mode file, read at once, sets the chain of the cluster's mode.
	authn, err := w.start("aws-iam-authenticator", w.authenticatorEnv(env), filepath.Join(bin, "aws-iam-authenticator"), "server",
		"--config", authnConfig,
		"--cluster-id", ClusterName,
		"--backend-mode", "DynamicFile",
		"--kubeconfig", w.AdminKubeconfig,
		"--state-dir", authnDir,
		"--generate-kubeconfig", webhookKubeconfig, "--kubeconfig-pregenerated=true",
		"--address", "127.0.0.1", "--port", "21362")
	if err != nil {
		return nil, err
	}
	authn.hardStop = true // it ignores SIGTERM
	w.access.authn = authn
	if err := w.kube.seedCluster(ctx, NodeRoleARN); err != nil {
		return nil, fmt.Errorf("seed the cluster: %w", err)
	}
	if err := waitUntil(ctx, "ClusterRole aggregation", func(ctx context.Context) error { return w.kube.clusterRoleHasRules(ctx, "view") }, kcm); err != nil {
		return nil, err
	}
	if err := waitUntil(ctx, "aws-iam-authenticator", httpOK(http.DefaultClient, "http://127.0.0.1:21363/healthz"), authn); err != nil {
		return nil, err
	}
	if err := w.access.confirm(ctx, access); err != nil {
		return nil, err
	}
	w.access.follow(access.Version)
	if opts.SecondCluster {
		ready := time.Now()
		if err := w.finishSecond(ctx, bin, opts.SecondClusterAuthenticationMode); err != nil {
			return nil, fmt.Errorf("start the second cluster: %w", err)
		}
		fmt.Fprintf(w.log, "world: second cluster %s ready %v after the first\n", SecondClusterName, time.Since(ready).Round(time.Millisecond))
	}
	fmt.Fprintf(w.log, "world: ready after %v (logs in %s)\n", time.Since(start).Round(time.Millisecond), w.Dir)
	return w, nil
}

func (w *World) start(name string, env []string, bin string, args ...string) (*process, error) {
	p, err := startProcess(w.Dir, name, env, bin, args...)
	if err != nil {
		return nil, err
	}
	w.procs = append(w.procs, p)
	return p, nil
}

// Env is the environment every client in the world runs with: the world CA
// trusted, instance metadata off, and no credentials of the host's.
func (w *World) Env() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || k == "KUBECONFIG" || k == "SSL_CERT_FILE" || k == "SSL_CERT_DIR" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"SSL_CERT_FILE="+w.CAFile,
		"AWS_CA_BUNDLE="+w.CAFile,
		"AWS_EC2_METADATA_DISABLED=true",
	)
}

// authenticatorEnv is the world's environment with what aws-iam-authenticator
// needs to fill in {{EC2PrivateDNSName}}: its EC2 client (the AWS SDK for Go
// v1's default session) takes credentials from AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, and, with instance metadata off, the region from
// AWS_REGION. On EKS it calls EC2 with the cluster's role; here with a world
// IAM user allowed ec2:DescribeInstances.
func (w *World) authenticatorEnv(env []string) []string {
	return append(append([]string{}, env...),
		"AWS_REGION="+Region,
		"AWS_ACCESS_KEY_ID="+w.authnCreds.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+w.authnCreds.SecretAccessKey,
	)
}

// NodeCredentials are the credentials the instance metadata service gives
// the node instanceID: a session of the node role named after the instance,
// as a kubelet's token is made from.
func (w *World) NodeCredentials(ctx context.Context, instanceID string) (aws.Credentials, error) {
	return w.AWS.InstanceCredentials(ctx, Region, instanceID)
}

// Stop ends every server, the API server before etcd, and leaves no process behind.
func (w *World) Stop() error {
	var errs []error
	w.once.Do(func() {
		if w.access != nil {
			w.access.stop()
		}
		if w.second != nil && w.second.access != nil {
			w.second.access.stop()
		}
		for i := len(w.procs) - 1; i >= 0; i-- {
			if err := w.procs[i].stop(10 * time.Second); err != nil {
				errs = append(errs, err)
			}
		}
		if w.authz != nil {
			if err := w.authz.stop(); err != nil {
				errs = append(errs, err)
			}
		}
		if w.second != nil && w.second.authz != nil {
			if err := w.second.authz.stop(); err != nil {
				errs = append(errs, err)
			}
		}
		if w.AWS != nil {
			if err := w.AWS.Stop(); err != nil {
				errs = append(errs, err)
			}
		}
	})
	return errors.Join(errs...)
}

// Logs returns the tail of every server's log, for a failing test's report.
func (w *World) Logs(lines int) string {
	var b strings.Builder
	for _, p := range w.procs {
		fmt.Fprintf(&b, "==> %s <==\n%s\n", p.name, p.tail(lines))
	}
	if w.access != nil && w.access.Err() != nil {
		fmt.Fprintf(&b, "==> access entries <==\nlast failure to enforce them: %v\n", w.access.Err())
	}
	return b.String()
}

// startAuthorizer serves the access policy webhook and writes the API
// server's authorization configuration, whose path it returns.
func (w *World) startAuthorizer(ca *certAuthority, pki string) (string, error) {
	var err error
	if w.authz, err = newAccessAuthorizer(); err != nil {
		return "", err
	}
	return w.serveAuthorizer(ca, w.authz, pki, authorizerAddr)
}

// serveAuthorizer serves authz at addr with a certificate in dir, and
// writes the API server's authorization configuration there.
func (w *World) serveAuthorizer(ca *certAuthority, authz *accessAuthorizer, pki, addr string) (string, error) {
	cert, key, err := ca.issue(pki, "authorizer", leafSpec{commonName: "eks-access-policies", ips: []net.IP{net.ParseIP("127.0.0.1")}})
	if err != nil {
		return "", err
	}
	if err := authz.serve(addr, cert, key); err != nil {
		return "", err
	}
	kubeconfig := filepath.Join(pki, "authorizer.kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte(webhookConfig("eks-access-policies", "https://"+addr+"/authorize", w.CAFile)), 0o600); err != nil {
		return "", err
	}
	config := filepath.Join(pki, "authorization.yaml")
	return config, os.WriteFile(config, []byte(authorizationConfig(kubeconfig)), 0o600)
}

// Kubectl runs the real kubectl as the cluster admin.
func (w *World) Kubectl(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "kubectl", append([]string{"--kubeconfig", w.AdminKubeconfig}, args...)...)
	cmd.Env = w.Env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

func httpOK(client *http.Client, url string) func(context.Context) error {
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: HTTP %d", url, resp.StatusCode)
		}
		return nil
	}
}

func adminKubeconfig(server, caFile, certFile, keyFile string) string {
	return adminKubeconfigFor(ClusterName, server, caFile, certFile, keyFile)
}

// adminKubeconfigFor reaches cluster at server as its creator, with a
// system:masters client certificate; its context is admin@CLUSTER.
func adminKubeconfigFor(cluster, server, caFile, certFile, keyFile string) string {
	return `apiVersion: v1
kind: Config
clusters:
- name: ` + cluster + `
  cluster:
    server: ` + server + `
    certificate-authority: ` + caFile + `
users:
- name: admin
  user:
    client-certificate: ` + certFile + `
    client-key: ` + keyFile + `
contexts:
- name: admin@` + cluster + `
  context:
    cluster: ` + cluster + `
    user: admin
current-context: admin@` + cluster + `
`
}

// authenticatorCerts issues aws-iam-authenticator's serving certificate
// into its state folder: it serves with cert.pem/key.pem from there when
// they exist; ours are signed by the world CA.
func (w *World) authenticatorCerts(ca *certAuthority, authnDir string) error {
	cert, key, err := ca.issue(authnDir, "serving", leafSpec{commonName: "aws-iam-authenticator", ips: []net.IP{net.ParseIP("127.0.0.1")}, dnsNames: []string{"localhost"}})
	if err != nil {
		return err
	}
	if err := os.Rename(cert, filepath.Join(authnDir, "cert.pem")); err != nil {
		return err
	}
	return os.Rename(key, filepath.Join(authnDir, "key.pem"))
}

// startAuthenticator starts an aws-iam-authenticator for clusterID as EKS
// runs it (see access.go), waits until it enforces the cluster's access, and
// has s follow every later change.
func (w *World) startAuthenticator(ctx context.Context, s *accessSync, bin, clusterID, kubeconfig, authnDir, port string) error {
	access, err := s.first(ctx)
	if err != nil {
		return fmt.Errorf("read the access entries of %s: %w", clusterID, err)
	}
	config := filepath.Join(authnDir, "config.yaml")
	if err := os.WriteFile(config, []byte(s.authenticatorConfig()), 0o600); err != nil {
		return err
	}
	authn, err := w.start("aws-iam-authenticator-"+clusterID, w.Env(), filepath.Join(bin, "aws-iam-authenticator"), "server",
		"--config", config, "--cluster-id", clusterID, "--backend-mode", "DynamicFile",
		"--kubeconfig", kubeconfig, "--state-dir", authnDir,
		"--generate-kubeconfig", filepath.Join(authnDir, "webhook.kubeconfig"), "--kubeconfig-pregenerated=true",
		"--address", "127.0.0.1", "--port", port)
	if err != nil {
		return err
	}
	authn.hardStop = true // it ignores SIGTERM
	s.authn = authn
	if err := s.confirm(ctx, access); err != nil {
		return err
	}
	s.follow(access.Version)
	return nil
}

// webhookConfig is the kubeconfig by which the API server reaches a webhook
// (name) at server, trusting the world CA.
func webhookConfig(name, server, caFile string) string {
	return `apiVersion: v1
kind: Config
clusters:
- name: ` + name + `
  cluster:
    server: ` + server + `
    certificate-authority: ` + caFile + `
users:
- name: kube-apiserver
contexts:
- name: webhook
  context:
    cluster: ` + name + `
    user: kube-apiserver
current-context: webhook
`
}

// BuildTools runs tools/build.sh, which builds the servers once and prints
// the folder that caches them. It needs the Go module proxy on a first run,
// so call it before entering the world's namespaces (MainIsolated does).
func BuildTools(ctx context.Context) (string, error) {
	if dir := os.Getenv("EKS_LOGIN_TOOLS_BIN"); dir != "" {
		return dir, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "tools", "build.sh"))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("build the world's tools with tools/build.sh: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "tools", "build.sh")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find tools/build.sh above the working folder; set EKS_LOGIN_TOOLS_BIN")
		}
		dir = parent
	}
}

// worldPorts are every port the world's servers listen on.
var worldPorts = []string{"127.0.0.1:443", "127.0.0.1:2379", "127.0.0.1:2380", "127.0.0.1:2381", "127.0.0.1:6443", "127.0.0.1:10257", "127.0.0.1:21362", "127.0.0.1:21363", authorizerAddr,
	secondAPIServerAddr, "127.0.0.1:" + secondKCMPort, secondAuthenticatorAddr, secondAuthorizerAddr}

// CheckStopped verifies that Stop left nothing behind: every server process
// has been reaped and no port of the world still accepts connections.
func (w *World) CheckStopped() error {
	var errs []error
	for _, p := range w.procs {
		if err := p.cmd.Process.Signal(syscall.Signal(0)); err == nil {
			errs = append(errs, fmt.Errorf("%s (pid %d) is still running", p.name, p.cmd.Process.Pid))
		}
	}
	for _, addr := range worldPorts {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			errs = append(errs, fmt.Errorf("%s still accepts connections", addr))
		}
	}
	return errors.Join(errs...)
}
