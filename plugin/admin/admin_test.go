package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/eks-login/eks-login/pkg/golden"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

const nodeRoles = "- groups:\n  - system:bootstrappers\n  - system:nodes\n  rolearn: arn:aws:iam::123456789012:role/MyExampleEKSNode\n  username: system:node:{{EC2PrivateDNSName}}\n"

// fakeKube is an API server of objects by path, with resourceVersions and
// 409 Conflict as the real one does them.
type fakeKube struct {
	mu      sync.Mutex
	objects map[string]map[string]any
	version int
	// beforeWrite runs before each PUT or POST is judged: a concurrent writer.
	beforeWrite func(f *fakeKube)
	writes      int
}

func newFakeKube() *fakeKube { return &fakeKube{objects: map[string]map[string]any{}} }

func (f *fakeKube) put(path string, obj map[string]any) {
	f.version++
	obj = clone(obj)
	meta, _ := obj["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		obj["metadata"] = meta
	}
	meta["resourceVersion"] = strconv.Itoa(f.version)
	f.objects[path] = obj
}

func clone(obj map[string]any) map[string]any {
	var out map[string]any
	b, _ := json.Marshal(obj)
	json.Unmarshal(b, &out)
	return out
}

func (f *fakeKube) Do(ctx context.Context, method, path string, body, out any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	notFound := &kube.StatusError{Method: method, Path: path, Code: http.StatusNotFound}
	conflict := &kube.StatusError{Method: method, Path: path, Code: http.StatusConflict}
	switch method {
	case http.MethodGet:
		obj, ok := f.objects[path]
		if !ok {
			return notFound
		}
		b, _ := json.Marshal(obj)
		return json.Unmarshal(b, out)
	case http.MethodDelete:
		if _, ok := f.objects[path]; !ok {
			return notFound
		}
		delete(f.objects, path)
		return nil
	}
	if hook := f.beforeWrite; hook != nil {
		f.beforeWrite = nil
		hook(f)
	}
	f.writes++
	var obj map[string]any
	b, _ := json.Marshal(body)
	json.Unmarshal(b, &obj)
	meta, _ := obj["metadata"].(map[string]any)
	switch method {
	case http.MethodPost:
		target := path + "/" + meta["name"].(string)
		if _, ok := f.objects[target]; ok {
			return conflict
		}
		f.put(target, obj)
	case http.MethodPut:
		cur, ok := f.objects[path]
		if !ok {
			return notFound
		}
		if meta["resourceVersion"] != cur["metadata"].(map[string]any)["resourceVersion"] {
			return conflict
		}
		f.put(path, obj)
	}
	return nil
}

func (f *fakeKube) awsAuth(t *testing.T) *awsauth.Doc {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	obj := f.objects[awsAuthPath]
	data := map[string]string{}
	for k, v := range obj["data"].(map[string]any) {
		data[k] = v.(string)
	}
	d, err := awsauth.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func seeded() *fakeKube {
	f := newFakeKube()
	f.put(awsAuthPath, map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system", "labels": map[string]any{"keep": "me"}},
		"data":     map[string]any{"mapRoles": nodeRoles, "other": "kept"}})
	return f
}

func mapOpts(k Kube, out *bytes.Buffer, arn string, extra func(*MapOptions)) *MapOptions {
	o := &MapOptions{Common: &Common{IO: cmdutil.IOStreams{Out: out, ErrOut: out}, Kube: k},
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
		kube     func() *fakeKube
		opts     func(*MapOptions)
		unmap    bool
		code     int
		writes   int
		mappings int
	}{
		{name: "map-dry-run", kube: seeded, opts: func(o *MapOptions) { o.DryRun = true }, writes: 0, mappings: 1},
		{name: "map", kube: seeded, writes: 1, mappings: 2},
		{name: "map-creates-missing", kube: newFakeKube, writes: 1, mappings: 1},
		{name: "map-template", kube: seeded, opts: func(o *MapOptions) { o.Username = "developer:{{SessionName}}" }, writes: 1, mappings: 2},
		{name: "unmap-node-role-refused", kube: seeded, unmap: true, opts: func(o *MapOptions) { o.RoleARN = "arn:aws:iam::123456789012:role/MyExampleEKSNode" }, code: cmdutil.ExitConflict, mappings: 1},
		{name: "unmap-node-role-forced-dry-run", kube: seeded, unmap: true, opts: func(o *MapOptions) {
			o.RoleARN, o.Force, o.DryRun = "arn:aws:iam::123456789012:role/MyExampleEKSNode", true, true
		}, mappings: 1},
		{name: "unmap-absent", kube: seeded, unmap: true, mappings: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := tt.kube()
			var out bytes.Buffer
			o := mapOpts(k, &out, viewer, tt.opts)
			var err error
			if tt.unmap {
				err = runUnmap(context.Background(), o)
			} else {
				err = runMap(context.Background(), o)
			}
			if code := cmdutil.CodeOf(err); code != tt.code {
				t.Fatalf("exit code %d (%v), want %d", code, err, tt.code)
			}
			if err != nil {
				out.WriteString("error: " + err.Error() + "\n")
			}
			golden.Check(t, tt.name+".golden", out.String())
			if k.writes != tt.writes {
				t.Errorf("%d writes, want %d", k.writes, tt.writes)
			}
			if _, ok := k.objects[awsAuthPath]; ok {
				if n := len(k.awsAuth(t).Mappings()); n != tt.mappings {
					t.Errorf("%d mappings, want %d", n, tt.mappings)
				}
				if tt.name != "map-creates-missing" {
					obj := k.objects[awsAuthPath]
					if obj["data"].(map[string]any)["other"] != "kept" || obj["metadata"].(map[string]any)["labels"] == nil {
						t.Error("other keys or labels of aws-auth were lost")
					}
				}
			}
		})
	}
}

// A writer that gets in between our read and our write: the 409 makes us
// read again and redo the edit, and both mappings survive.
func TestMapRetriesOnConflict(t *testing.T) {
	k := seeded()
	k.beforeWrite = func(f *fakeKube) {
		obj := clone(f.objects[awsAuthPath])
		obj["data"].(map[string]any)["mapRoles"] = nodeRoles + "- rolearn: arn:aws:iam::123456789012:role/Someone\n  username: someone\n"
		f.put(awsAuthPath, obj)
	}
	var out bytes.Buffer
	if err := runMap(context.Background(), mapOpts(k, &out, viewer, nil)); err != nil {
		t.Fatal(err)
	}
	if k.writes != 2 {
		t.Errorf("%d writes, want 2 (one conflict, one success)", k.writes)
	}
	d := k.awsAuth(t)
	for _, arn := range []string{viewer, "arn:aws:iam::123456789012:role/Someone", "arn:aws:iam::123456789012:role/MyExampleEKSNode"} {
		if _, ok := d.Get(arn); !ok {
			t.Errorf("%s is missing after the retry", arn)
		}
	}
}

func TestMapRefusesMalformed(t *testing.T) {
	k := seeded()
	k.objects[awsAuthPath]["data"].(map[string]any)["mapRoles"] = nodeRoles + "- rolearn: x\n   bad: [\n"
	var out bytes.Buffer
	err := runMap(context.Background(), mapOpts(k, &out, viewer, nil))
	if cmdutil.CodeOf(err) != cmdutil.ExitInput || !strings.Contains(err.Error(), "key mapRoles line") {
		t.Fatalf("err = %v, want an input error naming the key and line", err)
	}
	if k.writes != 0 {
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
		{name: "bind-other-role-refused", seed: other, code: cmdutil.ExitConflict},
		{name: "bind-other-role-forced", seed: other, force: true, writes: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newFakeKube()
			if tt.seed != nil {
				k.put(crb, tt.seed)
			}
			var out bytes.Buffer
			o := &BindOptions{Common: &Common{IO: cmdutil.IOStreams{Out: &out, ErrOut: &out}, Kube: k, DryRun: tt.dry},
				Binding: Binding{Group: "developers", ClusterRole: "view"}, Force: tt.force}
			err := runBind(context.Background(), o)
			if code := cmdutil.CodeOf(err); code != tt.code {
				t.Fatalf("exit code %d (%v), want %d", code, err, tt.code)
			}
			if err != nil {
				out.WriteString("error: " + err.Error() + "\n")
			}
			golden.Check(t, tt.name+".golden", out.String())
			if k.writes != tt.writes {
				t.Errorf("%d writes, want %d", k.writes, tt.writes)
			}
			if tt.code == 0 && !tt.dry {
				// Binding again finds it in place.
				out.Reset()
				w := k.writes
				if err := runBind(context.Background(), o); err != nil || k.writes != w || !strings.HasPrefix(out.String(), "found") {
					t.Errorf("a second bind was not a no-op: %v\n%s", err, out.String())
				}
			}
		})
	}
}
