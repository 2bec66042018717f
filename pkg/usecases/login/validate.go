package login

import (
	"fmt"
	"strings"

	"github.com/eks-login/eks-login/pkg/names"
)

// ValidClusterName tells an EKS cluster name (pkg/names holds the rule).
func ValidClusterName(s string) bool { return names.Cluster(s) }

func validNamespace(s string) bool { return names.DNSLabel(s) }

// roleARN is a parsed IAM role ARN.
type roleARN = names.RoleARN

// parseRoleARN checks --role-arn part by part, so the error names the part
// that is wrong.
func parseRoleARN(s string) (roleARN, error) { return names.ParseRoleARN("--role-arn", s) }

// parseRoleName checks --role NAME (or PATH/NAME) and splits it.
func parseRoleName(s string) (path, name string, err error) {
	s = strings.TrimPrefix(s, "/")
	i := strings.LastIndex(s, "/")
	path, name = "/"+s[:i+1], s[i+1:]
	if i < 0 {
		path = "/"
	}
	if !names.IAM(name, names.MaxRoleName) || !names.IAMPath(path) {
		return "", "", fmt.Errorf("--role %q is not an IAM role name (letters, digits and +=,.@_- only, at most 64, optionally after a path like team/)", s)
	}
	return path, name, nil
}
