package admin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/plan"
)

// plan plans one cluster: the teams' mappings (aws-auth or access
// entries), then their bindings. It also returns the mappings someone made
// by hand that the file does not declare.
func (t *target) plan(ctx context.Context, w clusterWant, prune bool) (*plan.Plan, []string, error) {
	p := &plan.Plan{}
	var unmanaged []string
	var err error
	if t.useAccessEntries() {
		unmanaged, err = t.accessEntrySteps(ctx, p, w, prune)
	} else {
		unmanaged, err = t.awsAuthSteps(ctx, p, w, prune)
	}
	if err != nil {
		return nil, nil, err
	}
	if err := t.bindingSteps(ctx, p, w, prune); err != nil {
		return nil, nil, err
	}
	return p, unmanaged, nil
}

// awsAuthSteps plans one edit of aws-auth: every team's mapping set, and
// with prune the mappings eks-login added (its annotation lists them) that
// the file no longer declares removed.
func (t *target) awsAuthSteps(ctx context.Context, p *plan.Plan, w clusterWant, prune bool) ([]string, error) {
	var unmanaged []string
	edit := func(d *awsauth.Doc, managed awsauth.Managed) (awsauth.Change, error) {
		change, declared := awsauth.Unchanged, map[string]bool{}
		for _, m := range w.mappings {
			arn, _ := awsAuthARN(m.arn)
			declared[arn] = true
			c, err := d.Set(awsauth.Mapping{ARN: arn, Username: m.username, Groups: m.groups}, false)
			if err != nil {
				return "", fmt.Errorf("team %s: %w", m.team, err)
			}
			if c == awsauth.Added {
				managed[arn] = true
			}
			change = merge(change, c)
		}
		for arn := range managed {
			if _, ok := d.Get(arn); !ok && !declared[arn] {
				delete(managed, arn) // gone by hand: nothing left to manage
			} else if prune && !declared[arn] {
				c, err := d.Remove(arn, false)
				if err != nil {
					return "", err
				}
				delete(managed, arn)
				change = merge(change, c)
			}
		}
		unmanaged = unmanagedMappings(d, managed, declared)
		return change, nil
	}
	what := fmt.Sprintf("%d mappings of the access file", len(w.mappings))
	if len(w.mappings) == 1 {
		what = "the access file's mapping"
	}
	step, err := t.awsAuthStep(ctx, what, edit)
	if err != nil {
		return nil, err
	}
	p.Add(step)
	return unmanaged, nil
}

func merge(a, b awsauth.Change) awsauth.Change {
	if b == awsauth.Unchanged || b == awsauth.Absent {
		return a
	}
	if a == awsauth.Unchanged || a == b {
		return b
	}
	return awsauth.Updated
}

// unmanagedMappings are aws-auth's mappings that neither the file nor
// eks-login's annotation names, apart from those of nodes and cluster
// admins, which every cluster has.
func unmanagedMappings(d *awsauth.Doc, managed awsauth.Managed, declared map[string]bool) []string {
	var out []string
	for _, m := range d.Mappings() {
		if !declared[m.ARN] && !managed[m.ARN] && !m.Protected() {
			out = append(out, fmt.Sprintf("aws-auth %s maps %s to user %s, groups [%s]: not in the access file, added by hand (left alone)",
				m.Key, m.ARN, m.Username, strings.Join(m.Groups, ", ")))
		}
	}
	return out
}

// accessEntrySteps plans each team's access entry, and with prune the
// deletion of entries eks-login created (tagged) that the file no longer
// declares.
func (t *target) accessEntrySteps(ctx context.Context, p *plan.Plan, w clusterWant, prune bool) ([]string, error) {
	declared := map[string]bool{}
	for _, m := range w.mappings {
		declared[m.arn] = true
		e, cur, err := t.readAccessEntry(ctx, m.arn, t.info)
		if err != nil {
			return nil, err
		}
		step, err := e.entryStep(cur, MapSpec{RoleARN: m.arn, Username: m.username, Groups: m.groups})
		if err != nil {
			return nil, fmt.Errorf("team %s: %w", m.team, err)
		}
		if step.Verb == plan.Create {
			step.Apply = retryPropagation(step.Apply, func() {
				t.note("EKS does not see role %s yet (IAM is eventually consistent); trying again", m.arn)
			})
		}
		p.Add(step)
	}
	return t.undeclaredEntries(ctx, p, declared, prune)
}

// undeclaredEntries plans deleting eks-login's entries that the file does
// not declare (with prune), and returns those someone else made.
func (t *target) undeclaredEntries(ctx context.Context, p *plan.Plan, declared map[string]bool, prune bool) ([]string, error) {
	principals, err := t.listEntries(ctx)
	if err != nil {
		return nil, err
	}
	var unmanaged []string
	for _, principal := range principals {
		if declared[principal] {
			continue
		}
		e, cur, err := t.readAccessEntry(ctx, principal, t.info)
		switch {
		case err != nil:
			return nil, err
		case cur == nil || protectedEntry(cur):
		case cur.Tags[CreatedByTag] == "":
			unmanaged = append(unmanaged, fmt.Sprintf("access entry %s maps to user %s, groups [%s]: not in the access file, not created by eks-login (left alone)",
				principal, aws.ToString(cur.Username), strings.Join(cur.KubernetesGroups, ", ")))
		case prune:
			p.Add(e.deleteStep(cur, "created by eks-login; not in the access file"))
		}
	}
	return unmanaged, nil
}

// listEntries lists the principals of the cluster's access entries.
func (t *target) listEntries(ctx context.Context) ([]string, error) {
	var out []string
	pages := eks.NewListAccessEntriesPaginator(t.EKS, &eks.ListAccessEntriesInput{ClusterName: aws.String(t.info.Name)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, awserr.Explain(err, "cannot list the access entries of cluster "+t.info.Name+" (eks:ListAccessEntries)")
		}
		out = append(out, page.AccessEntries...)
	}
	return out, nil
}

// propagationBackoff bounds the wait for a role just created to be known
// to EKS: IAM is eventually consistent, and CreateAccessEntry refuses a
// principal it cannot see yet with InvalidParameterException. About 45 s
// in all.
var propagationBackoff = wait.Backoff{Steps: 8, Duration: 500 * time.Millisecond, Factor: 1.6, Cap: 10 * time.Second}

// retryPropagation retries apply while EKS says the principal does not
// exist, as AWS advises for IAM's eventual consistency.
func retryPropagation(apply func(context.Context) error, retrying func()) func(context.Context) error {
	return func(ctx context.Context) error {
		var last error
		err := wait.ExponentialBackoffWithContext(ctx, propagationBackoff, func(ctx context.Context) (bool, error) {
			last = apply(ctx)
			var ipe *ekstypes.InvalidParameterException
			if errors.As(last, &ipe) && strings.Contains(ipe.ErrorMessage(), "principalArn") {
				retrying()
				return false, nil
			}
			return true, last
		})
		if wait.Interrupted(err) {
			return fmt.Errorf("IAM did not make the role known to EKS in time (retried %d times): %w", propagationBackoff.Steps, last)
		}
		return err
	}
}

// bindingSteps plans the teams' bindings, put back when changed by hand,
// and with prune the deletion of bindings eks-login made (labelled) that
// the file no longer declares.
func (t *target) bindingSteps(ctx context.Context, p *plan.Plan, w clusterWant, prune bool) error {
	k, err := t.kube()
	if err != nil {
		return err
	}
	declared := map[string]bool{}
	for _, b := range w.bindings {
		if err := b.Validate(); err != nil {
			return fmt.Errorf("the access file's group %q cannot name a binding: %w", b.Group, err)
		}
		declared[b.diffName()] = true
		step, err := bindStep(ctx, k, b, true)
		if err != nil {
			return err
		}
		p.Add(step)
	}
	if !prune {
		return nil
	}
	managed, err := managedBindings(ctx, k)
	if err != nil {
		return err
	}
	for _, mb := range managed {
		if !declared[mb.b.diffName()] {
			p.Add(mb.deleteStep(k))
		}
	}
	return nil
}

// managedBinding is a binding eks-login made, as listed.
type managedBinding struct {
	b               Binding
	ref             rbacv1.RoleRef
	subjects        []rbacv1.Subject
	resourceVersion string
}

// managedBindings lists the bindings labelled as eks-login's.
func managedBindings(ctx context.Context, k *kube.Client) ([]managedBinding, error) {
	selector := ManagedByLabel + "=" + ManagedByValue
	var out []managedBinding
	var crbs rbacv1.ClusterRoleBindingList
	if err := k.List(ctx, kube.ClusterRoleBindings, "", selector, &crbs); err != nil {
		return nil, kube.Explain(err, "cannot list eks-login's ClusterRoleBindings")
	}
	for _, o := range crbs.Items {
		out = append(out, managedBinding{Binding{Name: o.Name, ClusterRole: o.RoleRef.Name, Group: firstGroup(o.Subjects)}, o.RoleRef, o.Subjects, o.ResourceVersion})
	}
	var rbs rbacv1.RoleBindingList
	if err := k.List(ctx, kube.RoleBindings, "", selector, &rbs); err != nil {
		return nil, kube.Explain(err, "cannot list eks-login's RoleBindings")
	}
	for _, o := range rbs.Items {
		out = append(out, managedBinding{Binding{Name: o.Name, Namespace: o.Namespace, ClusterRole: o.RoleRef.Name, Group: firstGroup(o.Subjects)}, o.RoleRef, o.Subjects, o.ResourceVersion})
	}
	slices.SortFunc(out, func(a, b managedBinding) int { return strings.Compare(a.b.diffName(), b.b.diffName()) })
	return out, nil
}

func firstGroup(subs []rbacv1.Subject) string {
	for _, s := range subs {
		if s.Kind == rbacv1.GroupKind {
			return s.Name
		}
	}
	return ""
}

// deleteStep deletes the binding at the version listed: one changed since
// stays.
func (mb managedBinding) deleteStep(k *kube.Client) *plan.Step {
	b := mb.b
	return &plan.Step{Verb: plan.Delete, Object: b.title(), Note: "made by eks-login; not in the access file",
		Diff: fileplan.ObjectDiff(b.diffName(), b.view(mb.ref, mb.subjects), nil),
		Apply: func(ctx context.Context) error {
			err := k.Delete(ctx, b.resource(), b.Namespace, b.name(), mb.resourceVersion)
			if apierrors.IsNotFound(err) {
				return nil
			}
			return kube.Explain(err, "cannot delete "+b.title())
		}}
}
