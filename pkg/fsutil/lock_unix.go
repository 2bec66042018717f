//go:build unix

package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// openNoFollow keeps a lock file from being a planted symlink.
const openNoFollow = syscall.O_NOFOLLOW

// tryLockFile takes the lock if it is free, errLocked if it is not.
func tryLockFile(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EWOULDBLOCK):
			return errLocked
		case err != unix.EINTR:
			return err
		}
	}
}

func unlockFile(f *os.File) error { return unix.Flock(int(f.Fd()), unix.LOCK_UN) }

// syncDir makes the rename durable; failure only weakens durability, not
// atomicity, so it is not reported.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// checkOwner refuses a file or folder of another user's. Root is exempt: it
// runs login for other users, in their home folders, and can read
// everything anyway.
func checkOwner(what, path string, fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || os.Geteuid() == 0 || int(st.Uid) == os.Geteuid() {
		return nil
	}
	return fmt.Errorf("the %s %s belongs to uid %d, not to you (uid %d), who could block or redirect eks-login's writes through it; remove it, or set KUBECACHEDIR to a folder of your own", what, path, st.Uid, os.Geteuid())
}

// ownerOf is the uid and gid of fi.
func ownerOf(fi fs.FileInfo) (uid, gid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Gid), true
}

// keepOwner gives f the owner of like when this process is root: root
// editing another user's file, or creating one in their folder, must not
// leave it root's (the user could no longer write it, nor, for a private
// file, read it).
func keepOwner(f *os.File, like fs.FileInfo) error {
	if os.Geteuid() != 0 || like == nil {
		return nil
	}
	uid, gid, ok := ownerOf(like)
	if !ok || (uid == 0 && gid == 0) {
		return nil
	}
	return f.Chown(uid, gid)
}

// MkdirAllOwned is os.MkdirAll; as root, the folders it creates take the
// owner of the nearest folder that existed, so that root working in a
// user's home leaves folders the user owns.
func MkdirAllOwned(dir string, perm fs.FileMode) error {
	if os.Geteuid() != 0 {
		return os.MkdirAll(dir, perm)
	}
	var missing []string
	existing := dir
	for {
		if _, err := os.Stat(existing); err == nil {
			break
		}
		missing = append(missing, existing)
		parent := filepath.Dir(existing)
		if parent == existing {
			break
		}
		existing = parent
	}
	if err := os.MkdirAll(dir, perm); err != nil {
		return err
	}
	fi, err := os.Stat(existing)
	if err != nil {
		return nil
	}
	uid, gid, ok := ownerOf(fi)
	if !ok || (uid == 0 && gid == 0) {
		return nil
	}
	for _, d := range missing {
		if err := os.Lchown(d, uid, gid); err != nil {
			return err
		}
	}
	return nil
}
