package ssocreds

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/eks-login/eks-login/pkg/fsutil"
)

// StandardCachedTokenFilepath returns where the AWS CLI (aws sso login) and
// the SDKs cache the SSO token for key: ~/.aws/sso/cache/<sha1 hex of
// key>.json, the home folder taken from $HOME (%USERPROFILE% on Windows).
// The key is the sso-session name, or the start URL of a profile that
// names sso_start_url directly.
func StandardCachedTokenFilepath(key string) (string, error) {
	home, _ := os.UserHomeDir()
	return StandardCachedTokenFilepathIn(home, key)
}

// StandardCachedTokenFilepathIn is StandardCachedTokenFilepath under the
// given home folder, for callers that do not read it from the environment.
func StandardCachedTokenFilepathIn(homeDir, key string) (string, error) {
	if homeDir == "" {
		return "", errors.New("unable to get the user's home directory for the cached SSO token (set HOME)")
	}
	sum := sha1.Sum([]byte(key))
	return filepath.Join(homeDir, ".aws", "sso", "cache", hex.EncodeToString(sum[:])+".json"), nil
}

// cachedToken is an SSO token cache file: the members eks-login reads, and
// every member as found, so that writing it back keeps what other tools put
// there.
type cachedToken struct {
	AccessToken           string
	ExpiresAt             time.Time // zero when absent
	RefreshToken          string
	ClientID              string
	ClientSecret          string
	RegistrationExpiresAt time.Time // zero when absent or unreadable
	StartURL              string
	Region                string

	raw map[string]json.RawMessage
}

// readCachedToken reads the cache file at path. A file that does not exist
// returns an error satisfying errors.Is(err, fs.ErrNotExist).
func readCachedToken(path string) (*cachedToken, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t := &cachedToken{}
	if err := json.Unmarshal(data, &t.raw); err != nil {
		return nil, fmt.Errorf("the cached SSO token is not a JSON object: %w", err)
	}
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"accessToken", &t.AccessToken}, {"refreshToken", &t.RefreshToken},
		{"clientId", &t.ClientID}, {"clientSecret", &t.ClientSecret},
		{"startUrl", &t.StartURL}, {"region", &t.Region},
	} {
		if v, ok := t.raw[f.key]; ok {
			if err := json.Unmarshal(v, f.dst); err != nil {
				return nil, fmt.Errorf("the cached SSO token's %s is not a string", f.key)
			}
		}
	}
	if v, ok := t.raw["expiresAt"]; ok {
		var s string
		if json.Unmarshal(v, &s) != nil {
			return nil, errors.New("the cached SSO token's expiresAt is not a string")
		}
		if t.ExpiresAt, err = parseTime(s); err != nil {
			return nil, fmt.Errorf("the cached SSO token's expiresAt %q is not an RFC 3339 time", s)
		}
	}
	if v, ok := t.raw["registrationExpiresAt"]; ok {
		var s string
		if json.Unmarshal(v, &s) == nil {
			// Unreadable, it only costs a refresh attempt the service judges.
			t.RegistrationExpiresAt, _ = parseTime(s)
		}
	}
	if t.AccessToken == "" || t.ExpiresAt.IsZero() {
		return nil, errors.New("the cached SSO token must contain accessToken and expiresAt")
	}
	return t, nil
}

// parseTime reads the times the AWS CLI and the SDKs write: RFC 3339 (with
// or without fractional seconds), and the "...UTC" form early versions of
// AWS CLI v2 wrote.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Parse("2006-01-02T15:04:05UTC", s)
}

// write replaces the cache file at path atomically, mode 0600, with the
// token's members (keys sorted, as the SDK writes them) and every other
// member it was read with.
func (t *cachedToken) write(path string) error {
	raw := make(map[string]json.RawMessage, len(t.raw)+5)
	for k, v := range t.raw {
		raw[k] = v
	}
	set := func(key, value string) {
		if value == "" {
			delete(raw, key)
			return
		}
		b, _ := json.Marshal(value) // a string always marshals
		raw[key] = b
	}
	set("accessToken", t.AccessToken)
	set("expiresAt", t.ExpiresAt.UTC().Format(time.RFC3339))
	set("refreshToken", t.RefreshToken)
	set("clientId", t.ClientID)
	set("clientSecret", t.ClientSecret)
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(raw); err != nil {
		return err
	}
	return fsutil.WriteFilePrivate(path, buf.Bytes(), 0o600)
}
