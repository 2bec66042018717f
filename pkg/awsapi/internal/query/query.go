// Package query is the AWS Query protocol (form-encoded POST, XML answers)
// that the lean IAM and STS clients share, so that each of them is only its
// shapes, its endpoint and its table of typed errors.
package query

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

	"github.com/eks-login/eks-login/pkg/awsapi/internal/awsclient"
)

// Invoke sends action with params as a Query request of the given API
// version, and decodes the <actionResult> element of the answer into out.
// Errors are shaped like the SDK's: *smithy.OperationError around the
// transport's error, or around the decoding failure.
func Invoke(ctx context.Context, svc *awsclient.Service, o awsclient.Options, version, action string, params, out any) error {
	form := url.Values{}
	form.Set("Action", action)
	form.Set("Version", version)
	encode(form, "", reflect.ValueOf(params))
	resp, err := awsclient.Do(ctx, svc, o, &awsclient.Request{
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
		return &smithy.OperationError{ServiceID: svc.ID, OperationName: action,
			Err: fmt.Errorf("the %s response could not be decoded: %w", action, err)}
	}
	return nil
}

// encode adds v to form the way the Query protocol names members: fields by
// their Go names, which are the model's member names, unless a `query` tag
// says otherwise (STS's PolicyDescriptorType calls its Arn "arn"); list
// elements as Name.member.N; structure members as Name.Member.
func encode(form url.Values, name string, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			encode(form, name, v.Elem())
		}
	case reflect.String:
		form.Set(name, v.String())
	case reflect.Bool:
		form.Set(name, strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int32, reflect.Int64:
		form.Set(name, strconv.FormatInt(v.Int(), 10))
	case reflect.Slice:
		if v.IsNil() {
			return // unset, as the SDK leaves out nil blobs and lists
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			form.Set(name, base64.StdEncoding.EncodeToString(v.Bytes()))
			return
		}
		if v.Len() == 0 {
			form.Set(name, "") // how the SDK sends an explicitly empty list
		}
		for i := 0; i < v.Len(); i++ {
			encode(form, name+".member."+strconv.Itoa(i+1), v.Index(i))
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
			if tag := f.Tag.Get("query"); tag != "" {
				member = tag
			}
			if name != "" {
				member = name + "." + member
			}
			encode(form, member, v.Field(i))
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

// DecodeError reads a Query error,
// <ErrorResponse><Error><Type/><Code/><Message/></Error></ErrorResponse>,
// for awsclient.Service.Error. typed turns the codes the service documents
// into its own exception types and returns nil for the others, which become
// *smithy.GenericAPIError as with the SDK.
func DecodeError(resp *awsclient.Response, typed func(code string, message *string) error) error {
	var body struct {
		Error struct {
			Type    string
			Code    string
			Message *string
			// The SDK's own test fixtures spell it this way.
			LowerMessage *string `xml:"message"`
		}
	}
	_ = xml.Unmarshal(resp.Body, &body) // a non-XML body still has a status
	code, msg := strings.TrimSpace(body.Error.Code), body.Error.Message
	if msg == nil {
		msg = body.Error.LowerMessage
	}
	if code == "" {
		code = http.StatusText(resp.StatusCode)
		if code == "" {
			code = "UnknownError"
		}
	}
	if err := typed(code, msg); err != nil {
		return err
	}
	fault := smithy.FaultClient
	if body.Error.Type == "Receiver" || resp.StatusCode >= 500 {
		fault = smithy.FaultServer
	}
	return &smithy.GenericAPIError{Code: code, Message: aws.ToString(msg), Fault: fault}
}
