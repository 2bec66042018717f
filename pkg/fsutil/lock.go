package fsutil

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
)

// DefaultLockWait is how long a lock is waited for when the caller sets no
// bound: far longer than any edit or mint takes, short enough that a stuck
// holder is named to the user instead of hanging kubectl.
var DefaultLockWait = 30 * time.Second

// FileLock is an exclusive advisory lock held on an open lock file. The lock
// lives as long as the file descriptor, so a process that dies, even by
// SIGKILL, releases it: no stale lock can block the next call. While held,
// the file records who holds it (Holder), for the error of a process that
// gives up waiting.
type FileLock struct {
	f      *os.File
	holder Holder
}

// Holder is the record a lock's holder keeps in the lock file.
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
	// Doing says what the holder waits for, when it waits for a person
	// ("waiting for an MFA code").
	Doing string `json:"doing,omitempty"`
}

func (h Holder) String() string {
	if h.PID == 0 {
		return "another process"
	}
	s := fmt.Sprintf("process %d (%s), since %s", h.PID, h.Command, h.Since.Local().Format(time.TimeOnly))
	if h.Doing != "" {
		s += ", " + h.Doing
	}
	return s
}

// LockOptions bound the wait for a lock.
type LockOptions struct {
	// Wait is how long to wait for the holder to let go; 0 means
	// DefaultLockWait.
	Wait time.Duration
	// GiveUp, when set, sees the holder's record while waiting; returning
	// true ends the wait at once with a *BusyError.
	GiveUp func(Holder) bool
}

// BusyError is a lock that stayed held past the wait.
type BusyError struct {
	Path   string
	Holder Holder
	Waited time.Duration
}

func (e *BusyError) Error() string {
	end := ""
	if e.Holder.PID != 0 {
		end = fmt.Sprintf("; if it is stuck, end it (kill %d) and run the command again", e.Holder.PID)
	}
	return fmt.Sprintf("%s is held by %s; gave up waiting after %s%s", e.Path, e.Holder, e.Waited.Round(time.Millisecond), end)
}

// Lock takes the exclusive lock on lockPath, creating the file (mode 0600)
// and its folder (mode 0700) when needed, waiting at most opt.Wait for
// another holder. The folder must be private to this user (see CheckLockDir)
// and the lock file a regular file of this user's: a symlink planted there
// is not followed.
func Lock(lockPath string, opt LockOptions) (*FileLock, error) {
	dir := filepath.Dir(lockPath)
	if err := MkdirAllOwned(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the lock folder %s: %w", dir, err)
	}
	if err := CheckLockDir(dir); err != nil {
		return nil, err
	}
	f, err := openLockFile(lockPath)
	if err != nil {
		return nil, err
	}
	if err := waitLock(f, lockPath, opt); err != nil {
		f.Close()
		return nil, err
	}
	l := &FileLock{f: f, holder: Holder{PID: os.Getpid(), Command: commandName(), Since: time.Now()}}
	l.record()
	return l, nil
}

// openLockFile opens (creating) the lock file without following a symlink,
// and checks that it is a regular file of this user's.
func openLockFile(lockPath string) (*os.File, error) {
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE|openNoFollow, 0o600)
	if err != nil {
		if fi, lerr := os.Lstat(lockPath); lerr == nil && !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("the lock file %s is %s, not a regular file; remove it", lockPath, kindOf(fi.Mode()))
		}
		return nil, fmt.Errorf("cannot open the lock file %s: %w", lockPath, err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("the lock file %s is %s, not a regular file; remove it", lockPath, kindOf(fi.Mode()))
	}
	if err == nil {
		err = checkOwner("lock file", lockPath, fi)
	}
	if err == nil {
		// As root in a user's folder, the lock file stays the user's.
		if dir, serr := os.Stat(filepath.Dir(lockPath)); serr == nil {
			err = keepOwner(f, dir)
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// waitLock polls for the lock until opt's bound: a blocking flock could not
// be abandoned.
func waitLock(f *os.File, lockPath string, opt LockOptions) error {
	wait := opt.Wait
	if wait <= 0 {
		wait = DefaultLockWait
	}
	start := time.Now()
	pause := time.Millisecond
	for {
		err := tryLockFile(f)
		if err == nil {
			return nil
		}
		if !errors.Is(err, errLocked) {
			return fmt.Errorf("cannot lock %s: %w", lockPath, err)
		}
		holder := readHolder(f)
		waited := time.Since(start)
		if waited >= wait || (opt.GiveUp != nil && opt.GiveUp(holder)) {
			return &BusyError{Path: lockPath, Holder: holder, Waited: waited}
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// readHolder reads the holder's record; an empty or torn one (the holder is
// writing it) names nobody.
func readHolder(f *os.File) Holder {
	buf := make([]byte, 1024)
	n, _ := f.ReadAt(buf, 0)
	var h Holder
	if json.Unmarshal(buf[:n], &h) != nil {
		return Holder{}
	}
	return h
}

// Note records what the holder is doing, for the processes that wait
// ("waiting for an MFA code"); "" clears it.
func (l *FileLock) Note(doing string) {
	if l == nil || l.f == nil {
		return
	}
	l.holder.Doing = doing
	l.record()
}

// record writes the holder's record. It is advice for error messages, so a
// failure to write it is ignored.
func (l *FileLock) record() {
	data, err := json.Marshal(l.holder)
	if err != nil {
		return
	}
	l.f.Truncate(0)
	l.f.WriteAt(data, 0)
}

// Unlock releases the lock. The lock file stays, so that every process keeps
// locking the same inode; its record is cleared first.
func (l *FileLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := unlockFile(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// commandName names this process for a lock record: the program and its
// subcommand, never further arguments (which may be anything).
func commandName() string {
	if len(os.Args) == 0 {
		return "?"
	}
	name := filepath.Base(os.Args[0])
	if len(os.Args) > 1 && !strings.HasPrefix(os.Args[1], "-") && len(os.Args[1]) < 32 {
		name += " " + os.Args[1]
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsGraphic(r) {
			return r
		}
		return '?'
	}, name)
}

// CheckLockDir refuses a lock folder another user could use to redirect or
// block eks-login's writes: one that is not a folder, belongs to someone
// else, or that others may write in.
func CheckLockDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("cannot use the lock folder %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("the lock folder %s is %s, not a folder; remove it", dir, kindOf(fi.Mode()))
	}
	if err := checkOwner("lock folder", dir, fi); err != nil {
		return err
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("the lock folder %s is open to other users (mode %04o), who could block or redirect eks-login's writes; run: chmod 700 %s", dir, perm, dir)
	}
	return nil
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

// errLocked is tryLockFile's answer when another process holds the lock.
var errLocked = errors.New("locked by another process")
