package doctor

import (
	"context"
	"errors"
	"net/http"

	"github.com/eks-login/eks-login/pkg/kube"
)

// Kube is what doctor asks of the API server.
type Kube interface {
	// Reach sends one request; any HTTP answer means the server was
	// reached and its certificate verified. Errors are *kube.TransportError.
	Reach(ctx context.Context) error
	// WhoAmI is a SelfSubjectReview.
	WhoAmI(ctx context.Context) (*kube.UserInfo, error)
	// CanI is a SelfSubjectAccessReview.
	CanI(ctx context.Context, a Access) (bool, error)
}

// Access is one SelfSubjectAccessReview's resource attributes.
type Access struct {
	Verb      string `json:"verb"`
	Group     string `json:"group,omitempty"`
	Resource  string `json:"resource"`
	Namespace string `json:"namespace,omitempty"`
}

type kubeClient struct{ c *kube.Client }

func newKube(cfg kube.Config) (Kube, error) {
	c, err := kube.New(cfg)
	if err != nil {
		return nil, err
	}
	return kubeClient{c}, nil
}

func (k kubeClient) Reach(ctx context.Context) error {
	err := k.c.Do(ctx, http.MethodGet, "/version", nil, nil)
	var se *kube.StatusError
	if errors.As(err, &se) {
		return nil
	}
	return err
}

func (k kubeClient) WhoAmI(ctx context.Context) (*kube.UserInfo, error) {
	return k.c.SelfSubjectReview(ctx)
}

func (k kubeClient) CanI(ctx context.Context, a Access) (bool, error) {
	req := map[string]any{
		"apiVersion": "authorization.k8s.io/v1",
		"kind":       "SelfSubjectAccessReview",
		"spec":       map[string]any{"resourceAttributes": a},
	}
	var resp struct {
		Status struct {
			Allowed bool `json:"allowed"`
		} `json:"status"`
	}
	if err := k.c.Do(ctx, http.MethodPost, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", req, &resp); err != nil {
		return false, err
	}
	return resp.Status.Allowed, nil
}
