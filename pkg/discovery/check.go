package discovery

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/url"
	"strings"
)

// CheckCluster rejects an answer of DescribeCluster for cluster name that
// must not be written into a kubeconfig: a cluster not ready, an endpoint
// that is not https, a certificate authority that is not a certificate.
// AWS would not send these; a proxy, a bug or an attacker could, and a
// kubeconfig pointing kubectl at plain http would hand out tokens. Login
// checks the one cluster it describes, and every cluster discovery finds.
func CheckCluster(c Cluster, name string) error {
	switch c.Status {
	case "ACTIVE", "UPDATING":
	case "":
		return fmt.Errorf("DescribeCluster gave no status for cluster %s", name)
	default:
		return fmt.Errorf("cluster %s is %s; it can be logged in to once it is ACTIVE (aws eks describe-cluster --name %s --region %s shows its status)", name, c.Status, name, c.Region)
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
