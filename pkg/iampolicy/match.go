package iampolicy

import (
	"strings"
)

// Glob matches IAM's wildcards: * any run of characters, ? exactly one. It
// is case-sensitive, as resource ARNs and principals are; actions are
// matched with both sides lower-cased.
func Glob(pattern, s string) bool {
	// The classic iterative match with one backtrack point: linear in
	// practice, never exponential on patterns such as *a*a*a*b.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// anyAction tells whether one of patterns names action; actions are not
// case-sensitive.
func anyAction(patterns Values, action string) bool {
	action = strings.ToLower(action)
	for _, p := range patterns {
		if Glob(strings.ToLower(p), action) {
			return true
		}
	}
	return false
}

// expand substitutes the policy variables of a 2012-10-17 policy
// (${aws:username} and the like) that vars knows; keys are not
// case-sensitive. A variable it does not know becomes * and makes the
// match uncertain, since IAM would put a value there that this caller
// cannot tell. ${*}, ${?} and ${$} stand for those characters.
func expand(pattern string, vars map[string]string) (string, bool) {
	if !strings.Contains(pattern, "${") {
		return pattern, false
	}
	var b strings.Builder
	uncertain := false
	for {
		start := strings.Index(pattern, "${")
		if start < 0 {
			b.WriteString(pattern)
			return b.String(), uncertain
		}
		end := strings.IndexByte(pattern[start:], '}')
		if end < 0 {
			b.WriteString(pattern)
			return b.String(), uncertain
		}
		b.WriteString(pattern[:start])
		key := strings.TrimSpace(pattern[start+2 : start+end])
		if k, _, hasDefault := strings.Cut(key, ","); hasDefault {
			key = strings.TrimSpace(k)
		}
		switch v, ok := vars[strings.ToLower(key)]; {
		case key == "*" || key == "?" || key == "$":
			b.WriteString(key)
		case ok:
			b.WriteString(v)
		default:
			b.WriteString("*")
			uncertain = true
		}
		pattern = pattern[start+end+1:]
	}
}

// anyResource tells whether one of patterns names resource, and whether
// that depends on a policy variable this evaluation cannot tell.
func anyResource(patterns Values, resource string, vars map[string]string, variables bool) (match, uncertain bool) {
	for _, p := range patterns {
		expanded, unsure := p, false
		if variables {
			expanded, unsure = expand(p, vars)
		}
		if Glob(expanded, resource) {
			if !unsure {
				return true, false
			}
			match, uncertain = true, true
		}
	}
	return match, uncertain
}
