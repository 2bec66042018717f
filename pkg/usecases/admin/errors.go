package admin

import (
	"errors"

	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func noSuchEntity(err error) bool {
	var nse *iamtypes.NoSuchEntityException
	return errors.As(err, &nse)
}

func isNotFound(err error) bool {
	var nf *ekstypes.ResourceNotFoundException
	return errors.As(err, &nf)
}
