package admin

import (
	"errors"
	"fmt"

	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kube"
)

// KubeError gives an API server error the exit code and advice the admin
// commands give theirs, for use cases beside them.
func KubeError(err error, doing string) error { return kubeErr(err, doing) }

// kubeErr turns an API server error into one with the right exit code and a
// hint about what to do.
func kubeErr(err error, doing string) error {
	if err == nil {
		return nil
	}
	var te *kube.TransportError
	var ee *kube.ExecError
	switch {
	case apierrors.IsUnauthorized(err):
		return exitcode.Errorf(exitcode.Unauthorized, "%s: the cluster does not know the kubeconfig's user; use a context with cluster-admin access (--context): %w", doing, err)
	case apierrors.IsForbidden(err):
		return exitcode.Errorf(exitcode.Forbidden, "%s: RBAC forbids it; the admin commands need a context with cluster-admin access (--context): %w", doing, err)
	case isWriteConflict(err):
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

// isWriteConflict: the object changed (Conflict) or was created
// (AlreadyExists) since it was read.
func isWriteConflict(err error) bool {
	return apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err)
}

// inputErr gives aws-auth problems their exit codes.
func inputErr(err error) error {
	var pe *awsauth.ParseError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe):
		return exitcode.WithCode(exitcode.Input, err)
	case errors.Is(err, awsauth.ErrProtected):
		return exitcode.WithCode(exitcode.Conflict, err)
	}
	return err
}

func noSuchEntity(err error) bool {
	var nse *iamtypes.NoSuchEntityException
	return errors.As(err, &nse)
}

func isNotFound(err error) bool {
	var nf *ekstypes.ResourceNotFoundException
	return errors.As(err, &nf)
}
