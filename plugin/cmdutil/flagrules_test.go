package cmdutil

import (
	"context"
	"io"
	"testing"

	"github.com/spf13/cobra"

	"github.com/eks-login/eks-login/pkg/exitcode"
)

func TestFlagRules(t *testing.T) {
	tests := []struct {
		args []string
		want string // the error; "" for none
	}{
		{[]string{"--cluster", "dev", "--role", "r"}, ""},
		{[]string{"--role", "r"}, "--cluster is required"},
		{[]string{"--cluster", "dev"}, "name the role"},
		{[]string{"--cluster", "dev", "--role", "r", "--role-arn", "a"}, "pass one role"},
		// cobra checks the required flag first; so does the sentence.
		{[]string{"--role", "r", "--role-arn", "a"}, "--cluster is required"},
	}
	for _, tt := range tests {
		cmd := &cobra.Command{Use: "login", RunE: func(*cobra.Command, []string) error { return nil }}
		cmd.Flags().String("cluster", "", "")
		cmd.Flags().String("role", "", "")
		cmd.Flags().String("role-arn", "", "")
		RequireFlag(cmd, "cluster", "--cluster is required")
		OneRequiredFlag(cmd, "name the role", "role", "role-arn")
		ExclusiveFlags(cmd, "pass one role", "role", "role-arn")
		cmd.SetArgs(tt.args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		err := Execute(context.Background(), cmd)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q: %v, want no error", tt.args, err)
		case tt.want != "" && (err == nil || err.Error() != tt.want || exitcode.Of(err) != exitcode.Usage):
			t.Errorf("%q: %v (exit %d), want %q with exit %d", tt.args, err, exitcode.Of(err), tt.want, exitcode.Usage)
		}
	}
}

func TestFlagRuleErrorLeavesOtherErrors(t *testing.T) {
	cmd := &cobra.Command{Use: "x"}
	other := exitcode.Errorf(exitcode.Input, "a file")
	if got := FlagRuleError(cmd, other); got != other {
		t.Errorf("FlagRuleError changed %v into %v", other, got)
	}
}
