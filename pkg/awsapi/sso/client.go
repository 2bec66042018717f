// Package sso is a lean AWS IAM Identity Center (SSO) portal client with the
// API of aws-sdk-go-v2/service/sso for GetRoleCredentials, the one operation
// SSO credentials need; switch by changing the import path. It speaks
// REST-JSON through the shared transport in pkg/awsapi/internal/awsclient so
// that the plugin binary does not link the SDK's service package, whose
// generated schemas and endpoint tables slow every start-up.
//
// As with the SDK, requests are never signed: the portal authenticates the
// SSO access token sent in the x-amz-sso_bearer_token header, so whatever
// credentials the configuration carries are ignored.
package sso

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/internal/awsclient"
	"github.com/eks-login/eks-login/pkg/awsapi/sso/types"
)

// ServiceID is the SDK's service ID for the SSO portal: errors name it, and
// AWS_ENDPOINT_URL_SSO overrides its endpoint.
const ServiceID = "SSO"

// Options mirror the SDK's sso.Options fields that this client honours:
// region (which picks the endpoint), base endpoint, HTTP client and retries.
// Credentials are not used: every call is anonymous, as with the SDK.
type Options = awsclient.Options

// Client calls the SSO portal.
type Client struct {
	options Options
}

// New returns a client with the given options.
func New(options Options, optFns ...func(*Options)) *Client {
	return &Client{options: awsclient.Apply(options, optFns)}
}

// NewFromConfig returns a client configured like the SDK's
// sso.NewFromConfig would be from cfg: region, endpoint (cfg.BaseEndpoint,
// then AWS_ENDPOINT_URL_SSO), HTTP client and retryer.
func NewFromConfig(cfg aws.Config, optFns ...func(*Options)) *Client {
	return New(awsclient.FromConfig(service, cfg), optFns...)
}

// Options returns a copy of the client's options.
func (c *Client) Options() Options { return c.options.Copy() }

var service = &awsclient.Service{
	ID:          ServiceID,
	SigningName: "awsssoportal",
	Endpoint:    Endpoint,
	Error:       decodeError,
}

// Endpoint is the canonical SSO portal endpoint for a region and the region
// to sign for; both are empty without a region.
func Endpoint(region string) (endpoint, signingRegion string) {
	if region == "" {
		return "", ""
	}
	suffix := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return "https://portal.sso." + region + "." + suffix, region
}

// GetRoleCredentials exchanges an SSO access token for short-term
// credentials of a role the user is assigned in an account.
func (c *Client) GetRoleCredentials(ctx context.Context, params *GetRoleCredentialsInput, optFns ...func(*Options)) (*GetRoleCredentialsOutput, error) {
	const op = "GetRoleCredentials"
	if params == nil {
		params = &GetRoleCredentialsInput{}
	}
	var missing []string
	for _, p := range []struct {
		name  string
		value *string
	}{{"AccessToken", params.AccessToken}, {"AccountId", params.AccountId}, {"RoleName", params.RoleName}} {
		if p.value == nil {
			missing = append(missing, p.name)
		}
	}
	if missing != nil {
		return nil, &smithy.OperationError{ServiceID: ServiceID, OperationName: op,
			Err: fmt.Errorf("the request is missing required parameters: %s", strings.Join(missing, ", "))}
	}
	o := awsclient.Apply(c.options, optFns)
	// The SDK resolves this operation's auth to smithy.api#noAuth whatever
	// the configured credentials.
	o.Credentials = aws.AnonymousCredentials{}
	req := &awsclient.Request{
		Operation: op,
		Method:    http.MethodGet,
		Path:      "/federation/credentials",
		Query:     url.Values{"role_name": {*params.RoleName}, "account_id": {*params.AccountId}},
		Header:    http.Header{"X-Amz-Sso_bearer_token": {*params.AccessToken}},
	}
	resp, err := awsclient.Do(ctx, service, o, req)
	if err != nil {
		return nil, err
	}
	out := &GetRoleCredentialsOutput{}
	if len(bytes.TrimSpace(resp.Body)) > 0 {
		if err := json.Unmarshal(resp.Body, out); err != nil {
			return nil, &smithy.OperationError{ServiceID: ServiceID, OperationName: op,
				Err: fmt.Errorf("the %s response could not be decoded: %w", op, err)}
		}
	}
	return out, nil
}

// decodeError reads a REST-JSON error as the SDK does: the code from
// x-amzn-ErrorType, else the body's __type or code; the message from the
// body's message.
func decodeError(resp *awsclient.Response) error {
	var body struct {
		Type    string  `json:"__type"`
		Code    any     `json:"code"`
		Message *string `json:"message"`
	}
	if err := json.NewDecoder(bytes.NewReader(resp.Body)).Decode(&body); err != nil && err != io.EOF {
		// As the SDK: an error body that is not JSON (a proxy's page, say).
		return &smithy.DeserializationError{Err: fmt.Errorf("failed to decode response body, %w", err)}
	}
	code := resp.Header.Get("X-Amzn-Errortype")
	if code == "" {
		code = body.Type
	}
	if s, ok := body.Code.(string); ok && code == "" {
		code = s
	}
	code = sanitizeCode(code)
	switch code {
	case "InvalidRequestException":
		return &types.InvalidRequestException{Message: body.Message}
	case "ResourceNotFoundException":
		return &types.ResourceNotFoundException{Message: body.Message}
	case "TooManyRequestsException":
		return &types.TooManyRequestsException{Message: body.Message}
	case "UnauthorizedException":
		return &types.UnauthorizedException{Message: body.Message}
	}
	if code == "" {
		code = "UnknownError"
	}
	// As the SDK's restjson1 protocol: a body without a message leaves the
	// generic error's message at "UnknownError".
	msg := "UnknownError"
	if body.Message != nil && *body.Message != "" {
		msg = *body.Message
	}
	return &smithy.GenericAPIError{Code: code, Message: msg}
}

// sanitizeCode strips the namespace and suffix that services may add:
// "com.amazonaws.sso#UnauthorizedException:http://..." becomes
// "UnauthorizedException".
func sanitizeCode(code string) string {
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	if i := strings.IndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	return strings.TrimSpace(code)
}
