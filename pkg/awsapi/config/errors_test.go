package config_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/awsapi/config"
)

// TestErrorsNameTheLine: a profile the tools cannot use is reported with the
// file and line to fix and what to do, before any call is made.
func TestErrorsNameTheLine(t *testing.T) {
	cases := []struct {
		name, config, credentials string
		env                       map[string]string
		profile                   string
		want                      []string
	}{
		{name: "source_profile without role_arn", profile: "dev",
			config: "[profile dev]\nregion = us-east-1\nsource_profile = base\n",
			want:   []string{"config line 3", `profile "dev"`, "add role_arn"}},
		{name: "a missing source_profile", profile: "dev",
			config: "# mine\n[profile dev]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = gone\n",
			want:   []string{"config line 4", `source_profile "gone"`, "does not exist"}},
		{name: "two credential sources", profile: "dev",
			config: "[profile dev]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = base\ncredential_process = /bin/true\n[profile base]\ncredential_process = /bin/true\n",
			want:   []string{"config line", "both source_profile and credential_process"}},
		{name: "half a key pair", profile: "half",
			credentials: "[other]\n[half]\naws_secret_access_key = s\n",
			want:        []string{"credentials line 3", "aws_access_key_id is not"}},
		{name: "an unknown credential_source", profile: "src",
			config: "[profile src]\nrole_arn = arn:aws:iam::1:role/A\ncredential_source = Magic\n",
			want:   []string{"config line 3", "Environment, Ec2InstanceMetadata or EcsContainer"}},
		{name: "credential_source Environment without keys", profile: "src",
			config: "[profile src]\nrole_arn = arn:aws:iam::1:role/A\ncredential_source = Environment\n",
			want:   []string{"config line 3", "AWS_ACCESS_KEY_ID"}},
		{name: "sso_session naming no section", profile: "sso",
			config: "[profile sso]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n",
			want:   []string{"config line 2", "[sso-session corp]"}},
		{name: "legacy SSO without a start URL", profile: "sso",
			config: "[profile sso]\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n",
			want:   []string{"config line 1", "sso_start_url", "aws configure sso --profile sso"}},
		{name: "login_session", profile: "login",
			config: "[profile login]\nlogin_session = arn:aws:iam::1:user/u\n",
			want:   []string{"config line 2", "not supported"}},
		{name: "a bad duration", profile: "dev",
			config: "[profile dev]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = base\nduration_seconds = an hour\n[profile base]\naws_access_key_id = a\naws_secret_access_key = b\n",
			want:   []string{"config line 4", `"an hour"`}},
		{name: "a line that is no key", profile: "dev",
			config: "[profile dev]\nrole_arn\n",
			want:   []string{"config line 2", "not a \"key = value\" line"}},
		{name: "an AWS_MAX_ATTEMPTS that is no number", profile: "base",
			config: "[profile base]\naws_access_key_id = a\naws_secret_access_key = b\n", env: map[string]string{"AWS_MAX_ATTEMPTS": "many"},
			want: []string{"AWS_MAX_ATTEMPTS", `"many"`}},
		{name: "a CA bundle that is not there", profile: "base",
			config: "[profile base]\naws_access_key_id = a\naws_secret_access_key = b\nca_bundle = /nonexistent/ca.pem\n",
			want:   []string{"/nonexistent/ca.pem", "config line 4"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfgFile, credFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
			os.WriteFile(cfgFile, []byte(tc.config), 0o600)
			os.WriteFile(credFile, []byte(tc.credentials), 0o600)
			env := map[string]string{"HOME": dir, "AWS_EC2_METADATA_DISABLED": "true"}
			for k, v := range tc.env {
				env[k] = v
			}
			_, err := config.LoadDefaultConfig(context.Background(),
				config.WithSharedConfigFiles([]string{cfgFile}), config.WithSharedCredentialsFiles([]string{credFile}),
				config.WithSharedConfigProfile(tc.profile), config.WithRegion("us-east-1"),
				config.WithGetenv(func(k string) string { return env[k] }))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error %q does not say %q", err, w)
				}
			}
		})
	}
}
