// Package root assembles the kubectl-eks_login command tree with cobra and
// runs it: login is also the root's own action ("kubectl eks-login
// --cluster NAME ..."), errors are printed as one line with their exit code,
// and shell completion (cobra's, which kubectl's plugin completion calls
// through "__complete") knows profile and cluster names.
package root

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/plugin/admin"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/doctor"
	"github.com/eks-login/eks-login/plugin/login"
	"github.com/eks-login/eks-login/plugin/logout"
	"github.com/eks-login/eks-login/plugin/token"
	"github.com/eks-login/eks-login/plugin/version"
)

// displayName is what help and usage lines call the command: kubectl finds
// the binary kubectl-eks_login as the plugin "kubectl eks-login".
const displayName = "kubectl eks-login"

// subcommands are the root's commands besides login, in the order help
// lists them.
var subcommands = []struct {
	name  string
	build func(*cmdutil.Factory) *cobra.Command
}{
	{"logout", func(f *cmdutil.Factory) *cobra.Command { return logout.NewCmd(f, nil) }},
	{"token", func(f *cmdutil.Factory) *cobra.Command { return token.NewCmd(f, nil) }},
	{"doctor", func(f *cmdutil.Factory) *cobra.Command { return doctor.NewCmd(f, nil) }},
	{"admin", admin.NewCmd},
	{"version", version.NewCmd},
}

// NewCmdRoot builds the whole command tree.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command { return newCmdRoot(f, "") }

// newCmdRoot builds the tree, or, when only is the name of a subcommand, the
// root with login and that one command: kubectl runs the token command
// before every request, and the other commands' flags and completions
// would be built for nothing (BenchmarkDispatch).
func newCmdRoot(f *cmdutil.Factory, only string) *cobra.Command {
	loginCmd := login.NewCmd(f, nil)
	cmd := &cobra.Command{
		Use:   "kubectl-eks_login",
		Short: "Access to Amazon EKS through IAM roles, and the tokens kubectl needs",
		Long: `eks-login gives people access to Amazon EKS clusters through IAM roles, and
mints the tokens kubectl sends.

Run without a command, it logs in: the same as "kubectl eks-login login".`,
		Example: `  # A developer's login to cluster my-example through role EKSMyExampleViewer
  kubectl eks-login --cluster my-example --role EKSMyExampleViewer --source-profile dev1

  # The admin's side: IAM role and group, the mapping and the RBAC binding
  kubectl eks-login admin grant --cluster my-example --iam-group Developers \
    --role EKSMyExampleViewer --k8s-group developers --clusterrole view --user dev1

  # What is broken between your credentials and the cluster
  kubectl eks-login doctor --context my-example`,
		Annotations:   map[string]string{cobra.CommandDisplayNameAnnotation: displayName},
		Args:          cmdutil.UnknownCommand,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().NFlag() == 0 {
				return cmd.Help()
			}
			return runLogin(cmd, loginCmd, args)
		},
	}
	shareFlags(cmd, loginCmd)
	cmd.SetFlagErrorFunc(cmdutil.FlagErrorFunc)
	cmd.AddCommand(loginCmd)
	for _, sub := range subcommands {
		if only == "" || only == sub.name {
			cmd.AddCommand(sub.build(f))
		}
	}
	// Before the completion command: it takes its output stream when made.
	cmd.SetIn(f.IOStreams.In)
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	cmd.InitDefaultCompletionCmd()
	for _, c := range cmd.Commands() {
		if c.Name() == "completion" {
			c.Example = completionExamples
			c.Args = cmdutil.UnknownCommand
			c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
			for _, shell := range c.Commands() {
				shell.Example = "  " + shellExamples[shell.Name()]
			}
		}
	}
	registerCompletions(cmd, f)
	return cmd
}

// shareFlags gives root login's flags, bound to the same options. They are
// copies without cobra's rules (a required --cluster): root without flags
// shows its help, and login's rules are checked by runLogin.
func shareFlags(root, login *cobra.Command) {
	root.Flags().SortFlags = false
	login.Flags().VisitAll(func(f *pflag.Flag) {
		c := *f
		c.Annotations = nil
		root.Flags().AddFlag(&c)
	})
}

// runLogin runs login as the root's action: the flags given to the root
// are given to login, whose rules then apply.
func runLogin(root, login *cobra.Command, args []string) error {
	root.Flags().Visit(func(f *pflag.Flag) {
		if lf := login.Flags().Lookup(f.Name); lf != nil {
			lf.Changed = true
		}
	})
	if err := login.ValidateRequiredFlags(); err != nil {
		return cmdutil.FlagRuleError(login, err)
	}
	if err := login.ValidateFlagGroups(); err != nil {
		return cmdutil.FlagRuleError(login, err)
	}
	login.SetContext(root.Context())
	return login.RunE(login, args)
}

var shellExamples = map[string]string{
	"bash":       "source <(kubectl-eks_login completion bash)",
	"zsh":        `kubectl-eks_login completion zsh > "${fpath[1]}/_kubectl-eks_login"`,
	"fish":       "kubectl-eks_login completion fish > ~/.config/fish/completions/kubectl-eks_login.fish",
	"powershell": "kubectl-eks_login completion powershell | Out-String | Invoke-Expression",
}

const completionExamples = `  # bash, for this shell and every new one
  source <(kubectl-eks_login completion bash)
  echo 'source <(kubectl-eks_login completion bash)' >> ~/.bashrc

  # zsh
  kubectl-eks_login completion zsh > "${fpath[1]}/_kubectl-eks_login"

  # fish
  kubectl-eks_login completion fish > ~/.config/fish/completions/kubectl-eks_login.fish

  # PowerShell
  kubectl-eks_login completion powershell | Out-String | Invoke-Expression`

// Main runs the command line args (without the program name) and returns the
// process exit code. An error is printed as one line on stderr.
func Main(ctx context.Context, f *cmdutil.Factory, args []string) int {
	cmd := newCmdRoot(f, onlyCommand(args))
	cmd.SetArgs(args)
	failed, err := cmd.ExecuteContextC(ctx)
	err = cmdutil.FlagRuleError(failed, err)
	if err == nil {
		return exitcode.OK
	}
	msg := strings.TrimSpace(err.Error())
	var coded *exitcode.Error
	if !errors.As(err, &coded) && isUsageError(err) {
		fmt.Fprintf(f.IOStreams.ErrOut, "error: %s; see '%s --help'\n", msg, failed.CommandPath())
		return exitcode.Usage
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "error: %s\n", msg)
	return exitcode.Of(err)
}

// onlyCommand is the subcommand args name when they name one and the tree
// needs no other (not for help, completion or an unknown word's
// suggestions), or "".
func onlyCommand(args []string) string {
	if len(args) == 0 {
		return ""
	}
	for _, sub := range subcommands {
		if sub.name == args[0] {
			return sub.name
		}
	}
	return ""
}

// isUsageError recognises the few argument errors cobra makes itself, as
// plain errors (a missing required flag, flags that exclude each other or
// of which one is needed, an unknown shell for completion).
func isUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"required flag", "if any flags in the group", "at least one of the flags in the group", "unknown command", "unknown flag", "accepts ", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
