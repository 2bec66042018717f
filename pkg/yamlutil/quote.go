package yamlutil

import (
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// yaml11Words are the plain scalars that YAML 1.1 readers (go-yaml v2, which
// kubectl, client-go and aws-iam-authenticator decode with through
// sigs.k8s.io/yaml; PyYAML) or YAML 1.2 ones resolve to a boolean, a null or
// a special float, compared in lower case: quoting a few spellings more than
// a reader knows costs nothing.
var yaml11Words = map[string]bool{
	"y": true, "yes": true, "n": true, "no": true, "on": true, "off": true,
	"true": true, "false": true, "null": true, "~": true,
	".inf": true, "+.inf": true, "-.inf": true, ".nan": true,
	"<<": true, "=": true, // merge and value keys of YAML 1.1
}

// Ambiguous tells whether s, written as a plain scalar, could be read by a
// YAML 1.1 or 1.2 reader as something other than the string s: a boolean
// (on, off, yes, no, y, n in any case), a null, or a number, timestamp or
// sexagesimal of any base — anything that opens like a number. The YAML
// library quotes what its own (1.2) reader would misread; kubectl's is a
// 1.1 reader, which turns "name: on" into true and then cannot load the
// file at all.
func Ambiguous(s string) bool {
	if s == "" || yaml11Words[strings.ToLower(s)] {
		return true
	}
	rest := strings.TrimLeft(s, "+-")
	if len(s)-len(rest) > 1 {
		return false
	}
	rest = strings.TrimPrefix(rest, ".")
	return rest != "" && rest[0] >= '0' && rest[0] <= '9'
}

// Str is a string scalar node that every YAML reader reads back as s: double
// quoted when a plain s would be Ambiguous, plain otherwise (the encoder
// still quotes what plain YAML cannot hold, and the empty string, as "").
func Str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if s != "" && Ambiguous(s) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// PlainAmbiguous tells a scalar node written plain whose value a YAML 1.1
// reader would take for something else: one an edit must write again,
// quoted.
func PlainAmbiguous(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 &&
		n.Tag == "!!str" && Ambiguous(n.Value)
}
