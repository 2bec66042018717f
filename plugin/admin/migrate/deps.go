package migrate

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"k8s.io/client-go/rest"

	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/names"
	"github.com/eks-login/eks-login/pkg/prompt"
	usecase "github.com/eks-login/eks-login/pkg/usecases/migrate"
)

// deps builds the use case's clients: the kubeconfig context as kubectl
// reads it, and the AWS profile as every command loads it.
func (o *Options) deps(ctx context.Context) (*usecase.Deps, string, error) {
	if o.Deps != nil {
		return o.withUI(o.Deps), o.Cluster, nil
	}
	kcfg, err := kube.Load(kube.Source{Kubeconfig: o.Kubeconfig, Context: o.Context, Getenv: o.Getenv})
	if err != nil {
		return nil, "", exitcode.WithCode(exitcode.Input, err)
	}
	cluster, regionHint := kcfg.EKSCluster()
	if o.Cluster != "" {
		cluster = o.Cluster
	}
	if !names.Cluster(cluster) {
		return nil, "", exitcode.Errorf(exitcode.Usage, "the kubeconfig context %q does not name the EKS cluster; pass --cluster", kcfg.Context)
	}
	k, err := kube.New(kcfg.REST)
	if err != nil {
		return nil, "", exitcode.WithCode(exitcode.Input, err)
	}
	cfgFile, credFile := awsclient.Files(o.Getenv)
	mfa := &prompt.MFA{In: o.IO.In, Out: o.IO.ErrOut, Allowed: o.IO.CanPrompt(), Refusal: "run admin migrate at a terminal"}
	cfg, err := awsclient.Load(ctx, awsclient.Request{Profile: o.Profile, Region: o.Region, ConfigFile: cfgFile, CredentialsFile: credFile, MFA: mfa.Code})
	if err != nil {
		return nil, "", awserr.Explain(err, fmt.Sprintf("cannot load the AWS configuration (profile %q)", o.Profile))
	}
	if cfg.Region == "" {
		cfg.Region = regionHint
	}
	if cfg.Region == "" {
		return nil, "", exitcode.Errorf(exitcode.Usage, "no AWS region: pass --region or set one in the profile")
	}
	d := &usecase.Deps{EKS: eks.NewFromConfig(cfg), IAM: iam.NewFromConfig(cfg), STS: sts.NewFromConfig(cfg), Kube: k,
		AsToken: func(bearer string) (usecase.Identifier, error) {
			c := rest.AnonymousClientConfig(kcfg.REST)
			c.BearerToken = bearer
			return kube.New(c)
		}}
	return o.withUI(d), cluster, nil
}

// withUI adds what the person sees and answers: the progress lines and the
// confirmation of --to api.
func (o *Options) withUI(d *usecase.Deps) *usecase.Deps {
	d.Log = o.IO.Out
	if o.Output == "json" {
		d.Log = o.IO.ErrOut
	}
	d.Confirm = o.confirm()
	return d
}
