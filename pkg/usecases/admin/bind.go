package admin

import (
	"context"
	"fmt"
	"reflect"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/util/retry"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/names"
	"github.com/eks-login/eks-login/pkg/plan"
)

// Binding is an RBAC binding of one group to one ClusterRole: a
// ClusterRoleBinding, or a RoleBinding in Namespace.
type Binding struct {
	Group       string
	ClusterRole string
	Namespace   string
	Name        string // default GROUP-CLUSTERROLE, as the seed's developers-view
}

func (b Binding) name() string {
	if b.Name != "" {
		return b.Name
	}
	return b.Group + "-" + b.ClusterRole
}

func (b Binding) kind() string {
	if b.Namespace != "" {
		return "RoleBinding"
	}
	return "ClusterRoleBinding"
}

func (b Binding) resource() kube.Resource {
	if b.Namespace != "" {
		return kube.RoleBindings
	}
	return kube.ClusterRoleBindings
}

func (b Binding) diffName() string {
	if b.Namespace != "" {
		return "rbac/" + b.Namespace + "/rolebindings/" + b.name()
	}
	return "rbac/clusterrolebindings/" + b.name()
}

func (b Binding) title() string {
	if b.Namespace != "" {
		return "RoleBinding " + b.Namespace + "/" + b.name()
	}
	return "ClusterRoleBinding " + b.name()
}

func (b Binding) wantSubjects() []rbacv1.Subject {
	return []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: b.Group}}
}

func (b Binding) wantRoleRef() rbacv1.RoleRef {
	return rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: b.ClusterRole}
}

// view is the binding as diffs show it.
func (b Binding) view(ref rbacv1.RoleRef, subjects []rbacv1.Subject) map[string]any {
	meta := map[string]any{"name": b.name()}
	if b.Namespace != "" {
		meta["namespace"] = b.Namespace
	}
	subs := []map[string]any{}
	for _, s := range subjects {
		m := map[string]any{"kind": s.Kind, "name": s.Name}
		if s.APIGroup != "" {
			m["apiGroup"] = s.APIGroup
		}
		if s.Namespace != "" {
			m["namespace"] = s.Namespace
		}
		subs = append(subs, m)
	}
	return map[string]any{
		"apiVersion": "rbac.authorization.k8s.io/v1", "kind": b.kind(), "metadata": meta,
		"roleRef":  map[string]any{"apiGroup": ref.APIGroup, "kind": ref.Kind, "name": ref.Name},
		"subjects": subs,
	}
}

// PlanBind plans the binding of b's group to its ClusterRole: create it,
// keep it, or (with force) replace a different one of the same name.
func (a *Admin) PlanBind(ctx context.Context, b Binding, force bool) (*plan.Plan, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	k, err := a.kube()
	if err != nil {
		return nil, err
	}
	step, err := bindStep(ctx, k, b, force)
	if err != nil {
		return nil, err
	}
	return &plan.Plan{Steps: []*plan.Step{step}}, nil
}

// bindingObject is a ClusterRoleBinding or a RoleBinding, with its roleRef
// and subjects reachable whatever its kind.
type bindingObject struct {
	obj      runtime.Object
	meta     *metav1.ObjectMeta
	roleRef  *rbacv1.RoleRef
	subjects *[]rbacv1.Subject
}

func (b Binding) newObject() bindingObject {
	meta := metav1.ObjectMeta{Name: b.name(), Namespace: b.Namespace}
	if b.Namespace != "" {
		o := &rbacv1.RoleBinding{ObjectMeta: meta}
		return bindingObject{o, &o.ObjectMeta, &o.RoleRef, &o.Subjects}
	}
	o := &rbacv1.ClusterRoleBinding{ObjectMeta: meta}
	return bindingObject{o, &o.ObjectMeta, &o.RoleRef, &o.Subjects}
}

// getBinding reads the binding; nil when there is none.
func getBinding(ctx context.Context, k *kube.Client, b Binding) (*bindingObject, error) {
	cur := b.newObject()
	err := k.Get(ctx, b.resource(), b.Namespace, b.name(), cur.obj)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, kube.Explain(err, "cannot read "+b.title())
	}
	return &cur, nil
}

// ManagedByLabel marks the RBAC bindings eks-login creates (bind, grant,
// apply), with the value ManagedByValue: apply --prune removes only those.
const (
	ManagedByLabel = "app.kubernetes.io/managed-by"
	ManagedByValue = "eks-login"
)

// createBinding creates the binding as bind wants it, marked as eks-login's.
func createBinding(ctx context.Context, k *kube.Client, b Binding) error {
	obj := b.newObject()
	obj.meta.Labels = map[string]string{ManagedByLabel: ManagedByValue}
	*obj.roleRef, *obj.subjects = b.wantRoleRef(), b.wantSubjects()
	return kube.Explain(k.Create(ctx, b.resource(), b.Namespace, obj.obj), "cannot create "+b.title())
}

// bindStep plans the binding: create it, keep it, or (with force) replace a
// different one of the same name. roleRef cannot change in place, so a
// binding to another role is deleted (the version read, no later one) and
// created again.
func bindStep(ctx context.Context, k *kube.Client, b Binding, force bool) (*plan.Step, error) {
	cur, err := getBinding(ctx, k, b)
	if err != nil {
		return nil, err
	}
	ref, subs := b.wantRoleRef(), b.wantSubjects()
	want := b.view(ref, subs)
	if cur == nil {
		return &plan.Step{Verb: plan.Create, Object: b.title(), Note: "group " + b.Group + " -> ClusterRole " + b.ClusterRole,
			Diff:  fileplan.ObjectDiff(b.diffName(), nil, want),
			Apply: func(ctx context.Context) error { return createBinding(ctx, k, b) }}, nil
	}
	if *cur.roleRef == ref && reflect.DeepEqual(*cur.subjects, subs) {
		return &plan.Step{Verb: plan.Keep, Object: b.title(), Note: "binds group " + b.Group + " to ClusterRole " + b.ClusterRole}, nil
	}
	if !force {
		return nil, exitcode.Errorf(exitcode.Conflict, "%s exists and binds %s to %s %s; refusing to replace it without --force (or pick another --name)",
			b.title(), describeSubjects(*cur.subjects), cur.roleRef.Kind, cur.roleRef.Name)
	}
	diff := fileplan.ObjectDiff(b.diffName(), b.view(*cur.roleRef, *cur.subjects), want)
	if *cur.roleRef != ref {
		return &plan.Step{Verb: plan.Update, Object: b.title(), Note: "roleRef cannot change in place: deleted and created again", Diff: diff,
			Apply: func(ctx context.Context) error {
				err := k.Delete(ctx, b.resource(), b.Namespace, b.name(), cur.meta.ResourceVersion)
				if err != nil && !apierrors.IsNotFound(err) {
					return kube.Explain(err, "cannot delete "+b.title())
				}
				return createBinding(ctx, k, b)
			}}, nil
	}
	return &plan.Step{Verb: plan.Update, Object: b.title(), Diff: diff,
		Apply: func(ctx context.Context) error { return replaceSubjects(ctx, k, b, cur) }}, nil
}

// replaceSubjects writes the wanted subjects over the binding read as cur,
// with its resourceVersion; when someone wrote it since, it reads it again
// and replaces them there (--force said to).
func replaceSubjects(ctx context.Context, k *kube.Client, b Binding, cur *bindingObject) error {
	err := retry.RetryOnConflict(kube.WriteBackoff, func() error {
		if cur == nil {
			fresh, err := getBinding(ctx, k, b)
			if err != nil {
				return err
			}
			if fresh == nil {
				return createBinding(ctx, k, b)
			}
			cur = fresh
		}
		*cur.subjects = b.wantSubjects()
		err := k.Update(ctx, b.resource(), b.Namespace, b.name(), cur.obj)
		if apierrors.IsConflict(err) {
			cur = nil
		}
		return err
	})
	return kube.Explain(err, "cannot update "+b.title())
}

// unbindStep plans the removal of a binding bind made: only when it still
// binds exactly the group to the role; anything else is someone else's. The
// delete names the version read, so a binding changed since stays.
func unbindStep(ctx context.Context, k *kube.Client, b Binding) (*plan.Step, error) {
	cur, err := getBinding(ctx, k, b)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return &plan.Step{Verb: plan.Keep, Object: b.title(), Note: "absent: nothing to remove"}, nil
	}
	ref, subs := b.wantRoleRef(), b.wantSubjects()
	if *cur.roleRef != ref || !reflect.DeepEqual(*cur.subjects, subs) {
		return &plan.Step{Verb: plan.Keep, Object: b.title(), Note: "binds " + describeSubjects(*cur.subjects) + " to " + cur.roleRef.Name + ", not only what grant made: left alone"}, nil
	}
	return &plan.Step{Verb: plan.Delete, Object: b.title(), Diff: fileplan.ObjectDiff(b.diffName(), b.view(ref, subs), nil),
		Apply: func(ctx context.Context) error {
			err := k.Delete(ctx, b.resource(), b.Namespace, b.name(), cur.meta.ResourceVersion)
			if apierrors.IsNotFound(err) {
				return nil
			}
			return kube.Explain(err, "cannot delete "+b.title())
		}}, nil
}

func describeSubjects(subs []rbacv1.Subject) string {
	if len(subs) == 0 {
		return "no subjects"
	}
	s := ""
	for i, sub := range subs {
		if i > 0 {
			s += ", "
		}
		s += sub.Kind + " " + sub.Name
	}
	return s
}

// Validate checks the names the binding puts into API paths, before any
// call.
func (b Binding) Validate() error {
	if b.Group == "" {
		return exitcode.Errorf(exitcode.Usage, "--group is required: the Kubernetes group to bind")
	}
	if b.Namespace != "" && !names.DNSLabel(b.Namespace) {
		return exitcode.Errorf(exitcode.Usage, "--namespace %q is not a Kubernetes namespace name: use at most 63 lower case letters, digits and '-', starting and ending with a letter or digit", b.Namespace)
	}
	if !names.RBAC(b.ClusterRole) {
		return exitcode.Errorf(exitcode.Usage, "--clusterrole %q is not a ClusterRole name: use letters, digits and any of -._:@+= (at most 253)", b.ClusterRole)
	}
	if !names.RBAC(b.name()) {
		what := "--name"
		if b.Name == "" {
			what = fmt.Sprintf("the binding's name (GROUP-CLUSTERROLE, from --group %q; pass --name)", b.Group)
		}
		return exitcode.Errorf(exitcode.Usage, "%s %q is not a valid RBAC binding name: use letters, digits and any of -._:@+= (at most 253)", what, b.name())
	}
	return nil
}
