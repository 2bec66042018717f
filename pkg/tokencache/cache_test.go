package tokencache

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fakeMinter counts its calls and makes entries stamped with the clock.
type fakeMinter struct {
	now       func() time.Time
	mints     atomic.Int32
	resigns   atomic.Int32
	credsLife time.Duration
	mintErr   error
	resignErr error
}

func (m *fakeMinter) Mint(context.Context) (Entry, error) {
	n := m.mints.Add(1)
	if m.mintErr != nil {
		return Entry{}, m.mintErr
	}
	now := m.now()
	life := m.credsLife
	if life == 0 {
		life = time.Hour
	}
	return Entry{
		Token:       fmt.Sprintf("minted-%d", n),
		Expiration:  now.Add(14 * time.Minute),
		Credentials: &Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "session", Expiration: now.Add(life)},
		CallerARN:   "arn:aws:sts::123456789012:assumed-role/EKSMyExampleViewer/eks-login-dev1",
		Region:      "ap-northeast-2",
		Partition:   "aws",
	}, nil
}

func (m *fakeMinter) Resign(_ context.Context, old Entry) (Entry, error) {
	n := m.resigns.Add(1)
	if m.resignErr != nil {
		return Entry{}, m.resignErr
	}
	old.Token = fmt.Sprintf("resigned-%d", n)
	old.Expiration = m.now().Add(14 * time.Minute)
	return old, nil
}

// privateDir names a cache folder that Get will create with mode 0700; the
// test's own temporary folder may be open to others.
func privateDir(t *testing.T) string {
	return filepath.Join(t.TempDir(), "cache")
}

func writeEntry(t *testing.T, path string, e Entry) {
	t.Helper()
	e.Version = formatVersion
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func readEntry(t *testing.T, path string) Entry {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var e Entry
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatalf("stored entry is not JSON: %v", err)
	}
	return e
}

func TestGetDecisions(t *testing.T) {
	creds := func(left time.Duration) *Credentials {
		return &Credentials{AccessKeyID: "ASIAOLD", SecretAccessKey: "old", SessionToken: "old", Expiration: t0.Add(left)}
	}
	cached := func(tokenLeft time.Duration, c *Credentials) *Entry {
		return &Entry{Token: "cached", Expiration: t0.Add(tokenLeft), Credentials: c, Region: "ap-northeast-2"}
	}
	tests := []struct {
		name        string
		entry       *Entry
		mode        Mode
		want        Outcome
		wantToken   string
		wantMints   int32
		wantResigns int32
		wantFile    bool
	}{
		{"cold", nil, Use, Minted, "minted-1", 1, 0, true},
		{"warm token", cached(10*time.Minute, creds(time.Hour)), Use, Hit, "cached", 0, 0, true},
		{"token with exactly a minute left", cached(time.Minute, creds(time.Hour)), Use, Hit, "cached", 0, 0, true},
		{"token nearly spent, credentials fresh", cached(59*time.Second, creds(time.Hour)), Use, Resigned, "resigned-1", 0, 1, true},
		{"token expired, credentials fresh", cached(-time.Hour, creds(10*time.Minute)), Use, Resigned, "resigned-1", 0, 1, true},
		{"credentials with exactly five minutes", cached(0, creds(5*time.Minute)), Use, Resigned, "resigned-1", 0, 1, true},
		{"credentials nearly spent", cached(0, creds(5*time.Minute-time.Second)), Use, Minted, "minted-1", 1, 0, true},
		{"long-term keys are not cached", cached(30*time.Second, nil), Use, Minted, "minted-1", 1, 0, true},
		{"token from the future", cached(16*time.Minute, creds(time.Hour)), Use, Resigned, "resigned-1", 0, 1, true},
		{"force refresh", cached(10*time.Minute, creds(time.Hour)), Refresh, Minted, "minted-1", 1, 0, true},
		{"no cache", cached(10*time.Minute, creds(time.Hour)), Bypass, Minted, "minted-1", 1, 0, true},
		{"no cache, cold", nil, Bypass, Minted, "minted-1", 1, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cache")
			now := func() time.Time { return t0 }
			c := &Cache{Dir: dir, Now: now}
			key := "k"
			if tt.entry != nil {
				if err := os.Mkdir(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				writeEntry(t, c.Path(key), *tt.entry)
			}
			before, _ := os.ReadFile(c.Path(key))
			m := &fakeMinter{now: now}
			e, got, err := c.Get(context.Background(), key, tt.mode, m)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || e.Token != tt.wantToken {
				t.Errorf("Get = %s with token %q, want %s with %q", got, e.Token, tt.want, tt.wantToken)
			}
			if m.mints.Load() != tt.wantMints || m.resigns.Load() != tt.wantResigns {
				t.Errorf("mints %d, resigns %d; want %d, %d", m.mints.Load(), m.resigns.Load(), tt.wantMints, tt.wantResigns)
			}
			after, err := os.ReadFile(c.Path(key))
			if exists := err == nil; exists != tt.wantFile {
				t.Fatalf("entry file exists = %v, want %v", exists, tt.wantFile)
			}
			if tt.mode == Bypass {
				if string(before) != string(after) {
					t.Error("--no-cache changed the entry")
				}
				if tt.entry == nil {
					if _, err := os.Stat(dir); err == nil {
						t.Error("--no-cache created the cache folder")
					}
				}
				return
			}
			if stored := readEntry(t, c.Path(key)); stored.Token != tt.wantToken || stored.Version != formatVersion {
				t.Errorf("stored token %q (format %d), want %q", stored.Token, stored.Version, tt.wantToken)
			}
		})
	}
}

func TestGetResignFailureMints(t *testing.T) {
	dir := privateDir(t)
	now := func() time.Time { return t0 }
	c := &Cache{Dir: dir, Now: now}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeEntry(t, c.Path("k"), Entry{Token: "old", Expiration: t0, Region: "ap-northeast-2",
		Credentials: &Credentials{AccessKeyID: "a", SecretAccessKey: "s", Expiration: t0.Add(time.Hour)}})
	m := &fakeMinter{now: now, resignErr: errors.New("boom")}
	e, got, err := c.Get(context.Background(), "k", Use, m)
	if err != nil || got != Minted || e.Token != "minted-1" {
		t.Errorf("Get = %q, %s, %v; want a minted token", e.Token, got, err)
	}
}

func TestGetMintErrorStoresNothing(t *testing.T) {
	dir := privateDir(t)
	c := &Cache{Dir: dir, Now: func() time.Time { return t0 }}
	wantErr := errors.New("access denied")
	_, _, err := c.Get(context.Background(), "k", Use, &fakeMinter{now: c.Now, mintErr: wantErr})
	if !errors.Is(err, wantErr) {
		t.Fatalf("err = %v, want the minter's error", err)
	}
	if _, err := os.Stat(c.Path("k")); err == nil {
		t.Error("a failed mint left an entry")
	}
}

func TestNewFilesArePrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	dir := filepath.Join(t.TempDir(), "kube", "cache", "eks-login")
	c := &Cache{Dir: dir, Now: func() time.Time { return t0 }}
	if _, _, err := c.Get(context.Background(), "k", Use, &fakeMinter{now: c.Now}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, c.Path("k"): 0o600, filepath.Join(dir, "k.lock"): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s has mode %04o, want %04o", path, got, want)
		}
	}
}

func TestOpenPermissionsRefusedThenFixed(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	tests := []struct {
		name    string
		dirMode os.FileMode
		file    os.FileMode
		wantFix string // the command the error must give
		target  func(dir, file string) string
		fixMode os.FileMode
	}{
		{"group-readable folder", 0o750, 0o600, "chmod 700 ", func(d, _ string) string { return d }, 0o700},
		{"world-writable folder", 0o777, 0o600, "chmod 700 ", func(d, _ string) string { return d }, 0o700},
		{"group-readable file", 0o700, 0o640, "chmod 600 ", func(_, f string) string { return f }, 0o600},
		{"world-readable file", 0o700, 0o644, "chmod 600 ", func(_, f string) string { return f }, 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cache")
			c := &Cache{Dir: dir, Now: func() time.Time { return t0 }}
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			file := c.Path("k")
			writeEntry(t, file, Entry{Token: "cached", Expiration: t0.Add(10 * time.Minute), Region: "ap-northeast-2"})
			if err := os.Chmod(file, tt.file); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, tt.dirMode); err != nil {
				t.Fatal(err)
			}
			m := &fakeMinter{now: c.Now}
			_, _, err := c.Get(context.Background(), "k", Use, m)
			target := tt.target(dir, file)
			if err == nil || !strings.Contains(err.Error(), tt.wantFix+target) {
				t.Fatalf("err = %v, want one that says %q", err, tt.wantFix+target)
			}
			if m.mints.Load() != 0 {
				t.Error("minted despite the refusal")
			}
			// Refresh must refuse too: the atomic write would keep the mode.
			if _, _, err := c.Get(context.Background(), "k", Refresh, m); err == nil {
				t.Error("--force-refresh wrote into an open cache")
			}
			if err := os.Chmod(target, tt.fixMode); err != nil {
				t.Fatal(err)
			}
			e, got, err := c.Get(context.Background(), "k", Use, m)
			if err != nil || got != Hit || e.Token != "cached" {
				t.Errorf("after the fix: %q, %s, %v; want the cached token", e.Token, got, err)
			}
		})
	}
}

func TestForeignOwnerRefused(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() != 0 {
		t.Skip("needs root to give a file away")
	}
	dir := filepath.Join(t.TempDir(), "cache")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, 65534, 65534); err != nil {
		t.Skip(err)
	}
	c := &Cache{Dir: dir}
	_, _, err := c.Get(context.Background(), "k", Use, &fakeMinter{now: time.Now})
	if err == nil || !strings.Contains(err.Error(), "belongs to uid 65534") {
		t.Errorf("err = %v, want a refusal naming the owner", err)
	}
}

func TestCorruptEntryReplaced(t *testing.T) {
	for name, content := range map[string]string{
		"not json":      "{\"token\": \"k8s-aws-v1.",
		"empty":         "",
		"wrong format":  `{"version": 99, "token": "t", "expiration": "2026-01-02T03:10:00Z", "region": "ap-northeast-2"}`,
		"missing token": `{"version": 1, "expiration": "2026-01-02T03:10:00Z", "region": "ap-northeast-2"}`,
		"bad time":      `{"version": 1, "token": "t", "expiration": "soon", "region": "ap-northeast-2"}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := privateDir(t)
			var log strings.Builder
			c := &Cache{Dir: dir, Now: func() time.Time { return t0 }, Logf: func(f string, a ...any) { fmt.Fprintf(&log, f+"\n", a...) }}
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(c.Path("k"), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			e, got, err := c.Get(context.Background(), "k", Use, &fakeMinter{now: c.Now})
			if err != nil || got != Minted {
				t.Fatalf("Get = %s, %v; want a minted token", got, err)
			}
			if !strings.Contains(log.String(), "replacing it") {
				t.Errorf("the log does not say the entry is replaced:\n%s", log.String())
			}
			if stored := readEntry(t, c.Path("k")); stored.Token != e.Token {
				t.Errorf("stored %q, want %q", stored.Token, e.Token)
			}
		})
	}
}

func TestLogNeverHoldsSecrets(t *testing.T) {
	dir := privateDir(t)
	var log strings.Builder
	now := t0
	c := &Cache{Dir: dir, Now: func() time.Time { return now }, Logf: func(f string, a ...any) { fmt.Fprintf(&log, f+"\n", a...) }}
	m := &fakeMinter{now: c.Now}
	for _, step := range []time.Duration{0, time.Minute, 20 * time.Minute, 2 * time.Hour} {
		now = t0.Add(step)
		if _, _, err := c.Get(context.Background(), "k", Use, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, secret := range []string{"secret", "session", "minted-", "resigned-"} {
		if strings.Contains(log.String(), secret) {
			t.Errorf("the log holds %q:\n%s", secret, log.String())
		}
	}
}

// TestConcurrentColdCallsMintOnce runs many cold calls at once through the
// real file lock, each with its own Cache value as separate processes would
// have: exactly one mints, the rest find its entry.
func TestConcurrentColdCallsMintOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	m := &fakeMinter{now: time.Now}
	const n = 64
	var wg sync.WaitGroup
	start := make(chan struct{})
	tokens := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &Cache{Dir: dir}
			<-start
			e, _, err := c.Get(context.Background(), "same-key", Use, m)
			tokens[i], errs[i] = e.Token, err
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		if tokens[i] != "minted-1" {
			t.Errorf("call %d got %q, want the one minted token", i, tokens[i])
		}
	}
	if got := m.mints.Load(); got != 1 {
		t.Errorf("%d mints for %d concurrent cold calls, want 1", got, n)
	}
}
