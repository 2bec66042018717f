package fsutil

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzWriteFileAtomic: whatever the bytes, the file reads back exactly,
// keeps the mode of the file it replaces, is reached through a symlink
// without replacing the link, and leaves no temporary file behind.
func FuzzWriteFileAtomic(f *testing.F) {
	f.Add([]byte(""), []byte("old"), uint16(0o600))
	f.Add([]byte("[default]\r\nregion = x\r\n\x00"), []byte(""), uint16(0o644))
	f.Add(bytes.Repeat([]byte("a"), 1<<16), []byte("b"), uint16(0o400))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data, old []byte, mode uint16) {
		perm := os.FileMode(mode&0o777) | 0o600 // we must be able to read it back
		target := filepath.Join(dir, "config")
		link := filepath.Join(dir, "link")
		os.Remove(target)
		os.Remove(link)
		if err := os.WriteFile(target, old, perm); err != nil {
			t.Fatal(err)
		}
		os.Chmod(target, perm)
		if err := os.Symlink("config", link); err != nil {
			t.Fatal(err)
		}
		if err := WriteFileAtomic(link, data, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(target)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("read back %d bytes (%v), wrote %d", len(got), err, len(data))
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("the link was replaced")
		}
		if fi, _ := os.Stat(target); fi.Mode().Perm() != perm {
			t.Fatalf("mode %v, want %v", fi.Mode().Perm(), perm)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 2 {
			t.Fatalf("%d files in the folder, want 2", len(ents))
		}
	})
}
