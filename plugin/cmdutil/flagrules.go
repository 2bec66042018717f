package cmdutil

import (
	"context"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/eks-login/eks-login/pkg/exitcode"
)

// Static flag rules are cobra's: a required flag (MarkFlagRequired), flags
// that exclude each other (MarkFlagsMutuallyExclusive), flags of which one
// is required (MarkFlagsOneRequired). cobra words their errors in its own
// terms ("required flag(s) "cluster" not set"); each rule made here keeps
// the sentence a person reads instead, and FlagRuleError puts it in place of
// cobra's, with the usage exit code.

// ruleKey prefixes the command annotations that hold the rules' sentences:
// "eks-login/flag-rule KIND NAME...".
const ruleKey = "eks-login/flag-rule "

// The kinds of rule, in the order cobra checks them.
var ruleKinds = []string{"required", "one-required", "exclusive"}

// RequireFlag makes flag name required; message is what a person reads when
// it is missing.
func RequireFlag(cmd *cobra.Command, name, message string) {
	if err := cmd.MarkFlagRequired(name); err != nil {
		panic(err) // no such flag: a mistake in the command's code
	}
	setRule(cmd, "required", message, name)
}

// ExclusiveFlags lets at most one of the flags be given; message is what a
// person reads when several are.
func ExclusiveFlags(cmd *cobra.Command, message string, names ...string) {
	cmd.MarkFlagsMutuallyExclusive(names...)
	setRule(cmd, "exclusive", message, names...)
}

// OneRequiredFlag asks for at least one of the flags; message is what a
// person reads when none is given.
func OneRequiredFlag(cmd *cobra.Command, message string, names ...string) {
	cmd.MarkFlagsOneRequired(names...)
	setRule(cmd, "one-required", message, names...)
}

func setRule(cmd *cobra.Command, kind, message string, names ...string) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[ruleKey+kind+" "+strings.Join(names, " ")] = message
}

// BrokenFlagRule is the sentence of the first rule of cmd that its flags,
// as parsed, break; "" when they keep them all.
func BrokenFlagRule(cmd *cobra.Command) string {
	var keys []string
	for k := range cmd.Annotations {
		if strings.HasPrefix(k, ruleKey) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, kind := range ruleKinds {
		for _, k := range keys {
			fields := strings.Fields(strings.TrimPrefix(k, ruleKey))
			if fields[0] == kind && breaks(cmd, kind, fields[1:]) {
				return cmd.Annotations[k]
			}
		}
	}
	return ""
}

func breaks(cmd *cobra.Command, kind string, names []string) bool {
	given := 0
	for _, n := range names {
		if cmd.Flags().Changed(n) {
			given++
		}
	}
	if kind == "exclusive" {
		return given > 1
	}
	return given == 0
}

// FlagRuleError gives an error of cobra's flag rules for cmd the rule's own
// sentence and the usage exit code; other errors come back as they are.
func FlagRuleError(cmd *cobra.Command, err error) error {
	if err == nil || cmd == nil || !isFlagRuleError(err) {
		return err
	}
	if msg := BrokenFlagRule(cmd); msg != "" {
		return exitcode.Errorf(exitcode.Usage, "%s", msg)
	}
	return exitcode.WithCode(exitcode.Usage, err)
}

// isFlagRuleError recognises the errors of cobra's ValidateRequiredFlags
// and ValidateFlagGroups (cobra v1.10), which are plain errors.
func isFlagRuleError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"required flag(s) ", "if any flags in the group ", "at least one of the flags in the group "} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// Execute runs the command line of cmd's tree, as cmd.ExecuteContext does,
// and gives a broken flag rule of the command that ran its own sentence.
func Execute(ctx context.Context, cmd *cobra.Command) error {
	ran, err := cmd.ExecuteContextC(ctx)
	return FlagRuleError(ran, err)
}
