package world

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// The second cluster (Options.SecondCluster): a cluster of its own, so
// that access given on one cluster can be told apart from access on the
// other, as on two EKS clusters. It has its own kube-apiserver (on another
// port, its objects under another prefix of the same etcd), its own
// kube-controller-manager for ClusterRole aggregation, its own
// aws-iam-authenticator (its own cluster ID, so a token for one cluster is
// refused by the other, and its own access-entry files), and its own access
// policy authorizer. DescribeCluster answers with its endpoint and the
// world's CA. It starts in API_AND_CONFIG_MAP, unless
// Options.SecondClusterAuthenticationMode says otherwise.
const (
	SecondClusterName = "analytics"
	// SecondClusterARN is the ARN DescribeCluster reports for it.
	SecondClusterARN = "arn:aws:eks:" + Region + ":" + AccountID + ":cluster/" + SecondClusterName

	secondAPIServerPort     = "6444"
	secondAPIServerAddr     = "127.0.0.1:" + secondAPIServerPort
	secondAuthenticatorPort = "21372"
	secondAuthenticatorAddr = "127.0.0.1:" + secondAuthenticatorPort
	secondAuthorizerAddr    = "127.0.0.1:21374"
	secondKCMPort           = "10259"
)

// secondCluster is the second cluster's servers and state.
type secondCluster struct {
	dir        string
	kubeconfig string // system:masters, as the cluster's creator
	apiserver  *process
	kube       *kubeAdmin
	authz      *accessAuthorizer
	access     *accessSync
	started    time.Time
}

// secondFiles are what the second API server needs before it starts.
type secondFiles struct {
	apiCert, apiKey, saPub, saKey, adminCert, adminKey string
}

// startSecondAPIServer starts the second cluster's API server and its
// authorizer, once the first API server is ready; the rest waits until the
// first cluster is ready (finishSecond), and meanwhile the API server
// starts.
func (w *World) startSecondAPIServer(ca *certAuthority, bin string, f secondFiles) error {
	s := &secondCluster{dir: filepath.Join(w.Dir, SecondClusterName), started: time.Now()}
	w.second = s
	authnDir := filepath.Join(s.dir, "aws-iam-authenticator")
	if err := os.MkdirAll(authnDir, 0o700); err != nil {
		return err
	}
	if err := w.authenticatorCerts(ca, authnDir); err != nil {
		return err
	}
	var err error
	if s.authz, err = newAccessAuthorizer(); err != nil {
		return err
	}
	authzConfig, err := w.serveAuthorizer(ca, s.authz, s.dir, secondAuthorizerAddr)
	if err != nil {
		return err
	}
	s.kubeconfig = filepath.Join(s.dir, "admin.kubeconfig")
	if err := os.WriteFile(s.kubeconfig, []byte(adminKubeconfigFor(SecondClusterName, "https://"+secondAPIServerAddr, w.CAFile, f.adminCert, f.adminKey)), 0o600); err != nil {
		return err
	}
	webhookKubeconfig := filepath.Join(authnDir, "webhook.kubeconfig")
	if err := os.WriteFile(webhookKubeconfig, []byte(webhookConfig("aws-iam-authenticator", "https://"+secondAuthenticatorAddr+"/authenticate", w.CAFile)), 0o600); err != nil {
		return err
	}
	s.apiserver, err = w.start("kube-apiserver-"+SecondClusterName, w.Env(), filepath.Join(bin, "kube-apiserver"),
		"--etcd-servers", etcdClientURL, "--etcd-prefix", "/registry-"+SecondClusterName,
		"--bind-address", "127.0.0.1", "--secure-port", secondAPIServerPort, "--advertise-address", "127.0.0.1",
		"--endpoint-reconciler-type", "none",
		"--authorization-config", authzConfig,
		"--client-ca-file", w.CAFile,
		"--tls-cert-file", f.apiCert, "--tls-private-key-file", f.apiKey,
		"--service-account-key-file", f.saPub, "--service-account-signing-key-file", f.saKey,
		"--service-account-issuer", "https://kubernetes.default.svc",
		"--service-cluster-ip-range", "10.101.0.0/16",
		"--authentication-token-webhook-config-file", webhookKubeconfig,
		"--authentication-token-webhook-cache-ttl", "0s",
		"--enable-priority-and-fairness=false",
		"--v", "1")
	if err != nil {
		return err
	}
	s.kube, err = newKubeAdmin("https://"+secondAPIServerAddr, w.CAFile, f.adminCert, f.adminKey)
	return err
}

// finishSecond makes the second cluster ready: API server up, the EKS
// cluster pointing at it, ClusterRole aggregation, the authenticator
// enforcing its access.
func (w *World) finishSecond(ctx context.Context, bin, mode string) error {
	s := w.second
	if err := waitUntil(ctx, "the second kube-apiserver", httpOK(s.kube.client, "https://"+secondAPIServerAddr+"/readyz"), s.apiserver); err != nil {
		return err
	}
	if mode == "" {
		mode = "API_AND_CONFIG_MAP"
	}
	if err := w.AWS.SetCluster(ctx, ClusterOverride{Region: Region, Name: SecondClusterName, Endpoint: "https://" + secondAPIServerAddr,
		CAData: string(w.CAData), AuthenticationMode: mode}); err != nil {
		return fmt.Errorf("make the second EKS cluster: %w", err)
	}
	kcm, err := w.start("kube-controller-manager-"+SecondClusterName, w.Env(), filepath.Join(bin, "kube-controller-manager"),
		"--kubeconfig", s.kubeconfig, "--controllers", "clusterrole-aggregation",
		"--leader-elect=false", "--bind-address", "127.0.0.1", "--secure-port", secondKCMPort,
		"--use-service-account-credentials=false")
	if err != nil {
		return err
	}
	authnDir := filepath.Join(s.dir, "aws-iam-authenticator")
	s.access, err = newAccessSync(w, authnDir)
	if err != nil {
		return err
	}
	s.access.authz, s.access.cluster, s.access.addr = s.authz, SecondClusterName, secondAuthenticatorAddr
	if err := w.startAuthenticator(ctx, s.access, bin, SecondClusterName, s.kubeconfig, authnDir, secondAuthenticatorPort); err != nil {
		return err
	}
	if err := s.kube.seedCluster(ctx, NodeRoleARN); err != nil {
		return fmt.Errorf("seed the second cluster: %w", err)
	}
	return waitUntil(ctx, "ClusterRole aggregation on the second cluster", func(ctx context.Context) error { return s.kube.clusterRoleHasRules(ctx, "view") }, kcm)
}

// SecondAdminKubeconfig is a kubeconfig with system:masters access to the
// second cluster (its context is "admin@analytics"); "" without one.
func (w *World) SecondAdminKubeconfig() string {
	if w.second == nil {
		return ""
	}
	return w.second.kubeconfig
}

// SecondAPIServerURL is the second cluster's endpoint; "" without one.
func (w *World) SecondAPIServerURL() string {
	if w.second == nil {
		return ""
	}
	return "https://" + secondAPIServerAddr
}

// SetIAMPropagationDelay makes EKS see an IAM role or user only d after its
// creation, as IAM's eventual consistency can on AWS (0 turns it off).
func (a *LocalAWS) SetIAMPropagationDelay(ctx context.Context, d time.Duration) error {
	body := fmt.Sprintf(`{"seconds": %g}`, d.Seconds())
	return a.call(ctx, "POST", "/iam-propagation-delay", "application/json", []byte(body), nil)
}
