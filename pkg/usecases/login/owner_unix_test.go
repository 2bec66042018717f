//go:build unix

package login

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/eks-login/eks-login/pkg/usecases/login/logintest"
)

// TestLoginAsRootKeepsTheOwner: login run by root on another user's home
// (sudo without -H, a provisioning script) leaves every file and folder it
// writes there the user's (issue 18.8): before, they became root's, and the
// user could no longer use them.
func TestLoginAsRootKeepsTheOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	const uid, gid = 4321, 4322
	w := logintest.New(t)
	err := filepath.WalkDir(w.Home, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
	if err != nil {
		t.Skip(err)
	}
	if _, err := login(w, false); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(w.Home, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		if st := fi.Sys().(*syscall.Stat_t); st.Uid != uid || st.Gid != gid {
			rel, _ := filepath.Rel(w.Home, p)
			t.Errorf("~/%s belongs to %d:%d, want the user's %d:%d", rel, st.Uid, st.Gid, uid, gid)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
