package export

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/accessfile"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags/adminflagstest"
)

func TestFlags(t *testing.T) {
	var got *Options
	err := adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(o *Options) error { got = o; return nil }),
		"--cluster", "my-example", "--cluster", "arn:aws:eks:eu-west-1:123456789012:cluster/other", "--region", "eu-west-1")
	if err != nil || len(got.Clusters) != 2 || got.Region != "eu-west-1" {
		t.Errorf("options %+v (%v)", got, err)
	}
	err = adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(*Options) error { return nil }))
	if err == nil || !strings.Contains(err.Error(), "at least one of the flags in the group [cluster filename] is required") {
		t.Errorf("no cluster: %v", err)
	}
}

// TestRun: a role mapped in aws-auth, its group bound to view, the IAM
// group allowed to assume it: one team, written as an access file that
// reads back; the node role is left out.
func TestRun(t *testing.T) {
	fake := admintest.New(t)
	fake.Kube.Put(admintest.AWSAuthPath, admintest.ConfigMap(map[string]any{"mapRoles": admintest.NodeRoles +
		"- rolearn: " + admintest.RoleARN("/", "R") + "\n  username: dev:{{SessionName}}\n  groups:\n  - developers\n"}))
	fake.Kube.Put("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/developers-view", map[string]any{"kind": "ClusterRoleBinding",
		"apiVersion": "rbac.authorization.k8s.io/v1", "metadata": map[string]any{"name": "developers-view"},
		"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
		"subjects": []any{map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "developers"}}})
	fake.Cluster(admin.AuthConfigMap)
	fake.CallerIdentity()
	fake.IAM("GetRole", admintest.Role("/", "R", admintest.Trust, true), "RoleName", "R")
	fake.IAM("ListGroups", "<Groups><member><Path>/</Path><GroupName>G</GroupName><GroupId>AGPAG</GroupId><Arn>arn:aws:iam::"+admintest.Account+
		":group/G</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></member></Groups><IsTruncated>false</IsTruncated>")
	fake.IAM("ListGroupPolicies", admintest.Members("PolicyNames", "eks-login-assume-R"), "GroupName", "G")
	fake.IAM("GetGroup", admintest.Group("/", "G", "dev2", "dev1"), "GroupName", "G")
	fake.Admin.KubeContexts = map[string]*kube.Client{admintest.Cluster: fake.Admin.Kube}
	var out bytes.Buffer
	o := &Options{Common: adminflagstest.Common(fake, &out, false), Clusters: []string{admintest.Cluster}}
	o.Region = admintest.Region
	if err := run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "export.golden.yaml", out.String())
	if _, err := accessfile.Parse("out", out.Bytes()); err != nil {
		t.Error(err)
	}
}
