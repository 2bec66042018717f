package discovery

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/url"

	"github.com/eks-login/eks-login/pkg/names"
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
	if !names.Cluster(name) { // it goes into the kubeconfig and the token's arguments
		return fmt.Errorf("%q is not an EKS cluster name (1 to 100 letters, digits, - and _); refusing to write it", name)
	}
	if err := checkARN(c, name); err != nil {
		return err
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

// checkARN wants the cluster's ARN to name it, in the region and account it
// was found in: the ARN names its kubeconfig entry, which another
// cluster's could otherwise overwrite.
func checkARN(c Cluster, name string) error {
	arn, err := names.ParseClusterARN("the cluster ARN", c.ARN)
	switch {
	case err != nil:
		return fmt.Errorf("DescribeCluster for %s answered an ARN that cannot be written: %w; refusing to write it", name, err)
	case arn.Name != name:
		return fmt.Errorf("DescribeCluster for %s answered the ARN %q, which is not the ARN of an EKS cluster named %s; refusing to write it", name, c.ARN, name)
	case c.Region != "" && arn.Region != c.Region:
		return fmt.Errorf("DescribeCluster for %s answered the ARN %q of region %s, but the cluster was found in %s; refusing to write it", name, c.ARN, arn.Region, c.Region)
	case c.Account != "" && arn.Account != c.Account:
		return fmt.Errorf("DescribeCluster for %s answered the ARN %q of account %s, but the cluster was found in account %s; refusing to write it", name, c.ARN, arn.Account, c.Account)
	}
	return nil
}
