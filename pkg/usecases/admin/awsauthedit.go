package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/plan"
)

const (
	awsAuthNamespace = "kube-system"
	awsAuthConfigMap = "aws-auth"
	awsAuthName      = "ConfigMap kube-system/aws-auth"
)

// writeBackoff paces the re-read-and-retry of a write that met a 409
// Conflict. Every round one writer wins, so 40 attempts let that many
// writers through at once; the jitter spreads a burst's writers apart.
var writeBackoff = wait.Backoff{Steps: 40, Duration: 10 * time.Millisecond, Factor: 1.05, Jitter: 1}

// awsAuthEdit changes the parsed aws-auth data and the set of mappings
// eks-login manages there; it runs again on a fresh copy after a conflict,
// so it must only depend on those.
type awsAuthEdit func(*awsauth.Doc, Managed) (awsauth.Change, error)

// ManagedMappingsAnnotation on aws-auth lists, as a JSON array, the ARNs of
// the mappings eks-login added (map, grant, apply). apply --prune removes
// only those; a mapping someone added by hand is not in it and is never
// pruned.
const ManagedMappingsAnnotation = "eks-login/managed-mappings"

// Managed is the set of ARNs in ManagedMappingsAnnotation.
type Managed map[string]bool

func parseManaged(annotations map[string]string) Managed {
	m := Managed{}
	var arns []string
	if json.Unmarshal([]byte(annotations[ManagedMappingsAnnotation]), &arns) == nil {
		for _, a := range arns {
			m[a] = true
		}
	}
	return m
}

func (m Managed) String() string {
	arns := slices.Sorted(maps.Keys(m))
	b, _ := json.Marshal(arns)
	return string(b)
}

// setAnnotation writes m into annotations, or takes the annotation away when
// m is empty; it reports whether that changed them.
func (m Managed) setAnnotation(meta *metav1.ObjectMeta) bool {
	old, had := meta.Annotations[ManagedMappingsAnnotation]
	if len(m) == 0 {
		delete(meta.Annotations, ManagedMappingsAnnotation)
		return had
	}
	if meta.Annotations == nil {
		meta.Annotations = map[string]string{}
	}
	meta.Annotations[ManagedMappingsAnnotation] = m.String()
	return old != m.String()
}

type awsAuthResult struct {
	Change   awsauth.Change
	Existed  bool
	Old, New map[string]any // the object as shown in diffs
}

// editAWSAuth reads aws-auth, applies edit and, when write is set, writes it
// back with the resourceVersion it read (creating the ConfigMap when it is
// missing). When someone else wrote or created it in between (409), it
// reads again and redoes the edit on what is there now, so no concurrent
// edit is lost.
func editAWSAuth(ctx context.Context, k *kube.Client, edit awsAuthEdit, write bool) (*awsAuthResult, error) {
	var res *awsAuthResult
	err := retry.OnError(writeBackoff, kube.IsWriteConflict, func() (err error) {
		res, err = editAWSAuthOnce(ctx, k, edit, write)
		return err
	})
	if kube.IsWriteConflict(err) {
		return nil, fmt.Errorf("%s changed under every one of %d attempts to write it; run the command again", awsAuthName, writeBackoff.Steps)
	}
	return res, err
}

func editAWSAuthOnce(ctx context.Context, k *kube.Client, edit awsAuthEdit, write bool) (*awsAuthResult, error) {
	cm := &corev1.ConfigMap{}
	err := k.Get(ctx, kube.ConfigMaps, awsAuthNamespace, awsAuthConfigMap, cm)
	existed := err == nil
	if apierrors.IsNotFound(err) {
		cm = &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: awsAuthConfigMap, Namespace: awsAuthNamespace}}
	} else if err != nil {
		return nil, kube.Explain(err, "cannot read "+awsAuthName)
	}
	data := maps.Clone(cm.Data)
	if data == nil {
		data = map[string]string{}
	}
	doc, err := awsauth.Parse(data)
	if err != nil {
		return nil, inputErr(err)
	}
	managed := parseManaged(cm.Annotations)
	change, err := edit(doc, managed)
	if err != nil {
		return nil, inputErr(err)
	}
	newData := doc.Data()
	res := &awsAuthResult{Change: change, Existed: existed, Old: shown(data, cm.Annotations), New: shown(newData, nil)}
	if managed.setAnnotation(&cm.ObjectMeta) && (change == awsauth.Unchanged || change == awsauth.Absent) {
		change, res.Change = awsauth.Updated, "annotation "+ManagedMappingsAnnotation+" updated"
	}
	res.New = shown(newData, cm.Annotations)
	if !existed {
		res.Old = nil
	}
	if !write || change == awsauth.Unchanged || change == awsauth.Absent {
		return res, nil
	}
	cm.Data = newData
	if existed {
		err = k.Update(ctx, kube.ConfigMaps, awsAuthNamespace, awsAuthConfigMap, cm)
	} else {
		err = k.Create(ctx, kube.ConfigMaps, awsAuthNamespace, cm)
	}
	if kube.IsWriteConflict(err) {
		return nil, err
	}
	if err != nil {
		return nil, kube.Explain(err, "cannot write "+awsAuthName)
	}
	return res, nil
}

// shown is aws-auth as a diff shows it: what the edit changes (its data,
// and eks-login's annotation), without the server's bookkeeping.
func shown(data, annotations map[string]string) map[string]any {
	d := map[string]any{}
	for k, v := range data {
		d[k] = v
	}
	meta := map[string]any{"name": "aws-auth", "namespace": "kube-system"}
	if v, ok := annotations[ManagedMappingsAnnotation]; ok {
		meta["annotations"] = map[string]any{ManagedMappingsAnnotation: v}
	}
	return map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": d}
}

// awsAuthStep plans an edit of aws-auth: it computes the edit on the current
// object for the diff, and applies it by running the same edit again under
// the conflict-retry loop.
func (a *Admin) awsAuthStep(ctx context.Context, what string, edit awsAuthEdit) (*plan.Step, error) {
	k, err := a.kube()
	if err != nil {
		return nil, err
	}
	res, err := editAWSAuth(ctx, k, edit, false)
	if err != nil {
		return nil, err
	}
	s := &plan.Step{Object: awsAuthName, Note: what + ": " + string(res.Change)}
	switch {
	case res.Change == awsauth.Unchanged || res.Change == awsauth.Absent:
		s.Verb = plan.Keep
		return s, nil
	case !res.Existed:
		s.Verb = plan.Create
	default:
		s.Verb = plan.Update
	}
	var old any
	if res.Old != nil {
		old = res.Old
	}
	s.Diff = fileplan.ObjectDiff("kube-system/aws-auth", old, res.New)
	s.Apply = func(ctx context.Context) error {
		_, err := editAWSAuth(ctx, k, edit, true)
		return err
	}
	return s, nil
}
