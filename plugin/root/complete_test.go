package root

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"

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
		files bool // the shell lists files with the endings in want
	}{
		{"commands", []string{"to"}, []string{"token"}, false},
		{"token flags", []string{"token", "--cluster-n"}, []string{"--cluster-name"}, false},
		{"profiles from both files", []string{"token", "--profile", ""}, []string{"default", "dev1", "dev1-eks"}, false},
		{"profiles by prefix", []string{"token", "--profile", "dev1-"}, []string{"dev1-eks"}, false},
		{"clusters from ARNs and exec args", []string{"token", "--cluster-name", ""}, []string{"my-example", "other-cluster"}, false},
		{"fixed values", []string{"token", "--sts-endpoint", "g"}, []string{"global"}, false},
		{"shells", []string{"completion", ""}, []string{"bash", "fish", "powershell", "zsh"}, false},
		{"contexts", []string{"doctor", "--context", ""}, []string{"my-example"}, false},
		{"admin subcommands", []string{"admin", "gr"}, []string{"grant"}, false},
		{"login's flags on the root", []string{"--source-pro"}, []string{"--source-profile"}, false},
		{"root's login profile values", []string{"--source-profile", "dev"}, []string{"dev1", "dev1-eks"}, false},
		{"who-can's formats", []string{"admin", "who-can", "get", "secrets", "-o", ""}, []string{"json", "table", "yaml"}, false},
		{"access-report's formats", []string{"admin", "access-report", "--output", ""}, []string{"dot", "json", "mermaid", "table", "yaml"}, false},
		{"access-report's formats by prefix", []string{"admin", "access-report", "-o", "m"}, []string{"mermaid"}, false},
		{"list's formats", []string{"admin", "list", "-o", ""}, []string{"json", "table", "yaml"}, false},
		{"migrate's formats", []string{"admin", "migrate", "-o", ""}, []string{"json", "table"}, false},
		{"migrate's target", []string{"admin", "migrate", "--to", ""}, []string{"api"}, false},
		{"doctor's formats", []string{"doctor", "-o", ""}, []string{"json", "text"}, false},
		{"version's format", []string{"version", "-o", ""}, []string{"json"}, false},
		{"apply's access file", []string{"admin", "apply", "-f", ""}, []string{"json", "yaml", "yml"}, true},
		{"diff's access file", []string{"admin", "diff", "--filename", "acc"}, []string{"json", "yaml", "yml"}, true},
		{"export's access file", []string{"admin", "export", "-f", ""}, []string{"json", "yaml", "yml"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, directive := candidates(t, env, tt.words)
			sort.Strings(got)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("__complete %q = %q, want %q", tt.words, got, tt.want)
			}
			if files := directive == cobra.ShellCompDirectiveFilterFileExt; files != tt.files {
				t.Errorf("__complete %q: directive %d, files by ending: %v, want %v", tt.words, directive, files, tt.files)
			}
		})
	}
}

// candidates asks the hidden __complete command, as the shell scripts and
// kubectl's plugin completion do, and returns the offered words and the
// directive to the shell.
func candidates(t *testing.T, env map[string]string, words []string) ([]string, cobra.ShellCompDirective) {
	var out, errOut bytes.Buffer
	f := &cmdutil.Factory{IOStreams: &iostreams.IOStreams{Out: &out, ErrOut: &errOut}, Getenv: func(k string) string { return env[k] }}
	if code := Main(context.Background(), f, append([]string{"__complete"}, words...)); code != 0 {
		t.Fatalf("__complete %q: exit %d: %s", words, code, errOut.String())
	}
	var got []string
	var directive cobra.ShellCompDirective
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if d, ok := strings.CutPrefix(line, ":"); ok {
			n, _ := strconv.Atoi(d)
			directive = cobra.ShellCompDirective(n)
			continue
		}
		if line == "" {
			continue
		}
		word, _, _ := strings.Cut(line, "\t") // word, tab, description
		got = append(got, word)
	}
	return got, directive
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
