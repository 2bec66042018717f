package fileplan

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/fsutil"
)

func TestApplyCreatesPrivateFileAndFolder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "new", "config")
	p := &File{Path: path, New: []byte("x\n")}
	if !p.Created() {
		t.Fatal("a plan for a missing file must report Created")
	}
	if err := p.Apply(filepath.Join(dir, "locks")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "x\n" {
		t.Fatalf("content %q, %v", got, err)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
		}
		if fi, _ := os.Stat(filepath.Dir(path)); fi.Mode().Perm() != 0o700 {
			t.Errorf("folder mode %v, want 0700", fi.Mode().Perm())
		}
	}
	if !strings.HasPrefix(p.Diff(), "--- /dev/null\n+++ "+path+"\n") {
		t.Errorf("diff of a new file must start from /dev/null:\n%s", p.Diff())
	}
}

func TestApplyRefusesWhenFileChangedMeanwhile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte("before\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &File{Path: path, Old: []byte("before\n"), Existed: true, New: []byte("after\n")}
	if err := os.WriteFile(path, []byte("edited by hand\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := p.Apply(filepath.Join(dir, "locks"))
	if !errors.Is(err, ErrChangedMeanwhile) || !strings.Contains(err.Error(), path) {
		t.Fatalf("want ErrChangedMeanwhile naming %s, got %v", path, err)
	}
	if got, _ := os.ReadFile(path); string(got) != "edited by hand\n" {
		t.Errorf("the hand edit was overwritten: %q", got)
	}
}

func TestApplyKeepsModeAndSkipsUnchanged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte("a\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	same := &File{Path: path, Old: []byte("a\n"), Existed: true, New: []byte("a\n")}
	if same.Changed() || same.Diff() != "" {
		t.Fatal("an unchanged plan must not report a change")
	}
	// An unchanged plan does not even take the lock: the lock folder may be unwritable.
	if err := same.Apply("/proc/no-such-dir"); err != nil {
		t.Fatal(err)
	}
	p := &File{Path: path, Old: []byte("a\n"), Existed: true, New: []byte("b\n")}
	if err := p.Apply(filepath.Join(dir, "locks")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want the file's own 0640", fi.Mode().Perm())
	}
}

func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	ok := &File{Path: filepath.Join(dir, "a", "b", "config"), New: []byte("x")}
	if err := ok.CheckWritable(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); !os.IsNotExist(err) {
		t.Error("CheckWritable must not create folders")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("CheckWritable left %v", entries)
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	bad := &File{Path: filepath.Join(file, "config"), New: []byte("x")}
	if err := bad.CheckWritable(); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("a file in place of the folder: %v", err)
	}
	if runtime.GOOS == "linux" {
		proc := &File{Path: "/proc/eks-login-test/config", New: []byte("x")}
		if err := proc.CheckWritable(); err == nil || !strings.Contains(err.Error(), "/proc/eks-login-test/config") {
			t.Errorf("an unwritable folder: %v", err)
		}
	}
}

// TestApplyGivesUpOnAHeldLock: a lock held by another process (or planted in
// a shared KUBECACHEDIR) makes Apply give up after the bound, naming the
// holder and writing nothing (issue 18.7).
func TestApplyGivesUpOnAHeldLock(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	os.WriteFile(path, []byte("before\n"), 0o600)
	lockDir := filepath.Join(dir, "locks")
	lockPath, err := fsutil.LockPathFor(lockDir, path)
	if err != nil {
		t.Fatal(err)
	}
	held, err := fsutil.Lock(lockPath, fsutil.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Unlock()
	defer func(old time.Duration) { fsutil.DefaultLockWait = old }(fsutil.DefaultLockWait)
	fsutil.DefaultLockWait = 20 * time.Millisecond

	p := &File{Path: path, Old: []byte("before\n"), Existed: true, New: []byte("after\n")}
	err = p.Apply(lockDir)
	var busy *fsutil.BusyError
	if !errors.As(err, &busy) || busy.Holder.PID != os.Getpid() {
		t.Fatalf("Apply = %v, want a *fsutil.BusyError naming this process", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "before\n" {
		t.Errorf("the file was written: %q", got)
	}
}
