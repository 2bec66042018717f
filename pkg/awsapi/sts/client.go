// Package sts is a lean AWS STS client with the API of
// aws-sdk-go-v2/service/sts for the operations eks-login uses; switch by
// changing the import path. It speaks the Query protocol
// (pkg/awsapi/internal/query) through the shared transport in
// pkg/awsapi/internal/awsclient, because the SDK's sts package, and config
// which links it with sso, ssooidc and signin, cost milliseconds of init at
// every start of the plugin, that is on every kubectl call.
package sts

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/eks-login/eks-login/pkg/awsapi/internal/awsclient"
	"github.com/eks-login/eks-login/pkg/awsapi/internal/query"
	"github.com/eks-login/eks-login/pkg/awsapi/sts/types"
	"github.com/eks-login/eks-login/pkg/token"
)

// ServiceID is the SDK's service ID for STS; AWS_ENDPOINT_URL_STS is named
// after it.
const ServiceID = "STS"

// apiVersion is the Query protocol version every request names.
const apiVersion = "2011-06-15"

// Options mirror the SDK's sts.Options fields that this client honours:
// region (which picks the endpoint), base endpoint, HTTP client, credentials
// and retries. All the lean clients share the one struct.
type Options = awsclient.Options

// Client calls STS.
type Client struct {
	options Options
}

// New returns a client with the given options.
func New(options Options, optFns ...func(*Options)) *Client {
	return &Client{options: awsclient.Apply(options, optFns)}
}

// NewFromConfig returns a client configured like the SDK's
// sts.NewFromConfig would be from cfg: region, endpoint (cfg.BaseEndpoint,
// then AWS_ENDPOINT_URL_STS), HTTP client, credentials and retryer.
func NewFromConfig(cfg aws.Config, optFns ...func(*Options)) *Client {
	return New(awsclient.FromConfig(service, cfg), optFns...)
}

// Options returns a copy of the client's options.
func (c *Client) Options() Options { return c.options.Copy() }

var service = &awsclient.Service{
	ID:          ServiceID,
	SigningName: "sts",
	Endpoint:    Endpoint,
	Error:       decodeError,
}

// Endpoint is the STS endpoint the SDK resolves for region without FIPS or
// dual-stack, and the region to sign for: the regional host in the region's
// partition, or the global host, signed for us-east-1, for the pseudo-region
// "aws-global". Both are empty without a region. Partitions come from
// pkg/token, which names the same hosts in tokens; a region no partition
// claims falls back to the aws partition, as the SDK's partition table does.
func Endpoint(region string) (endpoint, signingRegion string) {
	switch region {
	case "":
		return "", ""
	case "aws-global":
		return "https://sts.amazonaws.com", "us-east-1"
	}
	suffix := "amazonaws.com"
	if p, err := token.PartitionOf(region); err == nil {
		suffix = p.DNSSuffix
	}
	return "https://sts." + region + "." + suffix, region
}

// invoke calls action. anonymous sends it unsigned, as the SDK sends the
// calls whose proof of identity is in the request itself.
func (c *Client) invoke(ctx context.Context, action string, params, out any, anonymous bool, optFns []func(*Options)) error {
	o := awsclient.Apply(c.options, optFns)
	// As the SDK's STS client does for every call, after the caller's
	// option functions.
	o.Retryer = awsclient.RetryCodes(o.Retryer, "IDPCommunicationError")
	if anonymous {
		o.Credentials = aws.AnonymousCredentials{}
	}
	return query.Invoke(ctx, service, o, apiVersion, action, params, out)
}

func decodeError(resp *awsclient.Response) error { return query.DecodeError(resp, typedError) }

// typedError returns STS's exception type for code, as the SDK's
// deserializer would, or nil for codes without one, which includes
// AccessDenied: STS documents no type for it.
func typedError(code string, msg *string) error {
	switch code {
	case "ExpiredTokenException":
		return &types.ExpiredTokenException{Message: msg}
	case "IDPCommunicationError":
		return &types.IDPCommunicationErrorException{Message: msg}
	case "IDPRejectedClaim":
		return &types.IDPRejectedClaimException{Message: msg}
	case "InvalidIdentityToken":
		return &types.InvalidIdentityTokenException{Message: msg}
	case "MalformedPolicyDocument":
		return &types.MalformedPolicyDocumentException{Message: msg}
	case "PackedPolicyTooLarge":
		return &types.PackedPolicyTooLargeException{Message: msg}
	case "RegionDisabledException":
		return &types.RegionDisabledException{Message: msg}
	}
	return nil
}
