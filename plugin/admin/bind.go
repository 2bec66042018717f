package admin

import (
	"context"
	"reflect"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/util/retry"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// BindOptions are the flags of "admin bind".
type BindOptions struct {
	*Common
	Binding
	Force bool
}

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

func newBindCmd(f *cmdutil.Factory) *cobra.Command {
	o := &BindOptions{Common: newCommon(f)}
	fs := pflag.NewFlagSet("bind", pflag.ContinueOnError)
	fs.StringVar(&o.Group, "group", "", "The Kubernetes group to bind (as mapped with 'admin map --group').")
	fs.StringVar(&o.ClusterRole, "clusterrole", "", "The ClusterRole to bind it to, e.g. view, edit, admin.")
	fs.StringVarP(&o.Namespace, "namespace", "n", "", "Bind in this namespace only (a RoleBinding) instead of cluster-wide.")
	fs.StringVar(&o.Name, "name", "", "The binding's name (default GROUP-CLUSTERROLE).")
	fs.BoolVar(&o.Force, "force", false, "Replace a binding of that name that binds other subjects or another role.")
	o.addFlags(fs)
	cmd := &cobra.Command{
		Use:   "bind --group GROUP --clusterrole ROLE [--namespace NS] [flags]",
		Short: "Bind a Kubernetes group to a ClusterRole, cluster-wide or in a namespace",
		Long: `Create a ClusterRoleBinding (or, with --namespace, a RoleBinding) of one group
to one ClusterRole. Running it again changes nothing; a binding of the same
name that binds other subjects or another role is replaced only with --force.`,
		Example: `  # The seed's ClusterRoleBinding developers-view
  kubectl eks-login admin bind --group developers --clusterrole view

  # Edit rights in team-a only
  kubectl eks-login admin bind --group developers --clusterrole edit --namespace team-a --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return exitcode.Errorf(exitcode.Usage, "admin bind takes no arguments, got %q", args)
			}
			ctx, cancel := signalContext()
			defer cancel()
			return runBind(ctx, o)
		},
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().AddFlagSet(fs)
	return cmd
}

func runBind(ctx context.Context, o *BindOptions) error {
	if o.Group == "" || o.ClusterRole == "" {
		return exitcode.Errorf(exitcode.Usage, "--group and --clusterrole are required")
	}
	if err := o.Binding.validate(); err != nil {
		return err
	}
	k, err := o.kube()
	if err != nil {
		return err
	}
	step, err := bindStep(ctx, k, o.Binding, o.Force)
	if err != nil {
		return err
	}
	return (&Plan{Steps: []*Step{step}}).run(ctx, o.IO.Out, o.DryRun)
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
		return nil, kubeErr(err, "cannot read "+b.title())
	}
	return &cur, nil
}

// createBinding creates the binding as bind wants it.
func createBinding(ctx context.Context, k *kube.Client, b Binding) error {
	obj := b.newObject()
	*obj.roleRef, *obj.subjects = b.wantRoleRef(), b.wantSubjects()
	return kubeErr(k.Create(ctx, b.resource(), b.Namespace, obj.obj), "cannot create "+b.title())
}

// bindStep plans the binding: create it, keep it, or (with force) replace a
// different one of the same name. roleRef cannot change in place, so a
// binding to another role is deleted (the version read, no later one) and
// created again.
func bindStep(ctx context.Context, k *kube.Client, b Binding, force bool) (*Step, error) {
	cur, err := getBinding(ctx, k, b)
	if err != nil {
		return nil, err
	}
	ref, subs := b.wantRoleRef(), b.wantSubjects()
	want := b.view(ref, subs)
	if cur == nil {
		return &Step{Verb: "create", Object: b.title(), Note: "group " + b.Group + " -> ClusterRole " + b.ClusterRole,
			Diff:  objectDiff(b.diffName(), nil, want),
			apply: func(ctx context.Context) error { return createBinding(ctx, k, b) }}, nil
	}
	if *cur.roleRef == ref && reflect.DeepEqual(*cur.subjects, subs) {
		return &Step{Verb: "keep", Object: b.title(), Note: "binds group " + b.Group + " to ClusterRole " + b.ClusterRole}, nil
	}
	if !force {
		return nil, exitcode.Errorf(exitcode.Conflict, "%s exists and binds %s to %s %s; refusing to replace it without --force (or pick another --name)",
			b.title(), describeSubjects(*cur.subjects), cur.roleRef.Kind, cur.roleRef.Name)
	}
	diff := objectDiff(b.diffName(), b.view(*cur.roleRef, *cur.subjects), want)
	if *cur.roleRef != ref {
		return &Step{Verb: "update", Object: b.title(), Note: "roleRef cannot change in place: deleted and created again", Diff: diff,
			apply: func(ctx context.Context) error {
				err := k.Delete(ctx, b.resource(), b.Namespace, b.name(), cur.meta.ResourceVersion)
				if err != nil && !apierrors.IsNotFound(err) {
					return kubeErr(err, "cannot delete "+b.title())
				}
				return createBinding(ctx, k, b)
			}}, nil
	}
	return &Step{Verb: "update", Object: b.title(), Diff: diff,
		apply: func(ctx context.Context) error { return replaceSubjects(ctx, k, b, cur) }}, nil
}

// replaceSubjects writes the wanted subjects over the binding read as cur,
// with its resourceVersion; when someone wrote it since, it reads it again
// and replaces them there (--force said to).
func replaceSubjects(ctx context.Context, k *kube.Client, b Binding, cur *bindingObject) error {
	err := retry.RetryOnConflict(writeBackoff, func() error {
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
	return kubeErr(err, "cannot update "+b.title())
}

// unbindStep plans the removal of a binding bind made: only when it still
// binds exactly the group to the role; anything else is someone else's. The
// delete names the version read, so a binding changed since stays.
func unbindStep(ctx context.Context, k *kube.Client, b Binding) (*Step, error) {
	cur, err := getBinding(ctx, k, b)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return &Step{Verb: "keep", Object: b.title(), Note: "absent: nothing to remove"}, nil
	}
	ref, subs := b.wantRoleRef(), b.wantSubjects()
	if *cur.roleRef != ref || !reflect.DeepEqual(*cur.subjects, subs) {
		return &Step{Verb: "keep", Object: b.title(), Note: "binds " + describeSubjects(*cur.subjects) + " to " + cur.roleRef.Name + ", not only what grant made: left alone"}, nil
	}
	return &Step{Verb: "delete", Object: b.title(), Diff: objectDiff(b.diffName(), b.view(ref, subs), nil),
		apply: func(ctx context.Context) error {
			err := k.Delete(ctx, b.resource(), b.Namespace, b.name(), cur.meta.ResourceVersion)
			if apierrors.IsNotFound(err) {
				return nil
			}
			return kubeErr(err, "cannot delete "+b.title())
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
