package yamlutil

import (
	"testing"

	yamlv2 "go.yaml.in/yaml/v2"
	yaml "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
)

// ambiguous are strings that some YAML reader takes for something else when
// written plain; plain are strings every reader takes as themselves.
var (
	ambiguous = []string{"", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "NO", "on", "On", "ON", "oN", "off", "Off", "OFF",
		"true", "True", "false", "FALSE", "null", "Null", "NULL", "~", "0", "1", "-1", "+1", "1.5", ".5", "-.5", "1e3", "1_000",
		"0o17", "017", "0x1F", "0b101", "1:20", "190:20:30", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
		".inf", "-.Inf", ".NaN", "<<", "="}
	plain = []string{"dev", "my-example", "arn:aws:eks:eu-west-1:111122223333:cluster/dev", "system:masters", "team-a",
		"developer:{{SessionName}}", "only", "nope", "yesterday", "one", "x1", "a.1", "-", "--profile", "e"}
)

func TestAmbiguous(t *testing.T) {
	for _, s := range ambiguous {
		if !Ambiguous(s) {
			t.Errorf("Ambiguous(%q) = false", s)
		}
	}
	for _, s := range plain {
		if Ambiguous(s) {
			t.Errorf("Ambiguous(%q) = true", s)
		}
	}
}

// TestStrReadsBackAsAString: a list of Str nodes, encoded, reads back as the
// same strings through YAML 1.2 (yaml.v3), YAML 1.1 (yaml.v2) and the
// JSON-converting reader kubectl and aws-iam-authenticator use
// (sigs.k8s.io/yaml), whose plain "on" is true.
func TestStrReadsBackAsAString(t *testing.T) {
	all := append(append([]string{}, ambiguous...), plain...)
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, s := range all {
		seq.Content = append(seq.Content, Str(s))
	}
	out, err := yaml.Marshal(seq)
	if err != nil {
		t.Fatal(err)
	}
	readers := map[string]func([]byte, any) error{
		"yaml.v3":          yaml.Unmarshal,
		"yaml.v2":          yamlv2.Unmarshal,
		"sigs.k8s.io/yaml": func(b []byte, v any) error { return sigsyaml.Unmarshal(b, v) },
	}
	for name, read := range readers {
		var got []string
		if err := read(out, &got); err != nil {
			t.Errorf("%s cannot read the list back: %v\n%s", name, err, out)
			continue
		}
		for i := range all {
			if i >= len(got) || got[i] != all[i] {
				t.Errorf("%s reads item %d as %q, want %q", name, i, got[i], all[i])
			}
		}
	}
}
