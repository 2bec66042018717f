//go:build unix

package admin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/fsutil"
)

// TestAccessKeyFilePrivateFromTheFirstByte: a new secret written into an
// existing 0644 credentials file is never readable by others, not even for
// the moment between writing and a chmod (issue 18.8): the temporary file
// the secret goes into is 0600 before its first byte, and so is the file.
func TestAccessKeyFilePrivateFromTheFirstByte(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	if err := os.WriteFile(path, []byte("[someone]\naws_access_key_id = AKIAOLD\naws_secret_access_key = old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	var seen []os.FileMode
	fsutil.TestHookWritten = func(tmp string) {
		if fi, err := os.Stat(tmp); err == nil {
			seen = append(seen, fi.Mode().Perm())
		}
	}
	defer func() { fsutil.TestHookWritten = nil }()
	if err := writeSection(filepath.Join(dir, "locks"), path, "dev1", "AKIANEW", "newsecret"); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0] != 0o600 {
		t.Errorf("the secret was written into a file of mode %v, want 0600 from the first byte", seen)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the key file ends with mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), "[someone]") || !strings.Contains(string(data), "aws_secret_access_key = newsecret") {
		t.Errorf("the key file holds:\n%s", data)
	}
}
