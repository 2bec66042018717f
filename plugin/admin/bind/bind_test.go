package bind

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
		"--group", "developers", "--clusterrole", "edit", "-n", "team-a", "--name", "b", "--force", "--kubeconfig", "k")
	if want := (admin.Binding{Group: "developers", ClusterRole: "edit", Namespace: "team-a", Name: "b"}); err != nil || got.Binding != want || !got.Force || got.Kubeconfig != "k" {
		t.Errorf("options %+v (%v)", got, err)
	}
	err = adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(*Options) error { return nil }), "--group", "g")
	if err == nil || !strings.Contains(err.Error(), `required flag(s) "clusterrole" not set`) {
		t.Errorf("no cluster role: %v", err)
	}
}

func TestRun(t *testing.T) {
	fake := admintest.New(t)
	var out bytes.Buffer
	o := &Options{Common: adminflagstest.Common(fake, &out, false), Binding: admin.Binding{Group: "developers", ClusterRole: "view"}}
	if err := run(context.Background(), o); err != nil || out.String() != "created ClusterRoleBinding developers-view (group developers -> ClusterRole view)\n" {
		t.Errorf("bind: %v\n%s", err, out.String())
	}
	o.Binding.Namespace = "Team"
	if err := run(context.Background(), o); exitcode.Of(err) != exitcode.Usage {
		t.Errorf("bad namespace: %v", err)
	}
}
