package migrate

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"k8s.io/client-go/rest"

	"github.com/eks-login/eks-login/pkg/kube"
	usecase "github.com/eks-login/eks-login/pkg/usecases/migrate"
)

// deps are the use case's clients, made from the cluster the flags reach as
// every admin command reaches it (adminflags, admin.Target).
func (o *Options) deps(ctx context.Context) (*usecase.Deps, string, error) {
	if o.Deps != nil {
		return o.withUI(o.Deps), o.Cluster, nil
	}
	t, err := o.Admin().Target(ctx, o.Cluster)
	if err != nil {
		return nil, "", err
	}
	d := &usecase.Deps{EKS: eks.NewFromConfig(t.AWS), IAM: iam.NewFromConfig(t.AWS), STS: sts.NewFromConfig(t.AWS), Kube: t.Kube,
		AsToken: func(bearer string) (usecase.Identifier, error) {
			c := rest.AnonymousClientConfig(t.REST)
			c.BearerToken = bearer
			return kube.New(c)
		}}
	return o.withUI(d), t.Cluster, nil
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
