package migrate

import (
	"context"
	"fmt"
	"maps"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/kube"
)

// writeBackoff paces the re-read and retry of an aws-auth write that met a
// 409 Conflict, as the admin commands do.
var writeBackoff = wait.Backoff{Steps: 40, Duration: 10 * time.Millisecond, Factor: 1.05, Jitter: 1}

// planCleanup computes the edit that removes the migrated mappings from
// aws-auth, for the plan's diff.
func planCleanup(data map[string]string, entries []*Entry) (*Cleanup, error) {
	c := &Cleanup{Remove: []string{}}
	for _, e := range entries {
		c.Remove = append(c.Remove, e.Source.ARN)
	}
	doc, err := awsauth.Parse(maps.Clone(data))
	if err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	if _, err := removeMappings(doc, c.Remove); err != nil {
		return nil, err
	}
	c.Diff = fileplan.ObjectDiff("kube-system/aws-auth", shownConfigMap(data), shownConfigMap(doc.Data()))
	return c, nil
}

// removeMappings removes arns from doc; node roles and system:masters
// mappings too, since their access entries have been checked.
func removeMappings(doc *awsauth.Doc, arns []string) ([]string, error) {
	var removed []string
	for _, arn := range arns {
		change, err := doc.Remove(arn, true)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, err)
		}
		if change == awsauth.Removed {
			removed = append(removed, arn)
		}
	}
	return removed, nil
}

// editAWSAuth reads aws-auth, edits it, and writes it back with the
// resourceVersion it read; on a conflict it reads again and redoes the
// edit, so a concurrent edit is never lost. aws-auth is never deleted, even
// when no mapping is left.
func editAWSAuth(ctx context.Context, k KubeAPI, edit func(*awsauth.Doc) (bool, error)) error {
	err := retry.OnError(writeBackoff, apierrors.IsConflict, func() error {
		var cm corev1.ConfigMap
		if err := k.Get(ctx, kube.ConfigMaps, "kube-system", "aws-auth", &cm); err != nil {
			return err
		}
		doc, err := awsauth.Parse(maps.Clone(cm.Data))
		if err != nil {
			return exitcode.WithCode(exitcode.Input, err)
		}
		changed, err := edit(doc)
		if err != nil || !changed {
			return err
		}
		cm.Data = doc.Data()
		return k.Update(ctx, kube.ConfigMaps, "kube-system", "aws-auth", &cm)
	})
	if apierrors.IsConflict(err) {
		return exitcode.Errorf(exitcode.Conflict, "ConfigMap kube-system/aws-auth changed under every one of %d attempts to write it; run the command again", writeBackoff.Steps)
	}
	if exitcode.Of(err) != exitcode.Failure {
		return err
	}
	return kube.Explain(err, "cannot edit ConfigMap kube-system/aws-auth")
}

// shownConfigMap is aws-auth as diffs show it.
func shownConfigMap(data map[string]string) map[string]any {
	d := map[string]any{}
	for k, v := range data {
		d[k] = v
	}
	return map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system"}, "data": d}
}

// restoreMappings puts mappings back into aws-auth, as they were.
func restoreMappings(ctx context.Context, k KubeAPI, sources []Source) error {
	return editAWSAuth(ctx, k, func(doc *awsauth.Doc) (bool, error) {
		for _, s := range sources {
			if _, err := doc.Set(s.mapping(), true); err != nil {
				return false, fmt.Errorf("put back %s: %w", s.ARN, err)
			}
		}
		return len(sources) > 0, nil
	})
}
