// Package iam is a lean AWS IAM client with the API of
// aws-sdk-go-v2/service/iam for the operations eks-login uses; switch by
// changing the import path. It speaks the Query protocol (form POST, XML
// answers; pkg/awsapi/internal/query) through the shared transport in
// pkg/awsapi/internal/awsclient so that the plugin binary does not link the
// SDK's service package, whose generated schemas slow every start-up.
package iam

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/iam/types"
	"github.com/eks-login/eks-login/pkg/awsapi/internal/awsclient"
	"github.com/eks-login/eks-login/pkg/awsapi/internal/query"
)

// ServiceID is the SDK's service ID for IAM.
const ServiceID = "IAM"

// apiVersion is the Query protocol version every request names.
const apiVersion = "2010-05-08"

// Options mirror the SDK's iam.Options fields that this client honours:
// region (which picks the endpoint), base endpoint, HTTP client, credentials
// and retries. Both lean clients share the one struct.
type Options = awsclient.Options

// Client calls IAM.
type Client struct {
	options Options
}

// New returns a client with the given options.
func New(options Options, optFns ...func(*Options)) *Client {
	return &Client{options: awsclient.Apply(options, optFns)}
}

// NewFromConfig returns a client configured like the SDK's
// iam.NewFromConfig would be from cfg: region, endpoint (cfg.BaseEndpoint,
// then AWS_ENDPOINT_URL_IAM), HTTP client, credentials and retryer.
func NewFromConfig(cfg aws.Config, optFns ...func(*Options)) *Client {
	return New(awsclient.FromConfig(service, cfg), optFns...)
}

// Options returns a copy of the client's options.
func (c *Client) Options() Options { return c.options.Copy() }

var service = &awsclient.Service{
	ID:          ServiceID,
	SigningName: "iam",
	Endpoint:    Endpoint,
	Error:       decodeError,
}

// Endpoint is IAM's global endpoint in the partition of region, and the
// region requests to it are signed for. An empty region means the
// commercial partition.
func Endpoint(region string) (endpoint, signingRegion string) {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return "https://iam.us-gov.amazonaws.com", "us-gov-west-1"
	case strings.HasPrefix(region, "cn-"):
		return "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"
	default:
		return "https://iam.amazonaws.com", "us-east-1"
	}
}

func (c *Client) invoke(ctx context.Context, action string, params, out any, optFns []func(*Options)) error {
	o := awsclient.Apply(c.options, optFns)
	if err := query.Invoke(ctx, service, o, apiVersion, action, params, out); err != nil {
		return err
	}
	if v, ok := out.(*CreateVirtualMFADeviceOutput); ok && v.VirtualMFADevice != nil {
		// Blobs arrive base64-encoded; the SDK hands them out decoded.
		d := v.VirtualMFADevice
		for _, blob := range []*[]byte{&d.Base32StringSeed, &d.QRCodePNG} {
			if len(*blob) == 0 {
				continue
			}
			raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(*blob)))
			if err != nil {
				return &smithy.OperationError{ServiceID: ServiceID, OperationName: action,
					Err: fmt.Errorf("the virtual MFA device's seed or QR code is not base64: %w", err)}
			}
			*blob = raw
		}
	}
	return nil
}

func decodeError(resp *awsclient.Response) error { return query.DecodeError(resp, typedError) }

// typedError returns IAM's exception type for code, as the SDK's
// deserializer would, or nil for codes IAM has no type for.
func typedError(code string, msg *string) error {
	switch code {
	case "NoSuchEntity":
		return &types.NoSuchEntityException{Message: msg}
	case "EntityAlreadyExists":
		return &types.EntityAlreadyExistsException{Message: msg}
	case "LimitExceeded":
		return &types.LimitExceededException{Message: msg}
	case "MalformedPolicyDocument":
		return &types.MalformedPolicyDocumentException{Message: msg}
	case "DeleteConflict":
		return &types.DeleteConflictException{Message: msg}
	case "InvalidInput":
		return &types.InvalidInputException{Message: msg}
	case "ServiceFailure":
		return &types.ServiceFailureException{Message: msg}
	case "UnmodifiableEntity":
		return &types.UnmodifiableEntityException{Message: msg}
	case "ConcurrentModification":
		return &types.ConcurrentModificationException{Message: msg}
	case "PolicyNotAttachable":
		return &types.PolicyNotAttachableException{Message: msg}
	}
	return nil
}
