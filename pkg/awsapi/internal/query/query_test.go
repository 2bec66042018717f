package query

import (
	"errors"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/internal/awsclient"
)

type descriptor struct {
	Arn *string `query:"arn"`
}

type tag struct{ Key, Value *string }

type input struct {
	Name       *string
	Count      *int32
	Enabled    *bool
	Blob       []byte
	When       *time.Time
	Arns       []descriptor
	Tags       []tag
	Keys       []string
	Empty      []string
	Nested     *tag
	unexported string

	ResultMetadata struct{ X string }
}

func TestEncode(t *testing.T) {
	when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.FixedZone("KST", 9*3600))
	for _, tt := range []struct {
		name string
		in   any
		want url.Values
	}{
		{"nil pointer", (*input)(nil), url.Values{}},
		{"zero", &input{}, url.Values{}},
		{"scalars", &input{Name: aws.String("a b&c"), Count: aws.Int32(0), Enabled: aws.Bool(false), Blob: []byte("hi"), When: &when},
			url.Values{"Name": {"a b&c"}, "Count": {"0"}, "Enabled": {"false"}, "Blob": {"aGk="}, "When": {"2024-05-05T22:08:09Z"}}},
		{"lists and renamed members", &input{
			Arns: []descriptor{{Arn: aws.String("arn:1")}, {}, {Arn: aws.String("arn:3")}},
			Tags: []tag{{Key: aws.String("k"), Value: aws.String("v")}},
			Keys: []string{"k1", "k2"}, Empty: []string{},
			Nested: &tag{Key: aws.String("nk")}, unexported: "x", ResultMetadata: struct{ X string }{"y"},
		}, url.Values{
			"Arns.member.1.arn": {"arn:1"}, "Arns.member.3.arn": {"arn:3"},
			"Tags.member.1.Key": {"k"}, "Tags.member.1.Value": {"v"},
			"Keys.member.1": {"k1"}, "Keys.member.2": {"k2"},
			"Empty":      {""}, // the SDK's explicitly empty list
			"Nested.Key": {"nk"},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{}
			encode(form, "", reflect.ValueOf(tt.in))
			if !reflect.DeepEqual(form, tt.want) {
				t.Errorf("got  %v\nwant %v", form, tt.want)
			}
		})
	}
}

func TestDecodeResult(t *testing.T) {
	type result struct {
		Arn   *string
		Count int32
		Items []string `xml:"Items>member"`
	}
	body := []byte(`<OpResponse xmlns="https://example.com/doc/2011-06-15/"><OpResult><Arn>arn:x</Arn><Count>3</Count>` +
		`<Items><member>a</member><member>b</member></Items></OpResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></OpResponse>`)
	var got result
	if err := decodeResult(body, "OpResult", &got); err != nil || aws.ToString(got.Arn) != "arn:x" || got.Count != 3 || !reflect.DeepEqual(got.Items, []string{"a", "b"}) {
		t.Errorf("decodeResult = %+v, %v", got, err)
	}
	// Actions without a result element leave out untouched.
	if err := decodeResult([]byte(`<OpResponse><ResponseMetadata/></OpResponse>`), "OpResult", &got); err != nil {
		t.Errorf("no result element: %v", err)
	}
	if err := decodeResult([]byte(`<OpResponse><OpResult><Arn>`), "OpResult", &got); err == nil {
		t.Error("a truncated result decoded without error")
	}
}

type typedErr struct{ msg *string }

func (e *typedErr) Error() string { return "Typed: " + aws.ToString(e.msg) }

func TestDecodeError(t *testing.T) {
	typed := func(code string, msg *string) error {
		if code == "Typed" {
			return &typedErr{msg}
		}
		return nil
	}
	for _, tt := range []struct {
		name      string
		status    int
		body      string
		wantCode  string
		wantMsg   string
		wantFault smithy.ErrorFault
	}{
		{"typed", 400, `<ErrorResponse><Error><Type>Sender</Type><Code>Typed</Code><Message>m</Message></Error></ErrorResponse>`, "Typed", "m", 0},
		{"typed, lower-case message", 400, `<ErrorResponse><Error><Code>Typed</Code><message>lm</message></Error></ErrorResponse>`, "Typed", "lm", 0},
		{"generic sender", 403, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code> AccessDenied </Code><Message>no</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
			"AccessDenied", "no", smithy.FaultClient},
		{"generic receiver", 400, `<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code></Error></ErrorResponse>`, "InternalFailure", "", smithy.FaultServer},
		{"not XML", 503, `upstream connect error`, "Service Unavailable", "", smithy.FaultServer},
		{"unknown status", 599, ``, "UnknownError", "", smithy.FaultServer},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := DecodeError(&awsclient.Response{StatusCode: tt.status, Body: []byte(tt.body)}, typed)
			if tt.wantCode == "Typed" {
				var te *typedErr
				if !errors.As(err, &te) || aws.ToString(te.msg) != tt.wantMsg {
					t.Errorf("got %T %v", err, err)
				}
				return
			}
			var g *smithy.GenericAPIError
			if !errors.As(err, &g) || g.Code != tt.wantCode || g.Message != tt.wantMsg || g.Fault != tt.wantFault {
				t.Errorf("got %#v", err)
			}
		})
	}
}

// instant retries at once, so that tests do not wait.
