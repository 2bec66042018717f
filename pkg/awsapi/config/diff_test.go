package config_test

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkconfig "github.com/aws/aws-sdk-go-v2/config"
	sdkstscreds "github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"

	"github.com/eks-login/eks-login/pkg/awsapi/config"
	"github.com/eks-login/eks-login/pkg/awsapi/stscreds"
)

// fakeSTS answers AssumeRole and AssumeRoleWithWebIdentity with credentials
// derived from the request, and records what each call asked for and with
// which access key it was signed, so that two loaders can be compared call
// by call.
type fakeSTS struct {
	*httptest.Server
	mu    sync.Mutex
	calls []string
}

var credentialScope = regexp.MustCompile(`Credential=([^/]+)/`)

func newFakeSTS(t *testing.T) *fakeSTS {
	f := &fakeSTS{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		signer := "unsigned"
		if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			signer = m[1]
		}
		switch r.URL.Path {
		case "/federation/credentials":
			f.record(fmt.Sprintf("GetRoleCredentials account=%s role=%s bearer=%s", r.URL.Query().Get("account_id"), r.URL.Query().Get("role_name"), r.Header.Get("X-Amz-Sso_bearer_token")))
			fmt.Fprintf(w, `{"roleCredentials":{"accessKeyId":"ASIASSO%s","secretAccessKey":"s","sessionToken":"t","expiration":%d}}`,
				strings.ToUpper(r.URL.Query().Get("role_name")), time.Now().Add(time.Hour).UnixMilli())
			return
		case "/token":
			var in struct{ GrantType, RefreshToken, ClientId string }
			json.NewDecoder(r.Body).Decode(&in)
			f.record(fmt.Sprintf("CreateToken grant=%s refresh=%s client=%s", in.GrantType, in.RefreshToken, in.ClientId))
			fmt.Fprint(w, `{"accessToken":"refreshed-access","expiresIn":3600,"refreshToken":"next-refresh","tokenType":"Bearer"}`)
			return
		}
		action := r.PostForm.Get("Action")
		session := r.PostForm.Get("RoleSessionName")
		if strings.HasPrefix(session, "aws-go-sdk-") {
			session = "aws-go-sdk-*" // the SDK's default, with the time in it
		}
		call := fmt.Sprintf("%s role=%s signer=%s session=%s duration=%s external=%s serial=%s code=%s token=%s",
			action, r.PostForm.Get("RoleArn"), signer, session, r.PostForm.Get("DurationSeconds"),
			r.PostForm.Get("ExternalId"), r.PostForm.Get("SerialNumber"), r.PostForm.Get("TokenCode"), r.PostForm.Get("WebIdentityToken"))
		f.record(call)
		sum := sha256.Sum256([]byte(call))
		key := "ASIA" + strings.ToUpper(hex.EncodeToString(sum[:8]))
		role := r.PostForm.Get("RoleArn")
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<%sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><%sResult>
<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>secret-%s</SecretAccessKey><SessionToken>token-%s</SessionToken><Expiration>%s</Expiration></Credentials>
<AssumedRoleUser><Arn>%s/session</Arn><AssumedRoleId>AROA:session</AssumedRoleId></AssumedRoleUser>
</%sResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></%sResponse>`,
			action, action, key, key, key, time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
			strings.Replace(strings.Replace(role, ":iam:", ":sts:", 1), ":role/", ":assumed-role/", 1), action, action)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSTS) record(call string) {
	f.mu.Lock()
	f.calls = append(f.calls, call)
	f.mu.Unlock()
}

func (f *fakeSTS) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

// outcome is what a loader produced, in comparable form.
type outcome struct {
	region string
	keyID  string
	calls  []string
	failed bool // at load or at Retrieve
}

// TestAgainstTheSDK resolves each setup with aws-sdk-go-v2/config and with
// this package, against the same fake STS, and expects the same region,
// the same final access key and the same STS calls in the same order.
func TestAgainstTheSDK(t *testing.T) {
	const keys = "aws_access_key_id = AKIASOURCE\naws_secret_access_key = sourcesecret\n"
	cases := []struct {
		name        string
		config      string
		credentials string
		env         map[string]string
		profile     string            // the option, as --profile passes it
		region      string            // the option
		mfa         bool              // give AssumeRole a token provider
		sso         map[string]string // SSO token cache files, by the key that names them
		wantFail    bool
	}{
		{name: "static keys of the default profile", credentials: "[default]\n" + keys, config: "[default]\nregion = eu-west-1\n"},
		{name: "role through source_profile", profile: "dev",
			config:      "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/Viewer\nsource_profile = base\nregion = ap-northeast-2\n",
			credentials: "[base]\n" + keys},
		{name: "two roles chained", profile: "outer",
			config: "[profile outer]\nrole_arn = arn:aws:iam::123456789012:role/Outer\nsource_profile = inner\n" +
				"[profile inner]\nrole_arn = arn:aws:iam::123456789012:role/Inner\nsource_profile = base\n",
			credentials: "[base]\n" + keys, region: "us-east-1"},
		{name: "a profile that is its own source", profile: "self", region: "us-east-1",
			config:      "[profile self]\nrole_arn = arn:aws:iam::123456789012:role/Self\nsource_profile = self\n",
			credentials: "[self]\n" + keys},
		{name: "keys and role_arn in one profile", profile: "both", region: "us-east-1",
			config:      "[profile both]\nrole_arn = arn:aws:iam::123456789012:role/Both\n",
			credentials: "[both]\n" + keys},
		{name: "external id, session name and an hour", profile: "dev", region: "us-east-1",
			config: "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/Viewer\nsource_profile = base\n" +
				"external_id = ext-1\nrole_session_name = alice\nduration_seconds = 3600\n",
			credentials: "[base]\n" + keys},
		{name: "a duration of 15 minutes or less is the default", profile: "dev", region: "us-east-1",
			config:      "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/Viewer\nsource_profile = base\nduration_seconds = 600\n",
			credentials: "[base]\n" + keys},
		{name: "mfa_serial with a prompt", profile: "dev", region: "us-east-1", mfa: true,
			config:      "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/Viewer\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/dev1\n",
			credentials: "[base]\n" + keys},
		{name: "mfa_serial without a prompt", profile: "dev", region: "us-east-1", wantFail: true,
			config:      "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/Viewer\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/dev1\n",
			credentials: "[base]\n" + keys},
		{name: "credential_source Environment", profile: "env", region: "us-east-1",
			config: "[profile env]\nrole_arn = arn:aws:iam::123456789012:role/FromEnv\ncredential_source = Environment\n",
			env:    map[string]string{"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "envsecret"}},
		{name: "environment keys before the default profile", region: "us-east-1",
			credentials: "[default]\n" + keys,
			env:         map[string]string{"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "envsecret"}},
		{name: "a profile option before environment keys", profile: "base", region: "us-east-1",
			credentials: "[base]\n" + keys,
			env:         map[string]string{"AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "envsecret"}},
		{name: "environment keys before AWS_PROFILE", region: "us-east-1",
			credentials: "[base]\n" + keys,
			env:         map[string]string{"AWS_PROFILE": "base", "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "envsecret"}},
		{name: "AWS_PROFILE names the role profile",
			config:      "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/Viewer\nsource_profile = base\nregion = eu-central-1\n",
			credentials: "[base]\n" + keys, env: map[string]string{"AWS_PROFILE": "dev"}},
		{name: "AWS_REGION over the profile's region", profile: "base",
			config: "[profile base]\nregion = eu-west-1\n", credentials: "[base]\n" + keys,
			env: map[string]string{"AWS_REGION": "us-west-2"}},
		{name: "AWS_DEFAULT_REGION", profile: "base", credentials: "[base]\n" + keys,
			env: map[string]string{"AWS_DEFAULT_REGION": "us-west-1"}},
		{name: "the region option over everything", profile: "base", region: "sa-east-1",
			config: "[profile base]\nregion = eu-west-1\n", credentials: "[base]\n" + keys,
			env: map[string]string{"AWS_REGION": "us-west-2"}},
		{name: "the credentials file's keys over the config file's", profile: "base", region: "us-east-1",
			config:      "[profile base]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = configsecret\n",
			credentials: "[base]\n" + keys},
		{name: "web_identity_token_file in the profile", profile: "web", region: "us-east-1",
			config: "[profile web]\nrole_arn = arn:aws:iam::123456789012:role/Web\nweb_identity_token_file = TOKENFILE\nrole_session_name = pod\n"},
		{name: "web identity from the environment", region: "us-east-1",
			env: map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "TOKENFILE", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/Web", "AWS_ROLE_SESSION_NAME": "pod"}},
		{name: "credential_process", profile: "proc", region: "us-east-1",
			config: "[profile proc]\ncredential_process = PROCESS\n"},
		{name: "a role on top of credential_process", profile: "procrole", region: "us-east-1",
			config: "[profile procrole]\nrole_arn = arn:aws:iam::123456789012:role/Proc\nsource_profile = proc\n[profile proc]\ncredential_process = PROCESS\n"},
		{name: "a missing profile named by the option", profile: "nope", region: "us-east-1", wantFail: true,
			credentials: "[base]\n" + keys},
		{name: "a missing profile named by AWS_PROFILE", region: "us-east-1", wantFail: true,
			credentials: "[base]\n" + keys, env: map[string]string{"AWS_PROFILE": "nope"}},
		{name: "a missing source_profile", profile: "dev", region: "us-east-1", wantFail: true,
			config: "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/Viewer\nsource_profile = gone\n"},
		{name: "a source_profile without credentials", profile: "dev", region: "us-east-1", wantFail: true,
			config: "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/Viewer\nsource_profile = empty\n[profile empty]\nregion = us-east-1\n"},
		{name: "a source_profile loop without keys", profile: "a", region: "us-east-1", wantFail: true,
			config: "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::123456789012:role/B\nsource_profile = a\n"},
		{name: "source_profile and credential_process together", profile: "dev", region: "us-east-1", wantFail: true,
			config:      "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/Viewer\nsource_profile = base\ncredential_process = PROCESS\n",
			credentials: "[base]\n" + keys},
		{name: "source_profile without role_arn", profile: "dev", region: "us-east-1", wantFail: true,
			config: "[profile dev]\nsource_profile = base\n", credentials: "[base]\n" + keys},
		{name: "half a key pair", profile: "half", region: "us-east-1", wantFail: true,
			credentials: "[half]\naws_access_key_id = AKIAHALF\n"},
		{name: "a config section without the profile prefix is no profile", profile: "bare", region: "us-east-1", wantFail: true,
			config: "[bare]\naws_access_key_id = AKIABARE\naws_secret_access_key = baresecret\n"},
		{name: "IAM Identity Center, legacy keys", profile: "sso",
			config: "[profile sso]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Viewer\nregion = eu-west-1\n",
			sso:    map[string]string{"https://corp.awsapps.com/start": `{"accessToken":"legacy-access","expiresAt":"FUTURE","region":"us-east-1","startUrl":"https://corp.awsapps.com/start"}`}},
		{name: "IAM Identity Center through sso_session", profile: "sso",
			config: "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Viewer\nregion = eu-west-1\n[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n",
			sso:    map[string]string{"corp": `{"accessToken":"session-access","expiresAt":"FUTURE","region":"us-east-1","startUrl":"https://corp.awsapps.com/start"}`}},
		{name: "an expired sso_session token is refreshed", profile: "sso",
			config: "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Viewer\nregion = eu-west-1\n[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n",
			sso: map[string]string{"corp": `{"accessToken":"old-access","expiresAt":"PAST","region":"us-east-1","startUrl":"https://corp.awsapps.com/start",` +
				`"refreshToken":"refresh-1","clientId":"client-1","clientSecret":"secret-1","registrationExpiresAt":"FUTURE"}`}},
		{name: "an expired legacy token", profile: "sso", wantFail: true,
			config: "[profile sso]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Viewer\nregion = eu-west-1\n",
			sso:    map[string]string{"https://corp.awsapps.com/start": `{"accessToken":"legacy-access","expiresAt":"PAST","region":"us-east-1","startUrl":"https://corp.awsapps.com/start"}`}},
		{name: "a role on top of IAM Identity Center", profile: "admin", region: "us-east-1",
			config: "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = sso\n" +
				"[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Viewer\n[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n",
			sso: map[string]string{"corp": `{"accessToken":"session-access","expiresAt":"FUTURE","region":"us-east-1","startUrl":"https://corp.awsapps.com/start"}`}},
		{name: "an unknown credential_source", profile: "src", region: "us-east-1", wantFail: true,
			config: "[profile src]\nrole_arn = arn:aws:iam::123456789012:role/A\ncredential_source = Magic\n"},
	}
	sts := newFakeSTS(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tokenFile := filepath.Join(dir, "token")
			os.WriteFile(tokenFile, []byte("web-identity-token"), 0o600)
			process := filepath.Join(dir, "process.sh")
			os.WriteFile(process, []byte("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROCESS\", \"SecretAccessKey\": \"processsecret\"}'\n"), 0o700)
			expand := func(s string) string {
				return strings.NewReplacer("TOKENFILE", tokenFile, "PROCESS", process).Replace(s)
			}
			cfgFile, credFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
			os.WriteFile(cfgFile, []byte(expand(tc.config)), 0o600)
			os.WriteFile(credFile, []byte(expand(tc.credentials)), 0o600)
			// Each loader starts from the same SSO token cache: a refresh
			// rewrites it.
			writeSSOCache := func() {
				cacheDir := filepath.Join(dir, ".aws", "sso", "cache")
				os.MkdirAll(cacheDir, 0o700)
				times := strings.NewReplacer("FUTURE", time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "PAST", time.Now().Add(-time.Hour).UTC().Format(time.RFC3339))
				for key, content := range tc.sso {
					os.WriteFile(filepath.Join(cacheDir, fmt.Sprintf("%x.json", sha1.Sum([]byte(key)))), []byte(times.Replace(content)), 0o600)
				}
			}
			// The SDK's role providers do not see WithBaseEndpoint (it is
			// resolved after credentials), but both read this variable.
			env := map[string]string{"HOME": dir, "AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL_STS": sts.URL,
				"AWS_ENDPOINT_URL_SSO": sts.URL, "AWS_ENDPOINT_URL_SSO_OIDC": sts.URL}
			for k, v := range tc.env {
				env[k] = expand(v)
			}
			// The SDK reads the process environment.
			for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID",
				"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
				"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL", "AWS_CA_BUNDLE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
				"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "HOME", "AWS_EC2_METADATA_DISABLED", "AWS_MAX_ATTEMPTS", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC"} {
				t.Setenv(k, env[k])
			}
			mfa := func() (string, error) { return "123456", nil }

			sdkOpts := []func(*sdkconfig.LoadOptions) error{
				sdkconfig.WithSharedConfigFiles([]string{cfgFile}), sdkconfig.WithSharedCredentialsFiles([]string{credFile}),
				sdkconfig.WithRetryMaxAttempts(1), sdkconfig.WithEC2IMDSClientEnableState(imds.ClientDisabled),
			}
			ourOpts := []func(*config.LoadOptions) error{
				config.WithSharedConfigFiles([]string{cfgFile}), config.WithSharedCredentialsFiles([]string{credFile}),
				config.WithRetryMaxAttempts(1), config.WithEC2IMDSClientEnableState(imds.ClientDisabled),
				config.WithGetenv(func(k string) string { return env[k] }),
			}
			if tc.profile != "" {
				sdkOpts = append(sdkOpts, sdkconfig.WithSharedConfigProfile(tc.profile))
				ourOpts = append(ourOpts, config.WithSharedConfigProfile(tc.profile))
			}
			if tc.region != "" {
				sdkOpts = append(sdkOpts, sdkconfig.WithRegion(tc.region))
				ourOpts = append(ourOpts, config.WithRegion(tc.region))
			}
			if tc.mfa {
				sdkOpts = append(sdkOpts, sdkconfig.WithAssumeRoleCredentialOptions(func(o *sdkstscreds.AssumeRoleOptions) { o.TokenProvider = mfa }))
				ourOpts = append(ourOpts, config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) { o.TokenProvider = mfa }))
			}

			ctx := context.Background()
			resolve := func(load func() (aws.Config, error)) outcome {
				writeSSOCache()
				sts.take()
				cfg, err := load()
				if err != nil {
					return outcome{failed: true}
				}
				out := outcome{region: cfg.Region}
				if cfg.Credentials == nil {
					out.failed = true
					return out
				}
				creds, err := cfg.Credentials.Retrieve(ctx)
				out.calls = sts.take()
				if err != nil {
					out.failed = true
					return out
				}
				out.keyID = creds.AccessKeyID
				return out
			}
			want := resolve(func() (aws.Config, error) { return sdkconfig.LoadDefaultConfig(ctx, sdkOpts...) })
			got := resolve(func() (aws.Config, error) { return config.LoadDefaultConfig(ctx, ourOpts...) })
			if want.failed != tc.wantFail {
				t.Fatalf("the SDK: failed = %v, the case expects %v (calls %q)", want.failed, tc.wantFail, want.calls)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("got  %+v\nwant %+v (the SDK)", got, want)
			}
		})
	}
}
