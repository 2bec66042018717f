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
	dir := t.TempDir()
	if out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "kubectl-eks_login"), ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".aws"), 0o700)
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
	}
	for _, tt := range tests {
		t.Run(tt.words, func(t *testing.T) {
			words := strings.Fields(tt.words)
			script := `source <(kubectl-eks_login completion bash)
COMP_WORDS=(kubectl-eks_login ` + strings.Join(words, " ") + `)
COMP_CWORD=` + strconv.Itoa(len(words)) + `
_kubectl_eks_login
printf '%s\n' "${COMPREPLY[@]}"`
			cmd := exec.Command("bash", "-c", script)
			cmd.Env = []string{"HOME=" + home, "PATH=" + dir + ":" + os.Getenv("PATH")}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("bash: %v\n%s", err, out)
			}
			if got := strings.Fields(string(out)); len(got) != 1 || got[0] != tt.want {
				t.Errorf("completing %q offers %q, want [%s]", tt.words, got, tt.want)
			}
		})
	}
}
