package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const (
	mfaRole   = "arn:aws:iam::123456789012:role/EKSMFAViewer"
	mfaSerial = "arn:aws:iam::123456789012:mfa/dev1"
)

// mfaHome is a home with static keys for dev1 and, in config, the role
// profile that login would write; TMPDIR is a folder of its own.
func mfaHome(t *testing.T) (env []string, home, tmp string) {
	t.Helper()
	home, tmp = t.TempDir(), t.TempDir()
	os.MkdirAll(filepath.Join(home, ".aws"), 0o700)
	os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte("[dev1]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret-dev1\n"), 0o600)
	os.WriteFile(filepath.Join(home, ".aws", "config"), []byte("[profile dev1-mfa]\nrole_arn = "+mfaRole+"\nsource_profile = dev1\nmfa_serial = "+mfaSerial+"\nregion = us-east-1\n"), 0o600)
	env = []string{"HOME=" + home, "TMPDIR=" + tmp, "PATH=" + os.Getenv("PATH"), "AWS_EC2_METADATA_DISABLED=true",
		// Nothing may reach a network: the prompt comes before any call.
		"AWS_ENDPOINT_URL=http://127.0.0.1:1", "AWS_MAX_ATTEMPTS=1"}
	return env, home, tmp
}

func buildPlugin(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "kubectl-eks_login")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestMFAPromptAtEndOfInput: with stdin at its end, token and login ask for
// the code once and exit 4 (issue 18: it asked three times, then exit 1).
func TestMFAPromptAtEndOfInput(t *testing.T) {
	bin := buildPlugin(t)
	for _, tt := range []struct {
		name string
		args []string
		env  []string
	}{
		{"token", []string{"token", "--cluster-name", "c1", "--profile", "dev1-mfa"},
			[]string{`KUBERNETES_EXEC_INFO={"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":true}}`}},
		{"login", []string{"--cluster", "c1", "--role-arn", mfaRole, "--source-profile", "dev1", "--region", "us-east-1", "--mfa-serial", mfaSerial}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env, home, _ := mfaHome(t)
			cmd := exec.Command(bin, tt.args...)
			cmd.Env, cmd.Dir, cmd.Stdin = append(env, tt.env...), home, strings.NewReader("")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 4 {
				t.Errorf("exit %v, want 4:\n%s", err, stderr.String())
			}
			if n := strings.Count(stderr.String(), "MFA code for"); n != 1 {
				t.Errorf("asked %d times, want once:\n%s", n, stderr.String())
			}
		})
	}
}

// TestSignalAtLoginMFAPrompt: login tries the planned role profile from a
// private copy of ~/.aws/config; SIGTERM or SIGINT while it waits for the MFA
// code must not leave that copy behind.
func TestSignalAtLoginMFAPrompt(t *testing.T) {
	bin := buildPlugin(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			env, home, tmp := mfaHome(t)
			before, _ := os.ReadFile(filepath.Join(home, ".aws", "config"))
			cmd := exec.Command(bin, "--cluster", "c1", "--role-arn", mfaRole, "--source-profile", "dev1", "--region", "us-east-1", "--mfa-serial", mfaSerial, "--profile", "dev1-eks")
			cmd.Env, cmd.Dir = env, home
			stdin, _ := cmd.StdinPipe() // kept open: the prompt waits
			defer stdin.Close()
			stderr, _ := cmd.StderrPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			r := bufio.NewReader(stderr)
			var seen strings.Builder
			for !strings.Contains(seen.String(), "MFA code for") {
				b, err := r.ReadByte()
				if err != nil {
					t.Fatalf("no MFA prompt: %v\n%s", err, seen.String())
				}
				seen.WriteByte(b)
			}
			if copies, _ := filepath.Glob(filepath.Join(tmp, "eks-login-*", "config")); len(copies) != 1 {
				t.Fatalf("at the prompt, TMPDIR holds %v; want the planned copy", copies)
			}
			cmd.Process.Signal(sig)
			io.Copy(io.Discard, r)
			err := cmd.Wait()
			// SIGINT also cancels the command's context, which may end it
			// first, with exit 1; SIGTERM ends it through the copy's handler.
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() == 0 || (sig == syscall.SIGTERM && exit.ExitCode() != 128+int(sig)) {
				t.Errorf("exit %v, want a failure (%d for SIGTERM)", err, 128+int(sig))
			}
			if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) != 0 {
				t.Errorf("the signal left %v in TMPDIR", left)
			}
			if after, _ := os.ReadFile(filepath.Join(home, ".aws", "config")); !bytes.Equal(after, before) {
				t.Errorf("~/.aws/config changed:\n%s", after)
			}
		})
	}
}
