// Package cmdutil holds what every command shares: the IO streams, the
// environment, the command description and the exit codes. It must stay
// light: it is linked into the token path, which kubectl runs on every call.
package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"
)

// IOStreams are the command's standard streams, injected so tests can run
// commands without touching the process's own.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// Factory carries what a command needs from its surroundings. Tests build one
// by hand; main builds it from the process.
type Factory struct {
	IO IOStreams
	// Getenv reads the environment; tests replace it rather than call Setenv.
	Getenv func(string) string
	// Executable is the path of this binary, written into kubeconfig exec entries.
	Executable string
	// Version information, set by the linker in release builds.
	Version, Commit string
}

// Env returns the value of key in the factory's environment.
func (f *Factory) Env(key string) string {
	if f.Getenv == nil {
		return os.Getenv(key)
	}
	return f.Getenv(key)
}

// Command is one subcommand: a flag set filled into an Options struct and a
// run function that takes the remaining arguments.
type Command struct {
	Name     string
	Short    string
	Usage    string // e.g. "kubectl eks-login token --cluster-name NAME [flags]"
	Long     string
	Examples string
	Flags    *pflag.FlagSet
	Run      func(args []string) error
	// Sub lists subcommands (for "admin"); Run may be nil then.
	Sub []*Command
}

// Help renders the command's help in kubectl's style.
func (c *Command) Help() string {
	var b strings.Builder
	if c.Long != "" {
		b.WriteString(strings.TrimSpace(c.Long) + "\n\n")
	} else if c.Short != "" {
		b.WriteString(c.Short + "\n\n")
	}
	if c.Examples != "" {
		b.WriteString("Examples:\n" + strings.TrimRight(c.Examples, "\n") + "\n\n")
	}
	if len(c.Sub) > 0 {
		b.WriteString("Available Commands:\n")
		for _, s := range c.Sub {
			fmt.Fprintf(&b, "  %-12s %s\n", s.Name, s.Short)
		}
		b.WriteString("\n")
	}
	if c.Flags != nil && c.Flags.HasFlags() {
		b.WriteString("Options:\n" + c.Flags.FlagUsages() + "\n")
	}
	b.WriteString("Usage:\n  " + c.Usage + "\n")
	return b.String()
}

// Exit codes, one per kind of failure, so scripts can tell them apart. They
// are documented in the README; do not renumber.
const (
	ExitOK           = 0
	ExitFailure      = 1 // anything not listed below
	ExitUsage        = 2 // bad flags or arguments
	ExitInput        = 3 // a malformed or unusable file: ~/.aws/config, kubeconfig, aws-auth, cache
	ExitCredentials  = 4 // no AWS credentials, expired ones, or an MFA code that cannot be asked for
	ExitAccessDenied = 5 // AWS said AccessDenied (AssumeRole, DescribeCluster, IAM)
	ExitNetwork      = 6 // DNS, connection or TLS failure
	ExitUnauthorized = 7 // the cluster does not know who we are (no mapping)
	ExitForbidden    = 8 // the cluster knows us but RBAC says no
	ExitConflict     = 9 // refused to overwrite something without --yes or --force
)

// CodedError is an error that knows the process's exit code.
type CodedError struct {
	Code int
	Err  error
}

func (e *CodedError) Error() string { return e.Err.Error() }
func (e *CodedError) Unwrap() error { return e.Err }

// WithCode marks err with an exit code; a nil err stays nil.
func WithCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &CodedError{Code: code, Err: err}
}

// Errorf is fmt.Errorf with an exit code.
func Errorf(code int, format string, args ...any) error {
	return &CodedError{Code: code, Err: fmt.Errorf(format, args...)}
}

// CodeOf returns the exit code an error asks for.
func CodeOf(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *CodedError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return ExitFailure
}

// ErrHelp is returned when the user asked for help and it was printed.
var ErrHelp = errors.New("help requested")
