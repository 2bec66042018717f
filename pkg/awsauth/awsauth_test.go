package awsauth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/golden"

	yaml "go.yaml.in/yaml/v3"
)

const (
	viewerARN = "arn:aws:iam::123456789012:role/EKSMyExampleViewer"
	nodeARN   = "arn:aws:iam::123456789012:role/MyExampleEKSNode"
	opsARN    = "arn:aws:iam::123456789012:role/Ops"
	aliceARN  = "arn:aws:iam::123456789012:user/alice"
	bobARN    = "arn:aws:iam::123456789012:user/bob"
)

func load(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]string
	if err := yaml.Unmarshal(b, &data); err != nil {
		t.Fatal(err)
	}
	return data
}

// render shows data as the ConfigMap's data block, keys sorted by yaml.
func render(t *testing.T, data map[string]string) string {
	t.Helper()
	b, err := yaml.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEditGolden(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		edit   func(*Doc) (Change, error)
		change Change
	}{
		{"add-role-keeps-node-role", "eks-node-role.yaml", func(d *Doc) (Change, error) {
			return d.Set(Mapping{ARN: viewerARN, Username: "developer", Groups: []string{"developers"}}, false)
		}, Added},
		{"add-template-username", "eks-node-role.yaml", func(d *Doc) (Change, error) {
			return d.Set(Mapping{ARN: viewerARN, Username: "developer:{{SessionName}}", Groups: []string{"developers"}}, false)
		}, Added},
		{"add-user-keeps-the-rest", "everything.yaml", func(d *Doc) (Change, error) {
			return d.Set(Mapping{ARN: bobARN, Username: "bob", Groups: []string{"developers", "testers"}}, false)
		}, Added},
		{"update-role-in-place", "everything.yaml", func(d *Doc) (Change, error) {
			return d.Set(Mapping{ARN: viewerARN, Username: "viewer:{{SessionName}}", Groups: []string{"developers", "viewers"}}, false)
		}, Updated},
		{"remove-role", "everything.yaml", func(d *Doc) (Change, error) { return d.Remove(viewerARN, false) }, Removed},
		{"remove-last-user", "everything.yaml", func(d *Doc) (Change, error) { return d.Remove(aliceARN, true) }, Removed},
		{"force-rewrites-node-role", "eks-node-role.yaml", func(d *Doc) (Change, error) {
			return d.Set(Mapping{ARN: nodeARN, Username: "system:node:{{EC2PrivateDNSName}}", Groups: []string{"system:nodes"}}, true)
		}, Updated},
		{"add-to-empty", "empty.yaml", func(d *Doc) (Change, error) {
			return d.Set(Mapping{ARN: viewerARN, Username: "developer", Groups: []string{"developers"}}, false)
		}, Added},
		{"add-to-flow-empty", "flow-empty.yaml", func(d *Doc) (Change, error) {
			return d.Set(Mapping{ARN: aliceARN, Username: "alice"}, false)
		}, Added},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(load(t, tt.input))
			if err != nil {
				t.Fatal(err)
			}
			change, err := tt.edit(d)
			if err != nil {
				t.Fatal(err)
			}
			if change != tt.change {
				t.Errorf("change = %s, want %s", change, tt.change)
			}
			out := d.Data()
			golden.Check(t, tt.name+".golden", render(t, out))
			// What we write must read back, with the same entries.
			again, err := Parse(out)
			if err != nil {
				t.Fatalf("the edited data does not parse: %v", err)
			}
			if len(again.Mappings()) != len(d.Mappings()) {
				t.Errorf("read back %d mappings, want %d", len(again.Mappings()), len(d.Mappings()))
			}
		})
	}
}

func TestUntouchedKeysKeepBytes(t *testing.T) {
	in := load(t, "everything.yaml")
	d, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Set(Mapping{ARN: bobARN, Username: "bob"}, false); err != nil {
		t.Fatal(err)
	}
	out := d.Data()
	for _, k := range []string{KeyRoles, KeyAccounts, "mySetting"} {
		if out[k] != in[k] {
			t.Errorf("%s changed:\n%s\nwas:\n%s", k, out[k], in[k])
		}
	}
	if got := d.Accounts(); len(got) != 1 || got[0] != "111122223333" {
		t.Errorf("Accounts() = %v", got)
	}
}

func TestSameMappingIsUnchanged(t *testing.T) {
	in := load(t, "everything.yaml")
	d, _ := Parse(in)
	change, err := d.Set(Mapping{ARN: viewerARN, Username: "developer", Groups: []string{"developers"}}, false)
	if err != nil || change != Unchanged {
		t.Fatalf("Set = %s, %v; want unchanged", change, err)
	}
	if change, err := d.Remove(bobARN, false); err != nil || change != Absent {
		t.Fatalf("Remove = %s, %v; want absent", change, err)
	}
	if render(t, d.Data()) != render(t, in) {
		t.Error("a no-op edit changed the data")
	}
}

func TestProtectedNeedsForce(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Doc) (Change, error)
		line string
	}{
		{"rewrite node role", func(d *Doc) (Change, error) {
			return d.Set(Mapping{ARN: nodeARN, Username: "x", Groups: []string{"developers"}}, false)
		}, "mapRoles line 2"},
		{"remove node role", func(d *Doc) (Change, error) { return d.Remove(nodeARN, false) }, "mapRoles line 2"},
		{"remove system:masters role", func(d *Doc) (Change, error) { return d.Remove(opsARN, false) }, "mapRoles line 7"},
		{"rewrite system:masters user", func(d *Doc) (Change, error) {
			return d.Set(Mapping{ARN: aliceARN, Username: "alice", Groups: []string{"view"}}, false)
		}, "mapUsers line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := load(t, "everything.yaml")
			d, _ := Parse(in)
			_, err := tt.edit(d)
			if !errors.Is(err, ErrProtected) {
				t.Fatalf("err = %v, want ErrProtected", err)
			}
			if !strings.Contains(err.Error(), tt.line) || !strings.Contains(err.Error(), "--force") {
				t.Errorf("error %q should name %q and --force", err, tt.line)
			}
			if render(t, d.Data()) != render(t, in) {
				t.Error("a refused edit changed the data")
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		input string
		want  []string
	}{
		{"malformed.yaml", []string{"key mapRoles line 4"}},
		{"no-arn.yaml", []string{"key mapRoles line 4", "no rolearn"}},
		{"not-a-list.yaml", []string{"key mapUsers line 1", "list"}},
	}
	for _, tt := range tests {
		t.Run(tt.input, func(t *testing.T) {
			_, err := Parse(load(t, tt.input))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a ParseError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestKeyFor(t *testing.T) {
	for arn, want := range map[string]string{
		viewerARN: KeyRoles, aliceARN: KeyUsers,
		"arn:aws:iam::123456789012:role/path/to/R":   KeyRoles,
		"arn:aws:sts::123456789012:assumed-role/R/s": "",
		"developers": "",
	} {
		got, err := KeyFor(arn)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("KeyFor(%q) = %q, %v; want %q", arn, got, err, want)
		}
	}
}

func TestMatchedARN(t *testing.T) {
	for arn, want := range map[string]string{
		viewerARN: viewerARN,
		"arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_View_1": "arn:aws:iam::123456789012:role/AWSReservedSSO_View_1",
		"arn:aws-cn:iam::123456789012:role/team/R":                                                      "arn:aws-cn:iam::123456789012:role/R",
		"arn:aws:iam::123456789012:user/team/alice":                                                     "arn:aws:iam::123456789012:user/team/alice",
		"arn:aws:sts::123456789012:assumed-role/R/s":                                                    "arn:aws:sts::123456789012:assumed-role/R/s",
		"developers": "developers",
	} {
		if got := MatchedARN(arn); got != want {
			t.Errorf("MatchedARN(%q) = %q, want %q", arn, got, want)
		}
	}
}
