package reliability

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/token"
)

// TestNoSecretsLeak runs every command with --verbose, successes and
// failures, and looks for the secret key, the session token and the token's
// signature in stdout, stderr and every file written; only token's stdout may
// hold the token, and only the cache entry the credentials.
func TestNoSecretsLeak(t *testing.T) {
	l := startAWS(t)
	bin := binary(t)
	home, env := l.home(t)
	cache := filepath.Join(home, ".kube", "cache", "eks-login")
	type out struct{ name, stdout, stderr string }
	var outs []out
	run := func(name string, args ...string) string {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		t.Logf("%s: %v", name, err)
		outs = append(outs, out{name, o.String(), e.String()})
		return o.String()
	}
	tok := "token --cluster-name c0 --profile dev1-eks --verbose"
	cold := run("token cold", strings.Fields(tok)...)
	run("token warm", strings.Fields(tok)...)
	run("token refresh", append(strings.Fields(tok), "--force-refresh")...)
	run("token no-cache", append(strings.Fields(tok), "--no-cache")...)
	run("token role-arn", "token", "--cluster-name", "c0", "--profile", "dev1", "--role-arn", viewerARN, "--verbose")
	run("token bad profile", "token", "--cluster-name", "c0", "--profile", "nobody", "--verbose")
	run("login", "login", "--cluster", "c1", "--role-arn", viewerARN, "--source-profile", "dev1", "--profile", "leak-eks", "--no-verify", "--verbose")
	run("login dry-run", "login", "--cluster", "c2", "--role-arn", viewerARN, "--source-profile", "dev1", "--profile", "leak-eks", "--dry-run", "--verbose")
	run("login missing cluster", "login", "--cluster", "nope", "--role-arn", viewerARN, "--source-profile", "dev1", "--profile", "leak-eks", "--no-verify", "--verbose")
	run("logout", "logout", "--cluster", "c1", "--verbose")
	run("admin list (no cluster)", "admin", "list", "--cluster", "c0", "--verbose")
	run("admin map (no cluster)", "admin", "map", "--role-arn", viewerARN, "--username", "u", "--verbose")
	run("admin iam dry-run", "admin", "iam", "--cluster", "c0", "--role", "R", "--dry-run", "--verbose")
	keyFile := filepath.Join(home, "leakdev-keys")
	run("admin iam (creates a user and its access key)", "admin", "iam", "--cluster", "c0", "--role", "LeakViewer", "--iam-group", "LeakDevelopers",
		"--user", "leakdev", "--create-users", "--access-key-file", keyFile, "--profile", "dev1", "--region", region)
	run("admin iam again (finds it all)", "admin", "iam", "--cluster", "c0", "--role", "LeakViewer", "--iam-group", "LeakDevelopers",
		"--user", "leakdev", "--profile", "dev1", "--region", region)
	run("version", "version")
	run("completion", "completion", "bash")

	var ec struct{ Status struct{ Token string } }
	if err := json.Unmarshal([]byte(cold), &ec); err != nil || ec.Status.Token == "" {
		t.Fatalf("cold token call printed %q", cold)
	}
	u, err := token.Decode(ec.Status.Token)
	if err != nil {
		t.Fatal(err)
	}
	sig := u.Query().Get("X-Amz-Signature")
	var entry struct {
		Credentials struct{ SecretAccessKey, SessionToken string }
	}
	entries, _ := filepath.Glob(filepath.Join(cache, "*.json"))
	if len(entries) == 0 {
		t.Fatal("no cache entry")
	}
	data, _ := os.ReadFile(entries[0])
	json.Unmarshal(data, &entry)
	// The access key admin iam made lives in its key file alone, mode 0600.
	keyInfo, err := os.Stat(keyFile)
	if err != nil {
		t.Fatalf("admin iam wrote no key file: %v", err)
	}
	if keyInfo.Mode().Perm() != 0o600 {
		t.Errorf("the access key file has mode %v, want 0600", keyInfo.Mode().Perm())
	}
	keyData, _ := os.ReadFile(keyFile)
	_, newSecret, _ := strings.Cut(string(keyData), "aws_secret_access_key = ")
	newSecret, _, _ = strings.Cut(newSecret, "\n")
	secrets := map[string]string{"secret access key": l.secret, "role secret key": entry.Credentials.SecretAccessKey,
		"session token": entry.Credentials.SessionToken, "signature": sig, "new user's secret key": strings.TrimSpace(newSecret)}
	for what, s := range secrets {
		if len(s) < 8 {
			t.Fatalf("%s too short to look for: %q", what, s)
		}
		// Query strings may carry it escaped.
		for _, form := range []string{s, url.QueryEscape(s)} {
			for _, o := range outs {
				if strings.Contains(o.stderr, form) {
					t.Errorf("%s: stderr holds the %s", o.name, what)
				}
				if strings.Contains(o.stdout, form) && !(strings.HasPrefix(o.name, "token") && what == "signature") {
					t.Errorf("%s: stdout holds the %s", o.name, what)
				}
			}
		}
	}
	// Files: everything under HOME except the credentials file (which the
	// user wrote) and the cache entries (checked for their mode).
	filepath.WalkDir(home, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		fi, _ := d.Info()
		if d.IsDir() && strings.HasPrefix(p, cache) && fi.Mode().Perm() != 0o700 {
			t.Errorf("cache folder %s has mode %v", p, fi.Mode().Perm())
		}
		if !d.Type().IsRegular() || p == filepath.Join(home, ".aws", "credentials") || p == keyFile {
			return nil
		}
		if strings.HasPrefix(p, cache) {
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("cache file %s has mode %v", p, fi.Mode().Perm())
			}
			return nil
		}
		b, _ := os.ReadFile(p)
		for what, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds the %s", p, what)
			}
		}
		if bytes.Contains(b, []byte(ec.Status.Token)) {
			t.Errorf("%s holds the token", p)
		}
		return nil
	})
	t.Logf("scanned %d command outputs for %d secrets", len(outs), len(secrets))

	// A cache others can read is refused, and nothing is printed. (login
	// changed the config file, which is part of the key: mint the current
	// entry first.)
	run("token after login", strings.Fields(tok)...)
	entries, _ = filepath.Glob(filepath.Join(cache, "*.json"))
	for _, e := range entries {
		os.Chmod(e, 0o644)
	}
	cmd := exec.Command(bin, strings.Fields(tok)...)
	cmd.Env = env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err == nil || !strings.Contains(e.String(), "open to other users") || o.Len() != 0 {
		t.Errorf("a readable cache entry is not refused: %v %q %q", err, o.String(), e.String())
	}
	for _, e := range entries {
		os.Chmod(e, 0o600)
	}
	os.Chmod(cache, 0o755)
	e.Reset()
	cmd = exec.Command(bin, strings.Fields(tok)...)
	cmd.Env, cmd.Stderr = env, &e
	if err := cmd.Run(); err == nil || !strings.Contains(e.String(), "open to other users") {
		t.Errorf("a readable cache folder is not refused: %v %q", err, e.String())
	}
}
