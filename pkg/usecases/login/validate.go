package login

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/url"
	"strings"

	"github.com/eks-login/eks-login/pkg/awsprofile"
)

// The shapes below are checked by hand rather than with regular expressions
// with bounded repetition ({0,99}), which cost a millisecond to compile at
// start-up, and this binary starts on every kubectl call.

var (
	partitions = map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true}
)

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// ValidClusterName tells an EKS cluster name: 1 to 100 letters, digits, -
// and _, starting with a letter or digit.
func ValidClusterName(s string) bool {
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

func validAccount(s string) bool {
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

// validRoleName: 1 to 64 of letters, digits and +=,.@_-.
func validRoleName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && !strings.ContainsRune("+=,.@_-", rune(c)) {
			return false
		}
	}
	return true
}

// validRolePath: "/" or "/a/b/", printable ASCII without empty parts.
func validRolePath(s string) bool {
	if !strings.HasPrefix(s, "/") || !strings.HasSuffix(s, "/") || strings.Contains(s, "//") && s != "/" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7E {
			return false
		}
	}
	return true
}

// validNamespace: a DNS label of at most 63 lower-case letters, digits and
// -, starting and ending with a letter or digit.
func validNamespace(s string) bool {
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

// roleARN is a parsed IAM role ARN.
type roleARN struct {
	Partition, Account, Path, Name string
}

func (r roleARN) String() string {
	return fmt.Sprintf("arn:%s:iam::%s:role%s%s", r.Partition, r.Account, r.Path, r.Name)
}

// parseRoleARN checks an IAM role ARN part by part, so the error names the
// part that is wrong.
func parseRoleARN(s string) (roleARN, error) {
	const want = "expected arn:aws:iam::123456789012:role/NAME"
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return roleARN{}, fmt.Errorf("--role-arn %q is not an IAM role ARN; %s", s, want)
	}
	r := roleARN{Partition: parts[1], Account: parts[4]}
	switch {
	case !partitions[r.Partition]:
		return roleARN{}, fmt.Errorf("--role-arn %q: %q is not an AWS partition (aws, aws-cn, aws-us-gov...); %s", s, r.Partition, want)
	case parts[2] != "iam":
		return roleARN{}, fmt.Errorf("--role-arn %q is an ARN of service %q, not of an IAM role; %s", s, parts[2], want)
	case parts[3] != "":
		return roleARN{}, fmt.Errorf("--role-arn %q has a region (%q), but IAM ARNs have none; %s", s, parts[3], want)
	case !validAccount(r.Account):
		return roleARN{}, fmt.Errorf("--role-arn %q: the account %q must be 12 digits; %s", s, r.Account, want)
	case !strings.HasPrefix(parts[5], "role/"):
		kind, _, _ := strings.Cut(parts[5], "/")
		return roleARN{}, fmt.Errorf("--role-arn %q names a %s, not a role; %s", s, kind, want)
	}
	res := strings.TrimPrefix(parts[5], "role")
	i := strings.LastIndex(res, "/")
	r.Path, r.Name = res[:i+1], res[i+1:]
	if !validRoleName(r.Name) || !validRolePath(r.Path) {
		return roleARN{}, fmt.Errorf("--role-arn %q: the role name %q is not a valid IAM role name (letters, digits and +=,.@_- only, at most 64); %s", s, r.Name, want)
	}
	return r, nil
}

// parseRoleName checks --role NAME (or PATH/NAME) and splits it.
func parseRoleName(s string) (path, name string, err error) {
	s = strings.TrimPrefix(s, "/")
	i := strings.LastIndex(s, "/")
	path, name = "/"+s[:i+1], s[i+1:]
	if i < 0 {
		path = "/"
	}
	if !validRoleName(name) || !validRolePath(path) {
		return "", "", fmt.Errorf("--role %q is not an IAM role name (letters, digits and +=,.@_- only, at most 64, optionally after a path like team/)", s)
	}
	return path, name, nil
}

// checkCluster rejects an answer of DescribeCluster that login must not write
// into a kubeconfig: a cluster not ready, an endpoint that is not https, a
// certificate authority that is not a certificate. AWS would not send these;
// a proxy, a bug or an attacker could, and a kubeconfig pointing kubectl at
// plain http would hand out tokens.
func checkCluster(c awsprofile.Cluster, name, region string) error {
	switch c.Status {
	case "ACTIVE", "UPDATING":
	case "":
		return fmt.Errorf("DescribeCluster gave no status for cluster %s", name)
	default:
		return fmt.Errorf("cluster %s is %s; it can be logged in to once it is ACTIVE (aws eks describe-cluster --name %s --region %s shows its status)", name, c.Status, name, region)
	}
	if c.Name != "" && c.Name != name {
		return fmt.Errorf("DescribeCluster for %s answered about cluster %q; refusing to write it", name, c.Name)
	}
	if !strings.HasPrefix(c.ARN, "arn:") || !strings.Contains(c.ARN, ":eks:") || !strings.HasSuffix(c.ARN, ":cluster/"+name) {
		return fmt.Errorf("DescribeCluster for %s answered the ARN %q, which is not the ARN of an EKS cluster named %s; refusing to write it", name, c.ARN, name)
	}
	u, err := url.Parse(c.Endpoint)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("DescribeCluster for %s answered the endpoint %q, which is not an https:// URL; refusing to write it", name, c.Endpoint)
	}
	der, err := base64.StdEncoding.DecodeString(c.CAData)
	if err != nil {
		return fmt.Errorf("DescribeCluster for %s answered certificate authority data that is not base64 (%v); refusing to write it", name, err)
	}
	block, _ := pem.Decode(der)
	if block == nil || block.Type != "CERTIFICATE" {
		return fmt.Errorf("DescribeCluster for %s answered certificate authority data that is not a PEM certificate; refusing to write it", name)
	}
	if _, err := x509.ParseCertificate(block.Bytes); err != nil {
		return fmt.Errorf("DescribeCluster for %s answered a certificate authority that does not parse (%v); refusing to write it", name, err)
	}
	return nil
}
