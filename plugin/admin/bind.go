package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"github.com/spf13/pflag"

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

func (b Binding) path() string {
	if b.Namespace != "" {
		return "/apis/rbac.authorization.k8s.io/v1/namespaces/" + b.Namespace + "/rolebindings/" + b.name()
	}
	return "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/" + b.name()
}

func (b Binding) collection() string {
	if b.Namespace != "" {
		return "/apis/rbac.authorization.k8s.io/v1/namespaces/" + b.Namespace + "/rolebindings"
	}
	return "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"
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

type rbacSubject struct {
	APIGroup  string `json:"apiGroup,omitempty" yaml:"apiGroup,omitempty"`
	Kind      string `json:"kind" yaml:"kind"`
	Name      string `json:"name" yaml:"name"`
	Namespace string `json:"namespace,omitempty" yaml:"namespace,omitempty"`
}

type roleRef struct {
	APIGroup string `json:"apiGroup" yaml:"apiGroup"`
	Kind     string `json:"kind" yaml:"kind"`
	Name     string `json:"name" yaml:"name"`
}

func (b Binding) wantSubjects() []rbacSubject {
	return []rbacSubject{{APIGroup: "rbac.authorization.k8s.io", Kind: "Group", Name: b.Group}}
}

func (b Binding) wantRoleRef() roleRef {
	return roleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: b.ClusterRole}
}

// view is the binding as diffs show it.
func (b Binding) view(ref roleRef, subjects []rbacSubject) map[string]any {
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

func newBindCmd(f *cmdutil.Factory) *cmdutil.Command {
	o := &BindOptions{Common: newCommon(f)}
	fs := pflag.NewFlagSet("bind", pflag.ContinueOnError)
	fs.StringVar(&o.Group, "group", "", "The Kubernetes group to bind (as mapped with 'admin map --group').")
	fs.StringVar(&o.ClusterRole, "clusterrole", "", "The ClusterRole to bind it to, e.g. view, edit, admin.")
	fs.StringVarP(&o.Namespace, "namespace", "n", "", "Bind in this namespace only (a RoleBinding) instead of cluster-wide.")
	fs.StringVar(&o.Name, "name", "", "The binding's name (default GROUP-CLUSTERROLE).")
	fs.BoolVar(&o.Force, "force", false, "Replace a binding of that name that binds other subjects or another role.")
	o.addFlags(fs)
	return &cmdutil.Command{
		Name:  "bind",
		Short: "Bind a Kubernetes group to a ClusterRole, cluster-wide or in a namespace",
		Usage: "kubectl eks-login admin bind --group GROUP --clusterrole ROLE [--namespace NS] [flags]",
		Long: `Create a ClusterRoleBinding (or, with --namespace, a RoleBinding) of one group
to one ClusterRole. Running it again changes nothing; a binding of the same
name that binds other subjects or another role is replaced only with --force.`,
		Examples: `  # The seed's ClusterRoleBinding developers-view
  kubectl eks-login admin bind --group developers --clusterrole view

  # Edit rights in team-a only
  kubectl eks-login admin bind --group developers --clusterrole edit --namespace team-a --dry-run`,
		Flags: fs,
		Run: func(args []string) error {
			if len(args) > 0 {
				return cmdutil.Errorf(cmdutil.ExitUsage, "admin bind takes no arguments, got %q", args)
			}
			ctx, cancel := signalContext()
			defer cancel()
			return runBind(ctx, o)
		},
	}
}

func runBind(ctx context.Context, o *BindOptions) error {
	if o.Group == "" || o.ClusterRole == "" {
		return cmdutil.Errorf(cmdutil.ExitUsage, "--group and --clusterrole are required")
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

type bindingObject struct {
	Metadata map[string]any `json:"metadata"`
	RoleRef  roleRef        `json:"roleRef"`
	Subjects []rbacSubject  `json:"subjects"`
}

func getBinding(ctx context.Context, k Kube, b Binding) (*bindingObject, map[string]any, error) {
	var raw map[string]any
	err := k.Do(ctx, http.MethodGet, b.path(), nil, &raw)
	if errors.Is(err, kube.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, kubeErr(err, "cannot read "+b.title())
	}
	var obj bindingObject
	if err := remarshal(raw, &obj); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", b.title(), err)
	}
	return &obj, raw, nil
}

// bindStep plans the binding: create it, keep it, or (with force) replace a
// different one of the same name. roleRef cannot change in place, so a
// binding to another role is deleted and created again.
func bindStep(ctx context.Context, k Kube, b Binding, force bool) (*Step, error) {
	cur, raw, err := getBinding(ctx, k, b)
	if err != nil {
		return nil, err
	}
	ref, subs := b.wantRoleRef(), b.wantSubjects()
	want := b.view(ref, subs)
	if cur == nil {
		return &Step{Verb: "create", Object: b.title(), Note: "group " + b.Group + " -> ClusterRole " + b.ClusterRole,
			Diff: objectDiff(b.diffName(), nil, want),
			apply: func(ctx context.Context) error {
				err := k.Do(ctx, http.MethodPost, b.collection(), want, nil)
				return kubeErr(err, "cannot create "+b.title())
			}}, nil
	}
	if cur.RoleRef == ref && reflect.DeepEqual(cur.Subjects, subs) {
		return &Step{Verb: "keep", Object: b.title(), Note: "binds group " + b.Group + " to ClusterRole " + b.ClusterRole}, nil
	}
	if !force {
		return nil, cmdutil.Errorf(cmdutil.ExitConflict, "%s exists and binds %s to %s %s; refusing to replace it without --force (or pick another --name)",
			b.title(), describeSubjects(cur.Subjects), cur.RoleRef.Kind, cur.RoleRef.Name)
	}
	diff := objectDiff(b.diffName(), b.view(cur.RoleRef, cur.Subjects), want)
	if cur.RoleRef != ref {
		return &Step{Verb: "update", Object: b.title(), Note: "roleRef cannot change in place: deleted and created again", Diff: diff,
			apply: func(ctx context.Context) error {
				if err := k.Do(ctx, http.MethodDelete, b.path(), nil, nil); err != nil && !errors.Is(err, kube.ErrNotFound) {
					return kubeErr(err, "cannot delete "+b.title())
				}
				return kubeErr(k.Do(ctx, http.MethodPost, b.collection(), want, nil), "cannot create "+b.title())
			}}, nil
	}
	raw["subjects"] = want["subjects"]
	return &Step{Verb: "update", Object: b.title(), Diff: diff,
		apply: func(ctx context.Context) error {
			return kubeErr(k.Do(ctx, http.MethodPut, b.path(), raw, nil), "cannot update "+b.title())
		}}, nil
}

// unbindStep plans the removal of a binding bind made: only when it still
// binds exactly the group to the role; anything else is someone else's.
func unbindStep(ctx context.Context, k Kube, b Binding) (*Step, error) {
	cur, _, err := getBinding(ctx, k, b)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return &Step{Verb: "keep", Object: b.title(), Note: "absent: nothing to remove"}, nil
	}
	ref, subs := b.wantRoleRef(), b.wantSubjects()
	if cur.RoleRef != ref || !reflect.DeepEqual(cur.Subjects, subs) {
		return &Step{Verb: "keep", Object: b.title(), Note: "binds " + describeSubjects(cur.Subjects) + " to " + cur.RoleRef.Name + ", not only what grant made: left alone"}, nil
	}
	return &Step{Verb: "delete", Object: b.title(), Diff: objectDiff(b.diffName(), b.view(ref, subs), nil),
		apply: func(ctx context.Context) error {
			err := k.Do(ctx, http.MethodDelete, b.path(), nil, nil)
			if errors.Is(err, kube.ErrNotFound) {
				return nil
			}
			return kubeErr(err, "cannot delete "+b.title())
		}}, nil
}

func describeSubjects(subs []rbacSubject) string {
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
