package sso_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdksso "github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/sso"
	"github.com/eks-login/eks-login/pkg/awsapi/sso/types"
)

func TestEndpoint(t *testing.T) {
	for _, tt := range []struct{ region, endpoint string }{
		{"", ""},
		{"us-east-1", "https://portal.sso.us-east-1.amazonaws.com"},
		{"ap-northeast-2", "https://portal.sso.ap-northeast-2.amazonaws.com"},
		{"us-gov-west-1", "https://portal.sso.us-gov-west-1.amazonaws.com"},
		{"cn-north-1", "https://portal.sso.cn-north-1.amazonaws.com.cn"},
	} {
		if e, s := sso.Endpoint(tt.region); e != tt.endpoint || s != tt.region {
			t.Errorf("Endpoint(%q) = %s, %s; want %s, %s", tt.region, e, s, tt.endpoint, tt.region)
		}
	}
	_, err := sso.NewFromConfig(aws.Config{}).GetRoleCredentials(context.Background(), &sso.GetRoleCredentialsInput{
		AccessToken: aws.String("t"), AccountId: aws.String("1"), RoleName: aws.String("r")})
	if err == nil || !strings.Contains(err.Error(), "no AWS region is configured for SSO") {
		t.Errorf("without a region: %v", err)
	}
}

// seen is one request as a server saw it: what the SDK and the lean client
// must agree on.
type seen struct {
	Method, Path, RawQuery, Token, ContentType, Authorization, SecurityToken, Body string
}

// recorder answers every request with the current canned response and
// records what it was sent.
type recorder struct {
	mu     sync.Mutex
	status int
	header http.Header
	body   string
	got    []seen
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, seen{req.Method, req.URL.EscapedPath(), req.URL.RawQuery, req.Header.Get("X-Amz-Sso_bearer_token"),
		req.Header.Get("Content-Type"), req.Header.Get("Authorization"), req.Header.Get("X-Amz-Security-Token"), string(body)})
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.Header().Set("X-Amzn-Requestid", "req-1")
	w.WriteHeader(r.status)
	io.WriteString(w, r.body)
}

func (r *recorder) answer(status int, header http.Header, body string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status, r.header, r.body, r.got = status, header, body, nil
}

func (r *recorder) requests() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.got...)
}

// describe is what a caller can observe of a call: the credentials, or the
// error's text, code, message and Go type name.
func describe(err error, creds ...any) string {
	if err != nil {
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) {
			typ := reflect.TypeOf(apiErr).String()
			return fmt.Sprintf("error %s | %s | %s | %s", err, apiErr.ErrorCode(), apiErr.ErrorMessage(), typ[strings.LastIndexByte(typ, '.')+1:])
		}
		return "error " + err.Error()
	}
	return fmt.Sprint(creds...)
}

func describeSDK(out *sdksso.GetRoleCredentialsOutput, err error) string {
	if err != nil || out.RoleCredentials == nil {
		return describe(err, "no credentials")
	}
	rc := out.RoleCredentials
	return describe(nil, fmt.Sprintf("%s | %s | %s | %d", aws.ToString(rc.AccessKeyId), aws.ToString(rc.SecretAccessKey), aws.ToString(rc.SessionToken), rc.Expiration))
}

func describeLean(out *sso.GetRoleCredentialsOutput, err error) string {
	if err != nil || out.RoleCredentials == nil {
		return describe(err, "no credentials")
	}
	rc := out.RoleCredentials
	return describe(nil, fmt.Sprintf("%s | %s | %s | %d", aws.ToString(rc.AccessKeyId), aws.ToString(rc.SecretAccessKey), aws.ToString(rc.SessionToken), rc.Expiration))
}

// TestLikeTheSDK: the SDK's client and this one, against the same server,
// send the same request (unsigned, though both are given credentials) and
// report the same credentials or the same error.
func TestLikeTheSDK(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	cfg := aws.Config{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", "SESSION"),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
	sdk, lean := sdksso.NewFromConfig(cfg), sso.NewFromConfig(cfg)
	jsonErr := func(code string) http.Header {
		return http.Header{"X-Amzn-Errortype": {code}, "Content-Type": {"application/json"}}
	}
	for _, tt := range []struct {
		name             string
		token, acct, rol string
		status           int
		header           http.Header
		body             string
		want             string // part of the outcome
	}{
		{name: "credentials", token: "tok", acct: "123456789012", rol: "Developer", status: 200,
			body: `{"roleCredentials":{"accessKeyId":"ASIA1","secretAccessKey":"s","sessionToken":"st","expiration":1700000000123}}`,
			want: "ASIA1 | s | st | 1700000000123"},
		{name: "odd characters in the role and token", token: "a+b/c=d e&f", acct: "000000000001", rol: "Role+=,.@-_x", status: 200,
			body: `{"roleCredentials":{"accessKeyId":"ASIA2","secretAccessKey":"s2","sessionToken":"st2","expiration":1}}`, want: "ASIA2"},
		{name: "empty answer", token: "t", acct: "1", rol: "r", status: 200, body: `{}`, want: "no credentials"},
		{name: "unauthorized", token: "t", acct: "1", rol: "r", status: 401, header: jsonErr("UnauthorizedException"),
			body: `{"message":"Session token not found or invalid"}`, want: "UnauthorizedException | Session token not found or invalid | UnauthorizedException"},
		{name: "not found", token: "t", acct: "1", rol: "r", status: 404, header: jsonErr("ResourceNotFoundException"),
			body: `{"message":"nope"}`, want: "| ResourceNotFoundException"},
		{name: "throttled, code in the body", token: "t", acct: "1", rol: "r", status: 429,
			body: `{"__type":"com.amazonaws.switchboard.portal#TooManyRequestsException","message":"slow down"}`, want: "| TooManyRequestsException"},
		{name: "invalid request", token: "t", acct: "1", rol: "r", status: 400, header: jsonErr("InvalidRequestException:http://internal.amazon.com/coral/"),
			body: `{"message":"bad"}`, want: "| InvalidRequestException"},
		{name: "no access (not modelled)", token: "t", acct: "1", rol: "r", status: 403, header: jsonErr("ForbiddenException"),
			body: `{"message":"No access"}`, want: "ForbiddenException | No access | GenericAPIError"},
		{name: "no message", token: "t", acct: "1", rol: "r", status: 403, header: jsonErr("ForbiddenException"), body: ``, want: "UnknownError | GenericAPIError"},
		{name: "not JSON, no code", token: "t", acct: "1", rol: "r", status: 400, body: `<html>`, want: "failed to decode response body"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := func() (*string, *string, *string) {
				return aws.String(tt.token), aws.String(tt.acct), aws.String(tt.rol)
			}
			rec.answer(tt.status, tt.header, tt.body)
			a, b, c := in()
			want := describeSDK(sdk.GetRoleCredentials(context.Background(), &sdksso.GetRoleCredentialsInput{AccessToken: a, AccountId: b, RoleName: c}))
			sdkSent := rec.requests()
			rec.answer(tt.status, tt.header, tt.body)
			a, b, c = in()
			got := describeLean(lean.GetRoleCredentials(context.Background(), &sso.GetRoleCredentialsInput{AccessToken: a, AccountId: b, RoleName: c}))
			sent := rec.requests()
			if got != want {
				t.Errorf("outcome:\n got %s\nwant %s", got, want)
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("outcome %s does not hold %q", got, tt.want)
			}
			if !reflect.DeepEqual(sent, sdkSent) {
				t.Errorf("requests:\n got %+v\nwant %+v", sent, sdkSent)
			}
			if len(sent) != 1 || sent[0].Authorization != "" || sent[0].SecurityToken != "" || sent[0].Token != tt.token {
				t.Errorf("want one unsigned request with the bearer token, got %+v", sent)
			}
		})
	}
}

func TestTypedErrors(t *testing.T) {
	for _, tt := range []struct {
		code   string
		target any
	}{
		{"UnauthorizedException", new(*types.UnauthorizedException)},
		{"ResourceNotFoundException", new(*types.ResourceNotFoundException)},
		{"TooManyRequestsException", new(*types.TooManyRequestsException)},
		{"InvalidRequestException", new(*types.InvalidRequestException)},
	} {
		t.Run(tt.code, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Amzn-Errortype", tt.code)
				w.WriteHeader(400)
				io.WriteString(w, `{"message":"m"}`)
			}))
			defer srv.Close()
			_, err := sso.New(sso.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1}).GetRoleCredentials(context.Background(),
				&sso.GetRoleCredentialsInput{AccessToken: aws.String("t"), AccountId: aws.String("1"), RoleName: aws.String("r")})
			var apiErr smithy.APIError
			if !errors.As(err, tt.target) || !errors.As(err, &apiErr) || apiErr.ErrorCode() != tt.code || apiErr.ErrorMessage() != "m" ||
				apiErr.ErrorFault() != smithy.FaultClient {
				t.Errorf("got %v", err)
			}
		})
	}
}

func TestMissingParameters(t *testing.T) {
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls++ }))
	defer srv.Close()
	c := sso.New(sso.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL)})
	for _, tt := range []struct {
		in   *sso.GetRoleCredentialsInput
		want string
	}{
		{nil, "AccessToken, AccountId, RoleName"},
		{&sso.GetRoleCredentialsInput{AccessToken: aws.String("t")}, "AccountId, RoleName"},
		{&sso.GetRoleCredentialsInput{AccessToken: aws.String("t"), AccountId: aws.String("1")}, "RoleName"},
	} {
		_, err := c.GetRoleCredentials(context.Background(), tt.in)
		if err == nil || !strings.Contains(err.Error(), "operation error SSO: GetRoleCredentials") || !strings.HasSuffix(err.Error(), "missing required parameters: "+tt.want) {
			t.Errorf("%+v: %v", tt.in, err)
		}
	}
	if calls != 0 {
		t.Errorf("%d requests sent", calls)
	}
}

// TestEndpointFromEnvironment: AWS_ENDPOINT_URL_SSO wins over the region's
// endpoint, as with the SDK.
func TestEndpointFromEnvironment(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		io.WriteString(w, `{"roleCredentials":{"accessKeyId":"A"}}`)
	}))
	defer srv.Close()
	t.Setenv("AWS_ENDPOINT_URL_SSO", srv.URL)
	out, err := sso.NewFromConfig(aws.Config{Region: "us-east-1"}).GetRoleCredentials(context.Background(),
		&sso.GetRoleCredentialsInput{AccessToken: aws.String("t"), AccountId: aws.String("1"), RoleName: aws.String("r")})
	if err != nil || hits != 1 || aws.ToString(out.RoleCredentials.AccessKeyId) != "A" {
		t.Fatalf("%d hits, %v", hits, err)
	}
}
