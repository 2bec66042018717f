// Package ssooidc is a lean AWS IAM Identity Center OIDC client with the API
// of aws-sdk-go-v2/service/ssooidc for CreateToken, which refreshes an SSO
// access token; switch by changing the import path. It speaks REST-JSON
// through the shared transport in pkg/awsapi/internal/awsclient so that the
// plugin binary does not link the SDK's service package, whose generated
// schemas and endpoint tables slow every start-up.
//
// As with the SDK, CreateToken is never signed: the client secret and the
// refresh token in its body are what authenticate it.
package ssooidc

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/internal/awsclient"
	"github.com/eks-login/eks-login/pkg/awsapi/internal/restjson"
	"github.com/eks-login/eks-login/pkg/awsapi/ssooidc/types"
)

// ServiceID is the SDK's service ID for SSO OIDC: errors name it, and
// AWS_ENDPOINT_URL_SSO_OIDC overrides its endpoint.
const ServiceID = "SSO OIDC"

// Options mirror the SDK's ssooidc.Options fields that this client honours:
// region (which picks the endpoint), base endpoint, HTTP client and retries.
// Credentials are not used: every call is anonymous, as with the SDK.
type Options = awsclient.Options

// Client calls SSO OIDC.
type Client struct {
	options Options
}

// New returns a client with the given options.
func New(options Options, optFns ...func(*Options)) *Client {
	return &Client{options: awsclient.Apply(options, optFns)}
}

// NewFromConfig returns a client configured like the SDK's
// ssooidc.NewFromConfig would be from cfg: region, endpoint
// (cfg.BaseEndpoint, then AWS_ENDPOINT_URL_SSO_OIDC), HTTP client and
// retryer.
func NewFromConfig(cfg aws.Config, optFns ...func(*Options)) *Client {
	return New(awsclient.FromConfig(service, cfg), optFns...)
}

// Options returns a copy of the client's options.
func (c *Client) Options() Options { return c.options.Copy() }

var service = &awsclient.Service{
	ID:          ServiceID,
	SigningName: "sso-oauth",
	Endpoint:    Endpoint,
	Error:       decodeError,
}

// Endpoint is the canonical SSO OIDC endpoint for a region and the region
// to sign for; both are empty without a region.
func Endpoint(region string) (endpoint, signingRegion string) {
	return awsclient.RegionalEndpoint("oidc", region)
}

// CreateToken creates (here: refreshes) an access token for a registered
// client.
func (c *Client) CreateToken(ctx context.Context, params *CreateTokenInput, optFns ...func(*Options)) (*CreateTokenOutput, error) {
	const op = "CreateToken"
	if params == nil {
		params = &CreateTokenInput{}
	}
	if err := restjson.Required(ServiceID, op, restjson.Param{Name: "ClientId", Value: params.ClientId},
		restjson.Param{Name: "ClientSecret", Value: params.ClientSecret}, restjson.Param{Name: "GrantType", Value: params.GrantType}); err != nil {
		return nil, err
	}
	// Members in the SDK's order; a nil scope is left out, an empty one is
	// sent as [].
	body := struct {
		ClientId     *string   `json:"clientId,omitempty"`
		ClientSecret *string   `json:"clientSecret,omitempty"`
		Code         *string   `json:"code,omitempty"`
		CodeVerifier *string   `json:"codeVerifier,omitempty"`
		DeviceCode   *string   `json:"deviceCode,omitempty"`
		GrantType    *string   `json:"grantType,omitempty"`
		RedirectUri  *string   `json:"redirectUri,omitempty"`
		RefreshToken *string   `json:"refreshToken,omitempty"`
		Scope        *[]string `json:"scope,omitempty"`
	}{params.ClientId, params.ClientSecret, params.Code, params.CodeVerifier, params.DeviceCode,
		params.GrantType, params.RedirectUri, params.RefreshToken, nil}
	if params.Scope != nil {
		body.Scope = &params.Scope
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as smithy's JSON encoder
	if err := enc.Encode(body); err != nil {
		return nil, &smithy.OperationError{ServiceID: ServiceID, OperationName: op, Err: err}
	}
	o := awsclient.Apply(c.options, optFns)
	// The SDK resolves this operation's auth to smithy.api#noAuth whatever
	// the configured credentials.
	o.Credentials = aws.AnonymousCredentials{}
	out := &CreateTokenOutput{}
	if err := restjson.Invoke(ctx, service, o, &awsclient.Request{
		Operation:   op,
		Method:      http.MethodPost,
		Path:        "/token",
		ContentType: "application/json",
		Body:        bytes.TrimSuffix(buf.Bytes(), []byte("\n")),
	}, out); err != nil {
		return nil, err
	}
	return out, nil
}

// decodeError reads a REST-JSON error as the SDK does; a modelled error
// takes its members from the body (OAuth's error and error_description).
func decodeError(resp *awsclient.Response) error {
	return restjson.DecodeError(resp, func(code string, _ *string) error {
		target := typedError(code)
		if target != nil {
			_ = json.Unmarshal(resp.Body, target)
		}
		return target
	})
}

// typedError returns an empty value of the exception type for code, as the
// SDK's deserializer would pick it, or nil for codes without one. Only
// CreateToken's errors have types: it is the one operation this client has.
func typedError(code string) error {
	var target error
	switch code {
	case "AccessDeniedException":
		target = &types.AccessDeniedException{}
	case "AuthorizationPendingException":
		target = &types.AuthorizationPendingException{}
	case "ExpiredTokenException":
		target = &types.ExpiredTokenException{}
	case "InternalServerException":
		target = &types.InternalServerException{}
	case "InvalidClientException":
		target = &types.InvalidClientException{}
	case "InvalidGrantException":
		target = &types.InvalidGrantException{}
	case "InvalidRequestException":
		target = &types.InvalidRequestException{}
	case "InvalidScopeException":
		target = &types.InvalidScopeException{}
	case "SlowDownException":
		target = &types.SlowDownException{}
	case "UnauthorizedClientException":
		target = &types.UnauthorizedClientException{}
	case "UnsupportedGrantTypeException":
		target = &types.UnsupportedGrantTypeException{}
	}
	return target
}
