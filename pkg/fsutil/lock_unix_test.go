//go:build unix

package fsutil

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestLockWaitIsBounded: a held lock makes a second Lock give up after its
// wait, naming the holder from the record the holder keeps in the lock
// file; GiveUp ends the wait at once; the record goes with the lock.
// (Two opens of one file conflict under flock even in one process.)
func TestLockWaitIsBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locks", "config.lock")
	held, err := Lock(path, LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	held.Note("waiting for an MFA code")

	_, err = Lock(path, LockOptions{Wait: 20 * time.Millisecond})
	var busy *BusyError
	if !errors.As(err, &busy) {
		t.Fatalf("second Lock: %v, want a *BusyError", err)
	}
	if busy.Holder.PID != os.Getpid() || busy.Holder.Doing != "waiting for an MFA code" {
		t.Errorf("holder %+v, want this process, waiting for an MFA code", busy.Holder)
	}
	for _, want := range []string{path, "process " + strconv.Itoa(os.Getpid()), "waiting for an MFA code", "kill " + strconv.Itoa(os.Getpid())} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}

	asked := 0
	_, err = Lock(path, LockOptions{Wait: time.Hour, GiveUp: func(h Holder) bool { asked++; return h.Doing != "" }})
	if !errors.As(err, &busy) || asked != 1 {
		t.Errorf("GiveUp asked %d times, err %v; want one question and a *BusyError", asked, err)
	}

	held.Unlock()
	if data, _ := os.ReadFile(path); len(data) != 0 {
		t.Errorf("the lock file keeps the record after Unlock: %s", data)
	}
	again, err := Lock(path, LockOptions{Wait: 20 * time.Millisecond})
	if err != nil {
		t.Fatalf("Lock after Unlock: %v", err)
	}
	again.Unlock()
}

// TestLockRefusesWhatOthersCouldUse: a lock folder others may write in, or a
// symlink planted as the lock file, must not redirect or block a write.
func TestLockRefusesWhatOthersCouldUse(t *testing.T) {
	t.Run("a symlink planted as the lock file", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "locks")
		os.Mkdir(dir, 0o700)
		victim := filepath.Join(t.TempDir(), "victim")
		os.WriteFile(victim, []byte("precious\n"), 0o600)
		lockPath := filepath.Join(dir, "config.lock")
		os.Symlink(victim, lockPath)
		l, err := Lock(lockPath, LockOptions{Wait: 20 * time.Millisecond})
		if err == nil {
			l.Unlock()
			t.Error("Lock followed a symlink planted as the lock file")
		} else if !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("err = %v, want a refusal of the link", err)
		}
		if data, _ := os.ReadFile(victim); string(data) != "precious\n" {
			t.Errorf("the link's target was written: %q", data)
		}
	})
	t.Run("a dangling symlink planted as the lock file", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "locks")
		os.Mkdir(dir, 0o700)
		victim := filepath.Join(t.TempDir(), "created-by-eks-login")
		lockPath := filepath.Join(dir, "config.lock")
		os.Symlink(victim, lockPath)
		if l, err := Lock(lockPath, LockOptions{Wait: 20 * time.Millisecond}); err == nil {
			l.Unlock()
			t.Error("Lock followed a dangling symlink")
		}
		if _, err := os.Lstat(victim); err == nil {
			t.Error("Lock created the target of a planted link")
		}
	})
	t.Run("a lock folder others may write in", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "locks")
		os.Mkdir(dir, 0o700)
		os.Chmod(dir, 0o777)
		_, err := Lock(filepath.Join(dir, "config.lock"), LockOptions{})
		if err == nil || !strings.Contains(err.Error(), "open to other users") || !strings.Contains(err.Error(), "chmod 700 "+dir) {
			t.Errorf("err = %v, want a refusal saying how to fix the folder", err)
		}
	})
	t.Run("a lock folder of another user", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root may use its users' folders (login for another user's home)")
		}
		_, err := Lock("/tmp/x.lock", LockOptions{}) // /tmp is root's, and 1777
		if err == nil {
			t.Error("Lock used /tmp as its lock folder")
		}
	})
}

// TestRootKeepsTheOwner: root writing in a user's home (login run as root)
// leaves the user's files and the folders it creates the user's.
func TestRootKeepsTheOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	const uid, gid = 4321, 4322
	home := t.TempDir()
	if err := os.Chown(home, uid, gid); err != nil {
		t.Skip(err)
	}
	existing := filepath.Join(home, "existing")
	os.WriteFile(existing, []byte("old\n"), 0o644)
	os.Chown(existing, uid, gid)
	newDir := filepath.Join(home, ".kube", "cache", "eks-login")
	if err := MkdirAllOwned(newDir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{existing, filepath.Join(home, ".kube", "config")} {
		if err := WriteFileAtomic(p, []byte("new\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteFilePrivate(filepath.Join(newDir, "entry.json"), []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{existing, filepath.Join(home, ".kube"), filepath.Join(home, ".kube", "cache"), newDir, filepath.Join(home, ".kube", "config"), filepath.Join(newDir, "entry.json")} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if u, g, _ := ownerOf(fi); u != uid || g != gid {
			t.Errorf("%s belongs to %d:%d, want the home's owner %d:%d", p, u, g, uid, gid)
		}
	}
}
