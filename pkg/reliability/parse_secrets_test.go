package reliability

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// planted is a secret planted in malformed AWS files; no output may hold it.
const planted = "PLANTEDwJalrXUtnFEMIK7MDENGSECRET"

// TestSecretsInParseErrors (issue 18 item 1): a malformed line of
// ~/.aws/config or ~/.aws/credentials, a value the AWS SDK complains about,
// or credential_process output that is not JSON, never reaches token's
// stderr (which kubectl shows), login's error, or doctor's text and JSON.
// Errors about the files name the file and the line instead.
func TestSecretsInParseErrors(t *testing.T) {
	bin := binary(t)
	const keys = "aws_access_key_id = AKIAFAKEFAKEFAKEFAKE\n"
	notJSON := filepath.Join(t.TempDir(), "creds.sh")
	if err := os.WriteFile(notJSON, []byte("#!/bin/sh\necho 'SecretAccessKey: "+planted+"'\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	forms := []struct {
		name        string
		config      string // ~/.aws/config, after a [profile dev1-eks] role profile
		credentials string
		// want is in the output of every command: the file and the line.
		want string
	}{
		{name: "secret without =", credentials: "[dev1]\n" + keys + "aws_secret_access_key " + planted + "\n", want: ".aws/credentials line 3"},
		{name: "secret on a line of its own", credentials: "[dev1]\n" + keys + planted + "\n", want: ".aws/credentials line 3"},
		{name: "secret after a lone =", config: "[profile dev1]\n=" + planted + "\n", want: ".aws/config line 6"},
		{name: "secret as a header", config: "[" + planted + "\n", want: ".aws/config line 5"},
		{name: "secret after a backtick", credentials: "[dev1]\n" + keys + "aws_secret_access_key = `" + planted + "\n", want: ".aws/credentials line 3"},
		{name: "secret the SDK would quote", config: "max_attempts = " + planted + "\n[profile dev1]\nmax_attempts = " + planted + "\n", want: "value not shown"},
		{name: "credential_process output", config: "[profile dev1]\ncredential_process = " + notJSON + "\n", credentials: "[other]\n", want: "credential_process"},
	}
	commands := []struct {
		name string
		args []string
	}{
		{"token", []string{"token", "--cluster-name", "c0", "--profile", "dev1-eks", "--region", region}},
		{"login", []string{"--cluster", "c0", "--role-arn", viewerARN, "--source-profile", "dev1", "--profile", "new-eks", "--region", region, "--no-verify"}},
		{"doctor", []string{"doctor", "--cluster", "c0", "--profile", "dev1-eks", "--region", region}},
		{"doctor json", []string{"doctor", "--cluster", "c0", "--profile", "dev1-eks", "--region", region, "-o", "json"}},
	}
	for _, f := range forms {
		for _, c := range commands {
			t.Run(f.name+"/"+c.name, func(t *testing.T) {
				home := t.TempDir()
				os.MkdirAll(filepath.Join(home, ".aws"), 0o700)
				config := "[profile dev1-eks]\nrole_arn = " + viewerARN + "\nsource_profile = dev1\nregion = " + region + "\n" + f.config
				credentials := f.credentials
				if credentials == "" {
					credentials = "[dev1]\n" + keys + "aws_secret_access_key = fakesecret\n"
				}
				os.WriteFile(filepath.Join(home, ".aws", "config"), []byte(config), 0o600)
				os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte(credentials), 0o600)
				cmd := exec.Command(bin, c.args...)
				cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "AWS_EC2_METADATA_DISABLED=true",
					"AWS_ENDPOINT_URL=http://127.0.0.1:1", "AWS_MAX_ATTEMPTS=1"}
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				out := stdout.String() + stderr.String()
				if err == nil {
					t.Errorf("exit 0:\n%s", out)
				}
				if strings.Contains(out, planted) {
					t.Errorf("the output holds the planted secret:\n%s", out)
				}
				if !strings.Contains(out, f.want) {
					t.Errorf("the output does not say %q:\n%s", f.want, out)
				}
			})
		}
	}
}
