package admin

import (
	"fmt"
	"strings"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/plugin/login"
)

// IAM's name rules (CreateRole, CreateGroup, CreateUser): letters, digits
// and _+=,.@-, at most 64 characters for roles and users, 128 for groups.
const (
	maxRoleName  = 64
	maxUserName  = 64
	maxGroupName = 128
)

// validIAMName tells whether s is a valid IAM role, user or group name of
// at most max characters.
func validIAMName(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_+=,.@-", r)) {
			return false
		}
	}
	return true
}

// validate checks every name the IAM plan puts into an ARN, a policy or an
// API call, before anything is asked of AWS: "--role '*'" would otherwise
// plan sts:AssumeRole on role/*.
func (s *IAMSpec) validateNames() error {
	bad := func(flag, v, what string, max int) error {
		return exitcode.Errorf(exitcode.Usage, "%s %q is not a valid IAM %s name: use 1 to %d letters, digits or any of _+=,.@-", flag, v, what, max)
	}
	if !login.ValidClusterName(s.Cluster) {
		return exitcode.Errorf(exitcode.Usage, "--cluster %q is not an EKS cluster name (letters, digits, - and _, starting with a letter or digit, at most 100)", s.Cluster)
	}
	if !validIAMName(s.Role, maxRoleName) {
		return bad("--role", s.Role, "role", maxRoleName)
	}
	if !validIAMName(s.Group, maxGroupName) {
		return bad("--iam-group", s.Group, "group", maxGroupName)
	}
	for _, u := range s.Users {
		if !validIAMName(u, maxUserName) {
			return bad("--user", u, "user", maxUserName)
		}
	}
	return nil
}

// validDNSLabel is Kubernetes' rule for namespace names (RFC 1123 label):
// at most 63 lower case letters, digits and '-', starting and ending with a
// letter or digit.
func validDNSLabel(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// validRBACName is what eks-login accepts as the name of an RBAC object it
// puts into an API path: Kubernetes allows any path segment there (RBAC
// names such as system:masters-view hold colons), so this is that rule made
// safe for a URL: at most 253 letters, digits and -._:@+=, not "." or "..".
func validRBACName(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 253 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._:@+=", r)) {
			return false
		}
	}
	return true
}

// validate checks the names a binding puts into API paths, before any call.
func (b Binding) validate() error {
	if b.Namespace != "" && !validDNSLabel(b.Namespace) {
		return exitcode.Errorf(exitcode.Usage, "--namespace %q is not a Kubernetes namespace name: use at most 63 lower case letters, digits and '-', starting and ending with a letter or digit", b.Namespace)
	}
	if !validRBACName(b.ClusterRole) {
		return exitcode.Errorf(exitcode.Usage, "--clusterrole %q is not a ClusterRole name: use letters, digits and any of -._:@+= (at most 253)", b.ClusterRole)
	}
	if !validRBACName(b.name()) {
		what := "--name"
		if b.Name == "" {
			what = fmt.Sprintf("the binding's name (GROUP-CLUSTERROLE, from --group %q; pass --name)", b.Group)
		}
		return exitcode.Errorf(exitcode.Usage, "%s %q is not a valid RBAC binding name: use letters, digits and any of -._:@+= (at most 253)", what, b.name())
	}
	return nil
}
