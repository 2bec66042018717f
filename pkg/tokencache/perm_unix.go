//go:build unix

package tokencache

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// checkPrivate refuses a cache folder or file that another user could read
// (and so steal the credentials) or write (and so plant a token), with the
// command that fixes it.
func checkPrivate(path string, fi fs.FileInfo, dir bool) error {
	what, want := "file", "600"
	if dir {
		what, want = "folder", "700"
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("the token cache %s %s belongs to uid %d, not to you (uid %d); remove it, or pass a --cache-dir of your own", what, path, st.Uid, os.Geteuid())
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("the token cache %s %s is open to other users (mode %04o), and it holds credentials; run: chmod %s %s", what, path, perm, want, path)
	}
	return nil
}
