// Package adminflagstest helps the admin commands' tests: flags parsed by the
// command without running it, and a Common whose use cases go to the
// recorded-HTTP fake of pkg/usecases/admin/admintest. Tests alone import it.
package adminflagstest

import (
	"bytes"
	"io"

	"github.com/spf13/cobra"

	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

// Factory is a factory whose streams write to out, with an empty
// environment.
func Factory(out *bytes.Buffer) *cmdutil.Factory {
	return &cmdutil.Factory{IOStreams: &iostreams.IOStreams{In: &bytes.Buffer{}, Out: out, ErrOut: out}, Getenv: func(string) string { return "" }}
}

// Parse runs cmd on args, as cobra does for the user: flags parsed, flag
// rules checked, then its RunE (a test's runF).
func Parse(cmd *cobra.Command, args ...string) error {
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	return cmd.Execute()
}

// Common is what a run function gets from its flags, its use cases those of
// fake, its output written to out.
func Common(fake *admintest.Fake, out *bytes.Buffer, dry bool) *adminflags.Common {
	return &adminflags.Common{IO: &iostreams.IOStreams{Out: out, ErrOut: out}, DryRun: dry, Admin: func() *admin.Admin { return fake.Admin },
		AdminAt: func(string) *admin.Admin { return fake.Admin }, Getenv: func(string) string { return "" }}
}
