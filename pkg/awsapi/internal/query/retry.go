package query

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/internal/awsclient"
)

// RetryCodes returns base with API errors of the given codes made
// retryable, as the SDK's retry.AddWithErrorCodes does. STS needs it: its
// client retries IDPCommunicationError, and the web identity provider
// InvalidIdentityToken, both answers that a second try often turns around.
//
// A nil base stands for the policy awsclient uses without a retryer: three
// attempts, awsclient.IsRetryable, and jittered exponential backoff from
// 100 ms. It is restated here because awsclient does not export it; keep
// the two in step.
func RetryCodes(base aws.Retryer, codes ...string) aws.Retryer {
	return &codeRetryer{base: base, codes: codes}
}

type codeRetryer struct {
	base  aws.Retryer
	codes []string
}

func (r *codeRetryer) IsErrorRetryable(err error) bool {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && slices.Contains(r.codes, apiErr.ErrorCode()) {
		return true
	}
	if r.base == nil {
		return awsclient.IsRetryable(err)
	}
	return r.base.IsErrorRetryable(err)
}

func (r *codeRetryer) MaxAttempts() int {
	if r.base == nil {
		return 3
	}
	return r.base.MaxAttempts()
}

func (r *codeRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	if r.base == nil {
		base := 100 * time.Millisecond << (attempt - 1)
		return base/2 + rand.N(base), nil
	}
	return r.base.RetryDelay(attempt, err)
}

func (r *codeRetryer) GetRetryToken(ctx context.Context, opErr error) (func(error) error, error) {
	if r.base == nil {
		return noRelease, nil
	}
	return r.base.GetRetryToken(ctx, opErr)
}

func (r *codeRetryer) GetInitialToken() func(error) error {
	if r.base == nil {
		return noRelease
	}
	return r.base.GetInitialToken()
}

func noRelease(error) error { return nil }
