package world

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/sso/types"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsclient"
)

const ssoRole = "SSODeveloper"

// TestLocalAWSSSO drives the IAM Identity Center emulation with the SDK's
// own sso and ssooidc clients, once at the server's URL (endpoint
// overrides, routed by path) and once at the real host names over TLS
// (routed by Host), as in the world.
func TestLocalAWSSSO(t *testing.T) {
	atBothEndpoints(t, testSSO)
}

// atBothEndpoints runs test against a fresh local AWS twice: at the
// server's URL (endpoint overrides, routed by path) and at the real host
// names over TLS (routed by Host), as in the world.
func atBothEndpoints(t *testing.T, test func(context.Context, *testing.T, *LocalAWS, func(aws.Credentials) aws.Config)) {
	if testing.Short() {
		t.Skip("starts moto; skipped with -short")
	}
	for _, mode := range []string{"endpoint override", "real endpoints"} {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			var la *LocalAWS
			var cfg func(aws.Credentials) aws.Config
			if mode == "endpoint override" {
				la = startTestLocalAWS(t, LocalAWSOptions{})
				cfg = func(c aws.Credentials) aws.Config { return httpConfig(la, c) }
			} else {
				la, cfg = startRealEndpointsLocalAWS(t)
			}
			test(ctx, t, la, cfg)
		})
	}
}

// startRealEndpointsLocalAWS serves HTTPS for the AWS host names; the
// configurations it returns resolve the real endpoints and dial loopback.
func startRealEndpointsLocalAWS(t *testing.T) (*LocalAWS, func(aws.Credentials) aws.Config) {
	t.Helper()
	ca, err := newCertAuthority()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, key, err := ca.issue(dir, "localaws", leafSpec{commonName: "localaws", dnsNames: awsHostNames()})
	if err != nil {
		t.Fatal(err)
	}
	la := startTestLocalAWS(t, LocalAWSOptions{TLSCert: cert, TLSKey: key})
	addr := strings.TrimPrefix(la.URL, "https://")
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.certPEM)
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		DialContext: func(ctx context.Context, network, hostport string) (net.Conn, error) {
			if host, _, _ := net.SplitHostPort(hostport); !strings.HasSuffix(host, ".amazonaws.com") && !strings.HasSuffix(host, ".signin.aws.amazon.com") {
				return nil, fmt.Errorf("refusing to dial %s", hostport)
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
	return la, func(c aws.Credentials) aws.Config {
		return aws.Config{Region: Region, Credentials: credentials.StaticCredentialsProvider{Value: c}, HTTPClient: awsclient.HoldBodies(client),
			Retryer: func() aws.Retryer { return aws.NopRetryer{} }}
	}
}

func testSSO(ctx context.Context, t *testing.T, la *LocalAWS, cfg func(aws.Credentials) aws.Config) {
	boot := iam.NewFromConfig(cfg(aws.Credentials{AccessKeyID: "AKIAWORLDBOOTSTRAP00", SecretAccessKey: "bootstrap"}))
	for _, role := range []string{ssoRole, "SSOAuditor"} {
		must(boot.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role),
			AssumeRolePolicyDocument: policy(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::` + testAccount + `:saml-provider/AWSSSO"},"Action":"sts:AssumeRoleWithSAML"}`)}))(t)
	}
	must(boot.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(ssoRole), PolicyName: aws.String("ListRoles"),
		PolicyDocument: policy(`{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}`)}))(t)
	if err := la.EnforceIAM(ctx, true); err != nil {
		t.Fatal(err)
	}
	// The SDK's clients ignore these: both services are unsigned.
	anyone := aws.Credentials{AccessKeyID: "AKIANOTUSED000000000", SecretAccessKey: "x"}
	portal := sso.NewFromConfig(cfg(anyone))
	oidc := ssooidc.NewFromConfig(cfg(anyone))

	t.Run("GetRoleCredentials", func(t *testing.T) {
		for _, tt := range []struct {
			name     string
			session  SSOSession
			token    string // sent; empty means the session's
			account  string // empty means testAccount
			role     string
			wantCode string // "" means success
		}{
			{name: "assigned role", session: SSOSession{Name: "grc-ok", AccessToken: "tok-ok", UserName: "dev1@example.com"}, role: ssoRole},
			{name: "role in the session's list", session: SSOSession{Name: "grc-listed", AccessToken: "tok-listed", Roles: []string{ssoRole}}, role: ssoRole},
			{name: "unknown token", session: SSOSession{Name: "grc-unknown", AccessToken: "tok-real"}, token: "tok-forged", role: ssoRole, wantCode: "UnauthorizedException"},
			{name: "expired token", session: SSOSession{Name: "grc-expired", AccessToken: "tok-old", AccessTokenExpiresAt: time.Now().Add(-time.Minute)}, role: ssoRole, wantCode: "UnauthorizedException"},
			{name: "role that does not exist", session: SSOSession{Name: "grc-norole", AccessToken: "tok-norole"}, role: "Nope", wantCode: "ForbiddenException"},
			{name: "role not assigned", session: SSOSession{Name: "grc-unassigned", AccessToken: "tok-unassigned", Roles: []string{ssoRole}}, role: "SSOAuditor", wantCode: "ForbiddenException"},
			{name: "other account", session: SSOSession{Name: "grc-account", AccessToken: "tok-account"}, account: "210987654321", role: ssoRole, wantCode: "ForbiddenException"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if err := la.SetSSOSession(ctx, tt.session); err != nil {
					t.Fatal(err)
				}
				token, account := tt.token, tt.account
				if token == "" {
					token = tt.session.AccessToken
				}
				if account == "" {
					account = testAccount
				}
				out, err := portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: aws.String(token), AccountId: aws.String(account), RoleName: aws.String(tt.role)})
				if tt.wantCode != "" {
					var apiErr smithy.APIError
					if !errors.As(err, &apiErr) || apiErr.ErrorCode() != tt.wantCode {
						t.Fatalf("want %s, got %v", tt.wantCode, err)
					}
					if tt.wantCode == "UnauthorizedException" && !errors.As(err, new(*ssotypes.UnauthorizedException)) {
						t.Errorf("the SDK did not decode a typed UnauthorizedException: %T", apiErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				rc := out.RoleCredentials
				if exp := time.UnixMilli(rc.Expiration); exp.Before(time.Now().Add(50*time.Minute)) || exp.After(time.Now().Add(70*time.Minute)) {
					t.Errorf("expiration %v, want in about an hour", exp)
				}
				creds := aws.Credentials{AccessKeyID: aws.ToString(rc.AccessKeyId), SecretAccessKey: aws.ToString(rc.SecretAccessKey), SessionToken: aws.ToString(rc.SessionToken)}
				user := tt.session.UserName
				if user == "" {
					user = tt.session.Name
				}
				id := must(sts.NewFromConfig(cfg(creds)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)
				if want := "arn:aws:sts::" + testAccount + ":assumed-role/" + ssoRole + "/" + user; aws.ToString(id.Arn) != want {
					t.Errorf("GetCallerIdentity: %s, want %s", aws.ToString(id.Arn), want)
				}
				// The credentials are the role's: its policy applies, and
				// nothing more.
				roleIAM := iam.NewFromConfig(cfg(creds))
				must(roleIAM.ListRoles(ctx, &iam.ListRolesInput{}))(t)
				_, err = roleIAM.ListUsers(ctx, &iam.ListUsersInput{})
				checkAPIError(t, err, "AccessDenied", "assumed-role/"+ssoRole+"/"+user+" is not authorized to perform: iam:ListUsers")
			})
		}
	})

	t.Run("CreateToken", func(t *testing.T) {
		for _, tt := range []struct {
			name      string
			session   SSOSession
			clientID  string // empty means the session's
			secret    string
			grantType string // empty means refresh_token
			wantCode  string
		}{
			{name: "refresh", session: SSOSession{Name: "ct-ok", AccessToken: "at-ok", RefreshToken: "rt-ok", ClientID: "c-ok", ClientSecret: "s-ok", TokenTTL: 2 * time.Hour}},
			{name: "wrong secret", session: SSOSession{Name: "ct-secret", AccessToken: "at-secret", RefreshToken: "rt-secret", ClientID: "c-secret", ClientSecret: "s-secret"},
				secret: "s-wrong", wantCode: "InvalidClientException"},
			{name: "unknown client", session: SSOSession{Name: "ct-client", AccessToken: "at-client", RefreshToken: "rt-client", ClientID: "c-client", ClientSecret: "s-client"},
				clientID: "c-unknown", wantCode: "InvalidClientException"},
			{name: "expired registration", session: SSOSession{Name: "ct-reg", AccessToken: "at-reg", RefreshToken: "rt-reg", ClientID: "c-reg", ClientSecret: "s-reg",
				RegistrationExpiresAt: time.Now().Add(-time.Hour)}, wantCode: "InvalidClientException"},
			{name: "other grant type", session: SSOSession{Name: "ct-grant", AccessToken: "at-grant", RefreshToken: "rt-grant", ClientID: "c-grant", ClientSecret: "s-grant"},
				grantType: "authorization_code", wantCode: "UnsupportedGrantTypeException"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if err := la.SetSSOSession(ctx, tt.session); err != nil {
					t.Fatal(err)
				}
				clientID, secret, grant := tt.clientID, tt.secret, tt.grantType
				if clientID == "" {
					clientID = tt.session.ClientID
				}
				if secret == "" {
					secret = tt.session.ClientSecret
				}
				if grant == "" {
					grant = "refresh_token"
				}
				refresh := func(refreshToken string) (*ssooidc.CreateTokenOutput, error) {
					return oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: aws.String(clientID), ClientSecret: aws.String(secret),
						GrantType: aws.String(grant), RefreshToken: aws.String(refreshToken)})
				}
				out, err := refresh(tt.session.RefreshToken)
				if tt.wantCode != "" {
					var apiErr smithy.APIError
					if !errors.As(err, &apiErr) || apiErr.ErrorCode() != tt.wantCode {
						t.Fatalf("want %s, got %v", tt.wantCode, err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				newToken, newRefresh := aws.ToString(out.AccessToken), aws.ToString(out.RefreshToken)
				if newToken == "" || newToken == tt.session.AccessToken || newRefresh == "" || newRefresh == tt.session.RefreshToken ||
					out.ExpiresIn != 7200 || aws.ToString(out.TokenType) != "Bearer" {
					t.Fatalf("CreateToken: %+v", out)
				}
				held := must(la.GetSSOSession(ctx, tt.session.Name))(t)
				if held.AccessToken != newToken || held.RefreshToken != newRefresh || time.Until(held.AccessTokenExpiresAt) < 110*time.Minute {
					t.Errorf("the server holds %+v after the refresh", held)
				}
				// Rotation: the old refresh token and access token are spent.
				_, err = refresh(tt.session.RefreshToken)
				var invalidGrant *oidctypes.InvalidGrantException
				if !errors.As(err, &invalidGrant) || aws.ToString(invalidGrant.Error_) != "invalid_grant" {
					t.Errorf("the old refresh token again: want InvalidGrantException, got %v", err)
				}
				get := func(token string) error {
					_, err := portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: aws.String(token), AccountId: aws.String(testAccount), RoleName: aws.String(ssoRole)})
					return err
				}
				if err := get(tt.session.AccessToken); !errors.As(err, new(*ssotypes.UnauthorizedException)) {
					t.Errorf("the old access token: want UnauthorizedException, got %v", err)
				}
				if err := get(newToken); err != nil {
					t.Errorf("the new access token: %v", err)
				}
			})
		}
	})

	t.Run("Calls", func(t *testing.T) {
		calls := must(la.Calls(ctx))(t)
		// 7 cases + 2 in the refresh case; 5 cases + 1 in the refresh case.
		if calls["sso:GetRoleCredentials"] != 9 || calls["sso-oidc:CreateToken"] != 6 {
			t.Errorf("calls %v", calls)
		}
	})

	t.Run("control", func(t *testing.T) {
		if err := la.SetSSOSession(ctx, SSOSession{Name: "no-token"}); err == nil {
			t.Error("a session without an access token was accepted")
		}
		if _, err := la.GetSSOSession(ctx, "never-registered"); err == nil || !strings.Contains(err.Error(), "HTTP 404") {
			t.Errorf("an unknown session: %v", err)
		}
	})
}
