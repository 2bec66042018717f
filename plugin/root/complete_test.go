package root

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/eks-login/eks-login/plugin/cmdutil"
)

func TestCandidates(t *testing.T) {
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".aws"), 0o700)
	os.MkdirAll(filepath.Join(home, ".kube"), 0o700)
	os.WriteFile(filepath.Join(home, ".aws", "config"), []byte("[default]\nregion = ap-northeast-2\n\n[profile dev1-eks]\nrole_arn = arn:aws:iam::123456789012:role/EKSMyExampleViewer\nsource_profile = dev1\n"), 0o600)
	os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte("[dev1]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n"), 0o600)
	os.WriteFile(filepath.Join(home, ".kube", "config"), []byte(`apiVersion: v1
kind: Config
clusters:
- name: arn:aws:eks:ap-northeast-2:123456789012:cluster/my-example
  cluster: {server: "https://example"}
contexts:
- name: my-example
  context: {cluster: "arn:aws:eks:ap-northeast-2:123456789012:cluster/my-example", user: u}
users:
- name: u
  user:
    exec:
      command: kubectl-eks_login
      args: [token, --cluster-name, other-cluster]
`), 0o600)
	env := map[string]string{"HOME": home}
	f := &cmdutil.Factory{Getenv: func(k string) string { return env[k] }}
	tests := []struct {
		name  string
		words []string
		want  []string
	}{
		{"commands", []string{"to"}, []string{"token"}},
		{"token flags", []string{"token", "--cluster-n"}, []string{"--cluster-name"}},
		{"profiles from both files", []string{"token", "--profile", ""}, []string{"default", "dev1", "dev1-eks"}},
		{"profiles by prefix", []string{"token", "--profile", "dev1-"}, []string{"dev1-eks"}},
		{"clusters from ARNs and exec args", []string{"token", "--cluster-name", ""}, []string{"my-example", "other-cluster"}},
		{"fixed values", []string{"token", "--sts-endpoint", "g"}, []string{"global"}},
		{"shells", []string{"completion", ""}, []string{"bash", "fish", "powershell", "zsh"}},
		{"bool flag takes no value", []string{"token", "--no-cache", ""}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Candidates(f, tt.words)
			if tt.name == "shells" {
				sort.Strings(got)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Candidates(%q) = %q, want %q", tt.words, got, tt.want)
			}
		})
	}
}

func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		var out bytes.Buffer
		f := &cmdutil.Factory{IO: cmdutil.IOStreams{Out: &out, ErrOut: &out}, Getenv: func(string) string { return "" }}
		if code := Main(f, []string{"completion", shell}); code != 0 || !bytes.Contains(out.Bytes(), []byte("kubectl-eks_login __complete")) {
			t.Errorf("completion %s: exit %d, output %q", shell, code, out.String())
		}
	}
	var out bytes.Buffer
	f := &cmdutil.Factory{IO: cmdutil.IOStreams{Out: &out, ErrOut: &out}, Getenv: func(string) string { return "" }}
	if code := Main(f, []string{"completion", "tcsh"}); code != cmdutil.ExitUsage {
		t.Errorf("completion tcsh: exit %d, want %d", code, cmdutil.ExitUsage)
	}
}
