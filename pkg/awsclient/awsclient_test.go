package awsclient

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"

	"github.com/eks-login/eks-login/pkg/awsconfig"
)

// secret is planted in the files and in credential_process output; no error
// may show it.
const secret = "Sup3rSecretValueNeverShown"

func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			os.Unsetenv(k)
		}
	}
	os.Exit(m.Run())
}

// files writes the config and credentials files into a new folder.
func files(t *testing.T, cfg, creds string) Request {
	t.Helper()
	dir := t.TempDir()
	r := Request{ConfigFile: filepath.Join(dir, "config"), CredentialsFile: filepath.Join(dir, "credentials"),
		Options: []func(*config.LoadOptions) error{config.WithEC2IMDSClientEnableState(imds.ClientDisabled)}}
	for path, data := range map[string]string{r.ConfigFile: cfg, r.CredentialsFile: creds} {
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// process writes a credential_process script printing out.
func process(t *testing.T, out string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "creds.sh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\ncat <<'EOF'\n"+out+"\nEOF\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadRefusesBadInput(t *testing.T) {
	loneQuote, err := os.ReadFile("testdata/lone-quote.ini")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		cfg, creds string
		profile    string
		// wantFile is the file the error names: "config" or "credentials".
		wantFile string
		want     string
	}{
		// The SDK's reader panics on these (slice bounds out of range).
		{name: "lone quote in config", cfg: string(loneQuote), wantFile: "config", want: "the AWS SDK cannot read this file"},
		{name: "lone quote in credentials", creds: string(loneQuote), wantFile: "credentials", want: "the AWS SDK cannot read this file"},
		// eks-login's parser names the line, never the text.
		{name: "secret without =", creds: "[default]\naws_secret_access_key " + secret + "\n", wantFile: "credentials", want: "line 2"},
		{name: "secret alone", creds: "[default]\naws_access_key_id = AKID\n" + secret + "\n", wantFile: "credentials", want: "line 3"},
		{name: "secret after =", cfg: "[default]\n=" + secret + "\n", wantFile: "config", want: "line 2"},
		{name: "secret as a header", cfg: "[" + secret + "\n", wantFile: "config", want: "line 1"},
		{name: "secret after a backtick", creds: "[default]\naws_secret_access_key = `" + secret + "\n", wantFile: "credentials", want: "line 2"},
		// The SDK's own message quotes the value; it is removed.
		{name: "secret as a duration", cfg: "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = s\nduration_seconds = " + secret + "\n[profile s]\nregion = us-east-1\n", profile: "r", want: "[value not shown]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := files(t, tt.cfg, tt.creds)
			r.Profile = tt.profile
			_, err := Load(context.Background(), r)
			if err == nil {
				t.Fatal("Load accepted the files")
			}
			t.Logf("error: %v", err)
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), `"\n`) {
				t.Errorf("error %q: want %q and no value", err, tt.want)
			}
			if tt.wantFile == "" {
				return
			}
			var pe *awsconfig.ParseError
			if !errors.As(err, &pe) || filepath.Base(pe.Path) != tt.wantFile {
				t.Errorf("error %#v does not name the file %s", err, tt.wantFile)
			}
		})
	}
}

func TestCredentialsAreGuarded(t *testing.T) {
	expired := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	tests := []struct {
		name    string
		cfg     string
		check   func(t *testing.T, err error)
		wantErr string
	}{
		{name: "credential_process output is never echoed", cfg: "[default]\ncredential_process = " + process(t, `{"Version": 1, "SecretAccessKey": "`+secret+`"`),
			wantErr: "credential_process printed something other than the JSON credentials"},
		{name: "expired credentials from credential_process", cfg: "[default]\ncredential_process = " + process(t, `{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "`+secret+`", "SessionToken": "tok", "Expiration": "`+expired+`"}`),
			check: func(t *testing.T, err error) {
				var ee *ExpiredError
				if !errors.As(err, &ee) || ee.Source != "credential_process" {
					t.Errorf("want an ExpiredError from credential_process, got %#v", err)
				}
			}, wantErr: "the credentials from credential_process expired at " + expired},
		{name: "a sign-in that is missing", cfg: "[default]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = dev\nregion = us-east-1\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
			check: func(t *testing.T, err error) {
				var se *SignInError
				if !errors.As(err, &se) || se.Profile != "default" || !strings.HasSuffix(se.CacheFile, ".json") {
					t.Errorf("want a SignInError for profile default, got %#v", err)
				}
			}, wantErr: "the SSO session for profile default has expired or is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(context.Background(), files(t, tt.cfg, ""))
			if err != nil {
				t.Fatal(err)
			}
			_, err = cfg.Credentials.Retrieve(context.Background())
			t.Logf("error: %v", err)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), secret) {
				t.Fatalf("error %v: want %q and no secret", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, err)
			}
		})
	}
}

func TestMFAErrorsReachTheCommand(t *testing.T) {
	r := files(t, "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = s\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n",
		"[s]\naws_access_key_id = AKID\naws_secret_access_key = "+secret+"\n")
	r.Profile, r.Region = "r", "us-east-1"
	asked := 0
	r.MFA = func(serial string) (string, error) {
		asked++
		return "", errors.New("the input ended")
	}
	cfg, err := Load(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	_, err = cfg.Credentials.Retrieve(context.Background())
	var me *MFAError
	if !errors.As(err, &me) || err.Error() != "the input ended" || asked != 1 {
		t.Fatalf("want the prompt's own error after one question, got %v (asked %d)", err, asked)
	}
}
