package ssocreds_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/sso"
	"github.com/eks-login/eks-login/pkg/awsapi/sso/types"
	"github.com/eks-login/eks-login/pkg/awsapi/ssocreds"
	"github.com/eks-login/eks-login/pkg/awsapi/ssooidc"
	oidctypes "github.com/eks-login/eks-login/pkg/awsapi/ssooidc/types"
)

// TestSSOTokenProvider: which cached tokens are used as they are, which are
// refreshed (and how the file is rewritten), and what an unusable one says.
func TestSSOTokenProvider(t *testing.T) {
	now := time.Now()
	fresh, soon, expired := now.Add(time.Hour), now.Add(2*time.Minute), now.Add(-time.Hour)
	withExtra := func(m map[string]any) map[string]any {
		m["someFutureField"] = map[string]any{"nested": []any{1.5, "x"}}
		return m
	}
	regExpired := cacheFile("at", expired)
	regExpired["registrationExpiresAt"] = now.Add(-time.Minute).UTC().Format(time.RFC3339)
	oldCLIFormat := cacheFile("at", expired)
	oldCLIFormat["expiresAt"] = now.Add(time.Hour).UTC().Format("2006-01-02T15:04:05UTC")
	for _, tt := range []struct {
		name         string
		cache        map[string]any // nil: no file
		raw          string         // instead of cache
		mode         os.FileMode
		refreshError string
		omitRefresh  bool
		profile      string
		session      string
		wantToken    string
		wantRefresh  bool     // a CreateToken call, and the file rewritten
		wantErr      []string // parts of the error message
		wantAs       any      // a target the error must match
	}{
		{name: "fresh token", cache: cacheFile("at", fresh), wantToken: "at"},
		{name: "the AWS CLI's old UTC suffix", cache: oldCLIFormat, wantToken: "at"},
		{name: "expired token is refreshed", cache: withExtra(cacheFile("at", expired)), wantToken: "new-rt", wantRefresh: true},
		{name: "a token expiring within five minutes is refreshed", cache: cacheFile("at", soon), wantToken: "new-rt", wantRefresh: true},
		{name: "a group-readable cache file becomes 0600", cache: cacheFile("at", expired), mode: 0o644, wantToken: "new-rt", wantRefresh: true},
		{name: "no refresh token in the answer keeps the old one", cache: cacheFile("at", expired), omitRefresh: true, wantToken: "new-rt", wantRefresh: true},
		{name: "a refused refresh of a still valid token keeps it", cache: cacheFile("at", soon), refreshError: "InvalidGrantException", wantToken: "at"},
		{name: "a refused refresh of an expired token", cache: cacheFile("at", expired), refreshError: "InvalidGrantException", profile: "dev",
			wantErr: []string{"the SSO session for profile dev has expired or is missing (", "): run `aws sso login --profile dev` (the token expired at ",
				"; the refresh failed: operation error SSO OIDC: CreateToken", "InvalidGrantException: Invalid refresh token provided)"},
			wantAs: new(*oidctypes.InvalidGrantException)},
		{name: "expired, no refresh token", cache: cacheFile("at", expired, "refreshToken"), session: "corp",
			wantErr: []string{"the SSO session for sso-session corp has expired or is missing (", "): run `aws sso login --sso-session corp` (the token expired at ",
				"; the cached token cannot be refreshed: it has no refreshToken, clientId and clientSecret)"}},
		{name: "expired, no client registration", cache: cacheFile("at", expired, "clientSecret"), wantErr: []string{"cannot be refreshed"}},
		{name: "expired client registration", cache: regExpired, wantErr: []string{"the client registration expired at "}},
		{name: "no cache file", profile: "dev", session: "corp",
			wantErr: []string{"the SSO session for profile dev has expired or is missing (", ".json): run `aws sso login --profile dev`"}},
		{name: "not JSON", raw: "{", wantErr: []string{"run `aws sso login` (the cached SSO token is not a JSON object: "}},
		{name: "no access token", cache: cacheFile("", fresh), wantErr: []string{"(the cached SSO token must contain accessToken and expiresAt)"}},
		{name: "a bad expiresAt", raw: `{"accessToken":"at","expiresAt":"tomorrow"}`, wantErr: []string{`expiresAt "tomorrow" is not an RFC 3339 time`}},
		{name: "a number where a string belongs", raw: `{"accessToken":1,"expiresAt":"2030-01-01T00:00:00Z"}`, wantErr: []string{"accessToken is not a string"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cache", "corp.json")
			mode := tt.mode
			if mode == 0 {
				mode = 0o600
			}
			switch {
			case tt.cache != nil:
				writeJSON(t, path, tt.cache, mode)
			case tt.raw != "":
				os.MkdirAll(filepath.Dir(path), 0o700)
				os.WriteFile(path, []byte(tt.raw), mode)
			}
			fake := newFakeSSO(t)
			fake.refreshError, fake.omitRefresh = tt.refreshError, tt.omitRefresh
			p := ssocreds.NewSSOTokenProvider(ssooidc.NewFromConfig(fake.config()), path, func(o *ssocreds.SSOTokenProviderOptions) {
				o.Profile, o.SSOSession = tt.profile, tt.session
			})
			start := time.Now().Truncate(time.Second)
			tok, err := p.RetrieveBearerToken(context.Background())
			if tt.wantErr != nil {
				var invalid *ssocreds.InvalidTokenError
				if !errors.As(err, &invalid) {
					t.Fatalf("want an *InvalidTokenError, got %v", err)
				}
				for _, part := range tt.wantErr {
					if !strings.Contains(err.Error(), part) {
						t.Errorf("the error %q does not hold %q", err, part)
					}
				}
				if strings.Contains(err.Error(), ": :") {
					t.Errorf("an empty message shows: %q", err)
				}
				if tt.wantAs != nil && !errors.As(err, tt.wantAs) {
					t.Errorf("%v does not unwrap to %T", err, tt.wantAs)
				}
				if tt.cache != nil && !reflect.DeepEqual(readJSON(t, path), tt.cache) {
					t.Errorf("the cache file changed")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tok.Value != tt.wantToken || !tok.CanExpire {
				t.Errorf("token %+v, want %s", tok, tt.wantToken)
			}
			if calls := fake.count("/token"); (calls == 1) != (tt.wantRefresh || tt.refreshError != "") || calls > 1 {
				t.Errorf("%d CreateToken calls", calls)
			}
			after := readJSON(t, path)
			if !tt.wantRefresh {
				if !reflect.DeepEqual(after, tt.cache) {
					t.Errorf("the cache file changed: %v", after)
				}
				return
			}
			want := map[string]any{}
			for k, v := range tt.cache {
				want[k] = v
			}
			want["accessToken"] = "new-rt"
			want["refreshToken"] = "next-rt"
			if tt.omitRefresh {
				want["refreshToken"] = "rt"
			}
			expiresAt, perr := time.Parse(time.RFC3339, after["expiresAt"].(string))
			if perr != nil || expiresAt.Before(start.Add(time.Hour)) || expiresAt.After(time.Now().Add(time.Hour)) || !tok.Expires.Equal(expiresAt) {
				t.Errorf("expiresAt %v (%v), token expires %v; want an hour from now", after["expiresAt"], perr, tok.Expires)
			}
			want["expiresAt"] = after["expiresAt"]
			if !reflect.DeepEqual(after, want) {
				t.Errorf("the cache file:\n got %v\nwant %v", after, want)
			}
			if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
				t.Errorf("the cache file's mode: %v", info.Mode())
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*")); len(left) != 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
			// The refreshed file serves the next call without a refresh.
			if tok, err := p.RetrieveBearerToken(context.Background()); err != nil || tok.Value != "new-rt" || fake.count("/token") != 1 {
				t.Errorf("the next call: %+v, %v, %d CreateToken calls", tok, err, fake.count("/token"))
			}
		})
	}
}

// TestConcurrentRefresh: goroutines sharing a provider refresh an expired
// token once; the others read the refreshed file.
func TestConcurrentRefresh(t *testing.T) {
	path := filepath.Join(t.TempDir(), "corp.json")
	writeJSON(t, path, cacheFile("at", time.Now().Add(-time.Hour)), 0o600)
	fake := newFakeSSO(t)
	tp := ssocreds.NewSSOTokenProvider(ssooidc.NewFromConfig(fake.config()), path)
	p := ssocreds.New(sso.NewFromConfig(fake.config()), testAccount, testRole, testStartURL, func(o *ssocreds.Options) { o.SSOTokenProvider = tp })
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			creds, err := p.Retrieve(context.Background())
			if err == nil && creds.AccessKeyID != "ASIAnew-rt" {
				err = errors.New("credentials of " + creds.AccessKeyID)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if n := fake.count("/token"); n != 1 {
		t.Errorf("%d refreshes", n)
	}
}

// TestProvider: what Retrieve returns and how its errors read.
func TestProvider(t *testing.T) {
	fresh, expired := time.Now().Add(time.Hour), time.Now().Add(-time.Hour)
	for _, tt := range []struct {
		name          string
		cache         map[string]any
		tokenProvider bool
		role          string
		profile       string
		tpSession     string // the token provider's sso-session name
		wantErr       []string
		wantAs        any
	}{
		{name: "credentials", cache: cacheFile("at", fresh)},
		{name: "credentials through a token provider", cache: cacheFile("at", fresh), tokenProvider: true},
		{name: "expired, legacy profile", cache: cacheFile("at", expired), profile: "legacy",
			wantErr: []string{"the SSO session for profile legacy has expired or is missing (", "): run `aws sso login --profile legacy`"}},
		{name: "missing, legacy profile", profile: "legacy", wantErr: []string{"run `aws sso login --profile legacy`"}},
		{name: "the profile names the token provider's error", tokenProvider: true, profile: "dev", tpSession: "corp",
			wantErr: []string{"the SSO session for profile dev has expired", "run `aws sso login --profile dev`"}},
		{name: "a revoked token", cache: cacheFile("revoked", fresh), profile: "dev",
			wantErr: []string{"the SSO session for profile dev has expired or is missing", "(operation error SSO: GetRoleCredentials", "UnauthorizedException: Session token not found or invalid)"},
			wantAs:  new(*types.UnauthorizedException)},
		{name: "no access to the role: the API error as it is", cache: cacheFile("at", fresh), role: "Forbidden", profile: "dev",
			wantErr: []string{"operation error SSO: GetRoleCredentials, https response error StatusCode: 403", "api error ForbiddenException: No access"},
			wantAs:  new(smithy.APIError)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "corp.json")
			if tt.cache != nil {
				writeJSON(t, path, tt.cache, 0o600)
			}
			role := tt.role
			if role == "" {
				role = testRole
			}
			fake := newFakeSSO(t, "at")
			p := ssocreds.New(sso.NewFromConfig(fake.config()), testAccount, role, testStartURL, func(o *ssocreds.Options) {
				o.CachedTokenFilepath, o.Profile = path, tt.profile
				if tt.tokenProvider {
					o.SSOTokenProvider = ssocreds.NewSSOTokenProvider(ssooidc.NewFromConfig(fake.config()), path,
						func(o *ssocreds.SSOTokenProviderOptions) { o.SSOSession = tt.tpSession })
				}
			})
			creds, err := p.Retrieve(context.Background())
			if tt.wantErr == nil {
				want := aws.Credentials{AccessKeyID: "ASIAat", SecretAccessKey: "secret-at", SessionToken: "session-at", CanExpire: true,
					Expires: time.UnixMilli(fakeExpirationMS).UTC(), Source: ssocreds.ProviderName, AccountID: testAccount}
				if err != nil || !reflect.DeepEqual(creds, want) {
					t.Errorf("Retrieve: %+v, %v; want %+v", creds, err, want)
				}
				if !reflect.DeepEqual(p.ProviderSources(), []aws.CredentialSource{aws.CredentialSourceSSO}) {
					t.Errorf("ProviderSources: %v", p.ProviderSources())
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, part := range tt.wantErr {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("the error %q does not hold %q", err, part)
				}
			}
			if tt.wantAs != nil && !errors.As(err, tt.wantAs) {
				t.Errorf("%v does not unwrap to %T", err, tt.wantAs)
			}
		})
	}
}

func TestInvalidTokenErrorMessage(t *testing.T) {
	for _, tt := range []struct {
		err  ssocreds.InvalidTokenError
		want string
	}{
		{ssocreds.InvalidTokenError{}, "the SSO session has expired or is missing: run `aws sso login`"},
		{ssocreds.InvalidTokenError{CachedTokenFilepath: "/h/.aws/sso/cache/x.json", Profile: "dev", SSOSession: "corp"},
			"the SSO session for profile dev has expired or is missing (/h/.aws/sso/cache/x.json): run `aws sso login --profile dev`"},
		{ssocreds.InvalidTokenError{CachedTokenFilepath: "/f", SSOSession: "corp", Err: errors.New("why")},
			"the SSO session for sso-session corp has expired or is missing (/f): run `aws sso login --sso-session corp` (why)"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}

// TestStaysLight: ssocreds and its clients exist so that the plugin does not
// link the SDK's service packages, its config loader or its ssocreds.
func TestStaysLight(t *testing.T) {
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		gobin = "go"
	}
	cmd := exec.Command(gobin, "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range []string{"github.com/aws/aws-sdk-go-v2/service/", "github.com/aws/aws-sdk-go-v2/config", "github.com/aws/aws-sdk-go-v2/credentials"} {
			if strings.HasPrefix(dep, f) {
				t.Errorf("ssocreds links %s", dep)
			}
		}
	}
}
