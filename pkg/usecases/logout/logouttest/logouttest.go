// Package logouttest is the world logout's tests run in, for the use case
// and for the command: a home whose kubeconfig kubectl wrote, with someone
// else's cluster in it, and Login, which writes what "kubectl eks-login"
// writes, through the same plans.
package logouttest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/env"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
)

// DevARN is the ARN of cluster dev.
const DevARN = "arn:aws:eks:eu-west-1:111122223333:cluster/dev"

// KubectlWritten is a kubeconfig as kubectl writes it, with someone else's
// cluster in it.
const KubectlWritten = `apiVersion: v1
clusters:
- cluster:
    server: https://127.0.0.1:6443
  name: kind-kind
contexts:
- context:
    cluster: kind-kind
    user: kind-kind
  name: kind-kind
current-context: kind-kind
kind: Config
preferences: {}
users:
- name: kind-kind
  user:
    token: abc
`

// UserConfig is the user's own ~/.aws/config.
const UserConfig = "# mine\n[default]\nregion = us-east-1\n\n[profile dev1]\nregion = eu-west-1\n"

// World is a home with both files.
type World struct {
	T                  *testing.T
	Home               string
	Vars               map[string]string
	Config, Kubeconfig string
}

// New makes a world with UserConfig and KubectlWritten.
func New(t *testing.T) *World {
	home := t.TempDir()
	w := &World{T: t, Home: home, Vars: map[string]string{"HOME": home},
		Config: filepath.Join(home, ".aws", "config"), Kubeconfig: filepath.Join(home, ".kube", "config")}
	w.Write(w.Config, UserConfig)
	w.Write(w.Kubeconfig, KubectlWritten)
	return w
}

// Env is the world's environment (Vars) with the real clock.
func (w *World) Env() env.Env {
	return env.Env{Getenv: func(k string) string { return w.Vars[k] }, Environ: func() []string { return nil }, Now: time.Now}
}

// Write writes a file of the world.
func (w *World) Write(path, s string) {
	w.T.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		w.T.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		w.T.Fatal(err)
	}
}

// Read reads a file of the world; a missing one reads as "".
func (w *World) Read(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// Login writes what "kubectl eks-login" writes, through the same plans.
func (w *World) Login(profile, alias, cluster string) {
	w.T.Helper()
	cf, err := awsconfig.Load(w.Config, awsconfig.ConfigFile)
	if err != nil {
		w.T.Fatal(err)
	}
	p, err := cf.PlanSetProfile(profile, []awsconfig.Setting{
		{Key: "role_arn", Value: "arn:aws:iam::111122223333:role/" + profile, Defining: true},
		{Key: "source_profile", Value: "dev1"}, {Key: "region", Value: "eu-west-1"}, {Key: "output", Value: "json"},
	})
	if err != nil {
		w.T.Fatal(err)
	}
	w.Write(w.Config, string(p.New))
	kf, err := kubeconfig.Load(w.Kubeconfig)
	if err != nil {
		w.T.Fatal(err)
	}
	arn := "arn:aws:eks:eu-west-1:111122223333:cluster/" + cluster
	kp, err := kf.PlanLogin(kubeconfig.Login{
		ClusterName: arn, Server: "https://" + cluster + ".example", CAData: "Q0E=",
		UserName: kubeconfig.UserName(profile, arn),
		Exec: kubeconfig.Exec{APIVersion: "client.authentication.k8s.io/v1beta1", Command: "kubectl-eks_login",
			Args: []string{"token", "--cluster-name", cluster, "--profile", profile, "--region", "eu-west-1"}, InteractiveMode: "IfAvailable"},
		Context: alias,
	})
	if err != nil {
		w.T.Fatal(err)
	}
	w.Write(w.Kubeconfig, string(kp.New))
}
