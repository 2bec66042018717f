package world

import (
	"crypto/tls"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path"
	"strings"
	"sync/atomic"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/component-helpers/auth/rbac/validation"
)

// accessPoliciesJSON holds the Kubernetes rules of each EKS access policy,
// copied from the Amazon EKS User Guide's tables.
//
//go:embed accesspolicies.json
var accessPoliciesJSON []byte

// loadAccessPolicies reads accesspolicies.json: policy name -> RBAC rules.
func loadAccessPolicies() (map[string][]rbacv1.PolicyRule, error) {
	var doc struct {
		Policies map[string][]rbacv1.PolicyRule `json:"policies"`
	}
	if err := json.Unmarshal(accessPoliciesJSON, &doc); err != nil {
		return nil, fmt.Errorf("read accesspolicies.json: %w", err)
	}
	return doc.Policies, nil
}

// principalIDExtra is the user extra in which aws-iam-authenticator passes
// the IAM principal's unique ID (AROA..., AIDA...) on to the API server.
const principalIDExtra = "principalId"

// grant is one access policy association of an access entry.
type grant struct {
	policy string
	rules  []rbacv1.PolicyRule
	// namespaces are the scope's namespace patterns ("dev-*" allowed); nil
	// means the whole cluster.
	namespaces []string
}

// accessAuthorizer is the API server's authorization webhook for EKS access
// policies: it answers SubjectAccessReviews from the associations of the
// cluster's access entries, allowing or having no opinion (never denying),
// so RBAC decides what no policy allows. Like EKS it knows the caller by the
// principal's unique ID, so an impersonated user (kubectl --as) gets no
// access policy, as the EKS documentation says.
type accessAuthorizer struct {
	policies map[string][]rbacv1.PolicyRule
	grants   atomic.Pointer[map[string][]grant] // principal ID -> its grants
	server   *http.Server
	done     chan error
}

func newAccessAuthorizer() (*accessAuthorizer, error) {
	policies, err := loadAccessPolicies()
	if err != nil {
		return nil, err
	}
	a := &accessAuthorizer{policies: policies}
	a.grants.Store(&map[string][]grant{})
	return a, nil
}

// set makes the authorizer enforce st's associations; a cluster whose mode
// has no access entries (CONFIG_MAP, set by the world's control) has none.
func (a *accessAuthorizer) set(st AccessState) error {
	grants := map[string][]grant{}
	if st.AuthenticationMode == "CONFIG_MAP" {
		a.grants.Store(&grants)
		return nil
	}
	for _, e := range st.Entries {
		for _, p := range e.AccessPolicies {
			rules, ok := a.policies[p.Name]
			if !ok {
				return fmt.Errorf("access entry %s: the world knows no rules of access policy %s", e.PrincipalARN, p.Name)
			}
			g := grant{policy: p.Name, rules: rules}
			if p.AccessScope.Type == "namespace" {
				g.namespaces = append([]string{}, p.AccessScope.Namespaces...)
			}
			grants[e.PrincipalID] = append(grants[e.PrincipalID], g)
		}
	}
	a.grants.Store(&grants)
	return nil
}

// decide returns whether an access policy allows the request, and which.
func (a *accessAuthorizer) decide(spec authorizationv1.SubjectAccessReviewSpec) (bool, string) {
	ids := spec.Extra[principalIDExtra]
	if len(ids) != 1 {
		return false, ""
	}
	for _, g := range (*a.grants.Load())[ids[0]] {
		if g.allows(spec) {
			scope := "cluster"
			if g.namespaces != nil {
				scope = "namespaces " + strings.Join(g.namespaces, ",")
			}
			return true, fmt.Sprintf("EKS access policy %s (%s scope)", g.policy, scope)
		}
	}
	return false, ""
}

func (g grant) allows(spec authorizationv1.SubjectAccessReviewSpec) bool {
	var want rbacv1.PolicyRule
	switch ra, nra := spec.ResourceAttributes, spec.NonResourceAttributes; {
	case ra != nil:
		if g.namespaces != nil && !matchesAny(g.namespaces, ra.Namespace) {
			return false
		}
		resource := ra.Resource
		if ra.Subresource != "" {
			resource += "/" + ra.Subresource
		}
		want = rbacv1.PolicyRule{Verbs: []string{ra.Verb}, APIGroups: []string{ra.Group}, Resources: []string{resource}}
		if ra.Name != "" {
			want.ResourceNames = []string{ra.Name}
		}
	case nra != nil:
		if g.namespaces != nil { // a namespace scope covers no URL outside the resources
			return false
		}
		want = rbacv1.PolicyRule{Verbs: []string{nra.Verb}, NonResourceURLs: []string{nra.Path}}
	default:
		return false
	}
	covered, _ := validation.Covers(g.rules, []rbacv1.PolicyRule{want})
	return covered
}

// matchesAny reports whether namespace matches one of the scope's patterns.
// A request across all namespaces (namespace "") matches none: a namespace
// scope never lists pods in every namespace.
func matchesAny(patterns []string, namespace string) bool {
	if namespace == "" {
		return false
	}
	for _, p := range patterns {
		if ok, _ := path.Match(p, namespace); ok {
			return true
		}
	}
	return false
}

func (a *accessAuthorizer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST a SubjectAccessReview", http.StatusMethodNotAllowed)
		return
	}
	var review authorizationv1.SubjectAccessReview
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&review); err != nil {
		http.Error(w, "the body is not a SubjectAccessReview: "+err.Error(), http.StatusBadRequest)
		return
	}
	allowed, reason := a.decide(review.Spec)
	review.Status = authorizationv1.SubjectAccessReviewStatus{Allowed: allowed, Reason: reason}
	review.Spec = authorizationv1.SubjectAccessReviewSpec{}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(&review)
}

// serve starts the webhook on addr (loopback) with the world CA's certificate.
func (a *accessAuthorizer) serve(addr, certFile, keyFile string) error {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("the access policy authorizer cannot listen on %s: %w", addr, err)
	}
	a.server = &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}}
	a.done = make(chan error, 1)
	go func() { a.done <- a.server.ServeTLS(ln, "", "") }()
	return nil
}

// stop closes the listener and every connection, and waits for the server.
func (a *accessAuthorizer) stop() error {
	if a.server == nil {
		return nil
	}
	err := a.server.Close()
	if served := <-a.done; !errors.Is(served, http.ErrServerClosed) {
		err = errors.Join(err, served)
	}
	return err
}

// authorizationConfig is the API server's --authorization-config: the Node
// authorizer, the access policy webhook (only for callers that
// aws-iam-authenticator let in, uncached so that a disassociated policy stops
// at once, and skipped should it fail), then RBAC.
func authorizationConfig(webhookKubeconfig string) string {
	return `apiVersion: apiserver.config.k8s.io/v1
kind: AuthorizationConfiguration
authorizers:
- type: Node
  name: node
- type: Webhook
  name: eks-access-policies
  webhook:
    timeout: 5s
    subjectAccessReviewVersion: v1
    matchConditionSubjectAccessReviewVersion: v1
    failurePolicy: NoOpinion
    cacheAuthorizedRequests: false
    cacheUnauthorizedRequests: false
    connectionInfo:
      type: KubeConfigFile
      kubeConfigFile: ` + webhookKubeconfig + `
    matchConditions:
    - expression: "'` + principalIDExtra + `' in request.extra"
- type: RBAC
  name: rbac
`
}
