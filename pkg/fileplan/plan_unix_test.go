//go:build unix

package fileplan

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/eks-login/eks-login/pkg/fsutil"
)

// TestApplyRefusesSpecialFiles: a named pipe in the file's place is refused,
// not read (which would block) nor replaced.
func TestApplyRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip(err)
	}
	p := &File{Path: path, Existed: true, New: []byte("after\n")}
	err := p.Apply(filepath.Join(dir, "locks"))
	if !errors.Is(err, fsutil.ErrRefused) {
		t.Fatalf("Apply = %v, want a refusal", err)
	}
	if fi, _ := os.Lstat(path); fi.Mode()&os.ModeNamedPipe == 0 {
		t.Error("the named pipe was replaced")
	}
}
