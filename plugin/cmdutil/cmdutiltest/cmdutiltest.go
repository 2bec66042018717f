// Package cmdutiltest helps the commands' tests: a command's flags parsed as
// the binary parses a user's, without running the command. Tests alone
// import it.
package cmdutiltest

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// ParseOptions builds a command with newCmd and runs it on args (split at
// blanks) as the binary does, with a run function that only keeps its
// options. It returns those options, nil when the command refused, and the
// error.
func ParseOptions[O any](f *cmdutil.Factory, newCmd func(*cmdutil.Factory, func(*O) error) *cobra.Command, args string) (*O, error) {
	var got *O
	cmd := newCmd(f, func(o *O) error { got = o; return nil })
	cmd.SetArgs(strings.Fields(args))
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmdutil.Execute(context.Background(), cmd)
	return got, err
}

// WantRefusal fails t unless err has exit code code and says want, and the
// command did not run (got is nil).
func WantRefusal[O any](t testing.TB, got *O, err error, code int, want string) {
	t.Helper()
	if err == nil || exitcode.Of(err) != code || !strings.Contains(err.Error(), want) || got != nil {
		t.Fatalf("err %v (exit %d, ran %v), want exit %d saying %q", err, exitcode.Of(err), got != nil, code, want)
	}
}
