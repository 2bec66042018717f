package fsutil

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
)

// MaxFileSize bounds what eks-login reads of a user's file (~/.aws/config,
// credentials, a kubeconfig, a cache entry). The largest real ones are a few
// hundred kilobytes; the bound keeps /dev/zero, or a file filled by
// mistake, from growing the process without end.
const MaxFileSize = 4 << 20

// ErrRefused is matched (errors.Is) by NotRegularError and TooLargeError,
// whose messages already name the file.
var ErrRefused = errors.New("file refused")

// NotRegularError reports a path that is not a regular file (nor a link to
// one): a named pipe would block the read forever, a device could stream
// without end, a folder cannot be parsed.
type NotRegularError struct {
	Path string
	Kind string // "a named pipe (FIFO)", "a device", "a folder", ...
}

func (e *NotRegularError) Is(target error) bool { return target == ErrRefused }

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file; eks-login reads only regular files (or links to them): point it at a file", e.Path, e.Kind)
}

// TooLargeError reports a file over MaxFileSize.
type TooLargeError struct {
	Path string
	Size int64 // -1 when the file grew while being read
}

func (e *TooLargeError) Is(target error) bool { return target == ErrRefused }

func (e *TooLargeError) Error() string {
	size := "more than " + humanSize(MaxFileSize)
	if e.Size > 0 {
		size = humanSize(e.Size)
	}
	return fmt.Sprintf("%s is %s, more than the %s eks-login reads; it is not a config file eks-login can use", e.Path, size, humanSize(MaxFileSize))
}

func humanSize(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// kindOf names the type of a file that is not regular.
func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "not a regular file"
}

// checkInfo refuses what is not a regular file or is too large.
func checkInfo(path string, fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return &NotRegularError{Path: path, Kind: kindOf(fi.Mode())}
	}
	if fi.Size() > MaxFileSize {
		return &TooLargeError{Path: path, Size: fi.Size()}
	}
	return nil
}

// CheckRegular tells whether path can be read safely: it is a regular file
// (after symlinks) of at most MaxFileSize. A missing file passes, since every
// reader treats it as empty. It only stats the file, so it suits the token
// path, and it is what callers run before handing a path to a library that
// reads it by itself (the AWS SDK's shared config loading).
func CheckRegular(path string) error {
	_, err := StatRegular(path)
	return err
}

// StatRegular is CheckRegular that returns what it found: nil info and no
// error for a missing file.
func StatRegular(path string) (fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	if err := checkInfo(path, fi); err != nil {
		return nil, err
	}
	return fi, nil
}

// ReadFile reads path as os.ReadFile does, refusing anything that is not a
// regular file (before reading a byte: a named pipe is opened without
// waiting for a writer) and anything over MaxFileSize. Errors keep wrapping
// fs.ErrNotExist for a missing file.
func ReadFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openNoBlock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := checkInfo(path, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, &TooLargeError{Path: path, Size: -1}
	}
	return data, nil
}

// maxQuoted is how much of a file's text an error quotes.
const maxQuoted = 80

// QuoteShort quotes s for an error message (as %q does), cut to a few dozen
// bytes: an error names the place to fix, it does not echo a 10 MB line.
func QuoteShort(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := maxQuoted
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return strconv.Quote(s[:cut]) + fmt.Sprintf("… (%d more bytes)", len(s)-cut)
}
