package kubeconfig

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/golden"
)

// discovered is the login of cluster name in region, found by discovery
// through profile, under context.
func discovered(profile, region, name, context string) Login {
	arn := "arn:aws:eks:" + region + ":111122223333:cluster/" + name
	return Login{
		ClusterName: arn,
		Server:      "https://" + name + "." + region + ".eks.amazonaws.com",
		CAData:      caData,
		UserName:    UserName(profile, arn),
		Exec: Exec{
			APIVersion:      "client.authentication.k8s.io/v1beta1",
			Command:         "kubectl-eks_login",
			Args:            []string{"token", "--cluster-name", name, "--profile", profile, "--region", region},
			InteractiveMode: "IfAvailable",
		},
		Context:   context,
		Discovery: "all:" + profile,
	}
}

// TestPlanEditManyThenPrune: three discovered logins in one pass into a
// file kubectl wrote, marked, current-context left alone; then the removal
// of one of them gives back, byte for byte, what a pass of the other two
// would have given.
func TestPlanEditManyThenPrune(t *testing.T) {
	f := load(t, "kubectl-written.yaml")
	web := discovered("dev1-eks", "us-west-2", "web", "111122223333/us-west-2/web")
	data := discovered("dev1-eks", "eu-west-1", "data", "111122223333/eu-west-1/data")
	web2 := discovered("dev1-eks", "eu-west-1", "web", "111122223333/eu-west-1/web")
	p, err := f.PlanEdit(Edit{Logins: []Login{web, data, web2}})
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "edit-many.golden", describe(p))
	for _, line := range strings.SplitAfter(string(f.Data), "\n") {
		if !strings.Contains(string(p.New), line) {
			t.Errorf("line %q of the file kubectl wrote is gone", line)
		}
	}
	nf, err := Parse(f.Path, p.New, true)
	if err != nil {
		t.Fatal(err)
	}
	if nf.CurrentContext() != "kind-kind" {
		t.Errorf("current-context %q: a discovery must leave it alone", nf.CurrentContext())
	}
	for _, l := range []Login{web, data, web2} {
		if got := nf.DiscoveryMark(l.Context); got != "all:dev1-eks" {
			t.Errorf("context %s is marked %q", l.Context, got)
		}
	}
	if got := nf.DiscoveryMark("prod"); got != "" {
		t.Errorf("the user's own context prod is marked %q", got)
	}
	kubectlContexts(t, p.New, "111122223333/eu-west-1/data", "111122223333/eu-west-1/web", "111122223333/us-west-2/web", "kind-kind", "prod")
	again, err := nf.PlanEdit(Edit{Logins: []Login{web, data, web2}})
	if err != nil || again.Changed() {
		t.Fatalf("a second identical pass changes the file (%v):\n%s", err, again.Diff())
	}

	// Prune data: its context, user and cluster go, and nothing else.
	rm, err := nf.PlanEdit(Edit{Logins: []Login{web, web2}, Remove: []string{data.Context}})
	if err != nil {
		t.Fatal(err)
	}
	want, err := f.PlanEdit(Edit{Logins: []Login{web, web2}})
	if err != nil {
		t.Fatal(err)
	}
	if string(rm.New) != string(want.New) {
		t.Errorf("after the prune:\n%s\nwant:\n%s", rm.New, want.New)
	}
	wantChanges := fmt.Sprintf("%q", []string{`remove context "111122223333/eu-west-1/data"`, `remove user "dev1-eks@arn:aws:eks:eu-west-1:111122223333:cluster/data"`, `remove cluster "arn:aws:eks:eu-west-1:111122223333:cluster/data"`})
	if got := fmt.Sprintf("%q", rm.Changes); got != wantChanges {
		t.Errorf("changes %s, want %s", got, wantChanges)
	}
}

// TestPlanEditRefusesBadEdits: two logins of one context, or a current
// context that is none of the logins', are mistakes of the caller.
func TestPlanEditRefusesBadEdits(t *testing.T) {
	f := load(t, "missing.yaml")
	a := discovered("p", "us-west-2", "a", "same")
	b := discovered("p", "us-west-2", "b", "same")
	for _, ed := range []Edit{{Logins: []Login{a, b}}, {Logins: []Login{a}, Current: "other"}} {
		if _, err := f.PlanEdit(ed); err == nil || !strings.Contains(err.Error(), "internal error") {
			t.Errorf("%+v: got %v", ed, err)
		}
	}
}

// TestSingleLoginKeepsTheDiscoveryMark: a login by hand over a discovered
// context (no Discovery) leaves the mark, and the previous context it
// records goes with its own key only.
func TestSingleLoginKeepsTheDiscoveryMark(t *testing.T) {
	f := load(t, "missing.yaml")
	web := discovered("dev1-eks", "us-west-2", "web", "web")
	p, err := f.PlanEdit(Edit{Logins: []Login{web}})
	if err != nil {
		t.Fatal(err)
	}
	f, _ = Parse(f.Path, p.New, true)
	web.Discovery = ""
	if p, err = f.PlanLogin(web); err != nil {
		t.Fatal(err)
	}
	f, _ = Parse(f.Path, p.New, true)
	if f.DiscoveryMark("web") != "all:dev1-eks" || f.CurrentContext() != "web" {
		t.Errorf("mark %q, current %q:\n%s", f.DiscoveryMark("web"), f.CurrentContext(), p.New)
	}
}

// kubectlContexts checks that the real kubectl reads data's contexts as
// want (sorted), when kubectl is installed.
func kubectlContexts(t *testing.T, data []byte, want ...string) {
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
	cmd := exec.Command(kubectl, "config", "get-contexts", "-o", "name", "--kubeconfig", path)
	cmd.Env = append(os.Environ(), "KUBECONFIG=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl config get-contexts: %v\n%s", err, out)
	}
	got := strings.Fields(string(out))
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("kubectl reads the contexts %q, want %q", got, want)
	}
}
