package doctor

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/eks-login/eks-login/pkg/exitcode"
	authorizationv1 "k8s.io/api/authorization/v1"
)

// The rights the authorization link asks about.
func (w *walk) accesses() []struct {
	what string
	a    authorizationv1.ResourceAttributes
} {
	ns := "default"
	if w.kctx != nil && w.kctx.Namespace != "" {
		ns = w.kctx.Namespace
	}
	return []struct {
		what string
		a    authorizationv1.ResourceAttributes
	}{
		{"list pods (all namespaces)", authorizationv1.ResourceAttributes{Verb: "list", Resource: "pods"}},
		{"list nodes", authorizationv1.ResourceAttributes{Verb: "list", Resource: "nodes"}},
		{"get secrets (namespace " + ns + ")", authorizationv1.ResourceAttributes{Verb: "get", Resource: "secrets", Namespace: ns}},
		{"create deployments (namespace " + ns + ")", authorizationv1.ResourceAttributes{Verb: "create", Group: "apps", Resource: "deployments", Namespace: ns}},
	}
}

// 8. What RBAC allows.
func (w *walk) authorization(ctx context.Context) Finding {
	const link = LinkAuthorization
	if w.user == nil {
		return skip(link, "the authentication link is broken")
	}
	var rows []AccessRow
	var allowed, denied []string
	for _, q := range w.accesses() {
		ok, err := w.kube.CanI(ctx, q.a)
		if err != nil {
			if apierrors.IsForbidden(err) {
				return fail(link, exitcode.Forbidden, "RBAC forbids even selfsubjectaccessreviews: "+err.Error(), "a cluster administrator restores the system:basic-user ClusterRoleBinding")
			}
			return fail(link, exitcode.Failure, "SelfSubjectAccessReview failed: "+err.Error(), "")
		}
		rows = append(rows, AccessRow{What: q.what, Allowed: ok})
		if ok {
			allowed = append(allowed, q.what)
		} else {
			denied = append(denied, q.what)
		}
	}
	if len(allowed) == 0 {
		group := "GROUP"
		for _, g := range w.user.Groups {
			if !strings.HasPrefix(g, "system:") {
				group = g
				break
			}
		}
		f := fail(link, exitcode.Forbidden,
			fmt.Sprintf("%s (groups: %s) may do none of: %s; no RBAC binding gives these groups a role", w.user.Username, orNone(strings.Join(w.user.Groups, ", ")), strings.Join(denied, ", ")),
			fmt.Sprintf("a cluster administrator binds the group: kubectl eks-login admin bind --group %s --clusterrole view", group))
		f.Table = rows
		return f
	}
	d := fmt.Sprintf("%s may %s", w.user.Username, strings.Join(allowed, ", "))
	if len(denied) > 0 {
		d += "; not " + strings.Join(denied, ", ")
	}
	return Finding{Link: link, Status: StatusOK, Detail: d, Table: rows}
}
