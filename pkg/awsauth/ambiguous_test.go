package awsauth

import (
	"encoding/json"
	"slices"
	"testing"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// authenticatorMappings reads a mapRoles or mapUsers value the way
// aws-iam-authenticator v0.6 does (pkg/mapper/configmap: utilyaml.ToJSON,
// a YAML 1.1 reader, then encoding/json into its mapping types).
func authenticatorMappings(t *testing.T, value string) []Mapping {
	t.Helper()
	js, err := utilyaml.ToJSON([]byte(value))
	if err != nil {
		t.Fatalf("aws-iam-authenticator cannot read the value: %v\n%s", err, value)
	}
	var entries []struct {
		RoleARN  string   `json:"rolearn"`
		UserARN  string   `json:"userarn"`
		Username string   `json:"username"`
		Groups   []string `json:"groups"`
	}
	if err := json.Unmarshal(js, &entries); err != nil {
		t.Fatalf("aws-iam-authenticator cannot decode the mappings (it would drop them): %v\n%s", err, value)
	}
	var out []Mapping
	for _, e := range entries {
		out = append(out, Mapping{ARN: e.RoleARN + e.UserARN, Username: e.Username, Groups: e.Groups})
	}
	return out
}

// TestAmbiguousNamesReachTheAuthenticator: usernames and groups named on,
// off, yes, no, y, n (any case), or like numbers, reach aws-iam-authenticator
// as the strings eks-login wrote (issue 18.2). Written plain, "- on" is a
// boolean to it, and the mapping's groups come out empty.
func TestAmbiguousNamesReachTheAuthenticator(t *testing.T) {
	want := []Mapping{
		{ARN: viewerARN, Username: "no", Groups: []string{"on", "Off", "y", "N", "YES", "true"}},
		{ARN: opsARN, Username: "1.5", Groups: []string{"0o17", "0x1F", "1:20", "2001-12-14", "null", "~"}},
		{ARN: aliceARN, Username: "off", Groups: []string{"1e3"}},
	}
	d, err := Parse(map[string]string{KeyRoles: "- rolearn: " + nodeARN + "\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n  - system:nodes\n"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range want {
		if _, err := d.Set(m, false); err != nil {
			t.Fatal(err)
		}
	}
	data := d.Data()
	got := append(authenticatorMappings(t, data[KeyRoles]), authenticatorMappings(t, data[KeyUsers])...)
	got = slices.DeleteFunc(got, func(m Mapping) bool { return m.ARN == nodeARN })
	if len(got) != len(want) {
		t.Fatalf("the authenticator sees %d mappings, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ARN != want[i].ARN || got[i].Username != want[i].Username || !slices.Equal(got[i].Groups, want[i].Groups) {
			t.Errorf("the authenticator reads %+v, want %+v", got[i], want[i])
		}
	}
}

// TestAmbiguousNamesRewritten: a mapping written plain by hand (or by an
// older eks-login) is written again, quoted, when admin map sets the same
// values, instead of being reported unchanged while the authenticator reads
// booleans.
func TestAmbiguousNamesRewritten(t *testing.T) {
	d, err := Parse(map[string]string{KeyRoles: "- rolearn: " + viewerARN + "\n  username: no\n  groups:\n  - on\n"})
	if err != nil {
		t.Fatal(err)
	}
	m := Mapping{ARN: viewerARN, Username: "no", Groups: []string{"on"}}
	change, err := d.Set(m, false)
	if err != nil || change != Updated {
		t.Fatalf("Set = %s, %v; want %s", change, err, Updated)
	}
	got := authenticatorMappings(t, d.Data()[KeyRoles])
	if len(got) != 1 || got[0].Username != "no" || !slices.Equal(got[0].Groups, []string{"on"}) {
		t.Errorf("the authenticator reads %+v", got)
	}
	if change, _ := d.Set(m, false); change != Unchanged {
		t.Errorf("setting it again: %s, want %s", change, Unchanged)
	}
}
