//go:build unix

package fsutil

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadFileRefusesSpecialFiles: every reader of the user's files goes
// through ReadFile; a named pipe must not block it, /dev/zero must not grow
// it, and a huge file must not be read whole (issue 18.6).
func TestReadFileRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "config")
	if err := os.WriteFile(regular, []byte("[default]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	os.Symlink(regular, link)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	fifoLink := filepath.Join(dir, "fifo-link")
	os.Symlink(fifo, fifoLink)
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, bytes.Repeat([]byte{0}, MaxFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path     string
		want     string // "" for the content
		notExist bool
	}{
		{regular, "", false},
		{link, "", false},
		{filepath.Join(dir, "missing"), "", true},
		{fifo, "is a named pipe (FIFO), not a regular file", false},
		{fifoLink, "is a named pipe (FIFO), not a regular file", false},
		{"/dev/zero", "is a character device, not a regular file", false},
		{"/dev/null", "is a character device, not a regular file", false},
		{dir, "is a folder, not a regular file", false},
		{big, "more than the 4.0 MiB eks-login reads", false},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			done := make(chan struct{})
			var data []byte
			var err error
			go func() { data, err = ReadFile(tt.path); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second): // a guard against a hang, not a synchronisation
				t.Fatal("ReadFile still blocks after 10 s")
			}
			checkErr := CheckRegular(tt.path)
			switch {
			case tt.notExist:
				if !errors.Is(err, fs.ErrNotExist) || checkErr != nil {
					t.Errorf("ReadFile: %v, CheckRegular: %v; want not-exist and nil", err, checkErr)
				}
			case tt.want == "":
				if err != nil || string(data) != "[default]\n" || checkErr != nil {
					t.Errorf("ReadFile = %q, %v; CheckRegular: %v", data, err, checkErr)
				}
			default:
				for _, e := range []error{err, checkErr} {
					if !errors.Is(e, ErrRefused) || !strings.Contains(e.Error(), tt.want) || !strings.Contains(e.Error(), tt.path) {
						t.Errorf("err = %v, want a refusal naming %s and saying %q", e, tt.path, tt.want)
					}
				}
			}
		})
	}
}
