package login

import (
	"context"
	"errors"
	"fmt"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kube"
)

// User is who the cluster takes the user for.
type User struct {
	Username string
	Groups   []string
}

// Verify is the last stage of a login to one cluster: it asks the API
// server who the new context is (SelfSubjectReview), running its exec
// entry as kubectl would (client-go's exec authenticator).
func (l *Login) Verify(ctx context.Context, w *Written) (*User, error) {
	return l.verify(ctx, w, w.Targets[0])
}

// Verified is one context checked by VerifyMany: who the cluster says the
// user is, or why it would not say.
type Verified struct {
	Target Target
	User   *User
	Err    error
}

// VerifyMany is the last stage of a discovery: it checks, in parallel, a
// sample of the contexts written (the first of each profile), or all of
// them.
func (l *Login) VerifyMany(ctx context.Context, w *Written, all bool) []Verified {
	var picked []Target
	profiles := map[string]bool{}
	for _, t := range w.Targets {
		if all || !profiles[t.Profile] {
			picked = append(picked, t)
			profiles[t.Profile] = true
		}
	}
	out := make([]Verified, len(picked))
	n := l.Parallel
	if n <= 0 || n > 8 {
		n = 8 // each check runs the token command: a process, not a call
	}
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, t := range picked {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			u, err := l.verify(ctx, w, t)
			out[i] = Verified{Target: t, User: u, Err: err}
		}()
	}
	wg.Wait()
	return out
}

// verify asks the API server of target t who its context is.
func (l *Login) verify(ctx context.Context, w *Written, t Target) (*User, error) {
	cfg, err := kube.LoadBytes(w.plan.loc.File.Path, w.Context.New, t.Context)
	if err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	client, err := kube.New(cfg.REST)
	if err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	l.Log.Printf("SelfSubjectReview at %s through context %s", client.Server(), t.Context)
	u, err := client.WhoAmI(ctx)
	if err != nil {
		return nil, verifyError(err, t)
	}
	return &User{Username: u.Username, Groups: u.Groups}, nil
}

// verifyError says why the cluster would not say who the user is, and that
// the files are written all the same.
func verifyError(err error, t Target) error {
	written := fmt.Sprintf("The profile and the context are written; once this is fixed, run 'kubectl --context %s auth whoami' to check.", t.Context)
	role, cluster := t.Role, t.Cluster.Name
	var ee *kube.ExecError
	var te *kube.TransportError
	switch {
	case apierrors.IsUnauthorized(err):
		name := role
		if r, err := parseRoleARN(role); err == nil {
			name = r.Name
		} else {
			role = "ROLE-ARN" // an SSO role: its ARN has the permission set's path and suffix
		}
		return exitcode.Errorf(exitcode.Unauthorized,
			"cluster %s does not know role %s (the API server answered 401 Unauthorized): the role is not mapped to a Kubernetes user, neither in the aws-auth ConfigMap nor by an EKS access entry. A cluster administrator can map it with:\n  kubectl eks-login admin map --role-arn %s --username %s --group GROUP\n%s",
			cluster, t.Role, role, name, written)
	case apierrors.IsForbidden(err):
		return exitcode.Errorf(exitcode.Forbidden,
			"cluster %s knows role %s but RBAC forbids it to create selfsubjectreviews (authentication.k8s.io), which the system:basic-user ClusterRole allows every authenticated user; the server said: %v. Ask a cluster administrator to restore that binding. %s",
			cluster, role, err, written)
	case errors.As(err, &ee):
		code := exitcode.Credentials
		if ee.ExitCode >= exitcode.Input && ee.ExitCode <= exitcode.Conflict {
			code = ee.ExitCode // the token command's own kind of failure
		}
		return exitcode.Errorf(code, "cannot check the login: %v. %s", err, written)
	case errors.As(err, &te):
		return exitcode.Errorf(exitcode.Network, "cannot check the login: %v. %s", err, written)
	}
	return exitcode.Errorf(exitcode.Failure, "cannot check the login: %v. %s", err, written)
}
