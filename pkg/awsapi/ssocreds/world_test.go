package ssocreds_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkeks "github.com/aws/aws-sdk-go-v2/service/eks"
	sdkiam "github.com/aws/aws-sdk-go-v2/service/iam"
	sdksts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eks-login/eks-login/pkg/awsapi/sso"
	"github.com/eks-login/eks-login/pkg/awsapi/ssocreds"
	"github.com/eks-login/eks-login/pkg/awsapi/ssooidc"
	"github.com/eks-login/eks-login/pkg/world"
)

const (
	worldRole     = "SSODeveloper"
	worldStartURL = "https://corp.awsapps.com/start"
)

// worldConfig is what `aws sso login` leaves besides the token: profile
// dev uses sso-session corp (whose token is cached under the session's
// name), profile legacy names the start URL itself (cached under the URL).
const worldConfig = `[profile dev]
sso_session = corp
sso_account_id = ` + world.AccountID + `
sso_role_name = ` + worldRole + `
region = ` + world.Region + `
output = json

[sso-session corp]
sso_start_url = ` + worldStartURL + `
sso_region = ` + world.Region + `
sso_registration_scopes = sso:account:access

[profile legacy]
sso_start_url = ` + worldStartURL + `
sso_region = ` + world.Region + `
sso_account_id = ` + world.AccountID + `
sso_role_name = ` + worldRole + `
region = ` + world.Region + `
output = json
`

// TestWithTheWorld gets SSO credentials with our providers from the world's
// IAM Identity Center at its real host names, uses them with the SDK, and
// checks that the AWS CLI, on the same home folder, agrees: it accepts the
// cache files we write and we accept the ones it writes.
func TestWithTheWorld(t *testing.T) {
	w := theWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	admin := sdkiam.NewFromConfig(w.AdminAWSConfig())
	if _, err := admin.GetRole(ctx, &sdkiam.GetRoleInput{RoleName: aws.String(worldRole)}); err != nil {
		samlTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::` + world.AccountID +
			`:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE"},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"]}]}`
		must(admin.CreateRole(ctx, &sdkiam.CreateRoleInput{RoleName: aws.String(worldRole), AssumeRolePolicyDocument: aws.String(samlTrust)}))(t)
		must(admin.PutRolePolicy(ctx, &sdkiam.PutRolePolicyInput{RoleName: aws.String(worldRole), PolicyName: aws.String("DescribeMyExample"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:DescribeCluster","Resource":"` + world.ClusterARN + `"}]}`)}))(t)
	}
	// The SSO clients as the loader makes them: region sso_region, the
	// world's CA, no credentials (both services are unsigned).
	ssoCfg := w.AWSConfig("", "")
	ssoCfg.Credentials = nil

	for i, tt := range []struct {
		name       string
		profile    string // "dev" (sso-session) or "legacy"
		expired    bool   // the cached token (and the portal's) has expired
		noRefresh  bool   // the cache holds no refresh token
		unknown    bool   // the portal does not know the cached token
		cliFirst   bool   // the AWS CLI runs (and refreshes) before we do
		wantErr    string
		wantCreate int // CreateToken calls
	}{
		{name: "sso-session, fresh token", profile: "dev"},
		{name: "sso-session, expired token is refreshed and written back", profile: "dev", expired: true, wantCreate: 1},
		{name: "legacy profile", profile: "legacy"},
		{name: "the AWS CLI refreshes, we read its file", profile: "dev", expired: true, cliFirst: true, wantCreate: 1},
		{name: "expired and not refreshable", profile: "dev", expired: true, noRefresh: true,
			wantErr: "the SSO session for profile dev has expired or is missing (%s): run `aws sso login --profile dev` (the token expired at "},
		{name: "signed out", profile: "dev", unknown: true,
			wantErr: "the SSO session for profile dev has expired or is missing (%s): run `aws sso login --profile dev` (operation error SSO: GetRoleCredentials"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			user := fmt.Sprintf("dev%d@example.com", i)
			p, err := w.NewPerson(t.TempDir(), "sso-dev", "")
			if err != nil {
				t.Fatal(err)
			}
			if err := p.WriteFile(".aws/config", worldConfig); err != nil {
				t.Fatal(err)
			}
			session := world.SSOSession{
				Name:         fmt.Sprintf("corp-%d", i),
				AccessToken:  fmt.Sprintf("aoa-%d-%d", i, time.Now().UnixNano()),
				RefreshToken: fmt.Sprintf("aor-%d", i), ClientID: fmt.Sprintf("client-%d", i), ClientSecret: fmt.Sprintf("secret-%d", i),
				UserName: user,
			}
			if tt.expired {
				session.AccessTokenExpiresAt = time.Now().Add(-time.Hour)
			}
			registered := session
			if tt.unknown {
				registered.AccessToken = "another"
			}
			if err := w.AWS.SetSSOSession(ctx, registered); err != nil {
				t.Fatal(err)
			}
			if tt.noRefresh {
				session.RefreshToken = ""
			}
			key := "corp"
			if tt.profile == "legacy" {
				key = worldStartURL
			}
			path := must(ssocreds.StandardCachedTokenFilepathIn(p.Home, key))(t)
			if err := os.MkdirAll(p.Path(".aws/sso/cache"), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(session.TokenCacheJSON(worldStartURL, world.Region)), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := w.AWS.ResetCalls(ctx); err != nil {
				t.Fatal(err)
			}
			wantARN := "arn:aws:sts::" + world.AccountID + ":assumed-role/" + worldRole + "/" + user
			cli := func() {
				t.Helper()
				out, err := p.Run(ctx, "aws", "sts", "get-caller-identity", "--profile", tt.profile)
				var id struct{ Arn string }
				if err != nil || json.Unmarshal([]byte(out), &id) != nil || id.Arn != wantARN {
					t.Fatalf("the AWS CLI: %v: %s; want %s", err, out, wantARN)
				}
			}
			if tt.cliFirst {
				cli()
			}

			var provider *ssocreds.Provider
			if tt.profile == "legacy" {
				provider = ssocreds.New(sso.NewFromConfig(ssoCfg), world.AccountID, worldRole, worldStartURL, func(o *ssocreds.Options) {
					o.CachedTokenFilepath, o.Profile = path, "legacy"
				})
			} else {
				tokens := ssocreds.NewSSOTokenProvider(ssooidc.NewFromConfig(ssoCfg), path, func(o *ssocreds.SSOTokenProviderOptions) {
					o.SSOSession = "corp"
				})
				provider = ssocreds.New(sso.NewFromConfig(ssoCfg), world.AccountID, worldRole, worldStartURL, func(o *ssocreds.Options) {
					o.SSOTokenProvider, o.Profile, o.SSOSession = tokens, "dev", "corp"
				})
			}
			creds, err := provider.Retrieve(ctx)
			if tt.wantErr != "" {
				var invalid *ssocreds.InvalidTokenError
				if want := fmt.Sprintf(tt.wantErr, path); err == nil || !strings.HasPrefix(err.Error(), want) || !errors.As(err, &invalid) {
					t.Fatalf("got  %v\nwant %s...", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !creds.CanExpire || time.Until(creds.Expires) < 50*time.Minute || creds.AccountID != world.AccountID || creds.Source != ssocreds.ProviderName {
				t.Errorf("credentials %+v", creds)
			}
			// The SDK, signing with them, is who the portal said.
			cfg := w.AWSConfig(creds.AccessKeyID, creds.SecretAccessKey)
			cfg.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil })
			id := must(sdksts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sdksts.GetCallerIdentityInput{}))(t)
			if aws.ToString(id.Arn) != wantARN {
				t.Errorf("GetCallerIdentity: %s, want %s", aws.ToString(id.Arn), wantARN)
			}
			// ... with the role's rights.
			must(sdkeks.NewFromConfig(cfg).DescribeCluster(ctx, &sdkeks.DescribeClusterInput{Name: aws.String(world.ClusterName)}))(t)

			if tt.expired {
				held := must(w.AWS.GetSSOSession(ctx, session.Name))(t)
				file := readJSON(t, path)
				if file["accessToken"] != held.AccessToken || file["refreshToken"] != held.RefreshToken || held.AccessToken == session.AccessToken {
					t.Errorf("the cache file holds %v; the portal %+v", file, held)
				}
				if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
					t.Errorf("the cache file's mode: %v", info.Mode())
				}
			}
			if !tt.cliFirst {
				cli() // on the file as we left it
			}
			calls := must(w.AWS.Calls(ctx))(t)
			if calls["sso-oidc:CreateToken"] != tt.wantCreate {
				t.Errorf("%d CreateToken calls, want %d", calls["sso-oidc:CreateToken"], tt.wantCreate)
			}
		})
	}
}

// must(call())(t) is call's result, or a fatal error.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
