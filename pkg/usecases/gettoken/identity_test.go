package gettoken

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Two roles whose ARNs have the same length, so that a config naming one
// and a config naming the other have the same size.
const (
	roleA = "arn:aws:iam::" + account + ":role/EKSRoleAAAA"
	roleB = "arn:aws:iam::" + account + ":role/EKSRoleBBBB"
)

func roleConfig(role string) string {
	return "[profile dev1]\nregion = ap-northeast-2\n\n[profile dev1-eks]\nrole_arn = " + role + "\nsource_profile = dev1\nregion = ap-northeast-2\n"
}

// TestCacheFollowsTheFileNotItsLooks: the cache must never serve the token of
// a role the AWS files no longer name (issue 18.3). Each case makes the
// config name role B in a way that keeps the path, the size and the mtime
// the entry for role A was keyed on.
func TestCacheFollowsTheFileNotItsLooks(t *testing.T) {
	mtime := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name    string
		setup   func(t *testing.T, cfg string) // the config names role A
		switch_ func(t *testing.T, cfg string) // now it names role B
	}{
		{"a symlink switched to another file of the same size and mtime",
			func(t *testing.T, cfg string) {
				writeAt(t, cfg+".a", roleConfig(roleA), mtime)
				writeAt(t, cfg+".b", roleConfig(roleB), mtime)
				if err := os.Symlink(cfg+".a", cfg); err != nil {
					t.Fatal(err)
				}
			},
			func(t *testing.T, cfg string) {
				os.Remove(cfg)
				if err := os.Symlink(cfg+".b", cfg); err != nil {
					t.Fatal(err)
				}
			}},
		{"another file of the same size and mtime renamed over it",
			func(t *testing.T, cfg string) {
				writeAt(t, cfg, roleConfig(roleA), mtime)
				writeAt(t, cfg+".b", roleConfig(roleB), mtime)
			},
			func(t *testing.T, cfg string) {
				if err := os.Rename(cfg+".b", cfg); err != nil {
					t.Fatal(err)
				}
			}},
		{"a same-length edit of role_arn, then touch -d back to the old mtime",
			func(t *testing.T, cfg string) { writeAt(t, cfg, roleConfig(roleA), mtime) },
			func(t *testing.T, cfg string) { writeAt(t, cfg, roleConfig(roleB), mtime) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.fake.addRole("EKSRoleAAAA", dev1ARN)
			h.fake.addRole("EKSRoleBBBB", dev1ARN)
			cfg := filepath.Join(h.home, ".aws", "config")
			os.Remove(cfg)
			tt.setup(t, cfg)
			h.call(func(o *call) { o.Profile = "dev1-eks" }).mustToken(t)
			if a := h.fake.lastAssume(); a["RoleArn"] != roleA {
				t.Fatalf("first call assumed %q, want %s", a["RoleArn"], roleA)
			}
			tt.switch_(t, cfg)
			if fi, _ := os.Stat(cfg); !fi.ModTime().Equal(mtime) {
				t.Fatalf("the test failed to keep the mtime: %v", fi.ModTime())
			}
			r := h.call(func(o *call) { o.Profile = "dev1-eks" })
			r.mustToken(t)
			if got := h.fake.count("AssumeRole"); got != 2 {
				t.Errorf("%d AssumeRole calls: the config now names %s, and the cache served role A's token\n%s", got, roleB, r.stderr.String())
			}
			if a := h.fake.lastAssume(); a["RoleArn"] != roleB {
				t.Errorf("second call assumed %q, want %s", a["RoleArn"], roleB)
			}
		})
	}
}

func writeAt(t *testing.T, path, content string, mtime time.Time) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// TestCacheKeysEveryCredentialVariable: the SDK still reads AWS_ACCESS_KEY
// and AWS_SECRET_KEY (the old names) as credentials; other keys there must
// not be served the first keys' token.
func TestCacheKeysEveryCredentialVariable(t *testing.T) {
	h := newHarness(t)
	if err := os.RemoveAll(filepath.Join(h.home, ".aws")); err != nil {
		t.Fatal(err)
	}
	set := func(k, v string) { t.Setenv(k, v); h.env[k] = v }
	set("AWS_REGION", "eu-west-1")
	set("AWS_ACCESS_KEY", "AKIADEV1")
	set("AWS_SECRET_KEY", "secret-AKIADEV1")
	tok := h.call(nil).mustToken(t)
	if _, q := tokenURLQuery(t, tok); !strings.HasPrefix(q["X-Amz-Credential"], "AKIADEV1/") {
		t.Fatalf("first token signed by %q, want AKIADEV1", q["X-Amz-Credential"])
	}
	set("AWS_ACCESS_KEY", "AKIADEV2")
	set("AWS_SECRET_KEY", "secret-AKIADEV2")
	tok = h.call(nil).mustToken(t)
	if _, q := tokenURLQuery(t, tok); !strings.HasPrefix(q["X-Amz-Credential"], "AKIADEV2/") {
		t.Errorf("with dev2's keys in AWS_ACCESS_KEY the token is signed by %q: dev1's cached token was served", q["X-Amz-Credential"])
	}
}
