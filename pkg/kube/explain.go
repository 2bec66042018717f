package kube

import (
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/eks-login/eks-login/pkg/exitcode"
)

// Explain gives an API server error met while doing something its exit
// code and a hint of what to do: Unauthorized (7) and Forbidden (8) ask for
// a context with cluster-admin access, a conflict (9) asks for a new run, no
// answer is a network failure (6) and a failing exec plugin a credentials
// one (4). An error that has an exit code already keeps it.
func Explain(err error, doing string) error {
	if err == nil {
		return nil
	}
	var te *TransportError
	var ee *ExecError
	switch {
	case apierrors.IsUnauthorized(err):
		return exitcode.Errorf(exitcode.Unauthorized, "%s: the cluster does not know the kubeconfig's user; use a context with cluster-admin access (--context): %w", doing, err)
	case apierrors.IsForbidden(err):
		return exitcode.Errorf(exitcode.Forbidden, "%s: RBAC forbids it; use a context with cluster-admin access (--context): %w", doing, err)
	case IsWriteConflict(err):
		return exitcode.Errorf(exitcode.Conflict, "%s: someone else changed it meanwhile; run the command again to plan from what is there now: %w", doing, err)
	case errors.As(err, &te):
		return exitcode.Errorf(exitcode.Network, "%s: %w", doing, err)
	case errors.As(err, &ee):
		return exitcode.Errorf(exitcode.Credentials, "%s: %w", doing, err)
	}
	if exitcode.Of(err) != exitcode.Failure {
		return err
	}
	return fmt.Errorf("%s: %w", doing, err)
}

// IsWriteConflict tells whether a write lost to another writer: the object
// changed since it was read (409 Conflict), or someone created it first
// (AlreadyExists). Reading again and redoing the edit is the cure.
func IsWriteConflict(err error) bool {
	return apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err)
}

// WriteBackoff paces the re-read and retry of a write that met a conflict.
// Every round one writer wins, so 40 attempts let that many writers through
// at once; the jitter spreads a burst's writers apart.
var WriteBackoff = wait.Backoff{Steps: 40, Duration: 10 * time.Millisecond, Factor: 1.05, Jitter: 1}
