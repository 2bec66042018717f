package revoke

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags/adminflagstest"
)

func TestFlags(t *testing.T) {
	var got *Options
	err := adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(o *Options) error { got = o; return nil }),
		"--cluster", "my-example", "--role", "R", "--iam-group", "G", "--k8s-group", "developers", "--clusterrole", "view", "--create-users", "--user", "dev1")
	if err != nil || got.Spec.K8sGroup != "developers" || !got.Spec.CreateUsers || got.Spec.Users[0] != "dev1" || got.Spec.Mode != admin.ModeAuto {
		t.Errorf("options %+v (%v)", got, err)
	}
	err = adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(*Options) error { return nil }), "--role", "R")
	if err == nil || !strings.Contains(err.Error(), `"cluster"`) {
		t.Errorf("missing flags: %v", err)
	}
}

// TestRun: revoke on a cluster where grant made nothing finds nothing to
// remove; a bad name stops it before any call.
func TestRun(t *testing.T) {
	fake := admintest.New(t)
	fake.Cluster(admin.AuthConfigMap)
	fake.CallerIdentity()
	fake.NoSuch("GetRole", "RoleName", "R")
	fake.NoSuch("GetGroup", "GroupName", "G")
	var out bytes.Buffer
	spec := admin.GrantSpec{IAMSpec: admin.IAMSpec{Cluster: admintest.Cluster, Role: "R", Group: "G"}, K8sGroup: "developers", ClusterRole: "view"}
	if err := run(context.Background(), &Options{Common: adminflagstest.Common(fake, &out, false), Spec: spec}); err != nil {
		t.Fatal(err)
	}
	want := "found ClusterRoleBinding developers-view (absent: nothing to remove)\nfound ConfigMap kube-system/aws-auth (unmap arn:aws:iam::123456789012:role/R: absent)\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	spec.K8sGroup = ""
	if err := run(context.Background(), &Options{Common: adminflagstest.Common(fake, &out, false), Spec: spec}); exitcode.Of(err) != exitcode.Usage {
		t.Errorf("no group: %v", err)
	}
}
