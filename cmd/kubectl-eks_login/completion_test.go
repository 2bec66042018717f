package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestBashCompletion sources the bash script in a real bash, as a user's
// ~/.bashrc would, and asks it to complete, so the script and the hidden
// __complete command are checked together.
func TestBashCompletion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	const bashCompletion = "/usr/share/bash-completion/bash_completion"
	if _, err := os.Stat(bashCompletion); err != nil {
		t.Skip("no bash-completion (make deps installs it)")
	}
	dir := t.TempDir()
	if out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "kubectl-eks_login"), ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".aws"), 0o700)
	os.MkdirAll(filepath.Join(home, ".kube"), 0o700)
	os.WriteFile(filepath.Join(home, ".kube", "config"), []byte("apiVersion: v1\nkind: Config\ncontexts:\n- name: my-example\n  context: {cluster: c, user: u}\n"), 0o600)
	os.WriteFile(filepath.Join(home, ".aws", "config"), []byte("[profile dev1]\nregion = ap-northeast-2\n\n[profile dev1-eks]\nsource_profile = dev1\n"), 0o600)
	tests := []struct {
		words string // what is typed after kubectl-eks_login; the last word is completed
		want  string
	}{
		{"tok", "token"},
		{"token --cluster-n", "--cluster-name"},
		{"token --profile dev1-", "dev1-eks"},
		{"admin gr", "grant"},
		{"completion z", "zsh"},
		{"doctor --context my-", "my-example"},
		{"--source-profile dev1-", "dev1-eks"},
	}
	for _, tt := range tests {
		t.Run(tt.words, func(t *testing.T) {
			words := strings.Fields(tt.words)
			script := `source ` + bashCompletion + `
source <(kubectl-eks_login completion bash)
COMP_WORDS=(kubectl-eks_login ` + strings.Join(words, " ") + `)
COMP_CWORD=` + strconv.Itoa(len(words)) + `
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
$(complete -p kubectl-eks_login | sed -E 's/.*-F ([^ ]+).*/\1/')
printf '%s\n' "${COMPREPLY[@]}"`
			cmd := exec.Command("bash", "-c", script)
			cmd.Env = []string{"HOME=" + home, "PATH=" + dir + ":" + os.Getenv("PATH")}
			var stderr strings.Builder
			cmd.Stderr = &stderr // compopt complains outside a real completion; the words are on stdout
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("bash: %v\n%s%s", err, out, stderr.String())
			}
			if got := strings.Fields(string(out)); len(got) != 1 || got[0] != tt.want {
				t.Errorf("completing %q offers %q, want [%s]", tt.words, got, tt.want)
			}
		})
	}
}

// TestKubectlPluginCompletion: kubectl completes "kubectl eks-login ..." by
// running kubectl_complete-eks_login from PATH; a link of that name to the
// binary answers, through real kubectl.
func TestKubectlPluginCompletion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Skip("no kubectl")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kubectl-eks_login")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if err := os.Symlink(bin, filepath.Join(dir, completionName)); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".aws"), 0o700)
	os.WriteFile(filepath.Join(home, ".aws", "config"), []byte("[profile dev1]\nregion = ap-northeast-2\n\n[profile dev1-eks]\nsource_profile = dev1\n"), 0o600)
	tests := []struct {
		words []string
		want  string
	}{
		{[]string{"adm"}, "admin"},
		{[]string{"token", "--profile", "dev1-"}, "dev1-eks"},
		{[]string{"admin", "gr"}, "grant"},
	}
	for _, tt := range tests {
		cmd := exec.Command("kubectl", append([]string{"__complete", "eks-login"}, tt.words...)...)
		cmd.Env = []string{"HOME=" + home, "PATH=" + dir + ":" + os.Getenv("PATH")}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("kubectl __complete %q: %v", tt.words, err)
		}
		var got []string
		for _, line := range strings.Split(string(out), "\n") {
			if word, _, _ := strings.Cut(line, "\t"); word != "" && !strings.HasPrefix(word, ":") {
				got = append(got, word)
			}
		}
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("kubectl __complete eks-login %q offers %q, want [%s]", tt.words, got, tt.want)
		}
	}
}

func TestArgs(t *testing.T) {
	tests := []struct {
		argv, want []string
	}{
		{[]string{"/usr/local/bin/kubectl-eks_login", "token"}, []string{"token"}},
		{[]string{"/home/u/bin/kubectl_complete-eks_login", "tok"}, []string{"__complete", "tok"}},
		{[]string{"kubectl_complete-eks_login.exe", ""}, []string{"__complete", ""}},
	}
	for _, tt := range tests {
		if got := args(tt.argv); strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("args(%q) = %q, want %q", tt.argv, got, tt.want)
		}
	}
}
