// Package iam is a lean AWS IAM client with the API of
// aws-sdk-go-v2/service/iam for the operations eks-login uses; switch by
// changing the import path. It speaks the Query protocol (form POST, XML
// answers) through the shared transport in pkg/awsapi/internal/awsclient so
// that the plugin binary does not link the SDK's service package, whose
// generated schemas slow every start-up.
package iam

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/iam/types"
	"github.com/eks-login/eks-login/pkg/awsapi/internal/awsclient"
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
	form := url.Values{}
	form.Set("Action", action)
	form.Set("Version", apiVersion)
	encodeForm(form, "", reflect.ValueOf(params))
	resp, err := awsclient.Do(ctx, service, o, &awsclient.Request{
		Operation:   action,
		Method:      http.MethodPost,
		Path:        "/",
		ContentType: "application/x-www-form-urlencoded",
		Body:        []byte(form.Encode()),
	})
	if err != nil {
		return err
	}
	if err := decodeResult(resp.Body, action+"Result", out); err != nil {
		return &smithy.OperationError{ServiceID: ServiceID, OperationName: action,
			Err: fmt.Errorf("the %s response could not be decoded: %w", action, err)}
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

// encodeForm adds v to form the way the Query protocol names members:
// fields by their Go names (which are IAM's member names), list elements as
// Name.member.N, structure members as Name.Member.
func encodeForm(form url.Values, name string, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			encodeForm(form, name, v.Elem())
		}
	case reflect.String:
		form.Set(name, v.String())
	case reflect.Bool:
		form.Set(name, strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int32, reflect.Int64:
		form.Set(name, strconv.FormatInt(v.Int(), 10))
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			form.Set(name, base64.StdEncoding.EncodeToString(v.Bytes()))
			return
		}
		if v.IsNil() {
			return
		}
		if v.Len() == 0 {
			form.Set(name, "") // how the SDK sends an explicitly empty list
		}
		for i := 0; i < v.Len(); i++ {
			encodeForm(form, name+".member."+strconv.Itoa(i+1), v.Index(i))
		}
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			form.Set(name, t.UTC().Format(time.RFC3339))
			return
		}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || f.Name == "ResultMetadata" {
				continue
			}
			member := f.Name
			if name != "" {
				member = name + "." + f.Name
			}
			encodeForm(form, member, v.Field(i))
		}
	}
}

// decodeResult decodes the <ActionResult> element of a Query response into
// out; actions without results have none, which is fine.
func decodeResult(body []byte, element string, out any) error {
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if start, ok := tok.(xml.StartElement); ok && start.Name.Local == element {
			return d.DecodeElement(out, &start)
		}
	}
}

// decodeError reads a Query error:
// <ErrorResponse><Error><Type/><Code/><Message/></Error></ErrorResponse>.
func decodeError(resp *awsclient.Response) error {
	var body struct {
		Error struct {
			Type    string
			Code    string
			Message *string
		}
	}
	_ = xml.Unmarshal(resp.Body, &body) // a non-XML body still has a status
	code, msg := strings.TrimSpace(body.Error.Code), body.Error.Message
	if code == "" {
		code = http.StatusText(resp.StatusCode)
		if code == "" {
			code = "UnknownError"
		}
	}
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
	fault := smithy.FaultClient
	if body.Error.Type == "Receiver" || resp.StatusCode >= 500 {
		fault = smithy.FaultServer
	}
	return &smithy.GenericAPIError{Code: code, Message: aws.ToString(msg), Fault: fault}
}
