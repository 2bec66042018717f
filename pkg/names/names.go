// Package names checks the names eks-login puts into ARNs, policies, API
// paths, YAML and ini files, before anything is asked of AWS or the
// cluster: "--role '*'" would otherwise plan sts:AssumeRole on role/*, and
// "--namespace ../kube-system" would reach another path.
//
// The rules are checked by hand rather than with regular expressions with
// bounded repetition ({0,99}), which cost a millisecond to compile at
// start-up, and this binary starts on every kubectl call.
package names

import "strings"

// IAM's length limits (CreateRole, CreateUser, CreateGroup).
const (
	MaxRole  = 64
	MaxUser  = 64
	MaxGroup = 128
)

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// Cluster tells an EKS cluster name: 1 to 100 letters, digits, - and _,
// starting with a letter or digit.
func Cluster(s string) bool {
	if s == "" || len(s) > 100 || !isAlnum(rune(s[0])) {
		return false
	}
	return only(s, func(r rune) bool { return isAlnum(r) || r == '-' || r == '_' })
}

// IAM tells an IAM role, user or group name of at most max characters:
// letters, digits and _+=,.@-.
func IAM(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	return only(s, func(r rune) bool { return isAlnum(r) || strings.ContainsRune("_+=,.@-", r) })
}

// Namespace is Kubernetes' rule for namespace names (an RFC 1123 label):
// at most 63 lower case letters, digits and '-', starting and ending with a
// letter or digit.
func Namespace(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	return only(s, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' })
}

// RBAC is what eks-login accepts as the name of an RBAC object it puts into
// an API path: Kubernetes allows any path segment there (RBAC names such as
// system:masters-view hold colons), so this is that rule made safe for a
// URL: at most 253 letters, digits and -._:@+=, not "." or "..".
func RBAC(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 253 {
		return false
	}
	return only(s, func(r rune) bool { return isAlnum(r) || strings.ContainsRune("-._:@+=", r) })
}

func only(s string, ok func(rune) bool) bool {
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}
