package unmap

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
		"--role-arn", admintest.NodeRole, "--force", "--mode", "configmap", "--dry-run", "--context", "c")
	if err != nil || got.Spec.RoleARN != admintest.NodeRole || !got.Spec.Force || got.Spec.Mode != "configmap" || !got.DryRun || got.Context != "c" {
		t.Errorf("options %+v %+v (%v)", got.Spec, got.Common, err)
	}
	err = adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(*Options) error { return nil }))
	if err == nil || !strings.Contains(err.Error(), "[role-arn user-arn] is required") {
		t.Errorf("no principal: %v", err)
	}
}

// TestRun: the node role's mapping is refused without --force, and goes
// with it.
func TestRun(t *testing.T) {
	fake := admintest.New(t)
	fake.SeedAWSAuth()
	var out bytes.Buffer
	o := &Options{Common: adminflagstest.Common(fake, &out, false), Spec: admin.MapSpec{RoleARN: admintest.NodeRole, Mode: admin.ModeConfigMap}}
	if err := run(context.Background(), o); exitcode.Of(err) != exitcode.Conflict {
		t.Fatalf("unmap of the node role without --force: %v", err)
	}
	o.Spec.Force = true
	if err := run(context.Background(), o); err != nil || !strings.Contains(out.String(), "updated ConfigMap kube-system/aws-auth (unmap "+admintest.NodeRole+": removed)") {
		t.Errorf("forced: %v\n%s", err, out.String())
	}
}
