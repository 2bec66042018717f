package login

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/url"
	"strings"

	"github.com/eks-login/eks-login/pkg/awsprofile"
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
