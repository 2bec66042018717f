package kube

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	authenticationv1 "k8s.io/api/authentication/v1"
	authenticationv1beta1 "k8s.io/api/authentication/v1beta1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/rest"
)

// Resource is a kind of object eks-login reads or writes, by its REST path.
type Resource struct {
	prefix   string // "/api/v1" or "/apis/GROUP/VERSION"
	resource string // plural, as in the URL
}

// The resources the admin commands manage.
var (
	ConfigMaps          = Resource{"/api/v1", "configmaps"}
	ClusterRoleBindings = Resource{"/apis/rbac.authorization.k8s.io/v1", "clusterrolebindings"}
	RoleBindings        = Resource{"/apis/rbac.authorization.k8s.io/v1", "rolebindings"}
)

// codecs knows only the kinds eks-login sends or reads, and metav1.Status
// for errors. It is built for the first client, never at init.
var codecs = sync.OnceValue(func() serializer.CodecFactory {
	scheme := runtime.NewScheme()
	scheme.AddKnownTypes(corev1.SchemeGroupVersion, &corev1.ConfigMap{})
	scheme.AddKnownTypes(rbacv1.SchemeGroupVersion, &rbacv1.ClusterRoleBinding{}, &rbacv1.RoleBinding{},
		&rbacv1.ClusterRoleBindingList{}, &rbacv1.RoleBindingList{})
	scheme.AddKnownTypes(authenticationv1.SchemeGroupVersion, &authenticationv1.SelfSubjectReview{})
	scheme.AddKnownTypes(authenticationv1beta1.SchemeGroupVersion, &authenticationv1beta1.SelfSubjectReview{})
	scheme.AddKnownTypes(authorizationv1.SchemeGroupVersion, &authorizationv1.SelfSubjectAccessReview{}, &authorizationv1.SubjectAccessReview{})
	scheme.AddUnversionedTypes(metav1.Unversioned, &metav1.Status{})
	scheme.AddKnownTypes(metav1.SchemeGroupVersion, &metav1.DeleteOptions{})
	return serializer.NewCodecFactory(scheme)
})

// Client sends eks-login's requests to one API server.
type Client struct {
	rest   rest.Interface
	server string
	exec   string // the exec plugin's command, "" when there is none
}

// New builds a client from a loaded context's rest.Config.
func New(cfg *rest.Config) (*Client, error) {
	// The URL client-go will use: a host:port without scheme gets https
	// only with TLS settings.
	u, _, err := rest.DefaultServerUrlFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("the server %q is not a URL: %w", cfg.Host, err)
	}
	if u.Scheme != "https" {
		return nil, fmt.Errorf("the server %q does not use https; eks-login sends credentials only over TLS", cfg.Host)
	}
	c := rest.CopyConfig(cfg)
	c.NegotiatedSerializer = codecs().WithoutConversion()
	c.ContentType, c.AcceptContentTypes = runtime.ContentTypeJSON, runtime.ContentTypeJSON
	if c.UserAgent == "" {
		c.UserAgent = "kubectl-eks_login"
	}
	// A burst of conflict retries must not wait on client-go's default
	// 5 requests a second; the server's own flow control still applies.
	if c.QPS == 0 && c.RateLimiter == nil {
		c.QPS = -1
	}
	rc, err := rest.UnversionedRESTClientFor(c)
	if err != nil {
		return nil, fmt.Errorf("cannot make a client for %s: %w", cfg.Host, err)
	}
	client := &Client{rest: rc, server: cfg.Host}
	if cfg.ExecProvider != nil {
		client.exec = cfg.ExecProvider.Command
	}
	return client, nil
}

// Server is the API server's URL.
func (c *Client) Server() string { return c.server }

func (c *Client) request(verb string, r Resource, namespace string) *rest.Request {
	return c.rest.Verb(verb).AbsPath(r.prefix).NamespaceIfScoped(namespace, namespace != "").Resource(r.resource)
}

// Get reads the object name of r (in namespace, "" for cluster-wide ones)
// into into.
func (c *Client) Get(ctx context.Context, r Resource, namespace, name string, into runtime.Object) error {
	return c.objectErr(ctx, c.request("GET", r, namespace).Name(name).Do(ctx).Into(into))
}

// List reads the objects of r in namespace ("" for every namespace, or for
// cluster-wide kinds) that carry the labels of selector ("key=value,...";
// "" for all) into into, a list kind.
func (c *Client) List(ctx context.Context, r Resource, namespace, selector string, into runtime.Object) error {
	req := c.request("GET", r, namespace)
	if selector != "" {
		req = req.Param("labelSelector", selector)
	}
	return c.objectErr(ctx, req.Do(ctx).Into(into))
}

// Create creates obj and reads the server's copy back into it.
func (c *Client) Create(ctx context.Context, r Resource, namespace string, obj runtime.Object) error {
	return c.objectErr(ctx, c.request("POST", r, namespace).Body(obj).Do(ctx).Into(obj))
}

// Update replaces the object name with obj, which carries the
// resourceVersion it was read at (a 409 Conflict when someone wrote it
// since), and reads the server's copy back into it.
func (c *Client) Update(ctx context.Context, r Resource, namespace, name string, obj runtime.Object) error {
	return c.objectErr(ctx, c.request("PUT", r, namespace).Name(name).Body(obj).Do(ctx).Into(obj))
}

// Delete deletes the object name. With a resourceVersion, only that
// version is deleted: a 409 Conflict when someone wrote it since it was
// read.
func (c *Client) Delete(ctx context.Context, r Resource, namespace, name, resourceVersion string) error {
	req := c.request("DELETE", r, namespace).Name(name)
	if resourceVersion != "" {
		req = req.Body(&metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &resourceVersion}})
	}
	return c.objectErr(ctx, req.Do(ctx).Error())
}

// objectErr sorts an object request's error, and adds to RBAC's refusal who
// the API server takes us for: its message names the user but not the
// groups, which are what bindings name.
func (c *Client) objectErr(ctx context.Context, err error) error {
	err = c.wrap(err)
	if !apierrors.IsForbidden(err) {
		return err
	}
	u, whoErr := c.WhoAmI(ctx)
	if whoErr != nil {
		return err
	}
	return &ForbiddenError{Err: err, User: *u}
}

// ForbiddenError is RBAC's refusal of a request, with who the API server
// took the client for. apierrors.IsForbidden sees through it.
type ForbiddenError struct {
	Err  error
	User authenticationv1.UserInfo
}

func (e *ForbiddenError) Error() string {
	groups := strings.Join(e.User.Groups, ", ")
	if groups == "" {
		groups = "none"
	}
	return fmt.Sprintf("%v (the API server takes you for %s, groups: %s)", e.Err, e.User.Username, groups)
}

func (e *ForbiddenError) Unwrap() error { return e.Err }

// Reach sends one request; any answer of the API server, even an error
// status, means it was reached and its certificate verified.
func (c *Client) Reach(ctx context.Context) error {
	err := c.wrap(c.rest.Get().AbsPath("/version").Do(ctx).Error())
	if _, ok := err.(apierrors.APIStatus); ok {
		return nil
	}
	return err
}

// WhoAmI asks the API server who the client is: a SelfSubjectReview
// (authentication.k8s.io/v1, GA in Kubernetes 1.28; v1beta1 is tried when v1
// is not served). Every authenticated user may ask, through the
// system:basic-user ClusterRole.
func (c *Client) WhoAmI(ctx context.Context) (*authenticationv1.UserInfo, error) {
	review := &authenticationv1.SelfSubjectReview{}
	err := c.wrap(c.rest.Post().AbsPath("/apis/authentication.k8s.io/v1/selfsubjectreviews").Body(review).Do(ctx).Into(review))
	user := review.Status.UserInfo
	if apierrors.IsNotFound(err) {
		beta := &authenticationv1beta1.SelfSubjectReview{}
		err = c.wrap(c.rest.Post().AbsPath("/apis/authentication.k8s.io/v1beta1/selfsubjectreviews").Body(beta).Do(ctx).Into(beta))
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("the API server does not serve SelfSubjectReview (Kubernetes 1.28 or later, or 1.27 with the beta API, is needed): %w", err)
		}
		user = beta.Status.UserInfo
	}
	if err != nil {
		return nil, err
	}
	if user.Username == "" {
		return nil, errors.New("the API server's SelfSubjectReview answer has no username")
	}
	return &user, nil
}

// CanI asks whether the client may do what attrs describe: a
// SelfSubjectAccessReview.
func (c *Client) CanI(ctx context.Context, attrs authorizationv1.ResourceAttributes) (bool, error) {
	review := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &attrs}}
	err := c.wrap(c.rest.Post().AbsPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews").Body(review).Do(ctx).Into(review))
	return review.Status.Allowed, err
}

// Review asks whether the user spec describes may do what it describes: a
// SubjectAccessReview, which the API server answers with every authorizer
// it has (webhooks too), as it would that user's own request. The caller
// needs create on subjectaccessreviews (cluster-admin has it).
func (c *Client) Review(ctx context.Context, spec authorizationv1.SubjectAccessReviewSpec) (authorizationv1.SubjectAccessReviewStatus, error) {
	// The answer goes into an object of its own: decoding into the one sent
	// would write into spec's maps, which callers asking in parallel share.
	answer := &authorizationv1.SubjectAccessReview{}
	err := c.wrap(c.rest.Post().AbsPath("/apis/authorization.k8s.io/v1/subjectaccessreviews").Body(&authorizationv1.SubjectAccessReview{Spec: spec}).Do(ctx).Into(answer))
	return answer.Status, err
}

// TransportError is a request that got no answer: DNS, connection, proxy,
// TLS.
type TransportError struct {
	Server string
	Err    error
}

func (e *TransportError) Error() string {
	var unknownCA x509.UnknownAuthorityError
	if errors.As(e.Err, &unknownCA) {
		return fmt.Sprintf("cannot reach the API server at %s: its certificate is not signed by the cluster's certificate authority in the kubeconfig: %v", e.Server, e.Err)
	}
	return fmt.Sprintf("cannot reach the API server at %s: %v", e.Server, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// ExecError is a kubeconfig exec plugin that could not be run or failed.
type ExecError struct {
	Command string
	// ExitCode is the plugin's exit code, -1 when it did not run or did not
	// say.
	ExitCode int
	Err      error
}

func (e *ExecError) Error() string {
	return fmt.Sprintf("the kubeconfig's credential command %q failed: %v (its own messages are above)", e.Command, e.Err)
}

func (e *ExecError) Unwrap() error { return e.Err }

// client-go's exec authenticator reports a failing plugin only in text
// (exec.go: "getting credentials: exec: executable X failed with exit code
// N"), so that text is what tells it apart from the network.
var (
	execFailure  = "getting credentials: "
	execExitCode = regexp.MustCompile(`failed with exit code (\d+)`)
)

// wrap sorts a request's error: the API server's answers stay
// *apierrors.StatusError (apierrors.IsUnauthorized and the like), a failing
// exec plugin becomes an *ExecError, and no answer a *TransportError.
func (c *Client) wrap(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(apierrors.APIStatus); ok {
		return err
	}
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return context.Canceled
	}
	msg := ue.Err.Error()
	if i := strings.Index(msg, execFailure); c.exec != "" && i >= 0 {
		code := -1
		if m := execExitCode.FindStringSubmatch(msg); m != nil {
			code, _ = strconv.Atoi(m[1])
		}
		return &ExecError{Command: c.exec, ExitCode: code, Err: errors.New(msg[i+len(execFailure):])}
	}
	return &TransportError{Server: c.server, Err: ue.Err}
}
