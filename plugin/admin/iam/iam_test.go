package iam

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
		"--cluster", "my-example", "--role", "R", "--iam-group", "G", "--user", "a,b", "--create-users", "--access-key-file", "k", "--mfa", "--profile", "p", "--region", "r")
	want := admin.IAMSpec{Cluster: "my-example", Role: "R", Group: "G", Users: []string{"a", "b"}, CreateUsers: true, AccessKeyFile: "k", MFA: true}
	if err != nil || fmt.Sprint(got.Spec) != fmt.Sprint(want) || got.Profile != "p" || got.Region != "r" {
		t.Errorf("options %+v (%v)", got, err)
	}
	err = adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(*Options) error { return nil }), "--cluster", "c")
	if err == nil || !strings.Contains(err.Error(), `required flag(s) "role", "iam-group" not set`) {
		t.Errorf("missing flags: %v", err)
	}
}

// TestRun: the plan, then how the members log in, through the role found
// (with its path).
func TestRun(t *testing.T) {
	fake := admintest.New(t)
	fake.Cluster(admin.AuthConfigMap)
	fake.CallerIdentity()
	fake.IAM("GetRole", admintest.Role("/team/", "R", admintest.Trust, true), "RoleName", "R")
	fake.IAM("GetRolePolicy", "<PolicyDocument>%7B%7D</PolicyDocument>", "RoleName", "R")
	fake.NoSuch("GetGroup", "GroupName", "G")
	var out bytes.Buffer
	o := &Options{Common: adminflagstest.Common(fake, &out, true), Spec: admin.IAMSpec{Cluster: admintest.Cluster, Role: "R", Group: "G"}}
	if err := run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	want := "dry run: nothing was changed\n\nEach member of G runs:\n  kubectl eks-login --cluster my-example --role-arn arn:aws:iam::123456789012:role/team/R --source-profile THEIR_PROFILE\n"
	if !strings.HasSuffix(out.String(), want) {
		t.Errorf("output:\n%s\nwant it to end with:\n%s", out.String(), want)
	}
	o.Spec.Role = "*"
	if err := run(context.Background(), o); err == nil || !strings.Contains(err.Error(), `--role "*"`) {
		t.Errorf("bad role: %v", err)
	}
}
