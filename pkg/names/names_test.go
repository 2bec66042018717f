package names

import (
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	tests := []struct {
		rule string
		ok   func(string) bool
		good []string
		bad  []string
	}{
		{"Cluster", Cluster,
			[]string{"my-example", "a", "0_x", strings.Repeat("c", 100)},
			[]string{"", "-a", "_a", "my/example", "a b", "a.b", strings.Repeat("c", 101)}},
		{"IAM role", func(s string) bool { return IAM(s, MaxRole) },
			[]string{"EKSMyExampleViewer", "dev1", "a+b=c,d.e@f-g_h", strings.Repeat("r", 64)},
			[]string{"", "*", "team/viewer", "a b", "é", strings.Repeat("r", 65)}},
		{"IAM group", func(s string) bool { return IAM(s, MaxGroup) },
			[]string{strings.Repeat("g", 128)},
			[]string{strings.Repeat("g", 129)}},
		{"Namespace", Namespace,
			[]string{"team-a", "a", "0", strings.Repeat("n", 63)},
			[]string{"", "-a", "a-", "A", "a.b", "a_b", "../kube-system", strings.Repeat("n", 64)}},
		{"RBAC", RBAC,
			[]string{"developers-view", "system:masters-view", "eks:podsecuritypolicy:authenticated", strings.Repeat("r", 253)},
			[]string{"", ".", "..", "a/b", "a%2F", "a b", "a?b", "a#b", strings.Repeat("r", 254)}},
	}
	for _, tt := range tests {
		for _, s := range tt.good {
			if !tt.ok(s) {
				t.Errorf("%s(%q) = false, want true", tt.rule, s)
			}
		}
		for _, s := range tt.bad {
			if tt.ok(s) {
				t.Errorf("%s(%q) = true, want false", tt.rule, s)
			}
		}
	}
}
