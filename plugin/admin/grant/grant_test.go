package grant

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags/adminflagstest"
)

func TestFlags(t *testing.T) {
	var got *Options
	err := adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(o *Options) error { got = o; return nil }),
		"--cluster", "my-example", "--role", "R", "--iam-group", "G", "--k8s-group", "developers", "--clusterrole", "view",
		"-n", "team-a", "--username", "dev", "--mode", "configmap", "--force", "--user", "dev1", "--dry-run")
	want := admin.GrantSpec{IAMSpec: admin.IAMSpec{Cluster: "my-example", Role: "R", Group: "G", Users: []string{"dev1"}},
		K8sGroup: "developers", ClusterRole: "view", Namespace: "team-a", Username: "dev", Mode: "configmap", Force: true}
	if err != nil || fmt.Sprint(got.Spec) != fmt.Sprint(want) || !got.DryRun {
		t.Errorf("options %+v (%v)", got, err)
	}
	err = adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(*Options) error { return nil }), "--cluster", "c", "--role", "R", "--iam-group", "G")
	if err == nil || !strings.Contains(err.Error(), `required flag(s) "k8s-group", "clusterrole" not set`) {
		t.Errorf("missing flags: %v", err)
	}
}

// TestRun: IAM, the mapping and the binding in one plan, then how the user
// logs in.
func TestRun(t *testing.T) {
	fake := admintest.New(t)
	fake.Cluster(admin.AuthConfigMap)
	fake.CallerIdentity()
	fake.NoSuch("GetRole", "RoleName", "R")
	fake.NoSuch("GetGroup", "GroupName", "G")
	fake.IAM("GetUser", admintest.User("dev1", false), "UserName", "dev1")
	var out bytes.Buffer
	o := &Options{Common: adminflagstest.Common(fake, &out, true), Spec: admin.GrantSpec{IAMSpec: admin.IAMSpec{Cluster: admintest.Cluster, Role: "R", Group: "G", Users: []string{"dev1"}},
		K8sGroup: "developers", ClusterRole: "view"}}
	if err := run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"would create IAM role R", "would create ConfigMap kube-system/aws-auth (map arn:aws:iam::123456789012:role/R: added)",
		"+      username: developers:{{SessionName}}", "would create ClusterRoleBinding developers-view",
		"Each user runs, with their keys in the AWS profile of their name:\n  kubectl eks-login --cluster my-example --role-arn arn:aws:iam::123456789012:role/R --source-profile dev1\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if fake.Kube.Writes() != 0 {
		t.Error("a dry run wrote")
	}
}
