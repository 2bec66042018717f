package logout

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/iostreams"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
)

const devARN = "arn:aws:eks:eu-west-1:111122223333:cluster/dev"

// kubectlWritten is a kubeconfig as kubectl writes it, with someone else's
// cluster in it.
const kubectlWritten = `apiVersion: v1
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

const userConfig = "# mine\n[default]\nregion = us-east-1\n\n[profile dev1]\nregion = eu-west-1\n"

type world struct {
	t                  *testing.T
	home               string
	env                map[string]string
	config, kubeconfig string
	out                bytes.Buffer
}

func newWorld(t *testing.T) *world {
	home := t.TempDir()
	w := &world{t: t, home: home, env: map[string]string{"HOME": home},
		config: filepath.Join(home, ".aws", "config"), kubeconfig: filepath.Join(home, ".kube", "config")}
	w.write(w.config, userConfig)
	w.write(w.kubeconfig, kubectlWritten)
	return w
}

func (w *world) write(path, s string) {
	w.t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o700)
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) read(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// login writes what "kubectl eks-login" writes, through the same plans.
func (w *world) login(profile, alias, cluster string) {
	w.t.Helper()
	cf, err := awsconfig.Load(w.config, awsconfig.ConfigFile)
	if err != nil {
		w.t.Fatal(err)
	}
	p, err := cf.PlanSetProfile(profile, []awsconfig.Setting{
		{Key: "role_arn", Value: "arn:aws:iam::111122223333:role/" + profile, Defining: true},
		{Key: "source_profile", Value: "dev1"}, {Key: "region", Value: "eu-west-1"}, {Key: "output", Value: "json"},
	})
	if err != nil {
		w.t.Fatal(err)
	}
	w.write(w.config, string(p.New))
	kf, err := kubeconfig.Load(w.kubeconfig)
	if err != nil {
		w.t.Fatal(err)
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
		w.t.Fatal(err)
	}
	w.write(w.kubeconfig, string(kp.New))
}

func (w *world) logout(mod func(*Options)) error {
	w.out.Reset()
	o := &Options{IO: &iostreams.IOStreams{Out: &w.out, ErrOut: &w.out}, Getenv: func(k string) string { return w.env[k] }, Cluster: "dev"}
	if mod != nil {
		mod(o)
	}
	return runLogout(context.Background(), o)
}

func TestLogoutRestoresFiles(t *testing.T) {
	w := newWorld(t)
	w.login("dev1-eks", "dev", "dev")
	if err := w.logout(nil); err != nil {
		t.Fatal(err)
	}
	if got := w.read(w.config); got != userConfig {
		t.Errorf("config after logout:\n%q\nwant\n%q", got, userConfig)
	}
	want := kubectlWritten // with the context current before login current again
	if got := w.read(w.kubeconfig); got != want {
		t.Errorf("kubeconfig after logout:\n%s\nwant\n%s", got, want)
	}
	out := strings.ReplaceAll(w.out.String(), w.home, "$HOME")
	golden.Check(t, "logout.out.golden", out)

	// Again: nothing left to do, and that is not an error.
	if err := w.logout(nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.out.String(), "Nothing to remove for cluster dev") {
		t.Errorf("second logout:\n%s", w.out.String())
	}
}

func TestLogoutDryRun(t *testing.T) {
	w := newWorld(t)
	w.login("dev1-eks", "dev", "dev")
	config, kc := w.read(w.config), w.read(w.kubeconfig)
	if err := w.logout(func(o *Options) { o.DryRun = true }); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "dry-run.out.golden", strings.ReplaceAll(w.out.String(), w.home, "$HOME"))
	if w.read(w.config) != config || w.read(w.kubeconfig) != kc {
		t.Error("--dry-run wrote a file")
	}
}

func TestLogoutKeepsWhatOthersUse(t *testing.T) {
	w := newWorld(t)
	w.login("dev1-eks", "dev", "dev")
	w.login("dev1-admin", "dev-admin", "dev")
	w.login("dev1-eks", "prod", "prod") // the same profile on another cluster
	if err := w.logout(nil); err != nil {
		t.Fatal(err)
	}
	kc, config := w.read(w.kubeconfig), w.read(w.config)
	if strings.Contains(kc, "name: dev\n") || strings.Contains(kc, "name: dev1-eks@"+devARN) {
		t.Errorf("context dev or its user is left:\n%s", kc)
	}
	if !strings.Contains(kc, "name: "+devARN) || !strings.Contains(kc, "name: dev-admin") {
		t.Errorf("the cluster entry is still used by dev-admin and must stay:\n%s", kc)
	}
	if !strings.Contains(config, "[profile dev1-eks]") || !strings.Contains(w.out.String(), "Profile dev1-eks is kept: user \"dev1-eks@arn:aws:eks:eu-west-1:111122223333:cluster/prod\"") {
		t.Errorf("profile dev1-eks is still used by prod:\n%s\n%s", config, w.out.String())
	}
}

func TestLogoutKeepsUnmanagedProfile(t *testing.T) {
	w := newWorld(t)
	w.write(w.config, userConfig+"\n[profile dev1-eks]\nrole_arn = arn:aws:iam::111122223333:role/dev1-eks\nsource_profile = dev1\n")
	w.login("dev1-eks", "dev", "dev")
	before := w.read(w.config)
	if err := w.logout(nil); err != nil {
		t.Fatal(err)
	}
	if w.read(w.config) != before {
		t.Error("a profile the user wrote was changed")
	}
	if !strings.Contains(w.out.String(), "is kept: eks-login did not create it") {
		t.Errorf("output:\n%s", w.out.String())
	}
}

func TestLogoutRefusals(t *testing.T) {
	tests := []struct {
		name  string
		setup func(w *world)
		opts  func(o *Options)
		code  int
		want  []string
	}{
		{name: "context not ours", setup: func(w *world) {}, opts: func(o *Options) { o.Cluster = "kind-kind" },
			code: exitcode.Conflict, want: []string{`context "kind-kind"`, "was not written by eks-login", "kubectl config delete-context kind-kind"}},
		{name: "context of another profile", setup: func(w *world) { w.login("dev1-eks", "dev", "dev") }, opts: func(o *Options) { o.Profile = "other" },
			code: exitcode.Conflict, want: []string{"uses profile dev1-eks, not other"}},
		{name: "malformed kubeconfig", setup: func(w *world) { w.write(w.kubeconfig, "contexts:\n- name: dev\n  context: [\n") },
			code: exitcode.Input, want: []string{"/.kube/config line 3"}},
		{name: "malformed config", setup: func(w *world) { w.login("dev1-eks", "dev", "dev"); w.write(w.config, "[profile dev1-eks\n") },
			code: exitcode.Input, want: []string{"/.aws/config line 1"}},
		{name: "no cluster", setup: func(w *world) {}, opts: func(o *Options) { o.Cluster = "" }, code: exitcode.Usage, want: []string{"--cluster is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			tt.setup(w)
			config, kc := w.read(w.config), w.read(w.kubeconfig)
			err := w.logout(tt.opts)
			if exitcode.Of(err) != tt.code {
				t.Fatalf("code %d, want %d: %v", exitcode.Of(err), tt.code, err)
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if w.read(w.config) != config || w.read(w.kubeconfig) != kc {
				t.Error("a refused logout changed a file")
			}
		})
	}
}
