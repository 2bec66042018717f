package world

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// LoginSession is a console sign-in as `aws login` leaves it: a refresh
// token bound to the DPoP key the CLI made, which AWS Sign-In
// (REGION.signin.aws.amazon.com) trades for 15-minute credentials of the
// console's role and the next refresh token, for up to 12 hours. Register it
// with SetLoginSession and write the cache file with TokenCacheJSON.
type LoginSession struct {
	// Name is the profile's login_session: the ARN of who signed in.
	Name         string
	RefreshToken string
	// ClientID is the CLI's; empty means arn:aws:signin:::devtools/same-device.
	ClientID string
	// DPoPKey is the key of the cache file's dpopKey; the service takes
	// proofs signed with it alone.
	DPoPKey *ecdsa.PrivateKey
	// RoleARN and RoleSessionName name the sessions the refresh hands out;
	// an empty RoleSessionName means the last part of Name.
	RoleARN, RoleSessionName string
	// ExpiresAt ends the refreshes; zero means 12 hours from now.
	ExpiresAt time.Time
}

// loginSessionWire is LoginSession as localaws.py reads and reports it.
type loginSessionWire struct {
	Name            string            `json:"name"`
	RefreshToken    string            `json:"refreshToken"`
	ClientID        string            `json:"clientId,omitempty"`
	JWK             map[string]string `json:"jwk,omitempty"`
	RoleARN         string            `json:"roleArn"`
	RoleSessionName string            `json:"roleSessionName,omitempty"`
	ExpiresAt       string            `json:"expiresAt,omitempty"`
}

// SetLoginSession registers (or replaces) a login session.
func (a *LocalAWS) SetLoginSession(ctx context.Context, s LoginSession) error {
	if s.Name == "" || s.RefreshToken == "" || s.RoleARN == "" || s.DPoPKey == nil {
		return errors.New("localaws: a login session needs a Name, a RefreshToken, a RoleARN and a DPoPKey")
	}
	b64 := base64.RawURLEncoding.EncodeToString
	pub, err := s.DPoPKey.PublicKey.Bytes() // 0x04 || x || y, each 32 bytes
	if err != nil {
		return fmt.Errorf("localaws: the DPoP key: %w", err)
	}
	body, err := json.Marshal(loginSessionWire{
		Name: s.Name, RefreshToken: s.RefreshToken, ClientID: s.ClientID,
		JWK:     map[string]string{"kty": "EC", "crv": "P-256", "x": b64(pub[1:33]), "y": b64(pub[33:])},
		RoleARN: s.RoleARN, RoleSessionName: s.RoleSessionName, ExpiresAt: rfc3339(s.ExpiresAt),
	})
	if err != nil {
		return err
	}
	return a.call(ctx, http.MethodPost, "/login-session", "application/json", body, nil)
}

// LoginRefreshToken returns the session's refresh token as the service holds
// it now: the one its latest refresh handed out.
func (a *LocalAWS) LoginRefreshToken(ctx context.Context, name string) (string, error) {
	var w loginSessionWire
	if err := a.call(ctx, http.MethodGet, "/login-session/"+url.PathEscape(name), "", nil, &w); err != nil {
		return "", err
	}
	return w.RefreshToken, nil
}

// TokenCacheJSON is the file `aws login` would write for s (in
// ~/.aws/login/cache/<sha256 of Name>.json): creds as the cached
// credentials of account, with the refresh token, client and DPoP key.
func (s LoginSession) TokenCacheJSON(creds aws.Credentials, account string) (string, error) {
	der, err := x509.MarshalECPrivateKey(s.DPoPKey)
	if err != nil {
		return "", fmt.Errorf("localaws: the DPoP key: %w", err)
	}
	clientID := s.ClientID
	if clientID == "" {
		clientID = "arn:aws:signin:::devtools/same-device"
	}
	data, err := json.MarshalIndent(map[string]any{
		"accessToken": map[string]string{
			"accessKeyId": creds.AccessKeyID, "secretAccessKey": creds.SecretAccessKey, "sessionToken": creds.SessionToken,
			"accountId": account, "expiresAt": creds.Expires.UTC().Format(time.RFC3339),
		},
		"tokenType": "aws_sigv4", "refreshToken": s.RefreshToken, "clientId": clientID,
		"dpopKey": string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})),
	}, "", "  ")
	return string(data) + "\n", err
}
