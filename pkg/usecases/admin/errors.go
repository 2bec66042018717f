package admin

import (
	"errors"

	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/exitcode"
)

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
