package names

import (
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	tests := []struct {
		name  string
		check func(string) bool
		good  []string
		bad   []string
	}{
		{"cluster", Cluster, []string{"my-example", "a", "A_1", strings.Repeat("a", 100)}, []string{"", "-a", "_a", "a.b", "a b", strings.Repeat("a", 101)}},
		{"iam role", func(s string) bool { return IAM(s, MaxRoleName) }, []string{"EKSMyExampleViewer", "a+=,.@_-b"}, []string{"", "*", "a/b", "a b", strings.Repeat("a", 65)}},
		{"iam group", func(s string) bool { return IAM(s, MaxGroupName) }, []string{strings.Repeat("g", 128)}, []string{strings.Repeat("g", 129), "Dev*"}},
		{"iam path", IAMPath, []string{"/", "/eks-login/", "/aws-reserved/sso.amazonaws.com/", "/" + strings.Repeat("p", 510) + "/"}, []string{"", "a/", "/a", "/a//b/", "/a b/", "/a\x1b[2J/", "/\u00e9/", "/" + strings.Repeat("p", 511) + "/"}},
		{"account", Account, []string{"123456789012"}, []string{"12345678901", "12345678901a", ""}},
		{"region", Region, []string{"ap-northeast-2", "us-gov-west-1", "us-iso-east-1", "eu-central-1"}, []string{"", "us-east", "US-EAST-1", "us--1", "us-east-1a", "global"}},
		{"dns label", DNSLabel, []string{"team-a", "a", "0"}, []string{"", "-a", "a-", "Team", "a.b", strings.Repeat("a", 64)}},
		{"rbac", RBAC, []string{"view", "system:masters-view", "developers-view"}, []string{"", ".", "..", "a/b", "a b", "a?b"}},
	}
	for _, tt := range tests {
		for _, s := range tt.good {
			if !tt.check(s) {
				t.Errorf("%s: %q refused", tt.name, s)
			}
		}
		for _, s := range tt.bad {
			if tt.check(s) {
				t.Errorf("%s: %q accepted", tt.name, s)
			}
		}
	}
}

func TestParseRoleARN(t *testing.T) {
	tests := []struct {
		in      string
		want    RoleARN
		wantErr string
	}{
		{in: "arn:aws:iam::123456789012:role/EKSMyExampleViewer", want: RoleARN{"aws", "123456789012", "/", "EKSMyExampleViewer"}},
		{in: "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_View_1a2b", want: RoleARN{"aws", "123456789012", "/aws-reserved/sso.amazonaws.com/", "AWSReservedSSO_View_1a2b"}},
		{in: "arn:aws:iam::123456789012:user/dev1", wantErr: "names a user, not a role"},
		{in: "arn:aws:sts::123456789012:role/x", wantErr: `service "sts"`},
		{in: "arn:nope:iam::123456789012:role/x", wantErr: "not an AWS partition"},
		{in: "arn:aws:iam::1234:role/x", wantErr: "must be 12 digits"},
		{in: "arn:aws:iam::123456789012:role/*", wantErr: "not a valid IAM role name"},
		{in: "role/x", wantErr: "is not an IAM role ARN"},
	}
	for _, tt := range tests {
		got, err := ParseRoleARN("--role-arn", tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: error %v, want one saying %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want || got.String() != tt.in {
			t.Errorf("%q: %+v %v, want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseClusterARN(t *testing.T) {
	good := "arn:aws:eks:ap-northeast-2:123456789012:cluster/my-example"
	if c, err := ParseClusterARN("arn", good); err != nil || c.Name != "my-example" || c.Region != "ap-northeast-2" || c.String() != good {
		t.Errorf("%q: %+v %v", good, c, err)
	}
	for in, want := range map[string]string{
		"arn:aws:eks:ap-northeast-2:123456789012:nodegroup/x": "not an EKS cluster ARN",
		"arn:aws:eks:Seoul:123456789012:cluster/x":            "not an AWS region",
		"arn:aws:eks:ap-northeast-2:1:cluster/x":              "12 digits",
		"arn:aws:eks:ap-northeast-2:123456789012:cluster/-x":  "not an EKS cluster name",
	} {
		if _, err := ParseClusterARN("arn", in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}
