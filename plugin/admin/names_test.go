package admin

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
)

// TestNamesCheckedBeforeAnyCall: names that go into ARNs, policies and API
// paths are refused before anything is asked of AWS or the cluster (issue
// 18.8): no client is injected, so a call would fail otherwise.
func TestNamesCheckedBeforeAnyCall(t *testing.T) {
	iam := func(edit func(*IAMSpec)) func() error {
		s := IAMSpec{Cluster: "my-example", Role: "EKSMyExampleViewer", Group: "Developers", Users: []string{"dev1"}}
		edit(&s)
		return func() error {
			var out bytes.Buffer
			return runIAM(context.Background(), &IAMOptions{Common: &Common{IO: &iostreams.IOStreams{Out: &out, ErrOut: &out}, getenv: func(string) string { return "" }}, IAMSpec: s})
		}
	}
	bind := func(b Binding) func() error {
		return func() error {
			var out bytes.Buffer
			return runBind(context.Background(), &BindOptions{Common: &Common{IO: &iostreams.IOStreams{Out: &out, ErrOut: &out}, getenv: func(string) string { return "" }}, Binding: b})
		}
	}
	tests := []struct {
		name string
		run  func() error
		want string
	}{
		{"iam role *", iam(func(s *IAMSpec) { s.Role = "*" }), `--role "*" is not a valid IAM role name`},
		{"iam role with a path", iam(func(s *IAMSpec) { s.Role = "team/viewer" }), `--role "team/viewer"`},
		{"iam role of 65", iam(func(s *IAMSpec) { s.Role = strings.Repeat("r", 65) }), "1 to 64"},
		{"iam group with a blank", iam(func(s *IAMSpec) { s.Group = "Dev elopers" }), `--iam-group "Dev elopers"`},
		{"iam user *", iam(func(s *IAMSpec) { s.Users = []string{"dev1", "*"} }), `--user "*"`},
		{"iam cluster", iam(func(s *IAMSpec) { s.Cluster = "my/example" }), `--cluster "my/example"`},
		{"bind namespace with a slash", bind(Binding{Group: "developers", ClusterRole: "view", Namespace: "../kube-system"}), `--namespace "../kube-system"`},
		{"bind namespace upper case", bind(Binding{Group: "developers", ClusterRole: "view", Namespace: "Team"}), `--namespace "Team"`},
		{"bind name with a query", bind(Binding{Group: "developers", ClusterRole: "view", Name: "x?dryRun=All"}), `--name "x?dryRun=All"`},
		{"bind group making a bad name", bind(Binding{Group: "a/b", ClusterRole: "view"}), `from --group "a/b"; pass --name`},
		{"bind cluster role ..", bind(Binding{Group: "developers", ClusterRole: ".."}), `--clusterrole ".."`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if code := exitcode.Of(err); code != exitcode.Usage || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("exit %d: %v; want exit %d saying %q", code, err, exitcode.Usage, tt.want)
			}
		})
	}
}

func TestNameRules(t *testing.T) {
	for _, s := range []string{"EKSMyExampleViewer", "dev1", "a+b=c,d.e@f-g_h", strings.Repeat("r", 64)} {
		if !validIAMName(s, maxRoleName) {
			t.Errorf("validIAMName(%q) = false", s)
		}
	}
	for _, s := range []string{"team-a", "a", "0", strings.Repeat("n", 63)} {
		if !validDNSLabel(s) {
			t.Errorf("validDNSLabel(%q) = false", s)
		}
	}
	for _, s := range []string{"", "-a", "a-", "A", "a.b", "a_b", strings.Repeat("n", 64)} {
		if validDNSLabel(s) {
			t.Errorf("validDNSLabel(%q) = true", s)
		}
	}
	for _, s := range []string{"developers-view", "system:masters-view", "eks:podsecuritypolicy:authenticated"} {
		if !validRBACName(s) {
			t.Errorf("validRBACName(%q) = false", s)
		}
	}
	for _, s := range []string{"", ".", "..", "a/b", "a%2F", "a b", "a?b", "a#b"} {
		if validRBACName(s) {
			t.Errorf("validRBACName(%q) = true", s)
		}
	}
}
