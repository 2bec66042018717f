package diff

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/accessfile"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/httpmock"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags/adminflagstest"
)

func TestFlags(t *testing.T) {
	var got *Options
	err := adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(o *Options) error { got = o; return nil }),
		"-f", "access.yaml", "--cluster", "analytics", "--context", "c", "--parallel", "2")
	if err != nil || got.File != "access.yaml" || got.Cluster != "analytics" || got.Context != "c" || got.Parallel != 2 {
		t.Errorf("options %+v (%v)", got, err)
	}
	err = adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(*Options) error { return nil }))
	if err == nil || !strings.Contains(err.Error(), `required flag(s) "filename" not set`) {
		t.Errorf("no file: %v", err)
	}
}

// writeFile writes AccessFile's team as a file to diff.
func writeFile(t *testing.T) string {
	t.Helper()
	data, err := accessfile.Marshal(admintest.AccessFile(t, "aws-auth"), nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "access.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func options(fake *admintest.Fake, out *bytes.Buffer, path string) *Options {
	fake.Admin.KubeContexts = map[string]*kube.Client{admintest.Cluster: fake.Admin.Kube}
	return &Options{Common: adminflagstest.Common(fake, out, false), AccessFlags: adminflags.AccessFlags{File: path, Parallel: 1}}
}

// TestExitCodes: 1 on drift, with the drift printed; 0 once the cluster
// matches; 10 for a failure no other code names.
func TestExitCodes(t *testing.T) {
	path := writeFile(t)
	fake := admintest.New(t)
	fake.SeedAWSAuth()
	fake.Cluster(admin.AuthConfigMap)
	fake.IAMAsDeclared()
	fake.NothingToPrune()
	var out bytes.Buffer
	err := run(context.Background(), options(fake, &out, path))
	if exitcode.Of(err) != 1 || !strings.Contains(out.String(), "+ ClusterRoleBinding developers-view") {
		t.Errorf("drift: exit %d (%v)\n%s", exitcode.Of(err), err, out.String())
	}
	if fake.Kube.Writes() != 0 {
		t.Error("diff wrote to the cluster")
	}

	fake.Kube.Put(admintest.AWSAuthPath, admintest.ConfigMap(map[string]any{"mapRoles": admintest.NodeRoles +
		"- rolearn: " + admintest.RoleARN("/", "R") + "\n  username: dev:{{SessionName}}\n  groups:\n  - developers\n"}))
	fake.Kube.Put("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/developers-view", map[string]any{"kind": "ClusterRoleBinding",
		"apiVersion": "rbac.authorization.k8s.io/v1", "metadata": map[string]any{"name": "developers-view"},
		"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
		"subjects": []any{map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "developers"}}})
	fake.Cluster(admin.AuthConfigMap)
	fake.IAMAsDeclared()
	fake.NothingToPrune()
	out.Reset()
	if err := run(context.Background(), options(fake, &out, path)); err != nil || !strings.Contains(out.String(), "No drift") {
		t.Errorf("no drift: %v\n%s", err, out.String())
	}

	fake.Register(httpmock.AWSQuery("GetCallerIdentity"), httpmock.AWSQueryError(http.StatusInternalServerError, "InternalFailure", "something broke"))
	if err := run(context.Background(), options(fake, &out, path)); exitcode.Of(err) != exitcode.Incomplete {
		t.Errorf("a failure: exit %d (%v), want %d", exitcode.Of(err), err, exitcode.Incomplete)
	}
}
