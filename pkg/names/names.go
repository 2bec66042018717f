// Package names holds the rules for every name eks-login puts into a URL,
// an ARN, a policy, YAML or ini: EKS cluster names, IAM names and role
// ARNs, AWS account IDs and regions, Kubernetes namespaces and RBAC names.
// Commands and the access file check names here, before any call is made.
//
// The shapes are checked by hand rather than with regular expressions with
// bounded repetition ({0,99}), which cost a millisecond to compile, and this
// binary starts on every kubectl call.
package names

import (
	"fmt"
	"strings"
)

// IAM's name limits (CreateRole, CreateUser, CreateGroup).
const (
	MaxRoleName  = 64
	MaxUserName  = 64
	MaxGroupName = 128
	MaxPath      = 512
)

// Partitions are the AWS partitions an ARN may name.
var Partitions = map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Cluster tells an EKS cluster name: 1 to 100 letters, digits, - and _,
// starting with a letter or digit.
func Cluster(s string) bool {
	if len(s) == 0 || len(s) > 100 || !isAlnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// IAM tells an IAM role, user or group name of at most max characters:
// letters, digits and _+=,.@-.
func IAM(s string, max int) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && !strings.ContainsRune("_+=,.@-", rune(c)) {
			return false
		}
	}
	return true
}

// IAMPath tells an IAM path: "/" or "/a/b/", at most 512 characters of
// printable ASCII without empty parts.
func IAMPath(s string) bool {
	if len(s) > MaxPath || !strings.HasPrefix(s, "/") || !strings.HasSuffix(s, "/") || strings.Contains(s, "//") && s != "/" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7E {
			return false
		}
	}
	return true
}

// Account tells an AWS account ID: 12 digits.
func Account(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Region tells the shape of an AWS region name: lower-case words and
// digits joined by '-', such as ap-northeast-2 or us-gov-west-1.
func Region(s string) bool {
	parts := strings.Split(s, "-")
	if len(s) > 32 || len(parts) < 3 {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
		for i := 0; i < len(p); i++ {
			if c := p[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
				return false
			}
		}
	}
	for _, c := range parts[len(parts)-1] {
		if c < '0' || c > '9' {
			return false // the last part is the number: ap-northeast-2
		}
	}
	return true
}

// DNSLabel is Kubernetes' rule for namespace names (RFC 1123 label): at
// most 63 lower-case letters, digits and '-', starting and ending with a
// letter or digit.
func DNSLabel(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// RBAC is what eks-login accepts as the name of an RBAC object it puts
// into an API path: Kubernetes allows any path segment there (RBAC names
// such as system:masters-view hold colons), so this is that rule made safe
// for a URL: at most 253 letters, digits and -._:@+=, not "." or "..".
func RBAC(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 253 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && !strings.ContainsRune("-._:@+=", rune(c)) {
			return false
		}
	}
	return true
}

// RoleARN is a parsed IAM role ARN.
type RoleARN struct {
	Partition, Account, Path, Name string
}

func (r RoleARN) String() string {
	return fmt.Sprintf("arn:%s:iam::%s:role%s%s", r.Partition, r.Account, r.Path, r.Name)
}

// ParseRoleARN checks an IAM role ARN part by part, so the error names the
// part that is wrong. what names the value in errors ("--role-arn").
func ParseRoleARN(what, s string) (RoleARN, error) {
	const want = "expected arn:aws:iam::123456789012:role/NAME"
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return RoleARN{}, fmt.Errorf("%s %q is not an IAM role ARN; %s", what, s, want)
	}
	r := RoleARN{Partition: parts[1], Account: parts[4]}
	switch {
	case !Partitions[r.Partition]:
		return RoleARN{}, fmt.Errorf("%s %q: %q is not an AWS partition (aws, aws-cn, aws-us-gov...); %s", what, s, r.Partition, want)
	case parts[2] != "iam":
		return RoleARN{}, fmt.Errorf("%s %q is an ARN of service %q, not of an IAM role; %s", what, s, parts[2], want)
	case parts[3] != "":
		return RoleARN{}, fmt.Errorf("%s %q has a region (%q), but IAM ARNs have none; %s", what, s, parts[3], want)
	case !Account(r.Account):
		return RoleARN{}, fmt.Errorf("%s %q: the account %q must be 12 digits; %s", what, s, r.Account, want)
	case !strings.HasPrefix(parts[5], "role/"):
		kind, _, _ := strings.Cut(parts[5], "/")
		return RoleARN{}, fmt.Errorf("%s %q names a %s, not a role; %s", what, s, kind, want)
	}
	res := strings.TrimPrefix(parts[5], "role")
	i := strings.LastIndex(res, "/")
	r.Path, r.Name = res[:i+1], res[i+1:]
	if !IAM(r.Name, MaxRoleName) || !IAMPath(r.Path) {
		return RoleARN{}, fmt.Errorf("%s %q: the role name %q is not a valid IAM role name (letters, digits and +=,.@_- only, at most 64); %s", what, s, r.Name, want)
	}
	return r, nil
}

// ClusterARN is a parsed EKS cluster ARN.
type ClusterARN struct {
	Partition, Region, Account, Name string
}

func (c ClusterARN) String() string {
	return fmt.Sprintf("arn:%s:eks:%s:%s:cluster/%s", c.Partition, c.Region, c.Account, c.Name)
}

// ParseClusterARN checks an EKS cluster ARN.
func ParseClusterARN(what, s string) (ClusterARN, error) {
	const want = "expected arn:aws:eks:REGION:123456789012:cluster/NAME"
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "eks" || !strings.HasPrefix(parts[5], "cluster/") {
		return ClusterARN{}, fmt.Errorf("%s %q is not an EKS cluster ARN; %s", what, s, want)
	}
	c := ClusterARN{Partition: parts[1], Region: parts[3], Account: parts[4], Name: strings.TrimPrefix(parts[5], "cluster/")}
	switch {
	case !Partitions[c.Partition]:
		return ClusterARN{}, fmt.Errorf("%s %q: %q is not an AWS partition; %s", what, s, c.Partition, want)
	case !Region(c.Region):
		return ClusterARN{}, fmt.Errorf("%s %q: %q is not an AWS region; %s", what, s, c.Region, want)
	case !Account(c.Account):
		return ClusterARN{}, fmt.Errorf("%s %q: the account %q must be 12 digits; %s", what, s, c.Account, want)
	case !Cluster(c.Name):
		return ClusterARN{}, fmt.Errorf("%s %q: %q is not an EKS cluster name; %s", what, s, c.Name, want)
	}
	return c, nil
}
