package kubeconfig

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func fuzzLogin() Login {
	return Login{
		ClusterName: "arn:aws:eks:eu-west-1:111122223333:cluster/dev",
		Server:      "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
		CAData:      "LS0tLS1CRUdJTg==",
		UserName:    "dev1-eks@arn:aws:eks:eu-west-1:111122223333:cluster/dev",
		Exec: Exec{
			APIVersion: "client.authentication.k8s.io/v1beta1",
			Command:    "kubectl-eks_login",
			Args:       []string{"token", "--cluster-name", "dev", "--profile", "dev1-eks", "--region", "eu-west-1"},
		},
		Context: "dev",
	}
}

// decoded is every named entry of kind as plain data, keyed by kind/name,
// first entry of a name only (as kubectl reads them).
func decoded(t *testing.T, f *File) map[string]any {
	out := map[string]any{}
	for _, kind := range []string{"clusters", "contexts", "users"} {
		for _, item := range f.entries(kind) {
			k := kind + "/" + entryName(item)
			if _, dup := out[k]; dup {
				continue
			}
			var v any
			if err := item.Decode(&v); err != nil {
				v = "undecodable" // the message holds line numbers, which may move
			}
			out[k] = v
		}
	}
	return out
}

// FuzzPlanLogin plans a login into arbitrary YAML: a clean error, or output
// that parses, says what the login meant, and keeps every other named entry
// as it was.
func FuzzPlanLogin(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yaml")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("clusters: []\n"))
	f.Add([]byte("apiVersion: v1\nclusters:\n- name: dev\n  cluster: {server: x}\ncontexts:\n- name: dev\n  context: &c {cluster: a, user: b}\n- name: other\n  context: *c\nusers: ~\n"))
	f.Add([]byte("users:\n- name: x\n  user:\n    exec: {command: y}\ncurrent-context: dev\n# comment\n"))
	l := fuzzLogin()
	f.Fuzz(func(t *testing.T, data []byte) {
		old, err := Parse("kubeconfig", data, true)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("parse error is %T, not *ParseError: %v", err, err)
			}
			return
		}
		p, err := old.PlanLogin(l)
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("PlanLogin(%q): %v", data, err)
			}
			return
		}
		nf, err := Parse("kubeconfig", p.New, true)
		if err != nil {
			t.Fatalf("planned kubeconfig does not parse: %v\nold: %q\nnew: %q", err, data, p.New)
		}
		before, after := decoded(t, old), decoded(t, nf)
		ours := map[string]bool{"clusters/" + l.ClusterName: true, "users/" + l.UserName: true, "contexts/" + l.Context: true}
		for k, v := range before {
			if ours[k] {
				continue
			}
			w, ok := after[k]
			if !ok {
				t.Fatalf("entry %s lost\nold: %q\nnew: %q", k, data, p.New)
			}
			if !reflect.DeepEqual(v, w) {
				t.Fatalf("entry %s changed: %#v -> %#v\nold: %q\nnew: %q", k, v, w, data, p.New)
			}
		}
		// Planning again changes nothing.
		again, err := nf.PlanLogin(l)
		if err != nil {
			t.Fatalf("re-plan: %v\nnew: %q", err, p.New)
		}
		if again.Changed() {
			t.Fatalf("re-planning changes the file again\nfirst: %q\nagain: %q", p.New, again.New)
		}
		// Logout removes our context and keeps the others.
		rm, err := nf.PlanRemove(l.Context)
		if err != nil {
			t.Fatalf("PlanRemove: %v\n%q", err, p.New)
		}
		rf, err := Parse("kubeconfig", rm.New, true)
		if err != nil {
			t.Fatalf("after PlanRemove the file does not parse: %v\n%q", err, rm.New)
		}
		if _, ok := rf.Context(l.Context); ok {
			t.Fatalf("context %q survives PlanRemove: %q", l.Context, rm.New)
		}
	})
}
