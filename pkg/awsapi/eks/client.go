// Package eks is a lean Amazon EKS client with the API of
// aws-sdk-go-v2/service/eks for the operations eks-login uses; switch by
// changing the import path. It speaks REST-JSON through the shared transport
// in pkg/awsapi/internal/awsclient so that the plugin binary does not link
// the SDK's service package, whose generated schemas slow every start-up.
package eks

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/eks/types"
	"github.com/eks-login/eks-login/pkg/awsapi/internal/awsclient"
	"github.com/eks-login/eks-login/pkg/awsapi/internal/restjson"
)

// ServiceID is the SDK's service ID for EKS.
const ServiceID = "EKS"

// Options mirror the SDK's eks.Options fields that this client honours:
// region (which picks the endpoint), base endpoint, HTTP client, credentials
// and retries. Both lean clients share the one struct.
type Options = awsclient.Options

// Client calls EKS.
type Client struct {
	options Options
}

// New returns a client with the given options.
func New(options Options, optFns ...func(*Options)) *Client {
	return &Client{options: awsclient.Apply(options, optFns)}
}

// NewFromConfig returns a client configured like the SDK's
// eks.NewFromConfig would be from cfg: region, endpoint (cfg.BaseEndpoint,
// then AWS_ENDPOINT_URL_EKS), HTTP client, credentials and retryer.
func NewFromConfig(cfg aws.Config, optFns ...func(*Options)) *Client {
	return New(awsclient.FromConfig(service, cfg), optFns...)
}

// Options returns a copy of the client's options.
func (c *Client) Options() Options { return c.options.Copy() }

var service = &awsclient.Service{
	ID:          ServiceID,
	SigningName: "eks",
	Endpoint:    Endpoint,
	Error:       decodeError,
}

// Endpoint is the canonical EKS endpoint for a region and the region to
// sign for; both are empty without a region.
func Endpoint(region string) (endpoint, signingRegion string) {
	return awsclient.RegionalEndpoint("eks", region)
}

// request is one EKS call before it is sent.
type request struct {
	op     string
	method string
	path   string
	query  url.Values
	body   any // marshalled as JSON when not nil
}

func (c *Client) invoke(ctx context.Context, r request, out any, optFns []func(*Options)) error {
	o := awsclient.Apply(c.options, optFns)
	req := &awsclient.Request{Operation: r.op, Method: r.method, Path: r.path, Query: r.query}
	if r.body != nil {
		body, err := json.Marshal(r.body)
		if err != nil {
			return &smithy.OperationError{ServiceID: ServiceID, OperationName: r.op, Err: err}
		}
		req.Body, req.ContentType = body, "application/json"
	}
	return restjson.Invoke(ctx, service, o, req, out)
}

// missing is the error for a required parameter left nil, reported before
// anything is sent, as the SDK's validation does.
func missing(op string, params ...string) error {
	return restjson.Missing(ServiceID, op, params)
}

// required lists the names of nil parameters.
func required(pairs ...any) []string {
	var names []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if s, ok := pairs[i+1].(*string); ok && (s == nil || *s == "") {
			names = append(names, pairs[i].(string))
		} else if !ok && pairs[i+1] == nil {
			names = append(names, pairs[i].(string))
		}
	}
	return names
}

// label escapes a path parameter as the SDK does: everything but
// unreserved characters, so an ARN's ':' and '/' become %3A and %2F.
func label(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// pageQuery is the query of a paginated list call.
func pageQuery(maxResults *int32, nextToken *string) url.Values {
	q := url.Values{}
	if maxResults != nil {
		q.Set("maxResults", strconv.Itoa(int(*maxResults)))
	}
	if nextToken != nil {
		q.Set("nextToken", *nextToken)
	}
	return q
}

// decodeError reads a REST-JSON error: the code from x-amzn-ErrorType or the
// body's __type/code, the message from the body's message.
//
// It is not restjson.DecodeError, which the SSO clients share, because it
// reads errors as this client always has and as internal/query does for IAM
// and STS: a body's code before its __type, a body that is not JSON still an
// API error named by the HTTP status, and the fault taken from the status.
func decodeError(resp *awsclient.Response) error {
	var body struct {
		Type    string `json:"__type"`
		Code    string `json:"code"`
		Message *string
	}
	_ = json.Unmarshal(resp.Body, &body) // a non-JSON body still has a status
	code := resp.Header.Get("X-Amzn-Errortype")
	if code == "" {
		code = body.Code
	}
	if code == "" {
		code = body.Type
	}
	code = sanitizeCode(code)
	if code == "" {
		code = http.StatusText(resp.StatusCode)
		if code == "" {
			code = "UnknownError"
		}
	}
	var target error
	switch code {
	case "ResourceNotFoundException":
		target = &types.ResourceNotFoundException{}
	case "ResourceInUseException":
		target = &types.ResourceInUseException{}
	case "InvalidParameterException":
		target = &types.InvalidParameterException{}
	case "InvalidRequestException":
		target = &types.InvalidRequestException{}
	case "AccessDeniedException":
		target = &types.AccessDeniedException{}
	case "ResourceLimitExceededException":
		target = &types.ResourceLimitExceededException{}
	case "ServerException":
		target = &types.ServerException{}
	case "ServiceUnavailableException":
		target = &types.ServiceUnavailableException{}
	case "ClientException":
		target = &types.ClientException{}
	case "NotFoundException":
		target = &types.NotFoundException{}
	default:
		fault := smithy.FaultClient
		if resp.StatusCode >= 500 {
			fault = smithy.FaultServer
		}
		return &smithy.GenericAPIError{Code: code, Message: aws.ToString(body.Message), Fault: fault}
	}
	// Field names match the JSON members case-insensitively (message,
	// clusterName, ...), which is how encoding/json matches untagged fields.
	_ = json.Unmarshal(resp.Body, target)
	return target
}

// sanitizeCode strips the namespace and suffix that some services add:
// "aws.eks#ResourceNotFoundException:http://..." becomes
// "ResourceNotFoundException".
func sanitizeCode(code string) string {
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	return strings.TrimSpace(code)
}
