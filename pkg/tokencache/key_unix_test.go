//go:build unix

package tokencache

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/eks-login/eks-login/pkg/fsutil"
)

// TestStampRefusesSpecialFiles: the token path stamps the AWS files before
// the SDK reads them; a named pipe there would hang the SDK forever.
func TestStampRefusesSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	for _, p := range []string{fifo, "/dev/zero", t.TempDir()} {
		if _, err := StampFile(p); !errors.Is(err, fsutil.ErrRefused) {
			t.Errorf("StampFile(%s) = %v, want a refusal", p, err)
		}
	}
}
