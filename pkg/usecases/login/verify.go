package login

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kube"
)

// User is who the cluster takes the user for.
type User struct {
	Username string
	Groups   []string
}

// Verify is the last stage: it asks the API server who the new context is
// (SelfSubjectReview), running its exec entry as kubectl would (client-go's
// exec authenticator).
func (l *Login) Verify(ctx context.Context, w *Written) (*User, error) {
	in := w.Input
	cfg, err := kube.LoadBytes(w.plan.loc.File.Path, w.Context.New, in.Alias)
	if err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	client, err := kube.New(cfg.REST)
	if err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	l.Log.Printf("SelfSubjectReview at %s through context %s", client.Server(), in.Alias)
	u, err := client.WhoAmI(ctx)
	if err != nil {
		return nil, verifyError(err, in, w.plan.r.role)
	}
	return &User{Username: u.Username, Groups: u.Groups}, nil
}

// verifyError says why the cluster would not say who the user is, and that
// the files are written all the same.
func verifyError(err error, in Input, role string) error {
	written := fmt.Sprintf("The profile and the context are written; once this is fixed, run 'kubectl --context %s auth whoami' to check.", in.Alias)
	var ee *kube.ExecError
	var te *kube.TransportError
	switch {
	case apierrors.IsUnauthorized(err):
		r, _ := parseRoleARN(role)
		return exitcode.Errorf(exitcode.Unauthorized,
			"cluster %s does not know role %s (the API server answered 401 Unauthorized): the role is not mapped to a Kubernetes user, neither in the aws-auth ConfigMap nor by an EKS access entry. A cluster administrator can map it with:\n  kubectl eks-login admin map --role-arn %s --username %s --group GROUP\n%s",
			in.Cluster, role, role, r.Name, written)
	case apierrors.IsForbidden(err):
		return exitcode.Errorf(exitcode.Forbidden,
			"cluster %s knows role %s but RBAC forbids it to create selfsubjectreviews (authentication.k8s.io), which the system:basic-user ClusterRole allows every authenticated user; the server said: %v. Ask a cluster administrator to restore that binding. %s",
			in.Cluster, role, err, written)
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
