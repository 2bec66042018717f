// Package iostreams holds a command's standard streams and knows whether each
// is a terminal, as the GitHub CLI's iostreams does. It is the one place that
// decides whether eks-login may prompt, draw progress or mark output with
// colour and symbols; commands and use cases receive it rather than looking
// at os.Stdin or os.Stdout themselves.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are a command's standard streams.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// Whether each stream is a terminal, decided once when the streams are
	// made (System) or set by a test (SetStdinTTY...).
	stdinTTY, stdoutTTY, stderrTTY bool
	// neverPrompt is set when the environment says no one is there to answer
	// (EKS_LOGIN_NO_PROMPT, or kubectl's interactive flag saying no).
	neverPrompt bool
	// noColor is set by NO_COLOR (https://no-color.org) or TERM=dumb.
	noColor bool
}

// System returns the process's own streams, with their terminal state read
// from the file descriptors and the environment read through getenv.
func System(getenv func(string) string) *IOStreams {
	if getenv == nil {
		getenv = os.Getenv
	}
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		stdinTTY:    isTerminal(os.Stdin),
		stdoutTTY:   isTerminal(os.Stdout),
		stderrTTY:   isTerminal(os.Stderr),
		neverPrompt: getenv("EKS_LOGIN_NO_PROMPT") != "",
		noColor:     getenv("NO_COLOR") != "" || getenv("TERM") == "dumb",
	}
}

// Test returns streams over buffers, none of them a terminal, and the
// buffers for stdin, stdout and stderr.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// IsStdinTTY says whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY says whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY says whether standard error is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdinTTY, SetStdoutTTY and SetStderrTTY let tests play a terminal.
func (s *IOStreams) SetStdinTTY(v bool)  { s.stdinTTY = v }
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }

// SetNeverPrompt forbids prompts, whatever the streams are: kubectl says so
// through KUBERNETES_EXEC_INFO when it gives its exec plugin no terminal.
func (s *IOStreams) SetNeverPrompt(v bool) { s.neverPrompt = v }

// CanPrompt says whether a person may be asked a question: standard input
// is a terminal and nothing forbids asking. Prompts are written to stderr,
// since stdout may belong to kubectl.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && !s.neverPrompt }

// ColorEnabled says whether stdout may carry colour and symbols such as
// ✓ and ✗: a terminal, without NO_COLOR.
func (s *IOStreams) ColorEnabled() bool { return s.stdoutTTY && !s.noColor }

// ProgressEnabled says whether a progress display may be drawn on stderr:
// a terminal, so scripts and logs see only the result.
func (s *IOStreams) ProgressEnabled() bool { return s.stderrTTY }
