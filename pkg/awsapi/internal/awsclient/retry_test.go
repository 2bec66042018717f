package awsclient

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

type instant struct{ aws.NopRetryer }

func (instant) MaxAttempts() int                             { return 5 }
func (instant) RetryDelay(int, error) (time.Duration, error) { return 0, nil }

func apiError(code string, status int) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
		Err:      &smithy.GenericAPIError{Code: code},
	}}
}

func TestRetryCodes(t *testing.T) {
	for _, tt := range []struct {
		name      string
		base      aws.Retryer
		err       error
		retryable bool
		attempts  int
	}{
		{"added code over the default", nil, apiError("IDPCommunicationError", 400), true, 3},
		{"other 4xx over the default", nil, apiError("AccessDenied", 403), false, 3},
		{"throttling over the default", nil, apiError("Throttling", 400), true, 3},
		{"5xx over the default", nil, apiError("InternalFailure", 500), true, 3},
		{"cancelled over the default", nil, context.Canceled, false, 3},
		{"added code over a base", instant{}, apiError("IDPCommunicationError", 400), true, 5},
		{"the base decides the rest", instant{}, apiError("InternalFailure", 500), false, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := RetryCodes(tt.base, "IDPCommunicationError")
			if got := r.IsErrorRetryable(tt.err); got != tt.retryable {
				t.Errorf("IsErrorRetryable = %v", got)
			}
			if got := r.MaxAttempts(); got != tt.attempts {
				t.Errorf("MaxAttempts = %d", got)
			}
			release, err := r.GetRetryToken(context.Background(), tt.err)
			if err != nil || release(nil) != nil || r.GetInitialToken()(nil) != nil {
				t.Errorf("retry tokens: %v", err)
			}
		})
	}
	// Nested, as when the web identity provider adds a code to the client's.
	r := RetryCodes(RetryCodes(nil, "A"), "B")
	if !r.IsErrorRetryable(apiError("A", 400)) || !r.IsErrorRetryable(apiError("B", 400)) || r.IsErrorRetryable(apiError("C", 400)) {
		t.Error("nested RetryCodes lost a code")
	}
	for attempt := 1; attempt <= 3; attempt++ {
		base := 100 * time.Millisecond << (attempt - 1)
		if d, err := (DefaultRetryer{}).RetryDelay(attempt, nil); err != nil || d < base/2 || d >= base/2+base {
			t.Errorf("default delay before attempt %d: %v, %v", attempt+1, d, err)
		}
	}
	if d, err := RetryCodes(instant{}).RetryDelay(1, nil); d != 0 || err != nil {
		t.Errorf("the base's delay is %v, %v; want 0", d, err)
	}
}
