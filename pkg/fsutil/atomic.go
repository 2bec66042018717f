// Package fsutil writes the user's files the way a careful editor would: the
// whole new content lands at once or not at all, through symlinks, keeping the
// file's mode, and under a lock that other eks-login processes respect.
package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// ResolvePath follows symlinks so that a write replaces the target file and
// leaves the link in place (a dotfiles repository often links ~/.aws/config).
// A path that does not exist yet is returned as it is.
func ResolvePath(path string) (string, error) {
	resolved, err := filepath.EvalSymlinks(path)
	if err == nil {
		return resolved, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		// A dangling link still names the file we should create.
		if target, lerr := os.Readlink(path); lerr == nil {
			if !filepath.IsAbs(target) {
				target = filepath.Join(filepath.Dir(path), target)
			}
			return target, nil
		}
		return path, nil
	}
	return "", fmt.Errorf("cannot follow the links of %s: %w", path, err)
}

// TestHookWritten, set by tests only, sees each temporary file just before
// its data is written into it: what its mode is then is what the first byte
// of a secret is exposed to.
var TestHookWritten func(tmpPath string)

// WriteFileAtomic replaces path with data. The data goes to a temporary file in
// the same folder (so the rename cannot cross file systems), is synced, takes
// the mode of the file it replaces (newMode for a new file), and is renamed
// over the target. A reader sees either the old bytes or the new ones, never
// a mix, even if the process is killed half way. The file keeps its owner
// when root writes it (login run by root in a user's home).
func WriteFileAtomic(path string, data []byte, newMode fs.FileMode) error {
	return writeFileAtomic(path, data, newMode, true, true)
}

// WriteFilePrivate is WriteFileAtomic for secrets (an SSO token cache): the
// file ends up with mode perm whatever mode it had before, so a token once
// left readable by others is not kept that way.
func WriteFilePrivate(path string, data []byte, perm fs.FileMode) error {
	return writeFileAtomic(path, data, perm, false, true)
}

// WriteCacheFile is WriteFilePrivate without the flushes to disk, for a
// cache that can be rebuilt: the rename still makes the write all or
// nothing for readers and for a killed writer, and after a power cut an
// entry may be lost or unreadable, which its reader treats as a miss. The
// two fsyncs would cost every cold token several milliseconds.
func WriteCacheFile(path string, data []byte, perm fs.FileMode) error {
	return writeFileAtomic(path, data, perm, false, false)
}

func writeFileAtomic(path string, data []byte, newMode fs.FileMode, keepMode, durable bool) error {
	target, err := ResolvePath(path)
	if err != nil {
		return err
	}
	mode := newMode
	old, err := os.Stat(target)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot read the mode of %s: %w", target, err)
	}
	if keepMode && old != nil {
		mode = old.Mode().Perm()
	}
	dir := filepath.Dir(target)
	owner := old // whose file it stays; a new one is the folder owner's
	if owner == nil {
		owner, _ = os.Stat(dir)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w (check that the folder exists and is writable)", dir, err)
	}
	tmpName := tmp.Name()
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if err := keepOwner(tmp, owner); err != nil {
		return fmt.Errorf("cannot give %s the owner of %s: %w", tmpName, target, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fmt.Errorf("cannot set the mode of %s: %w", tmpName, err)
	}
	if TestHookWritten != nil {
		TestHookWritten(tmpName)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("cannot write %s: %w", tmpName, err)
	}
	if durable {
		if err := tmp.Sync(); err != nil {
			return fmt.Errorf("cannot flush %s to disk: %w", tmpName, err)
		}
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", tmpName, err)
	}
	if err := os.Rename(tmpName, target); err != nil {
		return fmt.Errorf("cannot replace %s: %w", target, err)
	}
	committed = true
	if durable {
		syncDir(dir)
	}
	removeStaleTemps(dir, filepath.Base(target))
	return nil
}

// staleAfter is the age past which a temporary file of ours is the remains of
// a process killed mid-write (a write takes milliseconds), not one in flight.
const staleAfter = time.Minute

// removeStaleTemps deletes the temporary files that killed writers left
// beside target, so a crash costs no lasting litter. Failures are ignored:
// the files are harmless, and the write itself has succeeded.
func removeStaleTemps(dir, base string) {
	left, err := filepath.Glob(filepath.Join(dir, "."+base+".tmp-*"))
	if err != nil {
		return
	}
	for _, path := range left {
		if info, err := os.Lstat(path); err == nil && info.Mode().IsRegular() && time.Since(info.ModTime()) > staleAfter {
			os.Remove(path)
		}
	}
}
