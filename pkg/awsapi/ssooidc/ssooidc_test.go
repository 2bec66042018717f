package ssooidc_test

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
	sdkoidc "github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/ssooidc"
	"github.com/eks-login/eks-login/pkg/awsapi/ssooidc/types"
)

func TestEndpoint(t *testing.T) {
	for _, tt := range []struct{ region, endpoint string }{
		{"", ""},
		{"us-east-1", "https://oidc.us-east-1.amazonaws.com"},
		{"ap-northeast-2", "https://oidc.ap-northeast-2.amazonaws.com"},
		{"cn-northwest-1", "https://oidc.cn-northwest-1.amazonaws.com.cn"},
	} {
		if e, s := ssooidc.Endpoint(tt.region); e != tt.endpoint || s != tt.region {
			t.Errorf("Endpoint(%q) = %s, %s; want %s, %s", tt.region, e, s, tt.endpoint, tt.region)
		}
	}
}

type seen struct {
	Method, Path, RawQuery, ContentType, Authorization, Body string
}

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
	r.got = append(r.got, seen{req.Method, req.URL.EscapedPath(), req.URL.RawQuery, req.Header.Get("Content-Type"), req.Header.Get("Authorization"), string(body)})
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.Header().Set("X-Amzn-Requestid", "req-1")
	w.WriteHeader(r.status)
	io.WriteString(w, r.body)
}

// exchange serves one canned response to call and returns what was sent.
func (r *recorder) exchange(status int, header http.Header, body string, call func()) []seen {
	r.mu.Lock()
	r.status, r.header, r.body, r.got = status, header, body, nil
	r.mu.Unlock()
	call()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got
}

// describe is what a caller observes: the output, or the error's text, code,
// Go type name and OAuth members.
func describe(err error, out ...any) string {
	if err == nil {
		return fmt.Sprint(out...)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return "error " + err.Error()
	}
	v := reflect.ValueOf(apiErr).Elem()
	typ := v.Type().Name()
	var fields []string
	for _, f := range []string{"Error_", "Error_description"} {
		if fv := v.FieldByName(f); fv.IsValid() && !fv.IsNil() {
			fields = append(fields, f+"="+fv.Elem().String())
		}
	}
	if fv := v.FieldByName("Reason"); fv.IsValid() {
		fields = append(fields, "Reason="+fv.String())
	}
	return fmt.Sprintf("error %s | %s | %s | %s | %v", err, apiErr.ErrorCode(), apiErr.ErrorMessage(), typ, fields)
}

func tokens(access, refresh, id, typ *string, expiresIn int32) string {
	return fmt.Sprintf("%s|%s|%s|%s|%d", aws.ToString(access), aws.ToString(refresh), aws.ToString(id), aws.ToString(typ), expiresIn)
}

// TestLikeTheSDK: the SDK's client and this one send byte-identical
// requests, unsigned though given credentials, and decode every answer
// alike, modelled errors with their OAuth members included.
func TestLikeTheSDK(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	cfg := aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
	sdk, lean := sdkoidc.NewFromConfig(cfg), ssooidc.NewFromConfig(cfg)
	refresh := ssooidc.CreateTokenInput{ClientId: aws.String("cid"), ClientSecret: aws.String("csecret"), GrantType: aws.String("refresh_token"), RefreshToken: aws.String("rt")}
	everything := ssooidc.CreateTokenInput{ClientId: aws.String("c<&>\u2028é"), ClientSecret: aws.String("s\"\\"), GrantType: aws.String("urn:ietf:params:oauth:grant-type:device_code"),
		Code: aws.String("code"), CodeVerifier: aws.String("v"), DeviceCode: aws.String("d"), RedirectUri: aws.String("http://127.0.0.1:1234/cb?x=1&y=2"),
		RefreshToken: aws.String(""), Scope: []string{"sso:account:access", "codewhisperer:completions"}}
	emptyScope := refresh
	emptyScope.Scope = []string{}
	oauthErr := func(code string) http.Header {
		return http.Header{"X-Amzn-Errortype": {code}, "Content-Type": {"application/json"}}
	}
	ok := `{"accessToken":"at2","expiresIn":28800,"refreshToken":"rt2","tokenType":"Bearer","idToken":"id"}`
	for _, tt := range []struct {
		name   string
		in     ssooidc.CreateTokenInput
		status int
		header http.Header
		body   string
		want   string
	}{
		{name: "refresh", in: refresh, status: 200, body: ok, want: "at2|rt2|id|Bearer|28800"},
		{name: "every member, odd characters", in: everything, status: 200, body: ok, want: "at2"},
		{name: "an empty scope is sent", in: emptyScope, status: 200, body: `{"accessToken":"at3","expiresIn":1}`, want: "at3||||1"},
		{name: "invalid grant", in: refresh, status: 400, header: oauthErr("InvalidGrantException"),
			body: `{"error":"invalid_grant","error_description":"Invalid refresh token provided"}`, want: "InvalidGrantException"},
		{name: "expired token", in: refresh, status: 400, header: oauthErr("ExpiredTokenException"), body: `{"error":"expired_token"}`, want: "ExpiredTokenException"},
		{name: "invalid client", in: refresh, status: 401, header: oauthErr("InvalidClientException"), body: `{"error":"invalid_client","error_description":"gone"}`, want: "InvalidClientException"},
		{name: "unauthorized client", in: refresh, status: 400, header: oauthErr("UnauthorizedClientException"), body: `{"error":"unauthorized_client"}`, want: "UnauthorizedClientException"},
		{name: "access denied with a reason", in: refresh, status: 400, header: oauthErr("AccessDeniedException"),
			body: `{"error":"access_denied","reason":"KMS_AccessDeniedException"}`, want: "Reason=KMS_AccessDeniedException"},
		{name: "invalid request with a reason", in: refresh, status: 400, header: oauthErr("InvalidRequestException"),
			body: `{"error":"invalid_request","reason":"KMS_DisabledException","message":"ignored"}`, want: "Reason=KMS_DisabledException"},
		{name: "server error", in: refresh, status: 500, header: oauthErr("InternalServerException"), body: `{"error":"server_error"}`, want: "InternalServerException"},
		{name: "every other modelled code", in: refresh, status: 400, header: oauthErr("SlowDownException"), body: `{}`, want: "SlowDownException"},
		{name: "unmodelled code", in: refresh, status: 400, header: oauthErr("ThrottlingException"), body: `{"message":"later"}`, want: "ThrottlingException | later | GenericAPIError"},
		{name: "code in the body", in: refresh, status: 400, body: `{"__type":"com.amazonaws.ssooidc#AuthorizationPendingException","error":"authorization_pending"}`, want: "AuthorizationPendingException"},
		{name: "not JSON", in: refresh, status: 502, body: `<html>`, want: "failed to decode response body"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var want, got string
			sdkSent := rec.exchange(tt.status, tt.header, tt.body, func() {
				in := &sdkoidc.CreateTokenInput{ClientId: tt.in.ClientId, ClientSecret: tt.in.ClientSecret, GrantType: tt.in.GrantType,
					Code: tt.in.Code, CodeVerifier: tt.in.CodeVerifier, DeviceCode: tt.in.DeviceCode, RedirectUri: tt.in.RedirectUri,
					RefreshToken: tt.in.RefreshToken, Scope: tt.in.Scope}
				out, err := sdk.CreateToken(context.Background(), in)
				if err == nil {
					want = describe(nil, tokens(out.AccessToken, out.RefreshToken, out.IdToken, out.TokenType, out.ExpiresIn))
				} else {
					want = describe(err)
				}
			})
			sent := rec.exchange(tt.status, tt.header, tt.body, func() {
				in := tt.in
				out, err := lean.CreateToken(context.Background(), &in)
				if err == nil {
					got = describe(nil, tokens(out.AccessToken, out.RefreshToken, out.IdToken, out.TokenType, out.ExpiresIn))
				} else {
					got = describe(err)
				}
			})
			if got != want {
				t.Errorf("outcome:\n got %s\nwant %s", got, want)
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("outcome %s does not hold %q", got, tt.want)
			}
			if !reflect.DeepEqual(sent, sdkSent) {
				t.Errorf("requests:\n got %+v\nwant %+v", sent, sdkSent)
			}
			if len(sent) != 1 || sent[0].Authorization != "" {
				t.Errorf("want one unsigned request, got %+v", sent)
			}
		})
	}
}

func TestErrorDescription(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amzn-Errortype", "InvalidGrantException")
		w.WriteHeader(400)
		io.WriteString(w, `{"error":"invalid_grant","error_description":"Invalid refresh token provided"}`)
	}))
	defer srv.Close()
	_, err := ssooidc.New(ssooidc.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL)}).CreateToken(context.Background(),
		&ssooidc.CreateTokenInput{ClientId: aws.String("c"), ClientSecret: aws.String("s"), GrantType: aws.String("refresh_token")})
	var grant *types.InvalidGrantException
	var described interface{ ErrorDescription() string }
	if !errors.As(err, &grant) || !errors.As(err, &described) || described.ErrorDescription() != "Invalid refresh token provided" {
		t.Fatalf("got %v", err)
	}
}

func TestMissingParameters(t *testing.T) {
	c := ssooidc.New(ssooidc.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://127.0.0.1:1")})
	for _, tt := range []struct {
		in   *ssooidc.CreateTokenInput
		want string
	}{
		{nil, "ClientId, ClientSecret, GrantType"},
		{&ssooidc.CreateTokenInput{ClientId: aws.String("c"), GrantType: aws.String("g")}, "ClientSecret"},
	} {
		_, err := c.CreateToken(context.Background(), tt.in)
		if err == nil || !strings.Contains(err.Error(), "operation error SSO OIDC: CreateToken") || !strings.HasSuffix(err.Error(), "missing required parameters: "+tt.want) {
			t.Errorf("%+v: %v", tt.in, err)
		}
	}
}

// TestEndpointFromEnvironment: the service ID has a space, which the
// variable's name spells as an underscore: AWS_ENDPOINT_URL_SSO_OIDC.
func TestEndpointFromEnvironment(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		io.WriteString(w, `{"accessToken":"A"}`)
	}))
	defer srv.Close()
	t.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", srv.URL)
	out, err := ssooidc.NewFromConfig(aws.Config{Region: "us-east-1"}).CreateToken(context.Background(),
		&ssooidc.CreateTokenInput{ClientId: aws.String("c"), ClientSecret: aws.String("s"), GrantType: aws.String("refresh_token")})
	if err != nil || hits != 1 || aws.ToString(out.AccessToken) != "A" {
		t.Fatalf("%d hits, %v", hits, err)
	}
}
