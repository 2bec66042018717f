package iostreams

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// Visible makes a name from AWS or from aws-auth (whose usernames, groups
// and ARNs are free text) safe to print on a terminal line: its control
// characters (ESC, CR, LF, TAB, DEL, the C1 controls) and the bidirectional
// overrides are written as Go escapes (\x1b, \r, \n, \u202e), so a name
// can neither rewrite the terminal with an escape sequence nor start, end
// or reorder a line of the output. Only text output needs it: the JSON and
// YAML encoders escape on their own.
func Visible(s string) string {
	if strings.IndexFunc(s, hidden) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if hidden(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func hidden(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}

// Row is a table row for a text/tabwriter: the cells made Visible (a tab
// in a name would move the columns), joined by tabs, with a line break.
func Row(cells ...string) string {
	for i, c := range cells {
		cells[i] = Visible(c)
	}
	return strings.Join(cells, "\t") + "\n"
}

// Linef writes one line of text output: format filled in with a, made
// Visible, and a line break. format holds no line break of its own.
func Linef(w io.Writer, format string, a ...any) {
	fmt.Fprintln(w, Visible(fmt.Sprintf(format, a...)))
}
