package root

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
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
		{"contexts", []string{"doctor", "--context", ""}, []string{"my-example"}},
		{"admin subcommands", []string{"admin", "gr"}, []string{"grant"}},
		{"login's flags on the root", []string{"--source-pro"}, []string{"--source-profile"}},
		{"root's login profile values", []string{"--source-profile", "dev"}, []string{"dev1", "dev1-eks"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := candidates(t, env, tt.words)
			sort.Strings(got)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("__complete %q = %q, want %q", tt.words, got, tt.want)
			}
		})
	}
}

// candidates asks the hidden __complete command, as the shell scripts and
// kubectl's plugin completion do, and returns the offered words.
func candidates(t *testing.T, env map[string]string, words []string) []string {
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IOStreams: &iostreams.IOStreams{Out: &out, ErrOut: &errOut}, Getenv: func(k string) string { return env[k] }}
	if code := Main(context.Background(), f, append([]string{"__complete"}, words...)); code != 0 {
		t.Fatalf("__complete %q: exit %d: %s", words, code, errOut.String())
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if line == "" || strings.HasPrefix(line, ":") {
			continue // the directive line
		}
		word, _, _ := strings.Cut(line, "\t") // word, tab, description
		got = append(got, word)
	}
	return got
}

func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		var out bytes.Buffer
		f := &cmdutil.Factory{IOStreams: &iostreams.IOStreams{Out: &out, ErrOut: &out}, Getenv: func(string) string { return "" }}
		if code := Main(context.Background(), f, []string{"completion", shell}); code != 0 || !bytes.Contains(out.Bytes(), []byte("__complete")) {
			t.Errorf("completion %s: exit %d, output %q", shell, code, out.String())
		}
	}
	var out bytes.Buffer
	f := &cmdutil.Factory{IOStreams: &iostreams.IOStreams{Out: &out, ErrOut: &out}, Getenv: func(string) string { return "" }}
	if code := Main(context.Background(), f, []string{"completion", "tcsh"}); code != exitcode.Usage {
		t.Errorf("completion tcsh: exit %d, want %d", code, exitcode.Usage)
	}
}
