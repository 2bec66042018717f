package admin

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/names"
)

// Where a mapping lives (MapSpec.Mode).
const (
	// ModeAuto is access entries when the cluster's authentication mode
	// has them, aws-auth otherwise.
	ModeAuto      = "auto"
	ModeConfigMap = "configmap"
	ModeAPI       = "api"
)

// The cluster's authentication modes, as EKS names them.
const (
	AuthConfigMap       = string(ekstypes.AuthenticationModeConfigMap)
	AuthAPIAndConfigMap = string(ekstypes.AuthenticationModeApiAndConfigMap)
	AuthAPI             = string(ekstypes.AuthenticationModeApi)
)

func validMode(mode string) error {
	switch mode {
	case ModeAuto, ModeConfigMap, ModeAPI:
		return nil
	}
	return exitcode.Errorf(exitcode.Usage, "--mode must be auto, configmap or api, not %q", mode)
}

// clusterInfo is the EKS cluster a use case works on.
type clusterInfo struct {
	Name, Region, ARN string
	AuthMode          string
}

// hasAccessEntries tells whether the cluster's authentication mode reads
// access entries.
func (c *clusterInfo) hasAccessEntries() bool {
	return c.AuthMode == AuthAPI || c.AuthMode == AuthAPIAndConfigMap
}

// clusterFromKubeconfig is the EKS cluster's name and region as the
// kubeconfig context tells them (kube.Config.EKSCluster); "" when it does
// not.
func (a *Admin) clusterFromKubeconfig() (name, region string) {
	cfg, err := a.kubeConfig()
	if err != nil {
		return "", ""
	}
	return cfg.EKSCluster()
}

// findCluster describes the cluster named, or the one the kubeconfig
// context names; nil when neither names one.
func (a *Admin) findCluster(ctx context.Context, name string) (*clusterInfo, error) {
	region, from := "", "--cluster"
	if name == "" {
		name, region = a.clusterFromKubeconfig()
		from = "the kubeconfig context's cluster"
	}
	switch {
	case name == "":
		return nil, nil
	case !names.Cluster(name): // it goes into the EKS API's paths
		return nil, exitcode.Errorf(exitcode.Usage, "%s %q is not an EKS cluster name (letters, digits, - and _, starting with a letter or digit, at most 100); pass --cluster", from, name)
	}
	return a.describeCluster(ctx, name, region)
}

// describeCluster reads the cluster once per run: grant plans IAM and the
// mapping from the same answer.
func (a *Admin) describeCluster(ctx context.Context, name, region string) (*clusterInfo, error) {
	if c, ok := a.clusters[name]; ok {
		return c, nil
	}
	ek, err := a.eksClient(ctx, region)
	if err != nil {
		return nil, err
	}
	out, err := ek.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
	if err != nil {
		return nil, awserr.Explain(err, "cannot describe EKS cluster "+name+" (eks:DescribeCluster)")
	}
	info := &clusterInfo{Name: name, Region: region, ARN: aws.ToString(out.Cluster.Arn), AuthMode: AuthConfigMap}
	if arn, err := names.ParseClusterARN("", info.ARN); err == nil {
		info.Region = arn.Region
	}
	if ac := out.Cluster.AccessConfig; ac != nil && ac.AuthenticationMode != "" {
		info.AuthMode = string(ac.AuthenticationMode)
	}
	if a.clusters == nil {
		a.clusters = map[string]*clusterInfo{}
	}
	a.clusters[name] = info
	return info, nil
}

// resolveMode picks aws-auth or access entries. auto prefers access entries
// when the cluster's authentication mode has them; when the cluster's name
// cannot be told, only aws-auth is possible.
func (a *Admin) resolveMode(ctx context.Context, mode, cluster string) (string, *clusterInfo, error) {
	if mode == ModeConfigMap {
		return ModeConfigMap, nil, nil
	}
	c, err := a.findCluster(ctx, cluster)
	switch {
	case err != nil:
		return "", nil, err
	case c == nil && mode == ModeAPI:
		return "", nil, exitcode.Errorf(exitcode.Usage, "access entries need the cluster's name: pass --cluster")
	case c == nil:
		a.note("the kubeconfig context does not name the EKS cluster (pass --cluster to use access entries); editing aws-auth")
		return ModeConfigMap, nil, nil
	case c.hasAccessEntries():
		return ModeAPI, c, nil
	case mode == ModeAPI:
		return "", nil, exitcode.Errorf(exitcode.Usage, "cluster %s uses authentication mode %s, which has no access entries; switch it with 'aws eks update-cluster-config --name %s --access-config authenticationMode=API_AND_CONFIG_MAP', or use --mode configmap", c.Name, c.AuthMode, c.Name)
	}
	return ModeConfigMap, c, nil
}
