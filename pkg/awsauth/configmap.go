package awsauth

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/util/retry"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kube"
)

// Where the ConfigMap is, and how messages and diffs name it.
const (
	Namespace = "kube-system"
	Name      = "aws-auth"
	Object    = "ConfigMap kube-system/aws-auth"
	DiffName  = "kube-system/aws-auth"
)

// Client reads and writes the ConfigMap; *kube.Client is one.
type Client interface {
	Get(ctx context.Context, r kube.Resource, namespace, name string, into runtime.Object) error
	Update(ctx context.Context, r kube.Resource, namespace, name string, obj runtime.Object) error
	Create(ctx context.Context, r kube.Resource, namespace string, obj runtime.Object) error
}

// ManagedAnnotation on aws-auth lists, as a JSON array, the ARNs of the
// mappings eks-login added (map, grant, apply). apply --prune removes only
// those; a mapping someone added by hand is not in it and is never pruned.
const ManagedAnnotation = "eks-login/managed-mappings"

// Managed is the set of ARNs in ManagedAnnotation.
type Managed map[string]bool

func parseManaged(annotations map[string]string) Managed {
	m := Managed{}
	var arns []string
	if json.Unmarshal([]byte(annotations[ManagedAnnotation]), &arns) == nil {
		for _, a := range arns {
			m[a] = true
		}
	}
	return m
}

func (m Managed) String() string {
	b, _ := json.Marshal(slices.Sorted(maps.Keys(m)))
	return string(b)
}

// setAnnotation writes m into meta's annotations, or takes the annotation
// away when m is empty; it reports whether that changed them.
func (m Managed) setAnnotation(meta *metav1.ObjectMeta) bool {
	old, had := meta.Annotations[ManagedAnnotation]
	if len(m) == 0 {
		delete(meta.Annotations, ManagedAnnotation)
		return had
	}
	if meta.Annotations == nil {
		meta.Annotations = map[string]string{}
	}
	meta.Annotations[ManagedAnnotation] = m.String()
	return old != m.String()
}

// Read reads and parses aws-auth; a cluster without it has an empty one.
// The data comes back as read, for diffs.
func Read(ctx context.Context, k Client) (*Doc, map[string]string, error) {
	var cm corev1.ConfigMap
	err := k.Get(ctx, kube.ConfigMaps, Namespace, Name, &cm)
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, nil, kube.Explain(err, "cannot read "+Object)
	}
	doc, err := Parse(maps.Clone(cm.Data))
	if err != nil {
		return nil, nil, InputError(err)
	}
	return doc, cm.Data, nil
}

// EditFunc changes the parsed aws-auth and the set of mappings eks-login
// manages there. It runs again on a fresh copy after a conflict, so it must
// depend on nothing else it changes.
type EditFunc func(*Doc, Managed) (Change, error)

// Edited is what an edit did, with aws-auth before and after as diffs
// show it (Old is nil when the ConfigMap did not exist).
type Edited struct {
	Change   Change
	Existed  bool
	Old, New map[string]any
}

// Edit reads aws-auth, applies edit and, when write is set, writes it back
// with the resourceVersion it read (creating the ConfigMap when it is
// missing; it is never deleted, even when no mapping is left). When someone
// else wrote or created it in between (409), it reads again and redoes the
// edit on what is there now, so no concurrent edit is lost.
func Edit(ctx context.Context, k Client, edit EditFunc, write bool) (*Edited, error) {
	var res *Edited
	err := retry.OnError(kube.WriteBackoff, kube.IsWriteConflict, func() (err error) {
		res, err = editOnce(ctx, k, edit, write)
		return err
	})
	if kube.IsWriteConflict(err) {
		return nil, exitcode.Errorf(exitcode.Conflict, "%s changed under every one of %d attempts to write it; run the command again", Object, kube.WriteBackoff.Steps)
	}
	return res, err
}

func editOnce(ctx context.Context, k Client, edit EditFunc, write bool) (*Edited, error) {
	cm := &corev1.ConfigMap{}
	err := k.Get(ctx, kube.ConfigMaps, Namespace, Name, cm)
	existed := err == nil
	if apierrors.IsNotFound(err) {
		cm = &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: Name, Namespace: Namespace}}
	} else if err != nil {
		return nil, kube.Explain(err, "cannot read "+Object)
	}
	res, newData, err := applyEdit(cm, existed, edit)
	if err != nil || !write || !res.Change.changes() {
		return res, err
	}
	cm.Data = newData
	if existed {
		err = k.Update(ctx, kube.ConfigMaps, Namespace, Name, cm)
	} else {
		err = k.Create(ctx, kube.ConfigMaps, Namespace, cm)
	}
	if err != nil && !kube.IsWriteConflict(err) {
		err = kube.Explain(err, "cannot write "+Object)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// applyEdit runs edit on cm's data and annotation, and returns the new
// data; cm's annotations take the new set of managed mappings.
func applyEdit(cm *corev1.ConfigMap, existed bool, edit EditFunc) (*Edited, map[string]string, error) {
	data := maps.Clone(cm.Data)
	if data == nil {
		data = map[string]string{}
	}
	doc, err := Parse(maps.Clone(data))
	if err != nil {
		return nil, nil, InputError(err)
	}
	managed := parseManaged(cm.Annotations)
	change, err := edit(doc, managed)
	if err != nil {
		return nil, nil, InputError(err)
	}
	res := &Edited{Change: change, Existed: existed, Old: Shown(data, cm.Annotations)}
	if managed.setAnnotation(&cm.ObjectMeta) && !change.changes() {
		res.Change = "annotation " + ManagedAnnotation + " updated"
	}
	newData := doc.Data()
	res.New = Shown(newData, cm.Annotations)
	if !existed {
		res.Old = nil
	}
	return res, newData, nil
}

// changes tells whether a Change is one to write.
func (c Change) changes() bool { return c != Unchanged && c != Absent }

// Shown is aws-auth as a diff shows it: what an edit changes (its data,
// and eks-login's annotation), without the server's bookkeeping.
func Shown(data, annotations map[string]string) map[string]any {
	d := map[string]any{}
	for k, v := range data {
		d[k] = v
	}
	meta := map[string]any{"name": Name, "namespace": Namespace}
	if v, ok := annotations[ManagedAnnotation]; ok {
		meta["annotations"] = map[string]any{ManagedAnnotation: v}
	}
	return map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": d}
}

// InputError gives aws-auth's problems their exit codes: a ConfigMap that
// cannot be parsed is bad input (3), and a protected mapping changed without
// force a conflict (9).
func InputError(err error) error {
	var pe *ParseError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe):
		return exitcode.WithCode(exitcode.Input, err)
	case errors.Is(err, ErrProtected):
		return exitcode.WithCode(exitcode.Conflict, err)
	}
	return err
}
