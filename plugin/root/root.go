// Package root dispatches the kubectl-eks_login command line to its commands.
package root

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/plugin/admin"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/doctor"
	"github.com/eks-login/eks-login/plugin/login"
	"github.com/eks-login/eks-login/plugin/logout"
	"github.com/eks-login/eks-login/plugin/token"
	"github.com/eks-login/eks-login/plugin/version"
)

// Builder makes a command for a factory. Commands are built only when chosen,
// so the token path pays for nothing else.
type Builder func(f *cmdutil.Factory) *cmdutil.Command

// Commands lists the subcommands in the order help shows them. Login is the
// default command: "kubectl eks-login --cluster NAME ..." runs it.
var Commands = []struct {
	Name  string
	Short string
	Build Builder
}{
	{Name: "login", Short: "Set up kubectl access to an EKS cluster through an IAM role (the default command)", Build: login.NewCmd},
	{Name: "logout", Short: "Remove what login wrote for a cluster", Build: logout.NewCmd},
	{Name: "token", Short: "Print an ExecCredential with an EKS token (what kubectl runs)", Build: token.NewCmd},
	{Name: "doctor", Short: "Check every link from AWS credentials to RBAC and name the first broken one", Build: doctor.NewCmd},
	{Name: "admin", Short: "Give people access to the cluster: IAM, aws-auth or access entries, RBAC", Build: admin.NewCmd},
	{Name: "version", Short: "Print the version of eks-login", Build: version.NewCmd},
}

// defaultCommand runs when the first argument is a flag or there is none.
var defaultCommand = "login"

// Main runs the command line args (without the program name) and returns the
// process exit code. Errors are printed as one line on ErrOut.
func Main(f *cmdutil.Factory, args []string) int {
	err := run(f, args)
	if err == nil || errors.Is(err, cmdutil.ErrHelp) {
		return cmdutil.ExitOK
	}
	fmt.Fprintf(f.IO.ErrOut, "error: %s\n", strings.TrimSpace(err.Error()))
	return cmdutil.CodeOf(err)
}

func run(f *cmdutil.Factory, args []string) error {
	name := defaultCommand
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(f.IO.Out, rootHelp())
		return cmdutil.ErrHelp
	}
	switch name {
	case "__complete":
		return complete(f, args)
	case "completion":
		return Execute(f, newCompletionCmd(f), args)
	}
	if name == "help" {
		if len(args) == 0 {
			fmt.Fprint(f.IO.Out, rootHelp())
			return cmdutil.ErrHelp
		}
		name, args = args[0], []string{"--help"}
	}
	for _, c := range Commands {
		if c.Name == name {
			return Execute(f, c.Build(f), args)
		}
	}
	return cmdutil.Errorf(cmdutil.ExitUsage, "unknown command %q; run 'kubectl eks-login --help' for the list", name)
}

// Execute parses args into cmd's flags and runs it, descending into
// subcommands.
func Execute(f *cmdutil.Factory, cmd *cmdutil.Command, args []string) error {
	if len(cmd.Sub) > 0 && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		for _, s := range cmd.Sub {
			if s.Name == args[0] {
				return Execute(f, s, args[1:])
			}
		}
		return cmdutil.Errorf(cmdutil.ExitUsage, "unknown command %q for %q; run '%s --help'", args[0], cmd.Name, cmd.Usage)
	}
	flags := cmd.Flags
	if flags == nil {
		flags = pflag.NewFlagSet(cmd.Name, pflag.ContinueOnError)
	}
	help := false
	if flags.Lookup("help") == nil {
		flags.BoolVarP(&help, "help", "h", false, "Show help for this command.")
	}
	flags.SetOutput(discard{})
	if err := flags.Parse(args); err != nil {
		return cmdutil.Errorf(cmdutil.ExitUsage, "%s; see '%s --help'", err, commandPath(cmd))
	}
	if help || cmd.Run == nil {
		fmt.Fprint(f.IO.Out, cmd.Help())
		return cmdutil.ErrHelp
	}
	return cmd.Run(flags.Args())
}

func commandPath(cmd *cmdutil.Command) string {
	if cmd.Name == "" || cmd.Name == defaultCommand {
		return "kubectl eks-login"
	}
	return "kubectl eks-login " + cmd.Name
}

func rootHelp() string {
	var b strings.Builder
	b.WriteString("eks-login gives people access to Amazon EKS clusters through IAM roles, and mints their tokens.\n\n")
	b.WriteString("Usage:\n  kubectl eks-login [command] [flags]\n\nCommands:\n")
	for _, c := range Commands {
		fmt.Fprintf(&b, "  %-12s %s\n", c.Name, c.Short)
	}
	fmt.Fprintf(&b, "  %-12s %s\n", "completion", "Print a shell completion script (bash, zsh, fish, powershell)")
	b.WriteString("\nRun 'kubectl eks-login COMMAND --help' for a command's flags and examples.\n")
	return b.String()
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
