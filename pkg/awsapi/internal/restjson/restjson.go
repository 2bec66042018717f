// Package restjson is the REST-JSON protocol (JSON bodies, errors named by
// x-amzn-ErrorType or the body's __type or code) that the lean EKS, SSO and
// SSO OIDC clients share, as pkg/awsapi/internal/query is for IAM and STS,
// so that each client keeps only its shapes, its endpoint and its table of
// typed errors.
package restjson

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/internal/awsclient"
)

// Invoke sends req and decodes a JSON answer into out; an empty answer, or
// a nil out, leaves out as it is. Errors are shaped like the SDK's:
// *smithy.OperationError around the transport's error, or around the
// decoding failure.
func Invoke(ctx context.Context, svc *awsclient.Service, o awsclient.Options, req *awsclient.Request, out any) error {
	resp, err := awsclient.Do(ctx, svc, o, req)
	if err != nil {
		return err
	}
	if out != nil && len(bytes.TrimSpace(resp.Body)) > 0 {
		if err := json.Unmarshal(resp.Body, out); err != nil {
			return &smithy.OperationError{ServiceID: svc.ID, OperationName: req.Operation,
				Err: fmt.Errorf("the %s response could not be decoded: %w", req.Operation, err)}
		}
	}
	return nil
}

// Missing is the error for required parameters left unset, reported before
// anything is sent, as the SDK's validation does; it is nil when names is
// empty. Which parameters count as unset is the caller's rule: EKS also
// rejects empty path labels, which the SDK refuses when serializing.
func Missing(serviceID, op string, names []string) error {
	if len(names) == 0 {
		return nil
	}
	return &smithy.OperationError{ServiceID: serviceID, OperationName: op,
		Err: fmt.Errorf("the request is missing required parameters: %s", strings.Join(names, ", "))}
}

// Param is a required string parameter: its member name and its value.
type Param struct {
	Name  string
	Value *string
}

// Required is Missing for the params whose value is nil, as the SDK's
// generated validators check required strings (an empty one passes).
func Required(serviceID, op string, params ...Param) error {
	var names []string
	for _, p := range params {
		if p.Value == nil {
			names = append(names, p.Name)
		}
	}
	return Missing(serviceID, op, names)
}

// DecodeError reads a REST-JSON error as the SDK's restjson1 deserializers
// do: the code from x-amzn-ErrorType, else the body's __type, else its code
// (when a string), without namespace or suffix; the message from the body's
// message. typed returns the service's modelled error for code, or nil for
// codes without one, which become a *smithy.GenericAPIError. A body that is
// not JSON is a *smithy.DeserializationError, as with the SDK.
func DecodeError(resp *awsclient.Response, typed func(code string, msg *string) error) error {
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
	if err := typed(code, body.Message); err != nil {
		return err
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
