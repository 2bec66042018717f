package admin

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/kube"
)

const (
	awsAuthPath       = "/api/v1/namespaces/kube-system/configmaps/aws-auth"
	awsAuthCollection = "/api/v1/namespaces/kube-system/configmaps"
	awsAuthName       = "ConfigMap kube-system/aws-auth"
	// maxAttempts bounds the re-read-and-retry loop on 409 Conflict. Every
	// round one writer wins, so this many writers at once all get through.
	maxAttempts = 40
)

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
// missing). When someone else wrote in between (409 Conflict), it reads again
// and redoes the edit on what is there now, so no concurrent edit is lost.
func editAWSAuth(ctx context.Context, k Kube, edit awsAuthEdit, write bool) (*awsAuthResult, error) {
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		var obj map[string]any
		err := k.Do(ctx, http.MethodGet, awsAuthPath, nil, &obj)
		existed := err == nil
		if errors.Is(err, kube.ErrNotFound) {
			obj = map[string]any{
				"apiVersion": "v1", "kind": "ConfigMap",
				"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system"},
			}
		} else if err != nil {
			return nil, kubeErr(err, "cannot read "+awsAuthName)
		}
		data := map[string]string{}
		if d, ok := obj["data"].(map[string]any); ok {
			for key, v := range d {
				if s, ok := v.(string); ok {
					data[key] = s
				}
			}
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
		obj["data"] = newData
		if existed {
			err = k.Do(ctx, http.MethodPut, awsAuthPath, obj, nil)
		} else {
			err = k.Do(ctx, http.MethodPost, awsAuthCollection, obj, nil)
		}
		if errors.Is(err, kube.ErrConflict) {
			// Someone wrote aws-auth (or created it) since we read it. A
			// short random pause spreads the writers of a burst apart.
			if err := pause(ctx, attempt); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, kubeErr(err, "cannot write "+awsAuthName)
		}
		return res, nil
	}
	return nil, fmt.Errorf("%s changed under every one of %d attempts to write it; run the command again", awsAuthName, maxAttempts)
}

func pause(ctx context.Context, attempt int) error {
	limit := time.Duration(min(attempt, 10)) * 10 * time.Millisecond
	t := time.NewTimer(rand.N(limit) + time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
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
func awsAuthStep(ctx context.Context, k Kube, what string, edit awsAuthEdit) (*Step, error) {
	res, err := editAWSAuth(ctx, k, edit, false)
	if err != nil {
		return nil, err
	}
	s := &Step{Object: awsAuthName, Note: what + ": " + string(res.Change)}
	switch {
	case res.Change == awsauth.Unchanged || res.Change == awsauth.Absent:
		s.Verb = "keep"
		return s, nil
	case !res.Existed:
		s.Verb = "create"
	default:
		s.Verb = "update"
	}
	var old any
	if res.Old != nil {
		old = res.Old
	}
	s.Diff = objectDiff("kube-system/aws-auth", old, res.New)
	s.apply = func(ctx context.Context) error {
		_, err := editAWSAuth(ctx, k, edit, true)
		return err
	}
	return s, nil
}
