package ssocreds_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkssocreds "github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	sdksso "github.com/aws/aws-sdk-go-v2/service/sso"
	sdkoidc "github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/sso"
	"github.com/eks-login/eks-login/pkg/awsapi/ssocreds"
	"github.com/eks-login/eks-login/pkg/awsapi/ssooidc"
)

const (
	testAccount  = "123456789012"
	testRole     = "Developer+=,.@-"
	testStartURL = "https://corp.awsapps.com/start"
)

// TestStandardCachedTokenFilepathLikeTheSDK: the same key names the same
// file under $HOME, and StandardCachedTokenFilepathIn agrees for an explicit
// home.
func TestStandardCachedTokenFilepathLikeTheSDK(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, key := range []string{"corp", testStartURL, "", "ünïcode session"} {
		want, err := sdkssocreds.StandardCachedTokenFilepath(key)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := ssocreds.StandardCachedTokenFilepath(key); got != want || err != nil {
			t.Errorf("StandardCachedTokenFilepath(%q) = %s, %v; the SDK says %s", key, got, err, want)
		}
		if got, err := ssocreds.StandardCachedTokenFilepathIn(home, key); got != want || err != nil {
			t.Errorf("StandardCachedTokenFilepathIn(home, %q) = %s, %v; want %s", key, got, err, want)
		}
	}
	if got, _ := ssocreds.StandardCachedTokenFilepathIn("/home/dev", "corp"); got != "/home/dev/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json" {
		t.Errorf("the sha1 of %q: %s", "corp", got)
	}
	if _, err := ssocreds.StandardCachedTokenFilepathIn("", "corp"); err == nil {
		t.Error("no error without a home folder")
	}
}

// TestLikeTheSDK: the SDK's credentials/ssocreds and ours, on the SDK's
// clients and ours, against the same server and identical cache files, get
// the same credentials, send the same requests and leave the same file.
func TestLikeTheSDK(t *testing.T) {
	fresh := time.Now().Add(time.Hour)
	expired := time.Now().Add(-time.Hour)
	for _, tt := range []struct {
		name string
		// cache is the file's content; tokenProvider uses an sso-session
		// token provider, else the file is read straight (legacy profile).
		cache         map[string]any
		tokenProvider bool
		// byStartURL leaves CachedTokenFilepath empty: the file is found
		// under $HOME by the start URL.
		byStartURL   bool
		refreshError string
		role         string
		wantErrCode  string // the API error both report, if any
		wantErr      bool
		wantCalls    int
	}{
		{name: "legacy profile, cache file by start URL", cache: cacheFile("at", fresh), byStartURL: true, wantCalls: 1},
		{name: "legacy profile, cache file named", cache: cacheFile("at", fresh), wantCalls: 1},
		{name: "legacy profile, expired token", cache: cacheFile("at", expired), wantErr: true},
		{name: "sso-session, fresh token", cache: cacheFile("at", fresh), tokenProvider: true, wantCalls: 1},
		{name: "sso-session, expired token is refreshed", cache: cacheFile("expired-at", expired), tokenProvider: true, wantCalls: 2},
		{name: "sso-session, the refresh is refused", cache: cacheFile("expired-at", expired), tokenProvider: true, refreshError: "InvalidGrantException",
			wantErrCode: "InvalidGrantException", wantCalls: 1},
		{name: "sso-session, expired and not refreshable", cache: cacheFile("expired-at", expired, "refreshToken"), tokenProvider: true, wantErr: true},
		{name: "the portal does not know the token", cache: cacheFile("revoked", fresh), tokenProvider: true, wantErrCode: "UnauthorizedException", wantCalls: 1},
		{name: "no access to the role", cache: cacheFile("at", fresh), role: "Forbidden", wantErrCode: "ForbiddenException", wantCalls: 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			role := tt.role
			if role == "" {
				role = testRole
			}
			type result struct {
				creds aws.Credentials
				err   error
				sent  []request
				file  map[string]any
			}
			run := func(sdk bool) result {
				home := t.TempDir()
				t.Setenv("HOME", home)
				path := filepath.Join(home, "token.json")
				if tt.byStartURL {
					path, _ = ssocreds.StandardCachedTokenFilepath(testStartURL)
				}
				writeJSON(t, path, tt.cache, 0o600)
				fake := newFakeSSO(t, "at")
				fake.refreshError = tt.refreshError
				named := path
				if tt.byStartURL {
					named = ""
				}
				var p aws.CredentialsProvider
				if sdk {
					p = sdkssocreds.New(sdksso.NewFromConfig(fake.config()), testAccount, role, testStartURL, func(o *sdkssocreds.Options) {
						o.CachedTokenFilepath = named
						if tt.tokenProvider {
							o.SSOTokenProvider = sdkssocreds.NewSSOTokenProvider(sdkoidc.NewFromConfig(fake.config()), path)
						}
					})
				} else {
					p = ssocreds.New(sso.NewFromConfig(fake.config()), testAccount, role, testStartURL, func(o *ssocreds.Options) {
						o.CachedTokenFilepath = named
						if tt.tokenProvider {
							o.SSOTokenProvider = ssocreds.NewSSOTokenProvider(ssooidc.NewFromConfig(fake.config()), path)
						}
					})
				}
				creds, err := p.Retrieve(context.Background())
				file := readJSON(t, path)
				// Written a moment apart: compare to the second, then drop.
				if at, ok := file["expiresAt"].(string); ok {
					if when, perr := time.Parse(time.RFC3339, at); perr == nil && when.After(time.Now().Add(59*time.Minute)) {
						file["expiresAt"] = "about an hour from now"
					}
				}
				return result{creds, err, fake.requests(), file}
			}
			want, got := run(true), run(false)
			if !reflect.DeepEqual(got.creds, want.creds) {
				t.Errorf("credentials:\n got %+v\nwant %+v", got.creds, want.creds)
			}
			if (got.err != nil) != (want.err != nil) || (got.err != nil) != (tt.wantErr || tt.wantErrCode != "") {
				t.Errorf("errors: got %v, the SDK %v", got.err, want.err)
			}
			var gotAPI, wantAPI smithy.APIError
			if tt.wantErrCode != "" && (!errors.As(got.err, &gotAPI) || !errors.As(want.err, &wantAPI) ||
				gotAPI.ErrorCode() != tt.wantErrCode || wantAPI.ErrorCode() != tt.wantErrCode) {
				t.Errorf("want %s from both, got %v; the SDK %v", tt.wantErrCode, got.err, want.err)
			}
			if !reflect.DeepEqual(got.sent, want.sent) {
				t.Errorf("requests:\n got %+v\nwant %+v", got.sent, want.sent)
			}
			if len(got.sent) != tt.wantCalls {
				t.Errorf("%d requests, want %d", len(got.sent), tt.wantCalls)
			}
			for _, r := range got.sent {
				if r.Authorization != "" {
					t.Errorf("a signed request: %+v", r)
				}
			}
			if !reflect.DeepEqual(got.file, want.file) {
				t.Errorf("the cache file afterwards:\n got %v\nwant %v", got.file, want.file)
			}
			if got.err == nil && (got.creds.AccessKeyID == "" || !got.creds.CanExpire || got.creds.Expires.UnixMilli() != fakeExpirationMS ||
				got.creds.Source != ssocreds.ProviderName || got.creds.AccountID != testAccount) {
				t.Errorf("credentials %+v", got.creds)
			}
		})
	}
}
