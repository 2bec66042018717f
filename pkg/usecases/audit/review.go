package audit

import (
	"context"
	"sync"

	authorizationv1 "k8s.io/api/authorization/v1"

	"github.com/eks-login/eks-login/pkg/kube"
)

// authenticated is the group the API server adds to every user it lets
// in; a SubjectAccessReview names every group itself.
const authenticated = "system:authenticated"

// spec is the review of check for the principal's Kubernetes user, as the
// API server would see that user's own request.
func (u reviewUser) spec(c Check) authorizationv1.SubjectAccessReviewSpec {
	groups := append(append([]string{}, u.groups...), authenticated)
	return authorizationv1.SubjectAccessReviewSpec{User: u.username, Groups: groups, Extra: u.extra, UID: u.uid, ResourceAttributes: c.attributes()}
}

// review asks the API server every check for every principal, workers at a
// time; the first failure stops the rest.
func review(parent context.Context, k *kube.Client, c *Cluster, checks []Check, workers int) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	jobs := make(chan reviewJob)
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				p := &c.Principals[j.p]
				st, err := k.Review(ctx, p.review.spec(checks[j.c]))
				if err != nil {
					once.Do(func() {
						firstErr = kube.Explain(err, "cannot ask the API server of cluster "+c.Name+" what "+p.Identity.Username+" may do (SubjectAccessReview)")
						cancel()
					})
					continue
				}
				reason := st.Reason
				if st.EvaluationError != "" && !st.Allowed {
					reason = st.EvaluationError
				}
				p.Access[j.c] = Answer{Check: checks[j.c].String(), Allowed: st.Allowed, Reason: reason}
			}
		})
	}
	send(ctx, jobs, c, checks)
	close(jobs)
	wg.Wait()
	if firstErr == nil {
		firstErr = parent.Err()
	}
	return firstErr
}

// reviewJob is one check (c) of one principal (p), by index.
type reviewJob struct{ p, c int }

// send queues a review of each check for each principal with a Kubernetes
// user, until ctx ends.
func send(ctx context.Context, jobs chan<- reviewJob, c *Cluster, checks []Check) {
	for i := range c.Principals {
		p := &c.Principals[i]
		if p.review.username == "" && len(p.review.groups) == 0 {
			continue // another account's mapAccounts: no user to ask about
		}
		p.Access = make([]Answer, len(checks))
		for j := range checks {
			select {
			case jobs <- reviewJob{i, j}:
			case <-ctx.Done():
				return
			}
		}
	}
}
