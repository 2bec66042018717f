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
				who, access := c.Principals[j.p].reviewed(j.s)
				st, err := k.Review(ctx, who.spec(checks[j.c]))
				if err != nil {
					once.Do(func() {
						firstErr = kube.Explain(err, "cannot ask the API server of cluster "+c.Name+" what "+who.username+" may do (SubjectAccessReview)")
						cancel()
					})
					continue
				}
				reason := st.Reason
				if st.EvaluationError != "" && !st.Allowed {
					reason = st.EvaluationError
				}
				access[j.c] = Answer{Check: checks[j.c].String(), Allowed: st.Allowed, Reason: reason}
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

// reviewJob is one check (c) of one principal (p) as mapped (s < 0) or as
// one of its sessions (s), by index.
type reviewJob struct{ p, s, c int }

// reviewed is the user asked about and the answers to fill: the
// principal's as mapped (s < 0), or its session s's.
func (p *Principal) reviewed(s int) (reviewUser, []Answer) {
	if s < 0 {
		return p.review, p.Access
	}
	return p.Sessions[s].review, p.Sessions[s].Access
}

// send queues a review of each check for each principal with a Kubernetes
// user, and for each of its sessions, until ctx ends.
func send(ctx context.Context, jobs chan<- reviewJob, c *Cluster, checks []Check) {
	for i := range c.Principals {
		p := &c.Principals[i]
		if p.review.username == "" && len(p.review.groups) == 0 {
			continue // another account's mapAccounts: no user to ask about
		}
		p.Access = make([]Answer, len(checks))
		for s := range p.Sessions {
			p.Sessions[s].Access = make([]Answer, len(checks))
		}
		for s := -1; s < len(p.Sessions); s++ {
			for j := range checks {
				select {
				case jobs <- reviewJob{i, s, j}:
				case <-ctx.Done():
					return
				}
			}
		}
	}
}
