package fileplan

import (
	"bytes"
	"fmt"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	yaml "go.yaml.in/yaml/v3"
)

// contextLines is how many unchanged lines surround a change in a hunk, as in
// "diff -u".
const contextLines = 3

// Unified returns the unified diff ("diff -u") that turns old into new, with
// oldName and newName in the header, or "" when they are equal. Lines keep
// their ends, so a CRLF file diffs as CRLF and a missing final newline is
// marked the way diff and git mark it.
//
// The diff is go-udiff's (the maintained export of gopls' diff package),
// computed line by line: plans show whole-line changes.
func Unified(oldName, newName string, old, new []byte) string {
	if bytes.Equal(old, new) {
		return ""
	}
	a, b := string(old), string(new)
	out, err := udiff.ToUnified(oldName, newName, a, udiff.Lines(a, b), contextLines)
	if err != nil {
		// Lines returns edits of a itself, which always apply; an error here
		// is a bug in the library, and a plan must still show something true.
		return "--- " + oldName + "\n+++ " + newName + "\n(the diff could not be computed: " + err.Error() + ")\n"
	}
	return out
}

// ObjectDiff is the unified diff between two objects rendered as YAML (two
// spaces, lists at their key's column, as kubectl shows objects); a string
// is shown as it is (a policy document, say), and nil stands for "does not
// exist", so a creation diffs from /dev/null and a deletion to it.
func ObjectDiff(name string, old, new any) string {
	oldName, newName := name, name
	var a, b []byte
	if old == nil {
		oldName = "/dev/null"
	} else {
		a = renderYAML(old)
	}
	if new == nil {
		newName = "/dev/null"
	} else {
		b = renderYAML(new)
	}
	return Unified(oldName, newName, a, b)
}

func renderYAML(v any) []byte {
	if s, ok := v.(string); ok {
		if !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		return []byte(s)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	enc.CompactSeqIndent()
	if err := enc.Encode(v); err != nil {
		return []byte(fmt.Sprintf("%v\n", v)) // a plan must still show something true
	}
	enc.Close()
	return b.Bytes()
}
