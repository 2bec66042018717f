// Package awsclient is the transport shared by the lean AWS clients (EKS, IAM,
// STS, SSO, SSO OIDC): endpoint choice, SigV4 signing, retries and SDK-shaped errors.
//
// It exists so that the plugin binary does not link aws-sdk-go-v2's
// service/eks and service/iam packages, whose generated schema variables cost
// milliseconds and a megabyte of allocations at every start-up, even on the
// token path that never calls them.
package awsclient

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Service describes one AWS service to the shared transport.
type Service struct {
	// ID is the SDK's service ID ("EKS", "IAM"): it names the service in
	// errors and in the AWS_ENDPOINT_URL_<ID> variable.
	ID string
	// SigningName is the SigV4 service name ("eks", "iam").
	SigningName string
	// Endpoint returns the canonical endpoint for a region and the region
	// to sign for there (IAM is global and signs for its partition's home).
	Endpoint func(region string) (endpoint, signingRegion string)
	// Error turns a failed response into an API error; it is only called
	// for status codes of 300 and above.
	Error func(resp *Response) error
}

// Options are the settings both clients share; eks.Options and iam.Options
// are aliases of it.
type Options struct {
	Region           string
	BaseEndpoint     *string
	HTTPClient       aws.HTTPClient
	Credentials      aws.CredentialsProvider
	Retryer          aws.Retryer
	RetryMaxAttempts int
}

// Copy returns a copy of the options, as the SDK's Options.Copy.
func (o Options) Copy() Options { return o }

// Apply returns a copy of o changed by fns, with its credentials cached as
// the SDK caches them, so that assumed-role or SSO credentials are fetched once.
func Apply(o Options, fns []func(*Options)) Options {
	for _, fn := range fns {
		fn(&o)
	}
	o.Credentials = Cached(o.Credentials)
	return o
}

// FromConfig takes the settings of an SDK configuration the way the SDK's
// own service clients do.
//
// Endpoints: cfg.BaseEndpoint first (config.LoadDefaultConfig puts
// AWS_ENDPOINT_URL there), then AWS_ENDPOINT_URL_<ID> (see EndpointEnvVar)
// from the environment, which the SDK would find through cfg.ConfigSources.
// Endpoint settings in the shared config file's "services" sections are not
// read.
func FromConfig(svc *Service, cfg aws.Config) Options {
	o := Options{
		Region:           cfg.Region,
		BaseEndpoint:     cfg.BaseEndpoint,
		HTTPClient:       cfg.HTTPClient,
		Credentials:      cfg.Credentials,
		RetryMaxAttempts: cfg.RetryMaxAttempts,
	}
	if cfg.Retryer != nil {
		o.Retryer = cfg.Retryer()
	}
	if ignore, _ := os.LookupEnv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"); strings.EqualFold(ignore, "true") {
		return o
	}
	if v, ok := os.LookupEnv(EndpointEnvVar(svc.ID)); ok && v != "" {
		o.BaseEndpoint = aws.String(v)
	} else if v, ok := os.LookupEnv("AWS_ENDPOINT_URL"); ok && v != "" && o.BaseEndpoint == nil {
		// An aws.Config built by hand has not folded this in.
		o.BaseEndpoint = aws.String(v)
	}
	return o
}

// EndpointEnvVar names the variable that overrides a service's endpoint, as
// the SDK derives it from the service ID: upper case, spaces made
// underscores ("SSO OIDC" reads AWS_ENDPOINT_URL_SSO_OIDC).
func EndpointEnvVar(serviceID string) string {
	return "AWS_ENDPOINT_URL_" + strings.ReplaceAll(strings.ToUpper(serviceID), " ", "_")
}

// RegionalEndpoint is the endpoint of a service that the SDK resolves, without
// FIPS or dual-stack, to "https://PREFIX.REGION.amazonaws.com" (".com.cn" in
// the China regions) and signs for the region itself, as EKS and the SSO
// portal and OIDC services do; both are empty without a region. It is one
// function so that those clients cannot drift apart on the rule.
func RegionalEndpoint(prefix, region string) (endpoint, signingRegion string) {
	if region == "" {
		return "", ""
	}
	suffix := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return "https://" + prefix + "." + region + "." + suffix, region
}

// Cached wraps a credentials provider in a cache unless it already is one,
// as the SDK does, so that assumed-role or SSO credentials are fetched once.
func Cached(p aws.CredentialsProvider) aws.CredentialsProvider {
	switch p.(type) {
	case nil, *aws.CredentialsCache, aws.AnonymousCredentials:
		return p
	}
	return aws.NewCredentialsCache(p)
}

// Request is one HTTP request before signing.
type Request struct {
	Operation   string
	Method      string
	Path        string // already escaped
	Query       url.Values
	ContentType string
	// Header holds extra headers, such as the SSO portal's bearer token;
	// they are signed with the request when it is signed.
	Header http.Header
	Body   []byte
}

// Response is a complete HTTP response.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	// HTTP is the response with its body already read, for errors.
	HTTP *http.Response
}

// RequestID is the service's request ID for the response.
func (r *Response) RequestID() string {
	if id := r.Header.Get("X-Amzn-Requestid"); id != "" {
		return id
	}
	return r.Header.Get("X-Amz-Request-Id")
}

// Do sends req, signing and retrying it, and returns a 2xx response, or an
// error shaped like the SDK's: *smithy.OperationError wrapping an
// *awshttp.ResponseError wrapping the API error.
func Do(ctx context.Context, svc *Service, o Options, req *Request) (*Response, error) {
	resp, err := do(ctx, svc, o, req)
	if err != nil {
		return nil, &smithy.OperationError{ServiceID: svc.ID, OperationName: req.Operation, Err: err}
	}
	return resp, nil
}

func do(ctx context.Context, svc *Service, o Options, req *Request) (*Response, error) {
	endpoint, signingRegion, err := resolveEndpoint(svc, o)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("the %s endpoint %q is not an absolute URL", svc.ID, endpoint)
	}
	u.RawPath = strings.TrimRight(u.Path, "/") + req.Path
	if u.Path, err = url.PathUnescape(u.RawPath); err != nil {
		return nil, fmt.Errorf("the request path %q is not properly escaped: %w", req.Path, err)
	}
	if len(req.Query) > 0 {
		u.RawQuery = req.Query.Encode()
	}
	if o.Credentials == nil {
		return nil, fmt.Errorf("no AWS credentials are configured for %s", svc.ID)
	}
	client := o.HTTPClient
	if client == nil {
		client = httpClient()
	}
	sum := sha256.Sum256(req.Body)
	payloadHash := hex.EncodeToString(sum[:])

	attempts, retryable, delay := retryPolicy(o)
	for attempt := 1; ; attempt++ {
		resp, err := send(ctx, svc, o, client, req, u, payloadHash, signingRegion)
		if err == nil {
			return resp, nil
		}
		if attempt >= attempts || !retryable(err) || ctx.Err() != nil {
			return nil, err
		}
		wait, derr := delay(attempt, err)
		if derr != nil {
			return nil, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
	}
}

func send(ctx context.Context, svc *Service, o Options, client aws.HTTPClient, req *Request, u *url.URL, payloadHash, signingRegion string) (*Response, error) {
	hreq, err := http.NewRequestWithContext(ctx, req.Method, u.String(), bytes.NewReader(req.Body))
	if err != nil {
		return nil, err
	}
	// NewRequest re-derives the path from the string; keep the escaping we
	// chose, since it is what gets signed.
	hreq.URL.Path, hreq.URL.RawPath = u.Path, u.RawPath
	for k, v := range req.Header {
		hreq.Header[http.CanonicalHeaderKey(k)] = v
	}
	if req.ContentType != "" {
		hreq.Header.Set("Content-Type", req.ContentType)
	}
	hreq.Header.Set("User-Agent", "eks-login awsapi")
	if _, anonymous := o.Credentials.(aws.AnonymousCredentials); !anonymous {
		creds, err := o.Credentials.Retrieve(ctx)
		if err != nil {
			return nil, fmt.Errorf("could not get AWS credentials for %s: %w", svc.ID, err)
		}
		// Bodiless requests sign the empty payload; the signer also adds
		// X-Amz-Security-Token for session credentials.
		hreq.Header.Set("X-Amz-Content-Sha256", payloadHash)
		if err := v4.NewSigner().SignHTTP(ctx, creds, hreq, payloadHash, svc.SigningName, signingRegion, time.Now().UTC()); err != nil {
			return nil, fmt.Errorf("could not sign the %s request: %w", svc.ID, err)
		}
	}
	hresp, err := client.Do(hreq)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &smithy.CanceledError{Err: err}
		}
		return nil, &smithyhttp.RequestSendError{Err: err}
	}
	body, err := io.ReadAll(hresp.Body)
	hresp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("could not read the %s response: %w", svc.ID, err)
	}
	hresp.Body = io.NopCloser(bytes.NewReader(body))
	resp := &Response{StatusCode: hresp.StatusCode, Header: hresp.Header, Body: body, HTTP: hresp}
	if hresp.StatusCode < 300 {
		return resp, nil
	}
	return nil, &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: hresp}, Err: svc.Error(resp)},
		RequestID:     resp.RequestID(),
	}
}

// httpClient is the client for configurations without one. It shares
// http.DefaultTransport's connection pool, so building it per call is cheap.
func httpClient() aws.HTTPClient {
	return &http.Client{Timeout: 2 * time.Minute}
}

func resolveEndpoint(svc *Service, o Options) (endpoint, signingRegion string, err error) {
	if o.BaseEndpoint != nil && *o.BaseEndpoint != "" {
		// As with the SDK, a custom endpoint is signed for the client's
		// region; a global service without one signs for its home region.
		region := o.Region
		if region == "" {
			_, region = svc.Endpoint("")
		}
		if region == "" {
			return "", "", fmt.Errorf("no AWS region is configured for %s", svc.ID)
		}
		return *o.BaseEndpoint, region, nil
	}
	endpoint, signingRegion = svc.Endpoint(o.Region)
	if endpoint == "" {
		return "", "", fmt.Errorf("no AWS region is configured for %s", svc.ID)
	}
	return endpoint, signingRegion, nil
}

// retryPolicy follows o.Retryer when the configuration has one, so that
// aws.NopRetryer and custom retry modes behave as with the SDK; otherwise
// DefaultRetryer's. RetryMaxAttempts overrides either's attempts.
func retryPolicy(o Options) (attempts int, retryable func(error) bool, delay func(int, error) (time.Duration, error)) {
	r := o.Retryer
	if r == nil {
		r = DefaultRetryer{}
	}
	attempts = r.MaxAttempts()
	if o.RetryMaxAttempts > 0 {
		attempts = o.RetryMaxAttempts
	}
	return max(attempts, 1), r.IsErrorRetryable, r.RetryDelay
}

// DefaultRetryer is the policy of options without a Retryer: three attempts,
// IsRetryable, and jittered exponential backoff from 100 ms.
type DefaultRetryer struct{}

func (DefaultRetryer) IsErrorRetryable(err error) bool { return IsRetryable(err) }
func (DefaultRetryer) MaxAttempts() int                { return 3 }

func (DefaultRetryer) RetryDelay(attempt int, _ error) (time.Duration, error) {
	base := 100 * time.Millisecond << (attempt - 1)
	return base/2 + rand.N(base), nil
}

func (DefaultRetryer) GetRetryToken(context.Context, error) (func(error) error, error) {
	return noRelease, nil
}

func (DefaultRetryer) GetInitialToken() func(error) error { return noRelease }

func noRelease(error) error { return nil }

// RetryCodes returns base (DefaultRetryer when nil) with API errors of the
// given codes made retryable, as the SDK's retry.AddWithErrorCodes does. STS
// needs it: its client retries IDPCommunicationError, and the web identity
// provider InvalidIdentityToken, answers that a second try often turns
// around.
func RetryCodes(base aws.Retryer, codes ...string) aws.Retryer {
	if base == nil {
		base = DefaultRetryer{}
	}
	return &codeRetryer{Retryer: base, codes: codes}
}

type codeRetryer struct {
	aws.Retryer
	codes []string
}

func (r *codeRetryer) IsErrorRetryable(err error) bool {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && slices.Contains(r.codes, apiErr.ErrorCode()) {
		return true
	}
	return r.Retryer.IsErrorRetryable(err)
}

// IsRetryable is true for throttling, 5xx responses and broken connections.
func IsRetryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
			"TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
			"RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
			"SlowDown", "PriorRequestNotComplete", "EC2ThrottledException", "RequestTimeout", "RequestTimeoutException":
			return true
		}
	}
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) {
		code := status.HTTPStatusCode()
		return code == http.StatusTooManyRequests || code >= 500
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}
