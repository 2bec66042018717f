package admin

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/kube/kubetest"
)

const nodeRoles = "- groups:\n  - system:bootstrappers\n  - system:nodes\n  rolearn: arn:aws:iam::123456789012:role/MyExampleEKSNode\n  username: system:node:{{EC2PrivateDNSName}}\n"

const awsAuthPath = "/api/v1/namespaces/kube-system/configmaps/aws-auth"

func awsAuthOf(t *testing.T, s *kubetest.Server) *awsauth.Doc {
	t.Helper()
	data := map[string]string{}
	for k, v := range s.Object(awsAuthPath)["data"].(map[string]any) {
		data[k] = v.(string)
	}
	d, err := awsauth.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func emptyCluster(t *testing.T) *kubetest.Server { return kubetest.New(t) }

func seeded(t *testing.T) *kubetest.Server {
	s := kubetest.New(t)
	s.Put(awsAuthPath, map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system", "labels": map[string]any{"keep": "me"}},
		"data":     map[string]any{"mapRoles": nodeRoles, "other": "kept"}})
	return s
}

// clientOf reaches the fake API server through client-go, as the admin.
func clientOf(t *testing.T, s *kubetest.Server) *kube.Client {
	t.Helper()
	c, err := kube.New(s.RESTConfig("admin-token"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mapOpts(k *kube.Client, out *bytes.Buffer, arn string, extra func(*MapOptions)) *MapOptions {
	o := &MapOptions{Common: &Common{IO: &iostreams.IOStreams{Out: out, ErrOut: out}, Kube: k},
		RoleARN: arn, Username: "developer", Groups: []string{"developers"}, Mode: ModeConfigMap}
	if extra != nil {
		extra(o)
	}
	return o
}

const viewer = "arn:aws:iam::123456789012:role/EKSMyExampleViewer"

func TestMapConfigMap(t *testing.T) {
	tests := []struct {
		name     string
		kube     func(*testing.T) *kubetest.Server
		opts     func(*MapOptions)
		unmap    bool
		code     int
		writes   int
		mappings int
	}{
		{name: "map-dry-run", kube: seeded, opts: func(o *MapOptions) { o.DryRun = true }, writes: 0, mappings: 1},
		{name: "map", kube: seeded, writes: 1, mappings: 2},
		{name: "map-creates-missing", kube: emptyCluster, writes: 1, mappings: 1},
		{name: "map-template", kube: seeded, opts: func(o *MapOptions) { o.Username = "developer:{{SessionName}}" }, writes: 1, mappings: 2},
		{name: "unmap-node-role-refused", kube: seeded, unmap: true, opts: func(o *MapOptions) { o.RoleARN = "arn:aws:iam::123456789012:role/MyExampleEKSNode" }, code: exitcode.Conflict, mappings: 1},
		{name: "unmap-node-role-forced-dry-run", kube: seeded, unmap: true, opts: func(o *MapOptions) {
			o.RoleARN, o.Force, o.DryRun = "arn:aws:iam::123456789012:role/MyExampleEKSNode", true, true
		}, mappings: 1},
		{name: "unmap-absent", kube: seeded, unmap: true, mappings: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := tt.kube(t)
			var out bytes.Buffer
			o := mapOpts(clientOf(t, k), &out, viewer, tt.opts)
			var err error
			if tt.unmap {
				err = runUnmap(context.Background(), o)
			} else {
				err = runMap(context.Background(), o)
			}
			if code := exitcode.Of(err); code != tt.code {
				t.Fatalf("exit code %d (%v), want %d", code, err, tt.code)
			}
			if err != nil {
				out.WriteString("error: " + err.Error() + "\n")
			}
			golden.Check(t, tt.name+".golden", out.String())
			if k.Writes() != tt.writes {
				t.Errorf("%d writes, want %d", k.Writes(), tt.writes)
			}
			if obj := k.Object(awsAuthPath); obj != nil {
				if n := len(awsAuthOf(t, k).Mappings()); n != tt.mappings {
					t.Errorf("%d mappings, want %d", n, tt.mappings)
				}
				if tt.name != "map-creates-missing" {
					if obj["data"].(map[string]any)["other"] != "kept" || obj["metadata"].(map[string]any)["labels"] == nil {
						t.Error("other keys or labels of aws-auth were lost")
					}
				}
			}
		})
	}
}

// Writers that get in between our read and our write: each 409 makes us
// read again and redo the edit (client-go's retry.OnError), and every
// mapping survives.
func TestMapRetriesOnConflict(t *testing.T) {
	k := seeded(t)
	someone := func(n int) string { return fmt.Sprintf("arn:aws:iam::123456789012:role/Someone%d", n) }
	for n := range 3 {
		k.BeforeWrite(func(s *kubetest.Server) {
			obj := s.Object(awsAuthPath)
			data := obj["data"].(map[string]any)
			data["mapRoles"] = data["mapRoles"].(string) + "- rolearn: " + someone(n) + "\n  username: someone\n"
			s.Put(awsAuthPath, obj)
		})
	}
	var out bytes.Buffer
	if err := runMap(context.Background(), mapOpts(clientOf(t, k), &out, viewer, nil)); err != nil {
		t.Fatal(err)
	}
	if k.Writes() != 4 {
		t.Errorf("%d writes, want 4 (three conflicts, one success)", k.Writes())
	}
	d := awsAuthOf(t, k)
	for _, arn := range []string{viewer, someone(0), someone(1), someone(2), "arn:aws:iam::123456789012:role/MyExampleEKSNode"} {
		if _, ok := d.Get(arn); !ok {
			t.Errorf("%s is missing after the retries", arn)
		}
	}
}

// A writer that creates aws-auth between our read (404) and our create:
// AlreadyExists makes us read again and update what it made.
func TestMapRetriesWhenCreatedMeanwhile(t *testing.T) {
	k := emptyCluster(t)
	k.BeforeWrite(func(s *kubetest.Server) {
		s.Put(awsAuthPath, map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system"}, "data": map[string]any{"mapRoles": nodeRoles}})
	})
	var out bytes.Buffer
	if err := runMap(context.Background(), mapOpts(clientOf(t, k), &out, viewer, nil)); err != nil {
		t.Fatal(err)
	}
	d := awsAuthOf(t, k)
	for _, arn := range []string{viewer, "arn:aws:iam::123456789012:role/MyExampleEKSNode"} {
		if _, ok := d.Get(arn); !ok {
			t.Errorf("%s is missing", arn)
		}
	}
}

func TestMapRefusesMalformed(t *testing.T) {
	k := seeded(t)
	obj := k.Object(awsAuthPath)
	obj["data"].(map[string]any)["mapRoles"] = nodeRoles + "- rolearn: x\n   bad: [\n"
	k.Put(awsAuthPath, obj)
	var out bytes.Buffer
	err := runMap(context.Background(), mapOpts(clientOf(t, k), &out, viewer, nil))
	if exitcode.Of(err) != exitcode.Input || !strings.Contains(err.Error(), "key mapRoles line") {
		t.Fatalf("err = %v, want an input error naming the key and line", err)
	}
	if k.Writes() != 0 {
		t.Error("a malformed aws-auth was written")
	}
}

func TestBind(t *testing.T) {
	crb := "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/developers-view"
	other := map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
		"metadata": map[string]any{"name": "developers-view"},
		"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
		"subjects": []any{map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "developers"}}}
	tests := []struct {
		name   string
		seed   map[string]any
		force  bool
		dry    bool
		code   int
		writes int
	}{
		{name: "bind-create", writes: 1},
		{name: "bind-dry-run", dry: true},
		{name: "bind-other-role-refused", seed: other, code: exitcode.Conflict},
		{name: "bind-other-role-forced", seed: other, force: true, writes: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := kubetest.New(t)
			if tt.seed != nil {
				k.Put(crb, tt.seed)
			}
			var out bytes.Buffer
			o := &BindOptions{Common: &Common{IO: &iostreams.IOStreams{Out: &out, ErrOut: &out}, Kube: clientOf(t, k), DryRun: tt.dry},
				Binding: Binding{Group: "developers", ClusterRole: "view"}, Force: tt.force}
			err := runBind(context.Background(), o)
			if code := exitcode.Of(err); code != tt.code {
				t.Fatalf("exit code %d (%v), want %d", code, err, tt.code)
			}
			if err != nil {
				out.WriteString("error: " + err.Error() + "\n")
			}
			golden.Check(t, tt.name+".golden", out.String())
			if k.Writes() != tt.writes {
				t.Errorf("%d writes, want %d", k.Writes(), tt.writes)
			}
			if tt.code == 0 && !tt.dry {
				// Binding again finds it in place.
				out.Reset()
				w := k.Writes()
				if err := runBind(context.Background(), o); err != nil || k.Writes() != w || !strings.HasPrefix(out.String(), "found") {
					t.Errorf("a second bind was not a no-op: %v\n%s", err, out.String())
				}
			}
		})
	}
}

// TestKubeErrorsSorted: the API server's refusals, the network and the
// kubeconfig each get their exit code and a message that says what to do;
// RBAC's refusal says who the server takes us for.
func TestKubeErrorsSorted(t *testing.T) {
	s := kubetest.New(t)
	s.AddToken("dev-token", kubetest.User{Name: "developer", Groups: []string{"developers", "system:authenticated"}})
	s.Deny("get", "clusterrolebindings")
	closed := kubetest.New(t)
	closed.Close()
	dir := t.TempDir()
	for _, tt := range []struct {
		name   string
		common func() *Common
		code   int
		want   []string
	}{
		{name: "unauthorized", common: func() *Common { return &Common{Kube: clientWith(t, s, "unknown-token")} },
			code: exitcode.Unauthorized, want: []string{"does not know the kubeconfig's user", "--context"}},
		{name: "forbidden", common: func() *Common { return &Common{Kube: clientWith(t, s, "dev-token")} },
			code: exitcode.Forbidden, want: []string{"RBAC forbids it", `User "developer"`, "takes you for developer, groups: developers, system:authenticated"}},
		{name: "network", common: func() *Common { return &Common{Kube: clientWith(t, closed, "admin-token")} },
			code: exitcode.Network, want: []string{"cannot reach the API server at " + closed.URL}},
		{name: "missing kubeconfig", common: func() *Common { return &Common{Kubeconfig: dir + "/nope"} },
			code: exitcode.Input, want: []string{dir + "/nope"}},
		{name: "unknown context", common: func() *Common {
			return &Common{Kubeconfig: s.Kubeconfig(t, dir, "    token: admin-token\n"), Context: "elsewhere"}
		}, code: exitcode.Input, want: []string{`"elsewhere"`, dir}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			c := tt.common()
			c.IO = &iostreams.IOStreams{Out: &out, ErrOut: &out}
			err := runBind(context.Background(), &BindOptions{Common: c, Binding: Binding{Group: "developers", ClusterRole: "view"}})
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

func clientWith(t *testing.T, s *kubetest.Server, token string) *kube.Client {
	t.Helper()
	c, err := kube.New(s.RESTConfig(token))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestThroughKubeconfig: with no injected client, the admin commands load
// --kubeconfig and --context as kubectl does, and read the cluster's name
// from the context's exec entry.
func TestThroughKubeconfig(t *testing.T) {
	s := seeded(t)
	execPath := s.Kubeconfig(t, t.TempDir(), "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws\n      interactiveMode: Never\n      args: [eks, get-token, --cluster-name, my-example, --region, eu-west-1]\n")
	c := &Common{Kubeconfig: execPath, Context: "test"}
	if name, region := c.clusterFromKubeconfig(); name != "my-example" || region != "eu-west-1" {
		t.Errorf("cluster from the kubeconfig: %q in %q (%v)", name, region, c.kcErr)
	}

	var out bytes.Buffer
	path := s.Kubeconfig(t, t.TempDir(), "    token: admin-token\n")
	o := &ListOptions{Common: &Common{IO: &iostreams.IOStreams{Out: &out, ErrOut: &out}, Kubeconfig: path, Context: "test"}, Output: "table"}
	// No cluster name: no access entries, so AWS is not asked.
	if err := runList(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "arn:aws:iam::123456789012:role/MyExampleEKSNode") {
		t.Errorf("list shows:\n%s", out.String())
	}
	if got := s.Requests(); len(got) != 1 || got[0].Auth != "Bearer admin-token" {
		t.Errorf("requests: %+v", got)
	}
}

const crbPath = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/developers-view"

func crb(subject string) map[string]any {
	return map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
		"metadata": map[string]any{"name": "developers-view"},
		"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
		"subjects": []any{map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": subject}}}
}

// TestBindForceRetriesOnConflict: a forced change of a binding's subjects
// that meets a writer in between (409) reads it again and writes again,
// through client-go's retry.RetryOnConflict.
func TestBindForceRetriesOnConflict(t *testing.T) {
	k := kubetest.New(t)
	k.Put(crbPath, crb("others"))
	k.BeforeWrite(func(s *kubetest.Server) {
		obj := s.Object(crbPath)
		obj["metadata"].(map[string]any)["labels"] = map[string]any{"touched": "yes"}
		s.Put(crbPath, obj)
	})
	var out bytes.Buffer
	o := &BindOptions{Common: &Common{IO: &iostreams.IOStreams{Out: &out, ErrOut: &out}, Kube: clientOf(t, k)},
		Binding: Binding{Group: "developers", ClusterRole: "view"}, Force: true}
	if err := runBind(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if k.Writes() != 2 {
		t.Errorf("%d writes, want 2 (one conflict, one success)", k.Writes())
	}
	obj := k.Object(crbPath)
	subjects := obj["subjects"].([]any)
	if len(subjects) != 1 || subjects[0].(map[string]any)["name"] != "developers" || obj["metadata"].(map[string]any)["labels"] == nil {
		t.Errorf("binding after the retry: %v", obj)
	}
}

// TestUnbindKeepsBindingChangedSincePlan: revoke's delete names the
// resourceVersion it judged; a binding someone changed since stays.
func TestUnbindKeepsBindingChangedSincePlan(t *testing.T) {
	k := kubetest.New(t)
	k.Put(crbPath, crb("developers"))
	b := Binding{Group: "developers", ClusterRole: "view"}
	step, err := unbindStep(context.Background(), clientOf(t, k), b)
	if err != nil || step.Verb != "delete" {
		t.Fatalf("plan: %+v, %v", step, err)
	}
	k.Put(crbPath, crb("developers")) // rewritten meanwhile: a new resourceVersion
	err = step.apply(context.Background())
	if exitcode.Of(err) != exitcode.Conflict || !strings.Contains(err.Error(), "run the command again") {
		t.Fatalf("apply: %v, want a conflict that says to run again", err)
	}
	if k.Object(crbPath) == nil {
		t.Error("the binding changed since the plan was deleted")
	}
}
