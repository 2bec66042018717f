package root

import (
	"strings"
	"testing"

	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// TestEveryCommandHasHelp: kubectl's style is a description, an Examples
// section with real names, the options, and a usage line.
func TestEveryCommandHasHelp(t *testing.T) {
	f := &cmdutil.Factory{Getenv: func(string) string { return "" }}
	var check func(path string, c *cmdutil.Command)
	check = func(path string, c *cmdutil.Command) {
		t.Run(path, func(t *testing.T) {
			help := c.Help()
			for _, want := range []string{"Examples:\n", "Usage:\n  kubectl eks-login"} {
				if !strings.Contains(help, want) {
					t.Errorf("help of %q lacks %q:\n%s", path, want, help)
				}
			}
			// Examples use the seed's names, so they read as the walkthrough does.
			if c.Name != "version" && c.Name != "completion" && !containsAny(help, "my-example", "EKSMyExampleViewer", "developers", "dev1") {
				t.Errorf("the examples of %q use none of the seed's names:\n%s", path, help)
			}
		})
		for _, s := range c.Sub {
			check(path+" "+s.Name, s)
		}
	}
	for _, c := range Commands {
		check(c.Name, c.Build(f))
	}
	check("completion", newCompletionCmd(f))
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
