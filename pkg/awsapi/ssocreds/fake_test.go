package ssocreds_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Role credentials the fake portal hands out expire at this instant.
const fakeExpirationMS = 1893456000123

// fakeSSO is an SSO portal and an SSO OIDC service in one test server:
// the portal accepts the access tokens it knows, OIDC trades the refresh
// token it knows for "new-"+refresh token and rotates the refresh token to
// "next-"+refresh token. Every request is recorded.
type fakeSSO struct {
	*httptest.Server

	mu           sync.Mutex
	tokens       map[string]bool // access tokens the portal accepts
	refresh      string          // the refresh token OIDC accepts
	refreshError string          // when set, CreateToken fails with this code
	omitRefresh  bool            // CreateToken returns no refresh token
	expiresIn    int
	sent         []request
}

// request is what the server saw of one request: what the SDK's providers
// and ours must agree on.
type request struct {
	Method, Path, RawQuery, BearerToken, ContentType, Authorization, Body string
}

func newFakeSSO(t *testing.T, accessTokens ...string) *fakeSSO {
	f := &fakeSSO{tokens: map[string]bool{}, refresh: "rt", expiresIn: 3600}
	for _, tok := range accessTokens {
		f.tokens[tok] = true
	}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSSO) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, request{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("X-Amz-Sso_bearer_token"),
		r.Header.Get("Content-Type"), r.Header.Get("Authorization"), string(body)})
	fail := func(status int, code string, body any) {
		w.Header().Set("X-Amzn-Errortype", code)
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(body)
	}
	switch r.URL.Path {
	case "/federation/credentials":
		tok := r.Header.Get("X-Amz-Sso_bearer_token")
		if !f.tokens[tok] {
			fail(401, "UnauthorizedException", map[string]string{"message": "Session token not found or invalid"})
			return
		}
		if r.URL.Query().Get("role_name") == "Forbidden" {
			fail(403, "ForbiddenException", map[string]string{"message": "No access"})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"roleCredentials": map[string]any{
			"accessKeyId": "ASIA" + tok, "secretAccessKey": "secret-" + tok, "sessionToken": "session-" + tok, "expiration": int64(fakeExpirationMS)}})
	case "/token":
		var in struct{ ClientID, ClientSecret, GrantType, RefreshToken string }
		json.Unmarshal(body, &in)
		switch {
		case f.refreshError != "":
			fail(400, f.refreshError, map[string]string{"error": "invalid_grant", "error_description": "Invalid refresh token provided"})
		case in.GrantType != "refresh_token" || in.ClientID != "cid" || in.ClientSecret != "csecret" || in.RefreshToken != f.refresh:
			fail(400, "InvalidGrantException", map[string]string{"error": "invalid_grant"})
		default:
			access := "new-" + in.RefreshToken
			f.tokens[access] = true
			out := map[string]any{"accessToken": access, "expiresIn": f.expiresIn, "tokenType": "Bearer"}
			if !f.omitRefresh {
				f.refresh = "next-" + in.RefreshToken
				out["refreshToken"] = f.refresh
			}
			json.NewEncoder(w).Encode(out)
		}
	default:
		w.WriteHeader(404)
	}
}

func (f *fakeSSO) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.sent...)
}

func (f *fakeSSO) count(path string) int {
	n := 0
	for _, r := range f.requests() {
		if r.Path == path {
			n++
		}
	}
	return n
}

// config points both the SDK's clients and ours at the server; the
// credentials are there to show that neither service signs.
func (f *fakeSSO) config() aws.Config {
	return aws.Config{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(f.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s"}, nil
		}),
		Retryer: func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// cacheFile is the content of a token cache file as `aws sso login` writes
// it, expiring at expiresAt; drop lists members to leave out.
func cacheFile(accessToken string, expiresAt time.Time, drop ...string) map[string]any {
	m := map[string]any{
		"startUrl":              "https://corp.awsapps.com/start",
		"region":                "eu-west-1",
		"accessToken":           accessToken,
		"expiresAt":             expiresAt.UTC().Format(time.RFC3339),
		"refreshToken":          "rt",
		"clientId":              "cid",
		"clientSecret":          "csecret",
		"registrationExpiresAt": time.Now().Add(90 * 24 * time.Hour).UTC().Format(time.RFC3339),
	}
	for _, k := range drop {
		delete(m, k)
	}
	return m
}

func writeJSON(t *testing.T, path string, v any, mode os.FileMode) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v: %s", path, err, data)
	}
	return m
}
