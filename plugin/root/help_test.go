package root

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// TestEveryCommandHasHelp: kubectl's style is a description, an Examples
// section with real names, the options, and a usage line, on every command,
// the root included.
func TestEveryCommandHasHelp(t *testing.T) {
	var check func(c *cobra.Command)
	check = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		t.Run(c.CommandPath(), func(t *testing.T) {
			var out bytes.Buffer
			f := &cmdutil.Factory{IOStreams: &iostreams.IOStreams{Out: &out, ErrOut: &out}, Getenv: func(string) string { return "" }}
			args := append(strings.Fields(strings.TrimPrefix(c.CommandPath(), displayName)), "--help")
			if code := Main(context.Background(), f, args); code != 0 {
				t.Fatalf("%q: exit %d: %s", args, code, out.String())
			}
			help := out.String()
			for _, want := range []string{"Examples:\n", "Usage:\n  kubectl eks-login"} {
				if !strings.Contains(help, want) {
					t.Errorf("help of %q lacks %q:\n%s", c.CommandPath(), want, help)
				}
			}
			// Examples use the seed's names, so they read as the walkthrough does.
			if !containsAny(c.CommandPath(), "version", "completion") && !containsAny(help, "my-example", "EKSMyExampleViewer", "developers", "dev1") {
				t.Errorf("the examples of %q use none of the seed's names:\n%s", c.CommandPath(), help)
			}
		})
		for _, s := range c.Commands() {
			check(s)
		}
	}
	check(NewCmdRoot(&cmdutil.Factory{IOStreams: &iostreams.IOStreams{}, Getenv: func(string) string { return "" }}))
}

// TestUsageErrors: unknown commands and flags exit 2, with suggestions.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"tokn"}, `unknown command "tokn" for "kubectl eks-login"; did you mean token?`},
		{[]string{"admin", "grnt"}, "did you mean grant?"},
		{[]string{"token", "--bogus"}, "unknown flag: --bogus; see 'kubectl eks-login token --help'"},
		{[]string{"completion", "tcsh"}, `unknown command "tcsh"`},
		{[]string{"--cluster"}, "flag needs an argument: --cluster"},
		{[]string{"admin", "map", "--username", "u"}, "error: name the IAM principal with --role-arn ARN or --user-arn ARN\n"},
		{[]string{"admin", "unmap", "--role-arn", "arn:aws:iam::123456789012:role/R", "--user-arn", "arn:aws:iam::123456789012:user/u"}, "error: --role-arn and --user-arn both name the principal; pass one of them\n"},
		{[]string{"admin", "grant", "--cluster", "c", "--role", "r", "--iam-group", "g"}, "error: --clusterrole is required: the ClusterRole the group is bound to, e.g. view\n"},
		// login's rules, as the root's action and as the login command
		{[]string{"--role", "R"}, "error: --cluster is required: the name of the EKS cluster (or find them all with --all or --sso-session NAME)\n"},
		{[]string{"login", "--role", "R"}, "error: --cluster is required: the name of the EKS cluster (or find them all with --all or --sso-session NAME)\n"},
		{[]string{"--cluster", "dev"}, "error: name the IAM role with --role-arn ARN or --role NAME\n"},
		{[]string{"--cluster", "dev", "--role", "R", "--role-arn", "arn:aws:iam::123456789012:role/R"}, "error: --role-arn and --role both name the role; pass one of them\n"},
		{[]string{"token"}, "error: --cluster-name is required"},
		{[]string{"logout"}, "error: --cluster is required: the name of the EKS cluster to log out of\n"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		f := &cmdutil.Factory{IOStreams: &iostreams.IOStreams{Out: &out, ErrOut: &out}, Getenv: func(string) string { return "" }}
		if code := Main(context.Background(), f, tt.args); code != exitcode.Usage || !strings.Contains(out.String(), tt.want) {
			t.Errorf("%q: exit %d, output %q; want exit %d saying %q", tt.args, code, out.String(), exitcode.Usage, tt.want)
		}
	}
}

// TestRootWithoutFlags: the root without flags shows its help; login's
// required flags are not the root's.
func TestRootWithoutFlags(t *testing.T) {
	var out bytes.Buffer
	f := &cmdutil.Factory{IOStreams: &iostreams.IOStreams{Out: &out, ErrOut: &out}, Getenv: func(string) string { return "" }}
	if code := Main(context.Background(), f, nil); code != 0 || !strings.Contains(out.String(), "Usage:\n  kubectl eks-login") {
		t.Errorf("exit %d, output:\n%s", code, out.String())
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
