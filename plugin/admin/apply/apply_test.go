package apply

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/accessfile"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags/adminflagstest"
)

func TestFlags(t *testing.T) {
	var got *Options
	err := adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(o *Options) error { got = o; return nil }),
		"-f", "access.yaml", "--prune", "--dry-run", "--cluster", "analytics", "--kubeconfig", "k")
	if err != nil || got.File != "access.yaml" || !got.Prune || !got.DryRun || got.Cluster != "analytics" || got.Kubeconfig != "k" || got.Parallel != 4 {
		t.Errorf("options %+v (%v)", got, err)
	}
}

func options(t *testing.T, fake *admintest.Fake, out *bytes.Buffer, dry bool, file string) *Options {
	t.Helper()
	fake.Admin.KubeContexts = map[string]*kube.Client{admintest.Cluster: fake.Admin.Kube}
	return &Options{Common: adminflagstest.Common(fake, out, dry), AccessFlags: adminflags.AccessFlags{File: file, Parallel: 1}}
}

// TestRun: the plan printed Terraform-style; --dry-run writes nothing; a
// real run applies it and sums up per cluster.
func TestRun(t *testing.T) {
	data, _ := accessfile.Marshal(admintest.AccessFile(t, "aws-auth"), nil)
	path := filepath.Join(t.TempDir(), "access.yaml")
	os.WriteFile(path, data, 0o600)
	for _, dry := range []bool{true, false} {
		fake := admintest.New(t)
		fake.SeedAWSAuth()
		fake.Cluster(admin.AuthConfigMap)
		fake.IAMAsDeclared()
		var out bytes.Buffer
		err := run(context.Background(), options(t, fake, &out, dry, path))
		want := []string{"IAM (account 123456789012): no changes", "cluster my-example (eu-west-1, aws-auth):",
			"  ~ ConfigMap kube-system/aws-auth (the access file's mapping: added)", "  + ClusterRoleBinding developers-view", "Plan: 1 to create, 1 to update, 0 to delete."}
		if dry {
			want = append(want, "dry run: nothing was changed")
		} else {
			want = append(want, "my-example: created ClusterRoleBinding developers-view", "cluster my-example (eu-west-1): 2 changes made")
		}
		for _, w := range want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("dry %v: output lacks %q:\n%s", dry, w, out.String())
			}
		}
		if err != nil || (fake.Kube.Writes() == 0) == !dry {
			t.Errorf("dry %v: %v, %d writes", dry, err, fake.Kube.Writes())
		}
	}
}

// TestBadFile: a mistake in the file is an input error naming its line,
// before anything is read.
func TestBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.yaml")
	os.WriteFile(path, []byte("apiVersion: eks-login/v1alpha1\nkind: Access\nclusters: []\nteams: []\n"), 0o600)
	fake := admintest.New(t)
	var out bytes.Buffer
	err := run(context.Background(), options(t, fake, &out, false, path))
	if exitcode.Of(err) != exitcode.Input || !strings.Contains(err.Error(), path+":3: clusters: must have at least 1 item(s)") {
		t.Errorf("%v", err)
	}
}
