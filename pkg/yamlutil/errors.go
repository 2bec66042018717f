// Package yamlutil holds what eks-login needs around the YAML library: the
// line number out of a parser error, so that eks-login's own errors can name
// the line of a bad kubeconfig or aws-auth, and the care that keeps nulls in
// entries we rewrite but do not own.
package yamlutil

import (
	"strconv"
	"strings"
)

// Line splits a yaml.v3 error message of the form "yaml: line N: MSG" into
// N and MSG. Line is 0 when the message names no line; msg is then the
// message without its "yaml: " prefix. Plain string handling, not a regexp,
// keeps package init free: this code is linked into the token path.
func Line(err error) (line int, msg string) {
	text := strings.TrimPrefix(err.Error(), "yaml: ")
	rest, ok := strings.CutPrefix(text, "line ")
	if !ok {
		return 0, text
	}
	num, after, ok := strings.Cut(rest, ": ")
	if !ok {
		return 0, text
	}
	n, convErr := strconv.Atoi(num)
	if convErr != nil {
		return 0, text
	}
	return n, after
}
