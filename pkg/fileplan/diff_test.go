package fileplan

import (
	"fmt"
	"math/rand"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestUnifiedGolden(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{name: "equal", old: "a\nb\n", new: "a\nb\n", want: ""},
		{
			name: "append to empty file",
			old:  "", new: "a\nb\n",
			want: "--- o\n+++ n\n@@ -0,0 +1,2 @@\n+a\n+b\n",
		},
		{
			name: "change in the middle keeps three lines of context",
			old:  "1\n2\n3\n4\n5\n6\n7\n8\n9\n",
			new:  "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			want: "--- o\n+++ n\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
		},
		{
			name: "far apart changes make two hunks",
			old:  "a\n1\n2\n3\n4\n5\n6\n7\n8\nb\n",
			new:  "A\n1\n2\n3\n4\n5\n6\n7\n8\nB\n",
			want: "--- o\n+++ n\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-b\n+B\n",
		},
		{
			name: "missing final newline is marked",
			old:  "a\nb", new: "a\nb\n",
			want: "--- o\n+++ n\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
		},
		{
			name: "crlf lines are kept as they are",
			old:  "a\r\nb\r\n", new: "a\r\nc\r\n",
			want: "--- o\n+++ n\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n",
		},
		{
			name: "remove everything",
			old:  "a\n", new: "",
			want: "--- o\n+++ n\n@@ -1 +0,0 @@\n-a\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Unified("o", "n", []byte(tt.old), []byte(tt.new))
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// TestUnifiedRoundTrip applies random diffs back to the old text and checks
// that the result is the new text: what a plan shows is what it writes.
func TestUnifiedRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	words := []string{"a\n", "b\n", "c\n", "d\n", "e"}
	gen := func() string {
		var b strings.Builder
		n := rng.Intn(14)
		for i := 0; i < n; i++ {
			w := words[rng.Intn(len(words)-1)]
			b.WriteString(w)
		}
		if rng.Intn(4) == 0 {
			b.WriteString(words[len(words)-1])
		}
		return b.String()
	}
	for i := 0; i < 2000; i++ {
		old, new := gen(), gen()
		d := Unified("o", "n", []byte(old), []byte(new))
		got, err := applyUnified(old, d)
		if err != nil {
			t.Fatalf("old %q new %q: %v\n%s", old, new, err, d)
		}
		if got != new {
			t.Fatalf("old %q new %q: patched to %q\n%s", old, new, got, d)
		}
	}
}

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$`)

// applyUnified is a minimal patch(1) for the test: it checks every context
// and removed line against old.
func applyUnified(old, diff string) (string, error) {
	if diff == "" {
		return old, nil
	}
	a := splitLines(old)
	lines := splitLines(diff)[2:]
	var out []string
	pos := 0
	for i := 0; i < len(lines); i++ {
		m := hunkHeader.FindStringSubmatch(strings.TrimSuffix(lines[i], "\n"))
		if m == nil {
			return "", fmt.Errorf("line %d: want a hunk header, got %q", i, lines[i])
		}
		start, _ := strconv.Atoi(m[1])
		count := 1
		if m[2] != "" {
			count, _ = strconv.Atoi(m[2])
		}
		if count > 0 {
			start--
		}
		out = append(out, a[pos:start]...)
		pos = start
		for i+1 < len(lines) && !strings.HasPrefix(lines[i+1], "@@") {
			i++
			l := lines[i]
			body := l[1:]
			if i+1 < len(lines) && lines[i+1] == "\\ No newline at end of file\n" {
				body = strings.TrimSuffix(body, "\n")
				i++
			}
			switch l[0] {
			case ' ', '-':
				if pos >= len(a) || a[pos] != body {
					return "", fmt.Errorf("hunk line %q does not match old line %d", l, pos)
				}
				if l[0] == ' ' {
					out = append(out, body)
				}
				pos++
			case '+':
				out = append(out, body)
			default:
				return "", fmt.Errorf("bad line %q", l)
			}
		}
	}
	out = append(out, a[pos:]...)
	return strings.Join(out, ""), nil
}

func TestUnifiedHugeDifferentFilesStaysBounded(t *testing.T) {
	var a, b strings.Builder
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&a, "old %d\n", i)
		fmt.Fprintf(&b, "new %d\n", i)
	}
	d := Unified("o", "n", []byte(a.String()), []byte(b.String()))
	got, err := applyUnified(a.String(), d)
	if err != nil || got != b.String() {
		t.Fatalf("large diff does not apply: %v", err)
	}
}

// splitLines cuts s after each "\n"; the last line may lack one.
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func TestObjectDiff(t *testing.T) {
	type obj struct {
		Name   string   `yaml:"name"`
		Groups []string `yaml:"groups,omitempty"`
	}
	tests := []struct {
		name     string
		old, new any
		want     string
	}{
		{name: "create", new: obj{Name: "a", Groups: []string{"g"}}, want: "--- /dev/null\n+++ x\n@@ -0,0 +1,3 @@\n+name: a\n+groups:\n+- g\n"},
		{name: "delete", old: obj{Name: "a"}, want: "--- x\n+++ /dev/null\n@@ -1 +0,0 @@\n-name: a\n"},
		{name: "update", old: map[string]string{"mode": "CONFIG_MAP"}, new: map[string]string{"mode": "API"}, want: "--- x\n+++ x\n@@ -1 +1 @@\n-mode: CONFIG_MAP\n+mode: API\n"},
		{name: "same", old: obj{Name: "a"}, new: obj{Name: "a"}, want: ""},
		{name: "text as it is", old: "text", want: "--- x\n+++ /dev/null\n@@ -1 +0,0 @@\n-text\n"},
		{name: "text without its last newline", old: "same\n", new: "same", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ObjectDiff("x", tt.old, tt.new); got != tt.want {
				t.Errorf("ObjectDiff = %q, want %q", got, tt.want)
			}
		})
	}
}
