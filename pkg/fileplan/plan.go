// Package fileplan holds a planned change of one file as data: the bytes it
// has and the bytes it will have. Commands compute plans first, then either
// print them (--dry-run, as unified diffs) or apply them, so what a dry run
// shows is exactly what a real run writes.
package fileplan

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/eks-login/eks-login/pkg/fsutil"
)

// File is the planned content of one file.
type File struct {
	Path string
	// Old is the content the plan was computed from; Existed tells an empty
	// file from a missing one.
	Old     []byte
	Existed bool
	// New is the content the file will have.
	New []byte
}

// Changed reports whether applying the plan would write anything.
func (f *File) Changed() bool { return f != nil && !bytes.Equal(f.Old, f.New) }

// Created reports whether applying the plan creates the file.
func (f *File) Created() bool { return f.Changed() && !f.Existed }

// Diff is the unified diff of the plan, "" when nothing changes. A file that
// does not exist yet diffs from /dev/null, as git shows a new file.
func (f *File) Diff() string {
	if !f.Changed() {
		return ""
	}
	oldName := f.Path
	if !f.Existed {
		oldName = "/dev/null"
	}
	return Unified(oldName, f.Path, f.Old, f.New)
}

// ErrChangedMeanwhile is returned by Apply when the file is no longer what the
// plan was computed from: another program wrote it in between. Nothing is
// written then; the command can be run again.
var ErrChangedMeanwhile = errors.New("changed while eks-login was working on it")

// Apply writes the plan, holding the file's lock (in lockDir) so that other
// eks-login processes do not interleave their edits. The file is written only
// if it still holds the bytes the plan started from, so an edit made by hand
// meanwhile is never lost. A new file gets mode 0600 and, when needed, a
// folder of mode 0700: these files hold credentials or point at them.
func (f *File) Apply(lockDir string) error {
	if !f.Changed() {
		return nil
	}
	lockPath, err := fsutil.LockPathFor(lockDir, f.Path)
	if err != nil {
		return err
	}
	lock, err := fsutil.Lock(lockPath, fsutil.LockOptions{})
	if err != nil {
		return err
	}
	defer lock.Unlock()

	cur, err := fsutil.ReadFile(f.Path)
	exists := err == nil
	if errors.Is(err, fsutil.ErrRefused) {
		return err
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot read %s: %w", f.Path, err)
	}
	if exists != f.Existed || !bytes.Equal(cur, f.Old) {
		return fmt.Errorf("%s %w; nothing was written to it, run the command again", f.Path, ErrChangedMeanwhile)
	}
	if !exists {
		target, err := fsutil.ResolvePath(f.Path)
		if err != nil {
			return err
		}
		if err := fsutil.MkdirAllOwned(filepath.Dir(target), 0o700); err != nil {
			return fmt.Errorf("cannot create the folder for %s: %w", f.Path, err)
		}
	}
	return fsutil.WriteFileAtomic(f.Path, f.New, 0o600)
}

// CheckWritable tells whether Apply could write the file, and changes
// nothing: it creates and removes a temporary file in the file's folder, or
// in the nearest folder that exists when Apply would create the rest.
// Commands that write two files check both first, so that one unwritable
// file does not leave the other written alone.
func (f *File) CheckWritable() error {
	if !f.Changed() {
		return nil
	}
	target, err := fsutil.ResolvePath(f.Path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(target)
	for {
		fi, err := os.Stat(dir)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("cannot write %s: %s is not a folder", f.Path, dir)
			}
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	tmp, err := os.CreateTemp(dir, ".eks-login-check-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w (check that the folder exists and is writable)", f.Path, err)
	}
	tmp.Close()
	os.Remove(tmp.Name())
	return nil
}
