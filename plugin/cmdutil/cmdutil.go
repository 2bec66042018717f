// Package cmdutil holds what every command shares: the Factory that carries
// the process's surroundings into commands, and small helpers for cobra
// commands. It must stay light: it is linked into the token path, which
// kubectl runs on every call.
package cmdutil

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/eks-login/eks-login/pkg/env"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/iostreams"
)

// Factory carries what a command needs from its surroundings. main builds it
// from the process; tests build one by hand.
type Factory struct {
	IOStreams *iostreams.IOStreams
	// Getenv reads the environment; tests replace it rather than call Setenv.
	Getenv func(string) string
	// Environ lists the environment as NAME=VALUE.
	Environ func() []string
	// Now is the clock.
	Now func() time.Time
	// Executable is the path of this binary, named in commands we ask people
	// to run by hand.
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

// Environment is the factory's surroundings for a use case. It is the one
// place where an unset field means the process's own: the variables of the
// process, time.Now.
func (f *Factory) Environment() env.Env {
	e := env.Env{Getenv: f.Env, Environ: f.Environ, Now: f.Now}
	if e.Environ == nil {
		e.Environ = os.Environ
	}
	if e.Now == nil {
		e.Now = time.Now
	}
	return e
}

// Verbose is the --verbose log of a command: lines on w prefixed
// "eks-login: ", or nothing when on is false.
func Verbose(w io.Writer, on bool) env.Logf {
	if !on || w == nil {
		return nil
	}
	return func(format string, args ...any) { fmt.Fprintf(w, "eks-login: "+format+"\n", args...) }
}

// NoArgs is cobra's NoArgs with the usage exit code and a hint of where the
// value should go instead.
func NoArgs(hint string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return exitcode.Errorf(exitcode.Usage, "%s takes no arguments, got %q; %s", cmd.CommandPath(), args, hint)
		}
		return nil
	}
}

// FlagErrorFunc gives flag errors the usage exit code and points at help.
func FlagErrorFunc(cmd *cobra.Command, err error) error {
	return exitcode.Errorf(exitcode.Usage, "%s; see '%s --help'", err, cmd.CommandPath())
}

// UnknownCommand is the Args of a command whose subcommands are its only
// arguments: a word that names none of them is a usage error, with cobra's
// "did you mean" suggestions.
func UnknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's own default, which it sets only for itself
	}
	next := "; run"
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
		next = " Run"
	}
	return exitcode.Errorf(exitcode.Usage, "%s%s '%s --help' for the list", msg, next, cmd.CommandPath())
}

// PrintPlan prints a planned edit of a file as a unified diff, or says that
// the file does not change (the --dry-run of login and logout).
func PrintPlan(w io.Writer, p *fileplan.File) {
	if d := p.Diff(); d != "" {
		fmt.Fprint(w, d)
	} else {
		fmt.Fprintf(w, "%s: no change\n", p.Path)
	}
}
