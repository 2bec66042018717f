package fsutil

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// FileLock is an exclusive advisory lock held on an open lock file. The lock
// lives as long as the file descriptor, so a process that dies, even by
// SIGKILL, releases it: no stale lock can block the next call.
type FileLock struct {
	f *os.File
}

// Lock blocks until it holds the exclusive lock on lockPath, creating the file
// (mode 0600) and its folder (mode 0700) when needed.
func Lock(lockPath string) (*FileLock, error) {
	if err := os.MkdirAll(filepath.Dir(lockPath), 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the lock folder %s: %w", filepath.Dir(lockPath), err)
	}
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open the lock file %s: %w", lockPath, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot lock %s: %w", lockPath, err)
	}
	return &FileLock{f: f}, nil
}

// Unlock releases the lock. The lock file stays, so that every process keeps
// locking the same inode.
func (l *FileLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlockFile(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// LockPathFor names the lock file that guards edits of target. Lock files live
// in lockDir rather than beside the user's file, so ~/.aws and ~/.kube gain no
// litter; the name is derived from the resolved path, so two spellings of the
// same file share one lock.
func LockPathFor(lockDir, target string) (string, error) {
	resolved, err := ResolvePath(target)
	if err != nil {
		return "", err
	}
	if abs, err := filepath.Abs(resolved); err == nil {
		resolved = abs
	}
	sum := sha256.Sum256([]byte(resolved))
	return filepath.Join(lockDir, filepath.Base(resolved)+"-"+hex.EncodeToString(sum[:8])+".lock"), nil
}
