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
	"context"
	"net/http"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/eks-login/eks-login/pkg/awsapi/internal/awsclient"
	"github.com/eks-login/eks-login/pkg/awsapi/internal/restjson"
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
	return awsclient.RegionalEndpoint("portal.sso", region)
}

// GetRoleCredentials exchanges an SSO access token for short-term
// credentials of a role the user is assigned in an account.
func (c *Client) GetRoleCredentials(ctx context.Context, params *GetRoleCredentialsInput, optFns ...func(*Options)) (*GetRoleCredentialsOutput, error) {
	const op = "GetRoleCredentials"
	if params == nil {
		params = &GetRoleCredentialsInput{}
	}
	if err := restjson.Required(ServiceID, op, restjson.Param{Name: "AccessToken", Value: params.AccessToken},
		restjson.Param{Name: "AccountId", Value: params.AccountId}, restjson.Param{Name: "RoleName", Value: params.RoleName}); err != nil {
		return nil, err
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
	out := &GetRoleCredentialsOutput{}
	if err := restjson.Invoke(ctx, service, o, req, out); err != nil {
		return nil, err
	}
	return out, nil
}

func decodeError(resp *awsclient.Response) error { return restjson.DecodeError(resp, typedError) }

// typedError returns the portal's exception type for code, as the SDK's
// deserializer would, or nil for codes without one.
func typedError(code string, msg *string) error {
	switch code {
	case "InvalidRequestException":
		return &types.InvalidRequestException{Message: msg}
	case "ResourceNotFoundException":
		return &types.ResourceNotFoundException{Message: msg}
	case "TooManyRequestsException":
		return &types.TooManyRequestsException{Message: msg}
	case "UnauthorizedException":
		return &types.UnauthorizedException{Message: msg}
	}
	return nil
}
