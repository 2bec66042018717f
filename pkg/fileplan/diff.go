package fileplan

import (
	"bytes"
	"fmt"
	"strings"
)

// contextLines is how many unchanged lines surround a change in a hunk, as in
// "diff -u".
const contextLines = 3

// maxTraceCells bounds the memory of the diff. Past it (two large, wholly
// different files) the middle is shown as removed then added, which is still
// a true diff, only not the shortest one.
const maxTraceCells = 4 << 20

// Unified returns the unified diff ("diff -u") that turns old into new, with
// oldName and newName in the header, or "" when they are equal. Lines keep
// their ends, so a CRLF file diffs as CRLF and a missing final newline is
// marked the way diff and git mark it.
func Unified(oldName, newName string, old, new []byte) string {
	if bytes.Equal(old, new) {
		return ""
	}
	a, b := splitLines(old), splitLines(new)
	ops := diffLines(a, b)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	for _, h := range hunks(ops) {
		writeHunk(&out, ops[h[0]:h[1]], a, b)
	}
	return out.String()
}

// splitLines cuts data after each "\n"; the last line may lack one.
func splitLines(data []byte) []string {
	var lines []string
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			lines = append(lines, string(data))
			break
		}
		lines = append(lines, string(data[:i+1]))
		data = data[i+1:]
	}
	return lines
}

// op is one line of the edit script: kept (' '), removed ('-') or added ('+').
// ai and bi are the positions in the old and new line lists; for an added
// line ai is where it goes, for a removed one bi is.
type op struct {
	kind   byte
	ai, bi int
}

// diffLines returns a shortest edit script from a to b (Myers' algorithm),
// after setting aside the common head and tail that most of our edits leave.
func diffLines(a, b []string) []op {
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	var ops []op
	for i := 0; i < head; i++ {
		ops = append(ops, op{' ', i, i})
	}
	for _, o := range myers(a[head:len(a)-tail], b[head:len(b)-tail]) {
		ops = append(ops, op{o.kind, o.ai + head, o.bi + head})
	}
	for i := 0; i < tail; i++ {
		ops = append(ops, op{' ', len(a) - tail + i, len(b) - tail + i})
	}
	return ops
}

func myers(a, b []string) []op {
	n, m := len(a), len(b)
	if n == 0 && m == 0 {
		return nil
	}
	max := n + m
	off := max
	v := make([]int, 2*max+1)
	var trace [][]int
	for d := 0; d <= max; d++ {
		if (d+1)*(2*max+1) > maxTraceCells {
			return replaceAll(n, m)
		}
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1] // step down: an added line
			} else {
				x = v[off+k-1] + 1 // step right: a removed line
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, off, n, m)
			}
		}
	}
	return replaceAll(n, m) // not reached: d == n+m always ends
}

// backtrack walks the saved frontiers from the end back to the start.
func backtrack(trace [][]int, off, n, m int) []op {
	var rev []op
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		if d == 0 {
			for x > 0 && y > 0 {
				x, y = x-1, y-1
				rev = append(rev, op{' ', x, y})
			}
			break
		}
		v := trace[d]
		k := x - y
		prevK := k - 1
		if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
			prevK = k + 1
		}
		prevX := v[off+prevK]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x, y = x-1, y-1
			rev = append(rev, op{' ', x, y})
		}
		if x == prevX {
			rev = append(rev, op{'+', x, y - 1})
		} else {
			rev = append(rev, op{'-', x - 1, y})
		}
		x, y = prevX, prevY
	}
	ops := make([]op, len(rev))
	for i := range rev {
		ops[i] = rev[len(rev)-1-i]
	}
	return ops
}

func replaceAll(n, m int) []op {
	var ops []op
	for i := 0; i < n; i++ {
		ops = append(ops, op{'-', i, 0})
	}
	for j := 0; j < m; j++ {
		ops = append(ops, op{'+', n, j})
	}
	return ops
}

// hunks groups the changes with their context into [start, end) ranges of ops,
// joining changes whose context would overlap.
func hunks(ops []op) [][2]int {
	var out [][2]int
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := i - contextLines
		if start < 0 {
			start = 0
		}
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*contextLines {
				break
			}
			end = run
		}
		i = end
		end += contextLines
		if end > len(ops) {
			end = len(ops)
		}
		out = append(out, [2]int{start, end})
	}
	return out
}

func writeHunk(out *strings.Builder, ops []op, a, b []string) {
	oldStart, newStart := ops[0].ai, ops[0].bi
	oldCount, newCount := 0, 0
	for _, o := range ops {
		if o.kind != '+' {
			oldCount++
		}
		if o.kind != '-' {
			newCount++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(oldStart, oldCount), hunkRange(newStart, newCount))
	for _, o := range ops {
		line := ""
		switch o.kind {
		case '+':
			line = b[o.bi]
		default:
			line = a[o.ai]
		}
		out.WriteByte(o.kind)
		out.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats a range as diff does: "start,count", with the start of an
// empty range being the line before it and a count of one left out.
func hunkRange(start, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, count)
}
