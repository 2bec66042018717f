package awsclient

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/logincreds"
)

// TestLoginSession: a login_session profile (aws login) resolves through the
// SDK: from the cached session while it lasts, refreshed at the sign-in
// service (a local fake of CreateOAuth2Token) once it has expired, and a
// missing session says to run aws login.
func TestLoginSession(t *testing.T) {
	const session = "arn:aws:iam::123456789012:user/alice"
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalECPrivateKey(key)
	dpop := string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
	var refreshes []string
	signin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/v1/token" || r.Header.Get("DPoP") == "" {
			w.WriteHeader(400)
			return
		}
		refreshes = append(refreshes, string(body))
		json.NewEncoder(w).Encode(map[string]any{
			"accessToken": map[string]string{"accessKeyId": "ASIAREFRESHED", "secretAccessKey": "refreshed-secret", "sessionToken": "refreshed-token"},
			"tokenType":   "aws_sigv4", "expiresIn": 900, "refreshToken": "refresh-2",
		})
	}))
	defer signin.Close()

	for _, tt := range []struct {
		name      string
		expiresIn time.Duration // of the cached session; 0 for no cache file
		wantKey   string
		refreshed bool
	}{
		{name: "cached session", expiresIn: time.Hour, wantKey: "ASIACACHED"},
		{name: "expired session is refreshed", expiresIn: -time.Minute, wantKey: "ASIAREFRESHED", refreshed: true},
		{name: "no session"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			refreshes = nil
			cacheDir := t.TempDir()
			t.Setenv("AWS_LOGIN_CACHE_DIRECTORY", cacheDir)
			if tt.expiresIn != 0 {
				cached, _ := json.Marshal(map[string]any{
					"accessToken": map[string]any{"accessKeyId": "ASIACACHED", "secretAccessKey": "cached-secret", "sessionToken": "cached-token",
						"accountId": "123456789012", "expiresAt": time.Now().Add(tt.expiresIn).UTC().Format(time.RFC3339)},
					"tokenType": "aws_sigv4", "refreshToken": "refresh-1", "clientId": "arn:aws:signin:::devtools/same-device", "dpopKey": dpop,
				})
				path, _ := logincreds.StandardCachedTokenFilepath(session, cacheDir)
				if err := os.WriteFile(path, cached, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			r := files(t, "[profile ls]\nlogin_session = "+session+"\nregion = us-east-1\n", "")
			r.Profile = "ls"
			r.Options = append(r.Options, config.WithBaseEndpoint(signin.URL))
			cfg, err := Load(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			creds, err := cfg.Credentials.Retrieve(context.Background())
			if tt.wantKey == "" {
				var se *SignInError
				if !errors.As(err, &se) || !se.Login || !strings.Contains(err.Error(), "run `aws login --profile ls`") || filepath.Dir(se.CacheFile) != cacheDir {
					t.Fatalf("want a SignInError saying to run aws login, got %v", err)
				}
				return
			}
			if err != nil || creds.AccessKeyID != tt.wantKey {
				t.Fatalf("credentials %q, %v; want %s", creds.AccessKeyID, err, tt.wantKey)
			}
			if got := len(refreshes) == 1 && strings.Contains(refreshes[0], `"refreshToken":"refresh-1"`); got != tt.refreshed {
				t.Errorf("refresh calls %q, want a refresh: %v", refreshes, tt.refreshed)
			}
		})
	}
}
