package doctor

import (
	"context"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/client-go/rest"

	"github.com/eks-login/eks-login/pkg/awsprofile"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/usecases/gettoken"
)

// AWS is what doctor asks of AWS; *awsprofile.SDK is the real one, which
// loads profiles, prompts for MFA and sorts errors as login does: errors
// are *awserr.Error.
type AWS interface {
	// CallerIdentity is STS GetCallerIdentity as profile p.
	CallerIdentity(ctx context.Context, p awsprofile.Ref) (awsprofile.Identity, error)
	// DescribeCluster is EKS DescribeCluster as profile p.
	DescribeCluster(ctx context.Context, p awsprofile.Ref, name string) (awsprofile.Cluster, error)
	// IAM reads IAM as profile p.
	IAM(ctx context.Context, p awsprofile.Ref) (awsprofile.IAMReader, error)
}

// Kube is what doctor asks of the API server; *kube.Client is one.
type Kube interface {
	// Reach sends one request; any HTTP answer means the server was
	// reached and its certificate verified. Errors are *kube.TransportError.
	Reach(ctx context.Context) error
	// WhoAmI is a SelfSubjectReview.
	WhoAmI(ctx context.Context) (*authenticationv1.UserInfo, error)
	// CanI is a SelfSubjectAccessReview.
	CanI(ctx context.Context, a authorizationv1.ResourceAttributes) (bool, error)
}

func newKube(cfg *rest.Config) (Kube, error) { return kube.New(cfg) }

// MintToken mints the token the exec entry would get, without the cache,
// in the exec entry's environment (getenv).
type MintToken func(ctx context.Context, getenv func(string) string, in gettoken.Input) (token.Token, error)

// mintToken is the token use case itself.
func (d *Doctor) mintToken(ctx context.Context, getenv func(string) string, in gettoken.Input) (token.Token, error) {
	e := d.Env
	e.Getenv = getenv
	u := &gettoken.GetToken{Env: e, IO: d.IO}
	if d.IO != nil {
		u.Interactive = d.IO.CanPrompt()
	}
	out, err := u.Do(ctx, in)
	return out.Token, err
}
