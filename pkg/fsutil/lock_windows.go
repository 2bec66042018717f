//go:build windows

package fsutil

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

const openNoFollow = 0

// tryLockFile takes the lock if it is free, errLocked if it is not.
func tryLockFile(f *os.File) error {
	ol := new(windows.Overlapped)
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return errLocked
	}
	return err
}

func unlockFile(f *os.File) error {
	ol := new(windows.Overlapped)
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, ol)
}

func syncDir(string) {}

func checkOwner(string, string, fs.FileInfo) error { return nil }

func keepOwner(*os.File, fs.FileInfo) error { return nil }

// MkdirAllOwned is os.MkdirAll.
func MkdirAllOwned(dir string, perm fs.FileMode) error { return os.MkdirAll(dir, perm) }
