package migrate

import (
	"slices"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/awsauth"
)

const (
	account    = "123456789012"
	viewerRole = "arn:aws:iam::" + account + ":role/EKSMyExampleViewer"
)

func TestConvert(t *testing.T) {
	role := func(username string, groups ...string) awsauth.Mapping {
		return awsauth.Mapping{Key: awsauth.KeyRoles, ARN: viewerRole, Username: username, Groups: groups}
	}
	user := func(username string, groups ...string) awsauth.Mapping {
		return awsauth.Mapping{Key: awsauth.KeyUsers, ARN: "arn:aws:iam::" + account + ":user/alice", Username: username, Groups: groups}
	}
	tests := []struct {
		name     string
		m        awsauth.Mapping
		typ      string
		username string
		groups   []string
		policies []string
		refused  string // part of the reason
	}{
		{name: "developer", m: role("developer", "developers"), typ: TypeStandard, username: "developer", groups: []string{"developers"}},
		{name: "session template", m: role("developer:{{SessionName}}", "developers"), typ: TypeStandard, username: "developer:{{SessionName}}", groups: []string{"developers"}},
		{name: "raw session and account", m: role("dev:{{AccountID}}:{{SessionNameRaw}}"), typ: TypeStandard, username: "dev:{{AccountID}}:{{SessionNameRaw}}"},
		{name: "ec2 node", m: role(ec2NodeUsername, groupBootstrappers, groupNodes), typ: TypeEC2Linux, username: ec2NodeUsername, groups: []string{groupNodes}},
		{name: "windows node", m: role(ec2NodeUsername, groupBootstrappers, groupNodes, groupWindows), typ: TypeEC2Windows, username: ec2NodeUsername, groups: []string{groupNodes, groupWindows}},
		{name: "fargate", m: role(fargateNodeUsername, groupBootstrappers, groupNodes, groupNodeProxier), typ: TypeFargateLinux, username: fargateNodeUsername, groups: []string{groupNodeProxier, groupNodes}},
		{name: "masters", m: role("admin", groupMasters, "ops"), typ: TypeStandard, username: "admin", groups: []string{"ops"}, policies: []string{ClusterAdminPolicy}},
		{name: "a user", m: user("alice", "developers"), typ: TypeStandard, username: "alice", groups: []string{"developers"}},
		{name: "repeated group", m: role("developer", "developers", "developers"), typ: TypeStandard, username: "developer", groups: []string{"developers"}},

		{name: "other system group", m: role("ops", "system:monitoring"), refused: "group system:monitoring: EKS refuses Kubernetes groups that start with system:"},
		{name: "node groups with another username", m: role("worker", groupNodes), refused: `username "worker" is neither EC2's`},
		{name: "node group on a user", m: user(ec2NodeUsername, groupNodes), refused: "only node access entries carry, and those take IAM roles"},
		{name: "node with an extra group", m: role(ec2NodeUsername, groupNodes, "monitoring"), refused: "takes no groups of its own"},
		{name: "fargate username without node-proxier", m: role(fargateNodeUsername, groupNodes), refused: "is neither EC2's"},
		{name: "unknown template", m: role("dev:{{AccessKeyID}}", "developers"), refused: "uses the template {{AccessKeyID}}, which access entries cannot fill in"},
		{name: "ec2 template on a standard entry", m: role("dev:{{EC2PrivateDNSName}}"), refused: "{{EC2PrivateDNSName}}"},
		{name: "no colon before the session", m: role("dev{{SessionName}}"), refused: "EKS needs a colon before {{SessionName}}"},
		{name: "reserved prefix", m: role("aws:{{AccountID}}:instance:{{SessionName}}"), refused: "starts with aws:, which EKS reserves"},
		{name: "no username", m: role("", "developers"), refused: "it has no username"},
		{name: "template in a group", m: role("dev", "team-{{AccountID}}"), refused: "holds a template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, reason := Convert(tt.m)
			if tt.refused != "" {
				if !strings.Contains(reason, tt.refused) {
					t.Fatalf("reason %q, want it to hold %q", reason, tt.refused)
				}
				return
			}
			if reason != "" || w.Type != tt.typ || w.Username != tt.username || !slices.Equal(w.Groups, tt.groups) || !slices.Equal(w.Policies, tt.policies) {
				t.Fatalf("Convert = %+v, %q; want %s %q %q %q", w, reason, tt.typ, tt.username, tt.groups, tt.policies)
			}
		})
	}
}
