package awsconfig

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzPlanSetProfile edits one profile of an arbitrary config file: parse,
// PlanSetProfile, apply (the plan's New bytes), parse again. Whatever the
// input, the edit must keep every byte outside the profile's section, keep
// every other profile's values, and planning again must change nothing.
func FuzzPlanSetProfile(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.ini")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err == nil {
			f.Add(data, "dev1-eks", "eu-west-1")
		}
	}
	f.Add([]byte(""), "default", "us-east-1")
	f.Add([]byte("[default]\nregion = x\n[profile dev1-eks]\nregion=y\r\n  s3 =\n    a = b\n"), "dev1-eks", "us-east-1")
	f.Add([]byte("\xef\xbb\xbf[profile a]\r\nrole_arn = x\r\n# c\r\n[profile b]\r\nregion = z"), "a", "ap-northeast-2")
	f.Add([]byte("[profile x]\nregion =\n\n[sso-session s]\nsso_region = y\n"), "x", "eu-west-1")
	f.Fuzz(func(t *testing.T, data []byte, name, region string) {
		old, err := Parse("config", ConfigFile, data, true)
		if err != nil {
			return
		}
		settings := []Setting{
			{Key: "role_arn", Value: "arn:aws:iam::123456789012:role/Fuzz", Defining: true},
			{Key: "source_profile", Value: "dev1"},
			{Key: "region", Value: region},
			{Key: "output", Value: "json", KeepExisting: true},
		}
		p, err := old.PlanSetProfile(name, settings)
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("plan of %q: %v", data, err)
			}
			return
		}
		nf, err := Parse("config", ConfigFile, p.New, true)
		if err != nil {
			t.Fatalf("planned file does not parse: %v\nold: %q\nnew: %q", err, data, p.New)
		}
		// Bytes outside our section.
		if p.Added {
			if !bytes.HasPrefix(p.New, data) {
				t.Fatalf("appending a profile changed the file before it\nold: %q\nnew: %q", data, p.New)
			}
		} else {
			si := old.sectionsOf(name)[0]
			s := old.sections[si]
			start := old.lines[s.header].start
			end := old.lines[s.end-1].next
			if !bytes.HasPrefix(p.New, data[:start]) || !bytes.HasSuffix(p.New, data[end:]) {
				t.Fatalf("edit of [%s] changed bytes outside it\nold: %q\nnew: %q", name, data, p.New)
			}
		}
		// Other profiles' values.
		for _, other := range old.Profiles() {
			if other == name {
				continue
			}
			a, _ := old.Profile(other)
			b, ok := nf.Profile(other)
			if !ok {
				t.Fatalf("profile %q lost\nold: %q\nnew: %q", other, data, p.New)
			}
			for k, v := range a.Values {
				if b.Values[k] != v {
					t.Fatalf("profile %q key %q: %q became %q\nold: %q\nnew: %q", other, k, v, b.Values[k], data, p.New)
				}
			}
		}
		// Ours holds what we asked for.
		got, _ := nf.Profile(name)
		for _, s := range settings {
			if !s.KeepExisting && got.Values[s.Key] != s.Value {
				t.Fatalf("profile %q has %s = %q, want %q", name, s.Key, got.Values[s.Key], s.Value)
			}
		}
		// Re-planning is a no-op.
		again, err := nf.PlanSetProfile(name, settings)
		if err != nil {
			t.Fatalf("re-plan: %v\nnew: %q", err, p.New)
		}
		if again.Changed() {
			t.Fatalf("re-planning changes the file again\nfirst: %q\nagain: %q", p.New, again.New)
		}
		// Logout of a profile login added gives a file that still parses and
		// keeps the others.
		if p.Added {
			rm, err := nf.PlanRemoveProfile(name)
			if err != nil {
				t.Fatalf("remove: %v", err)
			}
			rf, err := Parse("config", ConfigFile, rm.New, true)
			if err != nil {
				t.Fatalf("after removal the file does not parse: %v\n%q", err, rm.New)
			}
			if _, ok := rf.Profile(name); ok && rm.Removed {
				t.Fatalf("removed profile %q still there: %q", name, rm.New)
			}
			if !bytes.HasPrefix(rm.New, bytes.TrimRight(data, "\r\n")) {
				t.Fatalf("removal changed bytes before the profile\nold: %q\nafter: %q", data, rm.New)
			}
		}
	})
}
