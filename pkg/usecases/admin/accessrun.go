package admin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/plan"
)

// ApplyRun is how an access plan is applied.
type ApplyRun struct {
	// Out receives each step as it is done: IAM's at once, each cluster's
	// when the cluster is done (clusters run in parallel).
	Out io.Writer
	// Parallel bounds how many clusters are applied at once; 0 means 4.
	Parallel int
	// Started and Finished, when set, hear of each cluster (a progress
	// display); they may be called from several goroutines at once.
	Started, Finished func(*ClusterPlan)
}

// ApplyAccess applies p in dependency order: IAM first (the roles the
// clusters map must exist), then every cluster in parallel. A cluster that
// fails leaves the others going; the error returned says what failed where,
// with the exit code of the first failure.
func (a *Admin) ApplyAccess(ctx context.Context, p *AccessPlan, run ApplyRun) error {
	if err := applySteps(ctx, p.IAM, run.Out, "", retryIAMPropagation); err != nil {
		for _, cp := range p.Clusters {
			if cp.Err == nil && cp.Plan != nil && cp.Plan.Changes() {
				cp.ApplyErr = errors.New("not changed: IAM failed first")
			}
		}
		return fmt.Errorf("IAM: %w; no cluster was changed", err)
	}
	forEach(len(p.Clusters), run.Parallel, func(i int) {
		cp := p.Clusters[i]
		if cp.Err != nil || cp.Plan == nil || !cp.Plan.Changes() {
			return
		}
		if run.Started != nil {
			run.Started(cp)
		}
		var out bytes.Buffer
		total := cp.Plan.Counts().Total()
		cp.ApplyErr = applySteps(ctx, cp.Plan, &out, cp.Name+": ", func(s *plan.Step) func(context.Context) error { return s.Apply })
		cp.Done = total - remaining(cp)
		if run.Finished != nil {
			run.Finished(cp)
		}
		writeLocked(run.Out, out.Bytes())
	})
	return p.Failure()
}

// applySteps applies the plan's changes in order and stops at the first
// failure, counting and printing the steps done.
func applySteps(ctx context.Context, p *plan.Plan, w io.Writer, prefix string, wrap func(*plan.Step) func(context.Context) error) error {
	for _, s := range p.Steps {
		if s.Apply == nil {
			continue
		}
		if err := wrap(s)(ctx); err != nil {
			fmt.Fprintf(w, "%sfailed to %s %s: %v\n", prefix, s.Verb, s.Object, err)
			return err
		}
		s.Apply = nil // done: a failure later must not count it as left
		fmt.Fprintln(w, prefix+s.Line())
	}
	return nil
}

func remaining(cp *ClusterPlan) int { return cp.Plan.Counts().Total() }

// iamPropagationBackoff bounds the wait for an IAM object just created to
// be found by the next call (NoSuchEntity right after the create): IAM is
// eventually consistent.
var iamPropagationBackoff = wait.Backoff{Steps: 6, Duration: 500 * time.Millisecond, Factor: 2, Cap: 8 * time.Second}

// retryIAMPropagation retries a step that creates or changes something
// while IAM answers NoSuchEntity for what the plan made just before it; a
// deletion meeting NoSuchEntity has nothing to wait for.
func retryIAMPropagation(s *plan.Step) func(context.Context) error {
	apply := s.Apply
	if s.Verb == plan.Delete {
		return apply
	}
	return func(ctx context.Context) error {
		var last error
		err := wait.ExponentialBackoffWithContext(ctx, iamPropagationBackoff, func(ctx context.Context) (bool, error) {
			last = apply(ctx)
			if noSuchEntity(last) {
				return false, nil // not there yet: again
			}
			return true, last
		})
		if wait.Interrupted(err) {
			return last
		}
		return err
	}
}

// Failure is the error of a plan or run with failed clusters: how many,
// and the exit code of the first; nil when none failed.
func (p *AccessPlan) Failure() error {
	var first error
	failed := 0
	for _, cp := range p.Clusters {
		if err := cp.failure(); err != nil {
			failed++
			if first == nil {
				first = err
			}
		}
	}
	if failed == 0 {
		return nil
	}
	return exitcode.Errorf(exitcode.Of(first), "%d of %d clusters failed; the first: %w", failed, len(p.Clusters), first)
}

func (cp *ClusterPlan) failure() error {
	switch {
	case cp.Err != nil:
		return fmt.Errorf("%s: %w", cp.title(), cp.Err)
	case cp.ApplyErr != nil:
		return fmt.Errorf("%s: %w", cp.title(), cp.ApplyErr)
	}
	return nil
}

// Summary writes what happened on each cluster after an apply.
func (p *AccessPlan) Summary(w io.Writer) {
	fmt.Fprintln(w, "\nSummary:")
	for _, cp := range p.Clusters {
		switch {
		case cp.Err != nil:
			fmt.Fprintf(w, "  %s: not planned: %v\n", cp.title(), cp.Err)
		case cp.ApplyErr != nil:
			fmt.Fprintf(w, "  %s: FAILED after %d changes (%d not made): %v\n", cp.title(), cp.Done, remaining(cp), cp.ApplyErr)
		case cp.Done > 0:
			fmt.Fprintf(w, "  %s: %d changes made\n", cp.title(), cp.Done)
		default:
			fmt.Fprintf(w, "  %s: nothing to change\n", cp.title())
		}
	}
}

var outMu = make(chan struct{}, 1)

// writeLocked writes b whole, so the clusters' outputs do not interleave.
func writeLocked(w io.Writer, b []byte) {
	outMu <- struct{}{}
	defer func() { <-outMu }()
	w.Write(b)
}
