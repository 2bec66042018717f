package admin

import (
	"context"
	"fmt"
	"maps"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"

	"github.com/eks-login/eks-login/pkg/awsauth"
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

// awsAuthEdit changes the parsed aws-auth data; it runs again on a fresh copy
// after a conflict, so it must only depend on the doc.
type awsAuthEdit func(*awsauth.Doc) (awsauth.Change, error)

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
	err := retry.OnError(writeBackoff, isWriteConflict, func() (err error) {
		res, err = editAWSAuthOnce(ctx, k, edit, write)
		return err
	})
	if isWriteConflict(err) {
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
		return nil, kubeErr(err, "cannot read "+awsAuthName)
	}
	data := maps.Clone(cm.Data)
	if data == nil {
		data = map[string]string{}
	}
	doc, err := awsauth.Parse(data)
	if err != nil {
		return nil, inputErr(err)
	}
	change, err := edit(doc)
	if err != nil {
		return nil, inputErr(err)
	}
	newData := doc.Data()
	res := &awsAuthResult{Change: change, Existed: existed, Old: shown(data), New: shown(newData)}
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
	if isWriteConflict(err) {
		return nil, err
	}
	if err != nil {
		return nil, kubeErr(err, "cannot write "+awsAuthName)
	}
	return res, nil
}

// shown is aws-auth as a diff shows it: what the edit changes, without the
// server's bookkeeping.
func shown(data map[string]string) map[string]any {
	d := map[string]any{}
	for k, v := range data {
		d[k] = v
	}
	return map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system"},
		"data":     d,
	}
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
	s.Diff = plan.Diff("kube-system/aws-auth", old, res.New)
	s.Apply = func(ctx context.Context) error {
		_, err := editAWSAuth(ctx, k, edit, true)
		return err
	}
	return s, nil
}
