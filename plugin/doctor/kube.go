package doctor

import (
	"context"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/client-go/rest"

	"github.com/eks-login/eks-login/pkg/kube"
)

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
