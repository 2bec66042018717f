// Package prompt asks a person for an MFA code: the one prompter behind every
// AssumeRole of a profile with mfa_serial, in the token command (run by
// kubectl) and in login.
//
// It asks only when a person may be asked, reads the controlling terminal
// when standard input is one (kubectl owns stdout, and stdin may be
// redirected), or standard input otherwise (a code piped to login). Whether
// standard input is a terminal is pkg/iostreams' to say (TTY). It asks
// once: after a failed read (stdin at its end) every later call fails at
// once instead of asking again.
package prompt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// ErrNoCode is the root of every error for a code that could not be had: no
// one may be asked, the input ended, or the answer is not a code. Commands
// give it the credentials exit code.
var ErrNoCode = errors.New("no MFA code")

// MFA asks for MFA codes.
type MFA struct {
	// In is where answers come from when it is not a terminal.
	In io.Reader
	// TTY says that In is a terminal (iostreams.IsStdinTTY): the answer is
	// read from the controlling terminal.
	TTY bool
	// Out gets the question (stderr: stdout may belong to kubectl).
	Out io.Writer
	// Allowed says whether a person may be asked at all: kubectl's
	// interactive flag for the token command. When false, Code fails at
	// once with Refusal's text.
	Allowed bool
	// Refusal says what to do instead when asking is not allowed, such as
	// the command that fills the token cache when run by hand.
	Refusal string
	// Ask, when set, reads the answer instead of the terminal or In; the
	// token command's tests answer through it.
	Ask func(serial string) (string, error)
	// OpenTTY opens the controlling terminal; nil means /dev/tty.
	OpenTTY func() (io.ReadWriteCloser, error)
	// Asking, when set, is told when a question is put (true) and when it is
	// answered or abandoned (false): the token command tells processes
	// waiting for the same cache entry that this one waits for a person.
	Asking func(bool)

	mu     sync.Mutex
	reader *bufio.Reader
	failed error
}

// Code asks for the code of the MFA device serial: six digits.
func (m *MFA) Code(serial string) (string, error) {
	if !m.Allowed {
		return "", fmt.Errorf("%w: the AWS profile needs a code from MFA device %s and there is no terminal to ask for it; %s", ErrNoCode, serial, m.Refusal)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failed != nil {
		return "", m.failed
	}
	fmt.Fprintf(m.Out, "MFA code for %s: ", serial)
	if m.Asking != nil {
		m.Asking(true)
		defer m.Asking(false)
	}
	line, err := m.readLine(serial)
	if err != nil {
		fmt.Fprintln(m.Out)
		m.failed = fmt.Errorf("%w: cannot read the code for MFA device %s: %v", ErrNoCode, serial, err)
		return "", m.failed
	}
	code := strings.TrimSpace(line)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return "", fmt.Errorf("%w: the MFA code must be the 6 digits your device shows", ErrNoCode)
	}
	return code, nil
}

// readLine reads one answer: from the terminal when stdin is one, from In
// otherwise. An answer without a line end counts; an empty end of input
// does not.
func (m *MFA) readLine(serial string) (string, error) {
	if m.Ask != nil {
		return m.Ask(serial)
	}
	if m.TTY {
		tty, err := m.openTTY()
		if err != nil {
			return "", fmt.Errorf("cannot open the terminal: %w", err)
		}
		defer tty.Close()
		return readAnswer(bufio.NewReader(tty))
	}
	if m.In == nil {
		return "", io.EOF
	}
	if m.reader == nil {
		m.reader = bufio.NewReader(m.In)
	}
	return readAnswer(m.reader)
}

func readAnswer(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil && line == "" {
		if errors.Is(err, io.EOF) {
			return "", errors.New("the input ended")
		}
		return "", err
	}
	return line, nil
}

func (m *MFA) openTTY() (io.ReadWriteCloser, error) {
	if m.OpenTTY != nil {
		return m.OpenTTY()
	}
	return os.OpenFile(ttyPath, os.O_RDWR, 0)
}

// Typed asks question on out and reads one answer from in: the confirmation
// of a change that cannot be undone, given by typing want (a cluster's
// name, say). Any other answer is a no; an input that ends without one is
// an error.
func Typed(in io.Reader, out io.Writer, question, want string) (bool, error) {
	fmt.Fprint(out, question)
	if in == nil {
		in = strings.NewReader("")
	}
	line, err := readAnswer(bufio.NewReader(in))
	if err != nil {
		fmt.Fprintln(out)
		return false, fmt.Errorf("cannot read the answer: %w", err)
	}
	return strings.TrimSpace(line) == want, nil
}
