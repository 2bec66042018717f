package world

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
)

func association(name, scope string, namespaces ...string) AssociatedPolicyView {
	var p AssociatedPolicyView
	p.Name = name
	p.AccessScope.Type = scope
	p.AccessScope.Namespaces = namespaces
	return p
}

// testGrants: one principal per association, named after it.
func testGrants(t *testing.T, mode string) *accessAuthorizer {
	t.Helper()
	a, err := newAccessAuthorizer()
	if err != nil {
		t.Fatal(err)
	}
	entries := []AccessEntry{
		{PrincipalID: "VIEW", AccessPolicies: []AssociatedPolicyView{association("AmazonEKSViewPolicy", "cluster")}},
		{PrincipalID: "VIEW-TEAM-A", AccessPolicies: []AssociatedPolicyView{association("AmazonEKSViewPolicy", "namespace", "team-a")}},
		{PrincipalID: "EDIT-TEAMS", AccessPolicies: []AssociatedPolicyView{association("AmazonEKSEditPolicy", "namespace", "team-*")}},
		{PrincipalID: "ADMIN", AccessPolicies: []AssociatedPolicyView{association("AmazonEKSAdminPolicy", "cluster")}},
		{PrincipalID: "CLUSTER-ADMIN", AccessPolicies: []AssociatedPolicyView{association("AmazonEKSClusterAdminPolicy", "cluster")}},
		{PrincipalID: "CLUSTER-ADMIN-DEV", AccessPolicies: []AssociatedPolicyView{association("AmazonEKSClusterAdminPolicy", "namespace", "dev")}},
		{PrincipalID: "GROUPS-ONLY"},
	}
	if err := a.set(AccessState{AuthenticationMode: mode, Entries: entries}); err != nil {
		t.Fatal(err)
	}
	return a
}

func resourceReview(principal, verb, group, resource, sub, namespace, name string) authorizationv1.SubjectAccessReviewSpec {
	spec := authorizationv1.SubjectAccessReviewSpec{User: "someone", ResourceAttributes: &authorizationv1.ResourceAttributes{
		Verb: verb, Group: group, Resource: resource, Subresource: sub, Namespace: namespace, Name: name}}
	if principal != "" {
		spec.Extra = map[string]authorizationv1.ExtraValue{principalIDExtra: {principal}}
	}
	return spec
}

func TestAccessPolicyDecisions(t *testing.T) {
	a := testGrants(t, "API_AND_CONFIG_MAP")
	healthz := authorizationv1.SubjectAccessReviewSpec{NonResourceAttributes: &authorizationv1.NonResourceAttributes{Path: "/healthz", Verb: "get"}}
	withID := func(spec authorizationv1.SubjectAccessReviewSpec, id string) authorizationv1.SubjectAccessReviewSpec {
		spec.Extra = map[string]authorizationv1.ExtraValue{principalIDExtra: {id}}
		return spec
	}
	tests := []struct {
		name string
		spec authorizationv1.SubjectAccessReviewSpec
		want bool
	}{
		{"view lists pods in every namespace", resourceReview("VIEW", "list", "", "pods", "", "", ""), true},
		{"view reads pod logs", resourceReview("VIEW", "get", "", "pods", "log", "default", "web"), true},
		{"view lists deployments", resourceReview("VIEW", "list", "apps", "deployments", "", "team-a", ""), true},
		{"view lists namespaces", resourceReview("VIEW", "list", "", "namespaces", "", "", ""), true},
		{"view may not list nodes", resourceReview("VIEW", "list", "", "nodes", "", "", ""), false},
		{"view may not read secrets", resourceReview("VIEW", "get", "", "secrets", "", "default", "db"), false},
		{"view may not list secrets", resourceReview("VIEW", "list", "", "secrets", "", "", ""), false},
		{"view may not delete pods", resourceReview("VIEW", "delete", "", "pods", "", "default", "web"), false},
		{"view may not exec", resourceReview("VIEW", "create", "", "pods", "exec", "default", "web"), false},
		{"view may not reach /healthz", withID(healthz, "VIEW"), false},
		{"team-a view lists its pods", resourceReview("VIEW-TEAM-A", "list", "", "pods", "", "team-a", ""), true},
		{"team-a view gets its namespace", resourceReview("VIEW-TEAM-A", "get", "", "namespaces", "", "team-a", "team-a"), true},
		{"team-a view may not list pods everywhere", resourceReview("VIEW-TEAM-A", "list", "", "pods", "", "", ""), false},
		{"team-a view may not list default's pods", resourceReview("VIEW-TEAM-A", "list", "", "pods", "", "default", ""), false},
		{"team-* edit creates deployments in team-b", resourceReview("EDIT-TEAMS", "create", "apps", "deployments", "", "team-b", ""), true},
		{"team-* edit reads secrets in team-a", resourceReview("EDIT-TEAMS", "get", "", "secrets", "", "team-a", "db"), true},
		{"team-* edit may not touch default", resourceReview("EDIT-TEAMS", "create", "apps", "deployments", "", "default", ""), false},
		{"edit may not create roles", resourceReview("EDIT-TEAMS", "create", "rbac.authorization.k8s.io", "roles", "", "team-a", ""), false},
		{"admin creates role bindings", resourceReview("ADMIN", "create", "rbac.authorization.k8s.io", "rolebindings", "", "default", ""), true},
		{"admin may not list nodes", resourceReview("ADMIN", "list", "", "nodes", "", "", ""), false},
		{"admin may not create namespaces", resourceReview("ADMIN", "create", "", "namespaces", "", "", ""), false},
		{"cluster admin deletes nodes", resourceReview("CLUSTER-ADMIN", "delete", "", "nodes", "", "", "ip-1"), true},
		{"cluster admin escalates", resourceReview("CLUSTER-ADMIN", "escalate", "rbac.authorization.k8s.io", "clusterroles", "", "", "x"), true},
		{"cluster admin reaches /healthz", withID(healthz, "CLUSTER-ADMIN"), true},
		{"cluster admin of dev owns dev", resourceReview("CLUSTER-ADMIN-DEV", "delete", "", "secrets", "", "dev", "x"), true},
		{"cluster admin of dev has no nodes", resourceReview("CLUSTER-ADMIN-DEV", "list", "", "nodes", "", "", ""), false},
		{"cluster admin of dev has no URLs", withID(healthz, "CLUSTER-ADMIN-DEV"), false},
		{"an entry without policies: RBAC decides", resourceReview("GROUPS-ONLY", "list", "", "pods", "", "", ""), false},
		{"no principal ID (a certificate, kubectl --as): RBAC decides", resourceReview("", "list", "", "pods", "", "", ""), false},
		{"an unknown principal", resourceReview("AROAUNKNOWN", "list", "", "pods", "", "", ""), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, reason := a.decide(tt.spec); got != tt.want {
				t.Fatalf("allowed %v (%s), want %v", got, reason, tt.want)
			}
		})
	}
}

// TestAccessPoliciesNeedAnAPIMode: a cluster set back to CONFIG_MAP by the
// world's control enforces no access policy, like one that never left it.
func TestAccessPoliciesNeedAnAPIMode(t *testing.T) {
	a := testGrants(t, "CONFIG_MAP")
	if got, _ := a.decide(resourceReview("CLUSTER-ADMIN", "list", "", "pods", "", "", "")); got {
		t.Fatal("a CONFIG_MAP cluster applied an access policy")
	}
}

func TestAccessPoliciesData(t *testing.T) {
	policies, err := loadAccessPolicies()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range policies {
		names = append(names, n)
	}
	slices.Sort(names)
	if want := []string{"AmazonEKSAdminPolicy", "AmazonEKSClusterAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy"}; !slices.Equal(names, want) {
		t.Fatalf("policies %v, want %v", names, want)
	}
	a := testGrants(t, "API")
	if err := a.set(AccessState{AuthenticationMode: "API", Entries: []AccessEntry{{PrincipalARN: "arn:x", AccessPolicies: []AssociatedPolicyView{association("AmazonEKSNoSuchPolicy", "cluster")}}}}); err == nil {
		t.Fatal("an unknown policy was accepted")
	}
}

// TestAuthorizerWebhook: the API server's SubjectAccessReview in, the
// decision out, over HTTP.
func TestAuthorizerWebhook(t *testing.T) {
	srv := httptest.NewServer(testGrants(t, "API"))
	defer srv.Close()
	tests := []struct {
		spec    authorizationv1.SubjectAccessReviewSpec
		allowed bool
		reason  string
	}{
		{resourceReview("VIEW-TEAM-A", "list", "", "pods", "", "team-a", ""), true, "EKS access policy AmazonEKSViewPolicy (namespaces team-a scope)"},
		{resourceReview("VIEW", "list", "", "nodes", "", "", ""), false, ""},
	}
	for _, tt := range tests {
		body, _ := json.Marshal(authorizationv1.SubjectAccessReview{Spec: tt.spec})
		resp, err := http.Post(srv.URL+"/authorize", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var review authorizationv1.SubjectAccessReview
		err = json.NewDecoder(resp.Body).Decode(&review)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("HTTP %d: %v", resp.StatusCode, err)
		}
		if review.Status.Allowed != tt.allowed || review.Status.Denied || review.Status.Reason != tt.reason {
			t.Fatalf("status %+v, want allowed %v reason %q", review.Status, tt.allowed, tt.reason)
		}
	}
	resp, err := http.Get(srv.URL + "/authorize")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET: HTTP %d", resp.StatusCode)
	}
}
