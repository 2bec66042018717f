package rolesession

import (
	"strings"
	"testing"
)

func TestNameFor(t *testing.T) {
	tests := []struct {
		arn     string
		forward bool
		want    string
	}{
		{"arn:aws:iam::123456789012:user/team/dev1", false, "eks-login-dev1"},
		{"arn:aws:iam::123456789012:user/team/dev1", true, "dev1"},
		{"arn:aws:sts::123456789012:assumed-role/Role/alice@example.com", false, "eks-login-alice@example.com"},
		// A session eks-login named already keeps its one prefix.
		{"arn:aws:sts::123456789012:assumed-role/Viewer/eks-login-dev1", false, "eks-login-dev1"},
		{"arn:aws:iam::123456789012:root", true, "root"},
		{"not an arn", false, "eks-login-unknown"},
		{"arn:aws:sts::123456789012:federated-user/b", true, "b-"},
		{"arn:aws:sts::123456789012:federated-user/jöe:x y", true, "j-e-x-y"},
		{"arn:aws:sts::123456789012:federated-user/" + strings.Repeat("a", 80), true, strings.Repeat("a", 64)},
	}
	for _, tt := range tests {
		if got := NameFor(tt.arn, tt.forward); got != tt.want {
			t.Errorf("NameFor(%q, %v) = %q, want %q", tt.arn, tt.forward, got, tt.want)
		}
	}
}
