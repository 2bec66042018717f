package fsutil

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "config")
	link := filepath.Join(dir, "link")
	tests := []struct {
		name     string
		setup    func()
		path     string
		wantMode os.FileMode
	}{
		{"new file gets the new mode", func() {}, target, 0o600},
		{"existing file keeps its mode", func() { os.Chmod(target, 0o640) }, target, 0o640},
		{"a symlink is written through", func() { os.Symlink(target, link) }, link, 0o640},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.setup()
			data := []byte{byte('a' + i)}
			if err := WriteFileAtomic(tt.path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(target)
			if err != nil || string(got) != string(data) {
				t.Fatalf("target holds %q (%v), want %q", got, err, data)
			}
			info, _ := os.Stat(target)
			if info.Mode().Perm() != tt.wantMode {
				t.Errorf("mode %v, want %v", info.Mode().Perm(), tt.wantMode)
			}
			if fi, _ := os.Lstat(link); fi != nil && fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("the symlink was replaced by a file")
			}
		})
	}
}

// TestWriteFilePrivate: a secret's file ends with the mode asked for, even
// when it was looser (or stricter) before, and written through a symlink;
// for a durable secret (an SSO token) and a cache entry alike.
func TestWriteFilePrivate(t *testing.T) {
	for name, write := range map[string]func(string, []byte, os.FileMode) error{"WriteFilePrivate": WriteFilePrivate, "WriteCacheFile": WriteCacheFile} {
		t.Run(name, func(t *testing.T) { testWritePrivate(t, write) })
	}
}

func testWritePrivate(t *testing.T, write func(string, []byte, os.FileMode) error) {
	dir := t.TempDir()
	target := filepath.Join(dir, "token.json")
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		before os.FileMode // 0: no file yet
		path   string
	}{
		{"new file", 0, target},
		{"a group-readable file is tightened", 0o644, target},
		{"a read-only file is made writable again", 0o400, target},
		{"through a symlink", 0o666, link},
	} {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(target)
			if tt.before != 0 {
				if err := os.WriteFile(target, []byte("old"), tt.before); err != nil {
					t.Fatal(err)
				}
				os.Chmod(target, tt.before)
			}
			if err := write(tt.path, []byte("new"), 0o600); err != nil {
				t.Fatal(err)
			}
			info, err := os.Stat(target)
			if err != nil || info.Mode().Perm() != 0o600 {
				t.Fatalf("mode %v (%v), want 0600", info.Mode().Perm(), err)
			}
			if got, _ := os.ReadFile(target); string(got) != "new" {
				t.Errorf("target holds %q", got)
			}
			if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("the symlink was replaced by a file")
			}
		})
	}
}

// TestStaleTempsRemoved: a writer killed between its temporary file and the
// rename leaves ".NAME.tmp-*" behind; the next write removes it once it is
// clearly dead, and leaves a fresh one (perhaps in flight) alone.
func TestStaleTempsRemoved(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "config")
	stale := filepath.Join(dir, ".config.tmp-111")
	fresh := filepath.Join(dir, ".config.tmp-222")
	other := filepath.Join(dir, ".other.tmp-333")
	for _, p := range []string{stale, fresh, other} {
		os.WriteFile(p, []byte("x"), 0o600)
	}
	old := time.Now().Add(-2 * staleAfter)
	os.Chtimes(stale, old, old)
	os.Chtimes(other, old, old)
	if err := WriteFileAtomic(target, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, wantGone := range map[string]bool{stale: true, fresh: false, other: false} {
		_, err := os.Stat(path)
		if gone := os.IsNotExist(err); gone != wantGone {
			t.Errorf("%s: removed=%v, want %v", filepath.Base(path), gone, wantGone)
		}
	}
}
