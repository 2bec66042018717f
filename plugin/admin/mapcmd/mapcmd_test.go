package mapcmd

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

const viewer = "arn:aws:iam::123456789012:role/EKSMyExampleViewer"

// TestFlags: the flags fill the Options; cobra refuses a missing username
// and a role and user given together or neither.
func TestFlags(t *testing.T) {
	tests := []struct {
		args []string
		want admin.MapSpec
		err  string
	}{
		{args: []string{"--role-arn", viewer, "--username", "dev", "--group", "a,b", "--group", "c", "--mode", "api", "--cluster", "c1",
			"--access-policy", "view", "--namespace", "team-a", "--force"},
			want: admin.MapSpec{RoleARN: viewer, Username: "dev", Groups: []string{"a", "b", "c"}, Mode: "api", Cluster: "c1", AccessPolicy: "view", Namespaces: []string{"team-a"}, Force: true}},
		{args: []string{"--user-arn", "arn:aws:iam::1:user/u", "--username", "u"}, want: admin.MapSpec{UserARN: "arn:aws:iam::1:user/u", Username: "u", Mode: "auto"}},
		{args: []string{"--role-arn", viewer}, err: `required flag(s) "username" not set`},
		{args: []string{"--username", "u"}, err: "at least one of the flags in the group [role-arn user-arn] is required"},
		{args: []string{"--role-arn", viewer, "--user-arn", "arn:aws:iam::1:user/u", "--username", "u"}, err: "none of the others can be"},
		{args: []string{"--role-arn", viewer, "--username", "u", "extra"}, err: `takes no arguments, got ["extra"]`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var got *Options
			err := adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(o *Options) error { got = o; return nil }), tt.args...)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || fmt.Sprintf("%+v", got.Spec) != fmt.Sprintf("%+v", tt.want) {
				t.Errorf("spec %+v (%v), want %+v", got.Spec, err, tt.want)
			}
		})
	}
}

// TestRun: the run function plans through the use case and prints the plan
// under --dry-run, or applies it.
func TestRun(t *testing.T) {
	for _, dry := range []bool{true, false} {
		fake := admintest.New(t)
		fake.SeedAWSAuth()
		var out bytes.Buffer
		o := &Options{Common: adminflagstest.Common(fake, &out, dry), Spec: admin.MapSpec{RoleARN: viewer, Username: "developer", Mode: admin.ModeConfigMap}}
		if err := run(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		want, writes := "updated ConfigMap kube-system/aws-auth (map "+viewer+": added)\n", 1
		if dry {
			want, writes = "would update ConfigMap", 0
		}
		if !strings.HasPrefix(out.String(), want) || fake.Kube.Writes() != writes {
			t.Errorf("dry %v: %d writes, output:\n%s", dry, fake.Kube.Writes(), out.String())
		}
	}
	fake := admintest.New(t)
	var out bytes.Buffer
	err := run(context.Background(), &Options{Common: adminflagstest.Common(fake, &out, false), Spec: admin.MapSpec{RoleARN: viewer}})
	if err == nil || !strings.Contains(err.Error(), "--username is required") {
		t.Errorf("err = %v", err)
	}
}
