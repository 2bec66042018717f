package kubeconfig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/golden"
)

const devARN = "arn:aws:eks:eu-west-1:111122223333:cluster/dev"

// caData is base64 of a short PEM block; login checks real certificates, this
// package only carries the string.
const caData = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk5FVwotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg=="

func login(profile, context, namespace string) Login {
	return Login{
		ClusterName: devARN,
		Server:      "https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com",
		CAData:      caData,
		UserName:    UserName(profile, devARN),
		Exec: Exec{
			APIVersion:      "client.authentication.k8s.io/v1beta1",
			Command:         "kubectl-eks_login",
			Args:            []string{"token", "--cluster-name", "dev", "--profile", profile, "--region", "eu-west-1"},
			InteractiveMode: "IfAvailable",
		},
		Context:   context,
		Namespace: namespace,
	}
}

func describe(p *Plan) string {
	var b strings.Builder
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "# change: %s\n", c)
	}
	for _, c := range p.Conflicts {
		fmt.Fprintf(&b, "# conflict: %s\n", c)
	}
	b.WriteString(p.Diff())
	return strings.ReplaceAll(b.String(), "testdata/", "")
}

func load(t *testing.T, name string) *File {
	t.Helper()
	f, err := Load(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPlanLoginGolden(t *testing.T) {
	tests := []struct {
		name, in  string
		logins    []Login
		conflicts int
	}{
		{name: "new-file", in: "missing.yaml", logins: []Login{login("dev1-eks", "dev", "")}},
		{name: "kubectl-written", in: "kubectl-written.yaml", logins: []Login{login("dev1-eks", "dev", "")}},
		{name: "hand-written", in: "hand-written.yaml", logins: []Login{login("dev1-eks", "dev", "default")}},
		{name: "stale-cluster", in: "stale-cluster.yaml", logins: []Login{login("dev1-eks", "dev", "")}},
		{name: "context-taken", in: "context-taken.yaml", logins: []Login{login("dev1-eks", "dev", "")}, conflicts: 1},
		{name: "two-profiles", in: "missing.yaml", logins: []Login{login("dev1-eks", "dev", ""), login("dev1-admin", "dev-admin", "kube-system")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t, tt.in)
			var p *Plan
			var out strings.Builder
			for i, l := range tt.logins {
				var err error
				p, err = f.PlanLogin(l)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&out, "### login %d\n%s", i+1, describe(p))
				if len(p.Conflicts) != tt.conflicts {
					t.Errorf("conflicts %q, want %d", p.Conflicts, tt.conflicts)
				}
				if f, err = Parse(f.Path, p.New, true); err != nil {
					t.Fatal(err)
				}
			}
			golden.Check(t, tt.name+".golden", out.String())

			// The same login again changes nothing, not a byte.
			again, err := f.PlanLogin(tt.logins[len(tt.logins)-1])
			if err != nil {
				t.Fatal(err)
			}
			if again.Changed() {
				t.Errorf("a second identical login changes the file:\n%s", again.Diff())
			}
			checkWithKubectl(t, p.New, tt.logins)
		})
	}
}

// TestKubectlWrittenKeepsOtherBytes: entries we do not own keep every byte in
// a file kubectl wrote.
func TestKubectlWrittenKeepsOtherBytes(t *testing.T) {
	f := load(t, "kubectl-written.yaml")
	p, err := f.PlanLogin(login("dev1-eks", "dev", ""))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.SplitAfter(string(f.Data), "\n") {
		if strings.HasPrefix(line, "current-context:") {
			continue
		}
		if !bytes.Contains(p.New, []byte(line)) {
			t.Errorf("line %q is gone", line)
		}
	}
	// Removing the login again gives back the very file kubectl wrote, with
	// the context that was current before login current again.
	nf, _ := Parse(f.Path, p.New, true)
	rm, err := nf.PlanRemove("dev")
	if err != nil {
		t.Fatal(err)
	}
	want := string(f.Data)
	if string(rm.New) != want {
		t.Errorf("after logout:\n%s\nwant:\n%s", rm.New, want)
	}
}

func TestHandWrittenKeepsComments(t *testing.T) {
	f := load(t, "hand-written.yaml")
	p, err := f.PlanLogin(login("dev1-eks", "dev", ""))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"# My kubeconfig. Do not lose this comment.", "# the lab cluster", "# line comment", "# trailing comment", `"0123"`} {
		if !bytes.Contains(p.New, []byte(c)) {
			t.Errorf("%q is gone:\n%s", c, p.New)
		}
	}
	if !bytes.Contains(p.New, []byte("\n  - name: lab")) {
		t.Errorf("the file's indented list style was not kept:\n%s", p.New)
	}
}

func TestPlanRemoveGolden(t *testing.T) {
	f := load(t, "missing.yaml")
	for _, l := range []Login{login("dev1-eks", "dev", ""), login("dev1-admin", "dev-admin", "")} {
		p, err := f.PlanLogin(l)
		if err != nil {
			t.Fatal(err)
		}
		f, _ = Parse(f.Path, p.New, true)
	}
	var out strings.Builder
	for _, ctx := range []string{"dev-admin", "dev", "dev"} {
		p, err := f.PlanRemove(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "### logout %s\n%s", ctx, describe(p))
		f, _ = Parse(f.Path, p.New, true)
	}
	golden.Check(t, "remove.golden", out.String())
	if len(f.Contexts()) != 0 || len(f.Users()) != 0 {
		t.Errorf("entries left: %+v %+v", f.Contexts(), f.Users())
	}
	if _, ok := f.Cluster(devARN); ok {
		t.Error("the cluster entry is left though no context uses it")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"bad yaml", "apiVersion: v1\nclusters:\n- name: a\n  cluster: {server: [1\n", "bad.yaml line 3: is not valid YAML: did not find expected ',' or ']'"},
		{"tab indentation", "clusters:\n- name: a\n  cluster:\n\tserver: x\n", "bad.yaml line 4: is not valid YAML: found character that cannot start any token"},
		{"top level list", "- a\n- b\n", "bad.yaml line 1: the top level must be a mapping"},
		{"clusters not a list", "apiVersion: v1\nclusters:\n  a: b\n", "bad.yaml line 3: clusters must be a list"},
		{"entry without name", "users:\n- user:\n    token: x\n", "bad.yaml line 2: users[0] has no name"},
		{"wrong field type", "clusters:\n- name: a\n  cluster:\n    server: [1, 2]\n", "bad.yaml line 4: clusters \"a\""},
		{"two documents", "apiVersion: v1\n---\napiVersion: v1\n", "bad.yaml line 2: holds more than one YAML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tt.data), true)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
	for _, empty := range []string{"", "\n", "# only a comment\n", "---\n"} {
		f, err := Parse("e.yaml", []byte(empty), true)
		if err != nil {
			t.Fatalf("%q: %v", empty, err)
		}
		if _, err := f.PlanLogin(login("p", "dev", "")); err != nil {
			t.Fatalf("%q: %v", empty, err)
		}
	}
}

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.WriteFile(a, []byte("apiVersion: v1\ncurrent-context: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l := login("p", "dev", "")
	bf, _ := Parse(b, nil, false)
	p, _ := bf.PlanLogin(l)
	if err := os.WriteFile(b, p.New, 0o600); err != nil {
		t.Fatal(err)
	}
	holds := func(f *File) bool { _, ok := f.Cluster(devARN); return ok }
	env := a + string(filepath.ListSeparator) + b

	loc, err := Locate("", env, dir, holds)
	if err != nil || loc.File.Path != b {
		t.Fatalf("want the file that holds the cluster (%s), got %+v %v", b, loc, err)
	}
	shadows, _ := loc.Shadows(devARN, l.UserName, "dev")
	if len(shadows) != 1 || !strings.Contains(shadows[0], a+" sets current-context") {
		t.Errorf("shadows %q", shadows)
	}
	loc, _ = Locate("", env, dir, func(*File) bool { return false })
	if loc.File.Path != a {
		t.Errorf("without a holder the first file is chosen, got %s", loc.File.Path)
	}
	loc, _ = Locate(b, env, dir, nil)
	if loc.File.Path != b || len(loc.List) != 1 {
		t.Errorf("--kubeconfig wins: %+v", loc)
	}
	loc, _ = Locate("", "", dir, nil)
	if loc.File.Path != filepath.Join(dir, ".kube", "config") || loc.File.Exists {
		t.Errorf("default path: %+v", loc)
	}
	if err := os.WriteFile(a, []byte("a: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Locate("", env, dir, holds); err == nil || !strings.Contains(err.Error(), a+" line") {
		t.Errorf("a broken file in KUBECONFIG must be reported by name and line: %v", err)
	}
}

// checkWithKubectl has the real kubectl read the planned file.
func checkWithKubectl(t *testing.T, data []byte, logins []Login) {
	t.Helper()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Log("kubectl not installed; skipping the check with the real kubectl")
		return
	}
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) []byte {
		cmd := exec.Command(kubectl, append(args, "--kubeconfig", path)...)
		cmd.Env = append(os.Environ(), "KUBECONFIG=")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	last := logins[len(logins)-1]
	if got := strings.TrimSpace(string(run("config", "current-context"))); got != last.Context {
		t.Errorf("kubectl config current-context = %q, want %q", got, last.Context)
	}
	var view struct {
		Clusters []struct {
			Name    string
			Cluster struct {
				Server string
				CAData string `json:"certificate-authority-data"`
			}
		}
		Contexts []struct {
			Name    string
			Context struct{ Cluster, User, Namespace string }
		}
		Users []struct {
			Name string
			User struct {
				Exec struct {
					APIVersion      string
					Command         string
					Args            []string
					Env             []struct{ Name string }
					InteractiveMode string
				}
			}
		}
	}
	if err := json.Unmarshal(run("config", "view", "--raw", "-o", "json"), &view); err != nil {
		t.Fatal(err)
	}
	for _, l := range logins {
		found := 0
		for _, c := range view.Clusters {
			if c.Name == l.ClusterName && c.Cluster.Server == l.Server && c.Cluster.CAData == l.CAData {
				found++
			}
		}
		for _, c := range view.Contexts {
			if c.Name == l.Context && c.Context.Cluster == l.ClusterName && c.Context.User == l.UserName && (l.Namespace == "" || c.Context.Namespace == l.Namespace) {
				found++
			}
		}
		for _, u := range view.Users {
			x := u.User.Exec
			if u.Name == l.UserName && x.Command == l.Exec.Command && strings.Join(x.Args, " ") == strings.Join(l.Exec.Args, " ") && x.APIVersion == l.Exec.APIVersion && x.InteractiveMode == "IfAvailable" && !hasEnv(x.Env, "AWS_PROFILE") {
				found++
			}
		}
		if found != 3 {
			t.Errorf("kubectl does not see all of login %s/%s (found %d of 3):\n%+v", l.Context, l.UserName, found, view)
		}
	}
}

// hasEnv: the profile must be an argument, never AWS_PROFILE (aws-cli issue
// 7794: an inherited AWS_PROFILE would silently win).
func hasEnv(env []struct{ Name string }, name string) bool {
	for _, e := range env {
		if e.Name == name {
			return true
		}
	}
	return false
}
