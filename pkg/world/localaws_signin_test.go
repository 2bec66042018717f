package world

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/logincreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/signin"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const consoleRole = "ConsoleDeveloper"

// TestLocalAWSSignIn drives the AWS Sign-In emulation: the SDK's own login
// credentials provider refreshes an expired `aws login` session into a
// working session of the console's role, and hand-made DPoP proofs and
// refresh tokens that the service would refuse are refused with its error
// shape. Once at the server's URL and once at the real host names over TLS.
func TestLocalAWSSignIn(t *testing.T) {
	atBothEndpoints(t, func(ctx context.Context, t *testing.T, la *LocalAWS, cfg func(aws.Credentials) aws.Config) {
		tokenURL := "https://" + Region + ".signin.aws.amazon.com/v1/token"
		if base := cfg(aws.Credentials{}).BaseEndpoint; base != nil {
			tokenURL = *base + "/v1/token"
		}
		boot := iam.NewFromConfig(cfg(aws.Credentials{AccessKeyID: "AKIAWORLDBOOTSTRAP00", SecretAccessKey: "bootstrap"}))
		must(boot.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(consoleRole),
			AssumeRolePolicyDocument: policy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + testAccount + `:root"},"Action":"sts:AssumeRole"}`)}))(t)
		must(boot.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(consoleRole), PolicyName: aws.String("ListRoles"),
			PolicyDocument: policy(`{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}`)}))(t)
		if err := la.EnforceIAM(ctx, true); err != nil {
			t.Fatal(err)
		}
		t.Run("refresh through the SDK", func(t *testing.T) { testLoginRefresh(ctx, t, la, cfg) })
		t.Run("refused", func(t *testing.T) { testLoginRefused(ctx, t, la, cfg, tokenURL) })
	})
}

func newLoginSession(ctx context.Context, t *testing.T, la *LocalAWS, name string) LoginSession {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s := LoginSession{Name: "arn:aws:sts::" + testAccount + ":assumed-role/" + consoleRole + "/" + name, RefreshToken: "refresh-" + name,
		DPoPKey: key, RoleARN: "arn:aws:iam::" + testAccount + ":role/" + consoleRole}
	if err := la.SetLoginSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	return s
}

func testLoginRefresh(ctx context.Context, t *testing.T, la *LocalAWS, cfg func(aws.Credentials) aws.Config) {
	s := newLoginSession(ctx, t, la, "alice")
	expired := aws.Credentials{AccessKeyID: "ASIAEXPIRED", SecretAccessKey: "old-secret", SessionToken: "old-token", Expires: time.Now().Add(-time.Minute)}
	cache, err := s.TokenCacheJSON(expired, testAccount)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "session.json")
	if err := os.WriteFile(path, []byte(cache), 0o600); err != nil {
		t.Fatal(err)
	}
	client := signin.NewFromConfig(cfg(aws.Credentials{AccessKeyID: "AKIANOTUSED000000000", SecretAccessKey: "x"}))
	creds, err := logincreds.New(client, path).Retrieve(ctx)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if until := time.Until(creds.Expires); until < 14*time.Minute || until > 15*time.Minute {
		t.Errorf("the refreshed credentials last %v, want 15 minutes", until)
	}
	id, err := sts.NewFromConfig(cfg(creds)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if want := "arn:aws:sts::" + testAccount + ":assumed-role/" + consoleRole + "/alice"; err != nil || aws.ToString(id.Arn) != want {
		t.Fatalf("GetCallerIdentity with the refreshed credentials: %v, %v; want %s", id, err, want)
	}
	if _, err := iam.NewFromConfig(cfg(creds)).ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Errorf("the refreshed credentials cannot use the role's policy: %v", err)
	}
	var file struct {
		AccessToken  struct{ AccessKeyID string }
		RefreshToken string
	}
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	held := must(la.LoginRefreshToken(ctx, s.Name))(t)
	if held == s.RefreshToken || file.RefreshToken != held || file.AccessToken.AccessKeyID != creds.AccessKeyID {
		t.Errorf("the cache file holds refresh token %q and key %q; the service %q, the credentials %q", file.RefreshToken, file.AccessToken.AccessKeyID, held, creds.AccessKeyID)
	}

	// A refresh token the service does not know: the SDK reads the
	// service's AccessDeniedException (TOKEN_EXPIRED) as a session to sign
	// in to again.
	s.RefreshToken = "refresh-revoked"
	if cache, err = s.TokenCacheJSON(expired, testAccount); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(cache), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := logincreds.New(client, path).Retrieve(ctx); err == nil || !strings.Contains(err.Error(), "login session has expired, please reauthenticate") {
		t.Errorf("refresh with a revoked token: %v, want the SDK's login session has expired", err)
	}
}

// dpop is a DPoP proof (RFC 9449) as the SDK makes it, signed with key and
// showing jwk's public key.
func dpop(t *testing.T, key *ecdsa.PrivateKey, jwk *ecdsa.PublicKey, htm, htu string, iat time.Time) string {
	t.Helper()
	b64 := base64.RawURLEncoding.EncodeToString
	pub, _ := jwk.Bytes()
	header, _ := json.Marshal(map[string]any{"typ": "dpop+jwt", "alg": "ES256",
		"jwk": map[string]string{"kty": "EC", "crv": "P-256", "x": b64(pub[1:33]), "y": b64(pub[33:])}})
	claims, _ := json.Marshal(map[string]any{"jti": fmt.Sprint(time.Now().UnixNano()), "htm": htm, "htu": htu, "iat": iat.Unix()})
	msg := b64(header) + "." + b64(claims)
	digest := sha256.Sum256([]byte(msg))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return msg + "." + b64(sig)
}

type tokenAnswer struct {
	status      int
	code, error string // x-amzn-ErrorType and the body's OAuth2 error code
	refresh     string // the body's refreshToken
}

func postToken(ctx context.Context, t *testing.T, client aws.HTTPClient, url, proof string, body map[string]string) tokenAnswer {
	t.Helper()
	data, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	if proof != "" {
		req.Header.Set("DPoP", proof)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Error, RefreshToken string }
	json.NewDecoder(resp.Body).Decode(&out)
	return tokenAnswer{status: resp.StatusCode, code: resp.Header.Get("X-Amzn-ErrorType"), error: out.Error, refresh: out.RefreshToken}
}

func testLoginRefused(ctx context.Context, t *testing.T, la *LocalAWS, cfg func(aws.Credentials) aws.Config, url string) {
	var client aws.HTTPClient = http.DefaultClient
	if c := cfg(aws.Credentials{}).HTTPClient; c != nil {
		client = c
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	invalid := tokenAnswer{status: 400, code: "ValidationException", error: "INVALID_REQUEST"}
	expired := tokenAnswer{status: 401, code: "AccessDeniedException", error: "TOKEN_EXPIRED"}
	for _, tt := range []struct {
		name string
		// proof makes the DPoP header for session s; nil means a good one.
		proof  func(s LoginSession) string
		body   func(s LoginSession) map[string]string // nil means a good refresh
		before func(s *LoginSession)                  // changes the session before it is registered
		want   tokenAnswer
	}{
		{name: "no proof", proof: func(LoginSession) string { return "" }, want: invalid},
		{name: "proof with another key", proof: func(LoginSession) string { return dpop(t, other, &other.PublicKey, "POST", url, time.Now()) }, want: invalid},
		{name: "signature by another key", proof: func(s LoginSession) string { return dpop(t, other, &s.DPoPKey.PublicKey, "POST", url, time.Now()) }, want: invalid},
		{name: "proof for another URL", proof: func(s LoginSession) string {
			return dpop(t, s.DPoPKey, &s.DPoPKey.PublicKey, "POST", strings.Replace(url, "/v1/token", "/v1/authorize", 1), time.Now())
		}, want: invalid},
		{name: "proof for another method", proof: func(s LoginSession) string { return dpop(t, s.DPoPKey, &s.DPoPKey.PublicKey, "GET", url, time.Now()) }, want: invalid},
		{name: "stale proof", proof: func(s LoginSession) string {
			return dpop(t, s.DPoPKey, &s.DPoPKey.PublicKey, "POST", url, time.Now().Add(-10*time.Minute))
		}, want: invalid},
		{name: "unknown refresh token", body: func(s LoginSession) map[string]string {
			return map[string]string{"clientId": "arn:aws:signin:::devtools/same-device", "grantType": "refresh_token", "refreshToken": "refresh-forged"}
		}, want: expired},
		{name: "other client", body: func(s LoginSession) map[string]string {
			return map[string]string{"clientId": "arn:aws:signin:::devtools/cross-device", "grantType": "refresh_token", "refreshToken": s.RefreshToken}
		}, want: expired},
		{name: "session over", before: func(s *LoginSession) { s.ExpiresAt = time.Now().Add(-time.Minute) }, want: expired},
		{name: "authorization code", body: func(LoginSession) map[string]string {
			return map[string]string{"clientId": "arn:aws:signin:::devtools/same-device", "grantType": "authorization_code", "code": "c"}
		}, want: invalid},
		{name: "good refresh", want: tokenAnswer{status: 200}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newLoginSession(ctx, t, la, strings.ReplaceAll(tt.name, " ", "-"))
			if tt.before != nil {
				tt.before(&s)
				if err := la.SetLoginSession(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			proof := dpop(t, s.DPoPKey, &s.DPoPKey.PublicKey, "POST", url, time.Now())
			if tt.proof != nil {
				proof = tt.proof(s)
			}
			body := map[string]string{"clientId": "arn:aws:signin:::devtools/same-device", "grantType": "refresh_token", "refreshToken": s.RefreshToken}
			if tt.body != nil {
				body = tt.body(s)
			}
			got := postToken(ctx, t, client, url, proof, body)
			if tt.want.status != 200 {
				if got != tt.want {
					t.Fatalf("answer %+v, want %+v", got, tt.want)
				}
				if held := must(la.LoginRefreshToken(ctx, s.Name))(t); held != s.RefreshToken {
					t.Errorf("a refused refresh rotated the refresh token")
				}
				return
			}
			if got.status != 200 || got.refresh == "" || got.refresh == s.RefreshToken {
				t.Fatalf("answer %+v, want 200 and a new refresh token", got)
			}
			// The same proof again is a replay; a new proof with the old
			// token is a retry, answered as the first time (the refresh is
			// idempotent while its credentials last).
			if replay := postToken(ctx, t, client, url, proof, body); replay != invalid {
				t.Errorf("replayed proof: %+v, want %+v", replay, invalid)
			}
			retry := postToken(ctx, t, client, url, dpop(t, s.DPoPKey, &s.DPoPKey.PublicKey, "POST", url, time.Now()), body)
			if retry.status != 200 || retry.refresh != got.refresh {
				t.Errorf("retried refresh: %+v, want the first answer's refresh token %s", retry, got.refresh)
			}
		})
	}
}
