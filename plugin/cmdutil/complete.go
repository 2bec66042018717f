package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"
)

// A command whose flag takes one of a fixed set of values names the set
// once: it checks the value against it and gives it to shell completion
// here. Values the command cannot know ahead (profiles, clusters, contexts)
// are completed by plugin/root from the user's files.

// CompleteValues makes the shell offer the values for flag that begin with
// what was typed, and no file names.
func CompleteValues(cmd *cobra.Command, flag string, values ...string) {
	mustRegister(cmd, flag, func(_ *cobra.Command, _ []string, typed string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, v := range values {
			if strings.HasPrefix(v, typed) {
				out = append(out, v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}

// CompleteFiles makes the shell offer the files ending in one of exts
// (without the dot, e.g. "yaml"), and folders, for flag.
func CompleteFiles(cmd *cobra.Command, flag string, exts ...string) {
	mustRegister(cmd, flag, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return exts, cobra.ShellCompDirectiveFilterFileExt
	})
}

func mustRegister(cmd *cobra.Command, flag string, f cobra.CompletionFunc) {
	if err := cmd.RegisterFlagCompletionFunc(flag, f); err != nil {
		panic(err) // no such flag, or registered twice: a mistake in the command's code
	}
}
