package admin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/kube/kubetest"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	. "github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
)

const crbPath = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/developers-view"

func crb(role, subject string) map[string]any {
	return map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
		"metadata": map[string]any{"name": "developers-view"},
		"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
		"subjects": []any{map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": subject}}}
}

var developersView = admin.Binding{Group: "developers", ClusterRole: "view"}

// TestBind: a binding is created, found on a second run, and one of the
// same name binding another role is replaced only with --force (deleted at
// the version read and created again, as roleRef cannot change).
func TestBind(t *testing.T) {
	tests := []struct {
		name    string
		binding admin.Binding
		seed    map[string]any
		force   bool
		dry     bool
		code    int
		writes  int
	}{
		{name: "bind-create", binding: developersView, writes: 1},
		{name: "bind-dry-run", binding: developersView, dry: true},
		{name: "bind-other-role-refused", binding: developersView, seed: crb("edit", "developers"), code: exitcode.Conflict},
		{name: "bind-other-role-forced", binding: developersView, seed: crb("edit", "developers"), force: true, writes: 1},
		{name: "bind-other-subjects-forced", binding: developersView, seed: crb("view", "others"), force: true, writes: 1},
		{name: "bind-namespace", binding: admin.Binding{Group: "developers", ClusterRole: "edit", Namespace: "team-a", Name: "team-a-edit"}, writes: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New(t)
			if tt.seed != nil {
				f.Kube.Put(crbPath, tt.seed)
			}
			p, err := f.Admin.PlanBind(context.Background(), tt.binding, tt.force)
			out, err := run(t, p, err, tt.dry)
			wantCode(t, err, tt.code)
			golden.Check(t, tt.name+".golden", out)
			if f.Kube.Writes() != tt.writes {
				t.Errorf("%d writes, want %d", f.Kube.Writes(), tt.writes)
			}
			if tt.code != 0 || tt.dry {
				return
			}
			// Binding again finds it in place.
			p, err = f.Admin.PlanBind(context.Background(), tt.binding, false)
			if out, err := run(t, p, err, false); err != nil || f.Kube.Writes() != tt.writes || !strings.HasPrefix(out, "found") {
				t.Errorf("a second bind was not a no-op: %v\n%s", err, out)
			}
		})
	}
}

// TestBindForceRetriesOnConflict: a forced change of a binding's subjects
// that meets a writer in between (409) reads it again and writes again,
// through client-go's retry.RetryOnConflict.
func TestBindForceRetriesOnConflict(t *testing.T) {
	f := New(t)
	f.Kube.Put(crbPath, crb("view", "others"))
	f.Kube.BeforeWrite(func(s *kubetest.API) {
		obj := s.Object(crbPath)
		obj["metadata"].(map[string]any)["labels"] = map[string]any{"touched": "yes"}
		s.Put(crbPath, obj)
	})
	p, err := f.Admin.PlanBind(context.Background(), developersView, true)
	if _, err := run(t, p, err, false); err != nil {
		t.Fatal(err)
	}
	if f.Kube.Writes() != 2 {
		t.Errorf("%d writes, want 2 (one conflict, one success)", f.Kube.Writes())
	}
	obj := f.Kube.Object(crbPath)
	subjects := obj["subjects"].([]any)
	if len(subjects) != 1 || subjects[0].(map[string]any)["name"] != "developers" || obj["metadata"].(map[string]any)["labels"] == nil {
		t.Errorf("binding after the retry: %v", obj)
	}
}

// TestBindingNamesCheckedBeforeAnyCall: names that go into API paths are
// refused before the cluster is asked anything (issue 18.8).
func TestBindingNamesCheckedBeforeAnyCall(t *testing.T) {
	tests := []struct {
		name string
		b    admin.Binding
		want string
	}{
		{"namespace with a slash", admin.Binding{Group: "developers", ClusterRole: "view", Namespace: "../kube-system"}, `--namespace "../kube-system"`},
		{"namespace upper case", admin.Binding{Group: "developers", ClusterRole: "view", Namespace: "Team"}, `--namespace "Team"`},
		{"name with a query", admin.Binding{Group: "developers", ClusterRole: "view", Name: "x?dryRun=All"}, `--name "x?dryRun=All"`},
		{"group making a bad name", admin.Binding{Group: "a/b", ClusterRole: "view"}, `from --group "a/b"; pass --name`},
		{"cluster role ..", admin.Binding{Group: "developers", ClusterRole: ".."}, `--clusterrole ".."`},
		{"no group", admin.Binding{ClusterRole: "view"}, "--group is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New(t)
			_, err := f.Admin.PlanBind(context.Background(), tt.b, false)
			if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("exit %d: %v; want exit %d saying %q", exitcode.Of(err), err, exitcode.Usage, tt.want)
			}
			if n := len(f.Requests()); n != 0 {
				t.Errorf("%d requests before the names were checked", n)
			}
		})
	}
}

// TestKubeErrorsSorted: the API server's refusals, the network and the
// kubeconfig each get their exit code and a message that says what to do;
// RBAC's refusal says who the server takes us for. These go through
// client-go's real transport to kubetest's API server over TLS.
func TestKubeErrorsSorted(t *testing.T) {
	s := kubetest.New(t)
	s.AddToken("dev-token", kubetest.User{Name: "developer", Groups: []string{"developers", "system:authenticated"}})
	s.Deny("get", "clusterrolebindings")
	closed := kubetest.New(t)
	closed.Close()
	dir := t.TempDir()
	noEnv := func(string) string { return "" }
	client := func(s *kubetest.Server, token string) *admin.Admin {
		a := admin.New(admin.Source{Getenv: noEnv}, nil)
		var err error
		if a.Kube, err = kubeClient(s, token); err != nil {
			t.Fatal(err)
		}
		return a
	}
	for _, tt := range []struct {
		name  string
		admin func() *admin.Admin
		code  int
		want  []string
	}{
		{name: "unauthorized", admin: func() *admin.Admin { return client(s, "unknown-token") },
			code: exitcode.Unauthorized, want: []string{"does not know the kubeconfig's user", "--context"}},
		{name: "forbidden", admin: func() *admin.Admin { return client(s, "dev-token") },
			code: exitcode.Forbidden, want: []string{"RBAC forbids it", `User "developer"`, "takes you for developer, groups: developers, system:authenticated"}},
		{name: "network", admin: func() *admin.Admin { return client(closed, "admin-token") },
			code: exitcode.Network, want: []string{"cannot reach the API server at " + closed.URL}},
		{name: "missing kubeconfig", admin: func() *admin.Admin { return admin.New(admin.Source{Kubeconfig: dir + "/nope", Getenv: noEnv}, nil) },
			code: exitcode.Input, want: []string{dir + "/nope"}},
		{name: "unknown context", admin: func() *admin.Admin {
			return admin.New(admin.Source{Kubeconfig: s.Kubeconfig(t, dir, "    token: admin-token\n"), Context: "elsewhere", Getenv: noEnv}, nil)
		}, code: exitcode.Input, want: []string{`"elsewhere"`, dir}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.admin().PlanBind(context.Background(), developersView, false)
			if code := exitcode.Of(err); code != tt.code {
				t.Fatalf("exit code %d (%v), want %d", code, err, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
