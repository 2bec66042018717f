package admin

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"k8s.io/client-go/rest"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/names"
)

// Target is one EKS cluster reached as the admin commands' flags say, for
// a use case beside these that takes its clients ready-made (admin
// migrate): its name, the AWS configuration in its region, and its API
// server's client and REST configuration.
type Target struct {
	Cluster string
	AWS     aws.Config
	Kube    *kube.Client
	REST    *rest.Config
}

// Target is cluster, or the cluster the kubeconfig context names when
// cluster is "", with the clients of Source.
func (a *Admin) Target(ctx context.Context, cluster string) (*Target, error) {
	kcfg, err := a.kubeConfig()
	if err != nil {
		return nil, err
	}
	name, region := kcfg.EKSCluster()
	if cluster != "" {
		name = cluster
	}
	if !names.Cluster(name) {
		return nil, exitcode.Errorf(exitcode.Usage, "the kubeconfig context %q does not name the EKS cluster; pass --cluster", kcfg.Context)
	}
	k, err := a.kube()
	if err != nil {
		return nil, err
	}
	cfg, err := a.regionalConfig(ctx, region)
	if err != nil {
		return nil, err
	}
	return &Target{Cluster: name, AWS: cfg, Kube: k, REST: kcfg.REST}, nil
}
