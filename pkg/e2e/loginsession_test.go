package e2e

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eks-login/eks-login/pkg/world"
)

// TestTokenThroughLoginSession: kubectl through the token command with a
// login_session profile, whose credentials `aws login` cached: here the
// session of the role a person signed in to the console with. The AWS SDK
// reads them from ~/.aws/login/cache while they last, and once they have
// expired refreshes them at the world's AWS Sign-In service, with a DPoP
// proof signed by the cached key, and rewrites the cache file. A refresh
// token the service refuses, or no session at all, makes the plugin exit 4
// and say to run aws login, without a secret in its words.
func TestTokenThroughLoginSession(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	admin := newAdmin(t)
	a := grantIAMByHand(t, "login1", "LoginDevelopers", "EKSLoginViewer")
	mapRoleByHand(t, admin, &a, "login-developer", "login-developers")
	role, err := sts.NewFromConfig(theWorld.AWSConfig(a.KeyID, a.Secret)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(a.RoleARN), RoleSessionName: aws.String("console-login1")})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := theWorld.NewPerson(t.TempDir(), a.User, pluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	session := world.LoginSession{Name: aws.ToString(role.AssumedRoleUser.Arn), RefreshToken: fmt.Sprintf("refresh-login1-%d", time.Now().UnixNano()),
		DPoPKey: key, RoleARN: a.RoleARN, RoleSessionName: "console-login1"}
	if err := theWorld.AWS.SetLoginSession(ctx, session); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(session.Name))
	cacheFile := filepath.Join(dev.Home, ".aws", "login", "cache", hex.EncodeToString(sum[:])+".json")
	if err := os.MkdirAll(filepath.Dir(cacheFile), 0o700); err != nil {
		t.Fatal(err)
	}
	for rel, content := range map[string]string{
		".aws/config":  "[profile console]\nlogin_session = " + session.Name + "\nregion = " + world.Region + "\n",
		".kube/config": tokenKubeconfig("console"),
	} {
		if err := dev.WriteFile(rel, content); err != nil {
			t.Fatal(err)
		}
	}
	c := role.Credentials
	fresh := aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken), Expires: aws.ToTime(c.Expiration)}
	expired := aws.Credentials{AccessKeyID: "ASIAEXPIREDLOGIN0001", SecretAccessKey: "expired-login-secret", SessionToken: "expired-login-session-token", Expires: time.Now().Add(-time.Minute)}
	writeLoginCache(t, session, fresh, cacheFile)
	run := func(args ...string) (string, error) { return dev.Run(ctx, args[0], args[1:]...) }
	refreshes := loginRefreshes(ctx, t)
	pods, err := eventually(ctx, func() (string, error) { return run("kubectl", "get", "pods", "-A") }, func(err error) bool { return err == nil })
	if err != nil {
		t.Fatalf("kubectl through a login_session profile: %v\n%s", err, pods)
	}
	wantWhoami(t, run, a.Role)
	if got := loginRefreshes(ctx, t) - refreshes; got != 0 {
		t.Errorf("%d CreateOAuth2Token calls with fresh credentials, want none", got)
	}

	t.Run("expired credentials are refreshed", func(t *testing.T) {
		testLoginRefresh(ctx, t, dev.Home, session, expired, cacheFile, run, a.Role)
	})
	t.Run("refresh refused", func(t *testing.T) {
		revoked := session
		revoked.RefreshToken = "refresh-revoked-login1"
		writeLoginCache(t, revoked, expired, cacheFile)
		before, _ := os.ReadFile(cacheFile)
		stderr := tokenFails(ctx, t, dev, cacheFile)
		for _, secret := range []string{expired.AccessKeyID, expired.SecretAccessKey, expired.SessionToken, revoked.RefreshToken, pemBody(t, before)} {
			if strings.Contains(stderr, secret) {
				t.Errorf("stderr shows a secret (%.6s...):\n%s", secret, stderr)
			}
		}
		if after, _ := os.ReadFile(cacheFile); !bytes.Equal(after, before) {
			t.Errorf("a refused refresh changed the cache file:\n%s", after)
		}
	})
	t.Run("signed out", func(t *testing.T) {
		if err := os.Remove(cacheFile); err != nil {
			t.Fatal(err)
		}
		tokenFails(ctx, t, dev, cacheFile)
	})
}

func writeLoginCache(t *testing.T, s world.LoginSession, creds aws.Credentials, cacheFile string) {
	t.Helper()
	data, err := s.TokenCacheJSON(creds, world.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cacheFile, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func wantWhoami(t *testing.T, run func(...string) (string, error), role string) {
	t.Helper()
	if whoami, err := run("kubectl", "auth", "whoami"); err != nil || !strings.Contains(whoami, "login-developer") || !strings.Contains(whoami, "assumed-role/"+role+"/console-login1") {
		t.Errorf("kubectl auth whoami: %v\n%s\nwant login-developer through the console session", err, whoami)
	}
}

// testLoginRefresh: with expired credentials in the cache, kubectl works
// through one refresh at the sign-in service, whose new credentials and
// refresh token the SDK writes back to the cache file, which stays 0600.
func testLoginRefresh(ctx context.Context, t *testing.T, home string, s world.LoginSession, expired aws.Credentials, cacheFile string, run func(...string) (string, error), role string) {
	writeLoginCache(t, s, expired, cacheFile)
	if err := os.RemoveAll(filepath.Join(home, ".kube", "cache", "eks-login")); err != nil {
		t.Fatal(err)
	}
	before := loginRefreshes(ctx, t)
	if out, err := run("kubectl", "get", "pods", "-A"); err != nil {
		t.Fatalf("kubectl with expired login credentials: %v\n%s", err, out)
	}
	wantWhoami(t, run, role)
	if got := loginRefreshes(ctx, t) - before; got != 1 {
		t.Errorf("%d CreateOAuth2Token calls, want 1", got)
	}
	data, err := os.ReadFile(cacheFile)
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		AccessToken struct {
			AccessKeyID, SecretAccessKey, SessionToken string
			ExpiresAt                                  time.Time
		}
		RefreshToken, ClientID, DPoPKey string
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("the login cache file: %v", err)
	}
	held, err := theWorld.AWS.LoginRefreshToken(ctx, s.Name)
	if err != nil {
		t.Fatal(err)
	}
	at := file.AccessToken
	if at.AccessKeyID == expired.AccessKeyID || at.SecretAccessKey == "" || at.SessionToken == "" || time.Until(at.ExpiresAt) < 14*time.Minute ||
		file.RefreshToken == s.RefreshToken || file.RefreshToken != held || !strings.Contains(file.DPoPKey, "EC PRIVATE KEY") {
		t.Errorf("the login cache file after the refresh: key %s, expires %s, refresh token new %v and the service's %v, dpop key kept %v",
			at.AccessKeyID, at.ExpiresAt, file.RefreshToken != s.RefreshToken, file.RefreshToken == held, strings.Contains(file.DPoPKey, "EC PRIVATE KEY"))
	}
	if info, err := os.Stat(cacheFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the login cache file's mode: %v (%v), want 0600", info.Mode(), err)
	}
}

func loginRefreshes(ctx context.Context, t *testing.T) int {
	t.Helper()
	calls, err := theWorld.AWS.Calls(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return calls["signin:CreateOAuth2Token"]
}

// tokenFails runs the plugin as kubectl would and wants exit 4, nothing on
// stdout and the advice to run aws login on stderr, which it returns.
func tokenFails(ctx context.Context, t *testing.T, dev *world.Person, cacheFile string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, dev.LookPath("kubectl-eks_login"), "token", "--cluster-name", world.ClusterName, "--profile", "console", "--no-cache")
	cmd.Env, cmd.Dir = dev.Env(), dev.Home
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	want := "the AWS login session for profile console has expired or is missing (" + cacheFile + "): run `aws login --profile console`"
	if exitCode(err) != 4 || stdout.Len() != 0 || !strings.Contains(stderr.String(), want) {
		t.Errorf("token: %v, stdout %q; want exit 4 and %q on stderr:\n%s", err, stdout.String(), want, stderr.String())
	}
	return stderr.String()
}

// pemBody is a line from the middle of the cache file's dpopKey.
func pemBody(t *testing.T, cache []byte) string {
	t.Helper()
	var file struct{ DPoPKey string }
	if err := json.Unmarshal(cache, &file); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(file.DPoPKey, "\n")
	if len(lines) < 3 {
		t.Fatalf("the dpopKey is no PEM: %d lines", len(lines))
	}
	return lines[1]
}
