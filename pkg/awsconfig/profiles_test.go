package awsconfig

import (
	"fmt"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/golden"
)

// ssoRole is what discovery writes for an account and role of an SSO
// session.
func ssoRole(account, role string) ProfileEdit {
	return ProfileEdit{Name: account + "-" + role, Discovery: "sso-session corp", Settings: []Setting{
		{Key: "sso_session", Value: "corp", Defining: true},
		{Key: "sso_account_id", Value: account},
		{Key: "sso_role_name", Value: role},
		{Key: "region", Value: "eu-west-1"},
		{Key: "output", Value: "json", KeepExisting: true},
	}}
}

// TestPlanProfilesThenPrune: two SSO role profiles in one plan of a file
// with the user's own profiles, marked as the discovery's; then the
// removal of one of them gives back, byte for byte, what a plan of the
// other alone would have given, and a profile the discovery did not make
// is never removed.
func TestPlanProfilesThenPrune(t *testing.T) {
	f := load(t, "sso-profile.ini")
	viewer, admin := ssoRole("111122223333", "EKSViewer"), ssoRole("210987654321", "EKSAdmin")
	p, err := f.PlanProfiles([]ProfileEdit{viewer, admin}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, s := range p.Steps {
		fmt.Fprintf(&out, "# step %s: added=%v\n", s.Profile, s.Added)
	}
	out.WriteString(strings.ReplaceAll(p.Diff(), "testdata/", ""))
	golden.Check(t, "sso-profiles.golden", out.String())

	nf, err := Parse(f.Path, ConfigFile, p.New, true)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range nf.Discovered("sso-session corp") {
		names = append(names, d.Name)
	}
	if fmt.Sprint(names) != "[111122223333-EKSViewer 210987654321-EKSAdmin]" || len(nf.Discovered("sso-session other")) != 0 {
		t.Errorf("discovered %v", names)
	}
	again, err := nf.PlanProfiles([]ProfileEdit{viewer, admin}, nil)
	if err != nil || again.Changed() {
		t.Fatalf("a second identical plan changes the file (%v):\n%s", err, again.Diff())
	}

	pruned, err := nf.PlanProfiles([]ProfileEdit{viewer}, []string{admin.Name, "dev1"})
	if err != nil {
		t.Fatal(err)
	}
	want, err := f.PlanProfiles([]ProfileEdit{viewer}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(pruned.New) != string(want.New) {
		t.Errorf("after the prune:\n%s\nwant:\n%s", pruned.New, want.New)
	}
	if !pruned.Steps[1].Removed || pruned.Steps[2].Removed {
		t.Errorf("removed: %s %v, dev1 %v", admin.Name, pruned.Steps[1].Removed, pruned.Steps[2].Removed)
	}
}

func TestPlanProfilesRefusesABadScope(t *testing.T) {
	e := ssoRole("111122223333", "EKSViewer")
	e.Discovery = "corp\n[profile evil]"
	if _, err := load(t, "missing.ini").PlanProfiles([]ProfileEdit{e}, nil); err == nil {
		t.Error("a scope with a line break was written")
	}
}
