package sts_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdksts "github.com/aws/aws-sdk-go-v2/service/sts"
	sdktypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	smithyauth "github.com/aws/smithy-go/auth"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/eks-login/eks-login/pkg/awsapi/sts"
	"github.com/eks-login/eks-login/pkg/awsapi/sts/types"
)

func TestEndpoint(t *testing.T) {
	for _, tt := range []struct{ region, endpoint, signing string }{
		{"", "", ""},
		{"us-east-1", "https://sts.us-east-1.amazonaws.com", "us-east-1"},
		{"ap-northeast-2", "https://sts.ap-northeast-2.amazonaws.com", "ap-northeast-2"},
		{"aws-global", "https://sts.amazonaws.com", "us-east-1"},
		{"cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1"},
		{"us-gov-west-1", "https://sts.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
		{"us-iso-east-1", "https://sts.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
		{"eusc-de-east-1", "https://sts.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"},
		{"xx-nowhere-1", "https://sts.xx-nowhere-1.amazonaws.com", "xx-nowhere-1"},
	} {
		if e, s := sts.Endpoint(tt.region); e != tt.endpoint || s != tt.signing {
			t.Errorf("Endpoint(%q) = %s, %s; want %s, %s", tt.region, e, s, tt.endpoint, tt.signing)
		}
	}
}

// TestEndpointLikeSDK resolves the same regions with the SDK's own rules.
func TestEndpointLikeSDK(t *testing.T) {
	resolver := sdksts.NewDefaultEndpointResolverV2()
	for _, region := range []string{
		"us-east-1", "us-west-2", "eu-central-1", "ap-northeast-2", "ap-south-1", "il-central-1", "mx-central-1",
		"ca-west-1", "aws-global", "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1",
		"us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1", "xx-nowhere-1",
	} {
		ep, err := resolver.ResolveEndpoint(context.Background(), sdksts.EndpointParameters{Region: aws.String(region)})
		if err != nil {
			t.Fatalf("the SDK resolves %s: %v", region, err)
		}
		signing := region
		opts, _ := smithyauth.GetAuthOptions(&ep.Properties)
		for _, opt := range opts {
			if r, ok := smithyhttp.GetSigV4SigningRegion(&opt.SignerProperties); ok {
				signing = r
			}
		}
		if e, s := sts.Endpoint(region); e != ep.URI.String() || s != signing {
			t.Errorf("Endpoint(%q) = %s, %s; the SDK: %s, %s", region, e, s, ep.URI.String(), signing)
		}
	}
}

func TestEndpointFromEnvironment(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	t.Setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:2")
	c := sts.NewFromConfig(aws.Config{Region: "us-east-1"})
	if got := aws.ToString(c.Options().BaseEndpoint); got != "http://127.0.0.1:2" {
		t.Errorf("AWS_ENDPOINT_URL_STS gives %q", got)
	}
	c = sts.NewFromConfig(aws.Config{Region: "us-east-1"}, func(o *sts.Options) { o.BaseEndpoint = aws.String("http://127.0.0.1:3") })
	if got := aws.ToString(c.Options().BaseEndpoint); got != "http://127.0.0.1:3" {
		t.Errorf("Options.BaseEndpoint gives %q", got)
	}
}

func TestNoRegion(t *testing.T) {
	_, err := sts.NewFromConfig(aws.Config{Credentials: aws.AnonymousCredentials{}}).GetCallerIdentity(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "no AWS region is configured for STS") {
		t.Errorf("without a region: %v", err)
	}
}

// request is what the fake STS saw of one call.
type request struct {
	method, path, contentType string
	authorization, token      string
	form                      url.Values
}

type reply struct {
	status int
	body   string
}

// fakeSTS answers with its replies in turn, repeating the last, and records
// every request.
type fakeSTS struct {
	*httptest.Server
	mu      sync.Mutex
	replies []reply
	got     []request
}

func newFakeSTS(t *testing.T) *fakeSTS {
	f := &fakeSTS{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		form, perr := url.ParseQuery(string(body))
		if err != nil || perr != nil {
			t.Errorf("unreadable form %q: %v %v", body, err, perr)
		}
		f.mu.Lock()
		f.got = append(f.got, request{r.Method, r.URL.Path, r.Header.Get("Content-Type"),
			r.Header.Get("Authorization"), r.Header.Get("X-Amz-Security-Token"), form})
		rep := f.replies[min(len(f.got), len(f.replies))-1]
		f.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("X-Amzn-Requestid", "4a2b1c3d-0000-4000-8000-000000000000")
		w.WriteHeader(rep.status)
		io.WriteString(w, rep.body)
	}))
	t.Cleanup(f.Close)
	return f
}

// serve sets the replies for the next calls and forgets earlier requests.
func (f *fakeSTS) serve(replies ...reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies, f.got = replies, nil
}

func (f *fakeSTS) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.got...)
}

var static = credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "session-token")

func ours(f *fakeSTS, optFns ...func(*sts.Options)) *sts.Client {
	return sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.URL), Credentials: static, Retryer: aws.NopRetryer{}}, optFns...)
}

func theSDKs(f *fakeSTS) *sdksts.Client {
	return sdksts.New(sdksts.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.URL), Credentials: static, Retryer: aws.NopRetryer{}})
}

// Responses as STS sends them (from its API reference, with the namespace,
// whitespace and request metadata).
const (
	callerIdentityXML = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>`

	assumeRoleXML = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleResult>
  <SourceIdentity>Alice</SourceIdentity>
  <AssumedRoleUser>
    <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
    <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
  </AssumedRoleUser>
  <Credentials>
    <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
    <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
    <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==</SessionToken>
    <Expiration>2019-11-09T13:34:41Z</Expiration>
  </Credentials>
  <PackedPolicySize>6</PackedPolicySize>
</AssumeRoleResult>
<ResponseMetadata>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ResponseMetadata>
</AssumeRoleResponse>`

	webIdentityXML = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:default:deployer</SubjectFromWebIdentityToken>
    <Audience>sts.amazonaws.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2014-10-24T23:00:23.518Z</Expiration>
      <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
    <SourceIdentity>SourceIdentityValue</SourceIdentity>
    <Provider>arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`
)

func errorXML(typ, code, msg string) string {
	return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>` + typ + `</Type>
    <Code>` + code + `</Code>
    <Message>` + msg + `</Message>
  </Error>
  <RequestId>4a2b1c3d-0000-4000-8000-000000000000</RequestId>
</ErrorResponse>`
}

// The inputs every test sends, in our types; sdkInput converts them.
var (
	fullAssumeRole = &sts.AssumeRoleInput{
		RoleArn:                 aws.String("arn:aws:iam::123456789012:role/demo"),
		RoleSessionName:         aws.String("alice@example.com"),
		DurationSeconds:         aws.Int32(3600),
		ExternalId:              aws.String("ext-123"),
		MinimumSessionTokenSize: aws.Int32(2),
		Policy:                  aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:Describe*","Resource":"*"}]}`),
		PolicyArns: []types.PolicyDescriptorType{
			{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")},
			{Arn: aws.String("arn:aws:iam::123456789012:policy/eks+describe=all")},
		},
		ProvidedContexts: []types.ProvidedContext{{ProviderArn: aws.String("arn:aws:iam::aws:contextProvider/IdentityCenter"), ContextAssertion: aws.String("ctx")}},
		SerialNumber:     aws.String("arn:aws:iam::123456789012:mfa/alice"),
		TokenCode:        aws.String("123456"),
		SourceIdentity:   aws.String("alice"),
		Tags: []types.Tag{
			{Key: aws.String("team"), Value: aws.String("platform")},
			{Key: aws.String("cost center"), Value: aws.String("42 & up")},
		},
		TransitiveTagKeys: []string{"team", "cost center"},
	}
	fullAssumeRoleForm = url.Values{
		"Action":                                {"AssumeRole"},
		"Version":                               {"2011-06-15"},
		"RoleArn":                               {"arn:aws:iam::123456789012:role/demo"},
		"RoleSessionName":                       {"alice@example.com"},
		"DurationSeconds":                       {"3600"},
		"ExternalId":                            {"ext-123"},
		"MinimumSessionTokenSize":               {"2"},
		"Policy":                                {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:Describe*","Resource":"*"}]}`},
		"PolicyArns.member.1.arn":               {"arn:aws:iam::aws:policy/ReadOnlyAccess"},
		"PolicyArns.member.2.arn":               {"arn:aws:iam::123456789012:policy/eks+describe=all"},
		"ProvidedContexts.member.1.ProviderArn": {"arn:aws:iam::aws:contextProvider/IdentityCenter"},
		"ProvidedContexts.member.1.ContextAssertion": {"ctx"},
		"SerialNumber":               {"arn:aws:iam::123456789012:mfa/alice"},
		"TokenCode":                  {"123456"},
		"SourceIdentity":             {"alice"},
		"Tags.member.1.Key":          {"team"},
		"Tags.member.1.Value":        {"platform"},
		"Tags.member.2.Key":          {"cost center"},
		"Tags.member.2.Value":        {"42 & up"},
		"TransitiveTagKeys.member.1": {"team"},
		"TransitiveTagKeys.member.2": {"cost center"},
	}
	minimalAssumeRole    = &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/demo"), RoleSessionName: aws.String("s")}
	emptyListsAssumeRole = &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/demo"), RoleSessionName: aws.String("s"),
		PolicyArns: []types.PolicyDescriptorType{}, Tags: []types.Tag{}, TransitiveTagKeys: []string{}}
	fullWebIdentity = &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:                 aws.String("arn:aws:iam::123456789012:role/FederatedWebIdentityRole"),
		RoleSessionName:         aws.String("app1"),
		WebIdentityToken:        aws.String("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"),
		DurationSeconds:         aws.Int32(900),
		MinimumSessionTokenSize: aws.Int32(1),
		Policy:                  aws.String(`{"Version":"2012-10-17"}`),
		PolicyArns:              []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}},
		ProviderId:              aws.String("www.amazon.com"),
	}
	fullWebIdentityForm = url.Values{
		"Action":                  {"AssumeRoleWithWebIdentity"},
		"Version":                 {"2011-06-15"},
		"RoleArn":                 {"arn:aws:iam::123456789012:role/FederatedWebIdentityRole"},
		"RoleSessionName":         {"app1"},
		"WebIdentityToken":        {"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"},
		"DurationSeconds":         {"900"},
		"MinimumSessionTokenSize": {"1"},
		"Policy":                  {`{"Version":"2012-10-17"}`},
		"PolicyArns.member.1.arn": {"arn:aws:iam::aws:policy/ReadOnlyAccess"},
		"ProviderId":              {"www.amazon.com"},
	}
)

// TestRequests checks the exact request each call sends.
func TestRequests(t *testing.T) {
	f := newFakeSTS(t)
	c := ours(f)
	ctx := context.Background()
	for _, tt := range []struct {
		name   string
		call   func() error
		reply  string
		form   url.Values
		signed bool
	}{
		{"GetCallerIdentity", func() error { _, err := c.GetCallerIdentity(ctx, nil); return err },
			callerIdentityXML, url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}, true},
		{"AssumeRole with every parameter", func() error { _, err := c.AssumeRole(ctx, fullAssumeRole); return err },
			assumeRoleXML, fullAssumeRoleForm, true},
		{"AssumeRole with the least", func() error { _, err := c.AssumeRole(ctx, minimalAssumeRole); return err },
			assumeRoleXML, url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"},
				"RoleArn": {"arn:aws:iam::123456789012:role/demo"}, "RoleSessionName": {"s"}}, true},
		{"AssumeRole with empty lists", func() error { _, err := c.AssumeRole(ctx, emptyListsAssumeRole); return err },
			assumeRoleXML, url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"},
				"RoleArn": {"arn:aws:iam::123456789012:role/demo"}, "RoleSessionName": {"s"},
				"PolicyArns": {""}, "Tags": {""}, "TransitiveTagKeys": {""}}, true},
		{"AssumeRoleWithWebIdentity", func() error { _, err := c.AssumeRoleWithWebIdentity(ctx, fullWebIdentity); return err },
			webIdentityXML, fullWebIdentityForm, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f.serve(reply{200, tt.reply})
			if err := tt.call(); err != nil {
				t.Fatal(err)
			}
			got := f.requests()
			if len(got) != 1 {
				t.Fatalf("%d requests", len(got))
			}
			r := got[0]
			if r.method != http.MethodPost || r.path != "/" || r.contentType != "application/x-www-form-urlencoded" {
				t.Errorf("%s %s, Content-Type %q", r.method, r.path, r.contentType)
			}
			if !reflect.DeepEqual(r.form, tt.form) {
				t.Errorf("form\n got  %v\n want %v", r.form, tt.form)
			}
			if tt.signed {
				if !strings.HasPrefix(r.authorization, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") ||
					!strings.Contains(r.authorization, "/us-east-1/sts/aws4_request") || r.token != "session-token" {
					t.Errorf("not signed for sts in us-east-1: %q, token %q", r.authorization, r.token)
				}
			} else if r.authorization != "" || r.token != "" {
				t.Errorf("signed: %q, token %q", r.authorization, r.token)
			}
		})
	}
}

func TestResponses(t *testing.T) {
	f := newFakeSTS(t)
	c := ours(f)
	ctx := context.Background()

	f.serve(reply{200, callerIdentityXML})
	id, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != "123456789012" || aws.ToString(id.Arn) != "arn:aws:iam::123456789012:user/Alice" ||
		aws.ToString(id.UserId) != "AIDACKCEVSQ6C2EXAMPLE" {
		t.Errorf("GetCallerIdentity: %+v, %v", id, err)
	}

	f.serve(reply{200, assumeRoleXML})
	ar, err := c.AssumeRole(ctx, minimalAssumeRole)
	if err != nil {
		t.Fatal(err)
	}
	if cr := ar.Credentials; aws.ToString(cr.AccessKeyId) != "ASIAIOSFODNN7EXAMPLE" || aws.ToString(cr.SecretAccessKey) != "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY" ||
		!strings.HasPrefix(aws.ToString(cr.SessionToken), "AQoDYXdzEPT//////////wEXAMPLE") ||
		!aws.ToTime(cr.Expiration).Equal(time.Date(2019, 11, 9, 13, 34, 41, 0, time.UTC)) {
		t.Errorf("AssumeRole credentials: %+v", cr)
	}
	if u := ar.AssumedRoleUser; aws.ToString(u.Arn) != "arn:aws:sts::123456789012:assumed-role/demo/TestAR" || aws.ToString(u.AssumedRoleId) != "ARO123EXAMPLE123:TestAR" ||
		aws.ToInt32(ar.PackedPolicySize) != 6 || aws.ToString(ar.SourceIdentity) != "Alice" {
		t.Errorf("AssumeRole: %+v %+v", u, ar)
	}

	f.serve(reply{200, webIdentityXML})
	wi, err := c.AssumeRoleWithWebIdentity(ctx, fullWebIdentity)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(wi.SubjectFromWebIdentityToken) != "system:serviceaccount:default:deployer" || aws.ToString(wi.Audience) != "sts.amazonaws.com" ||
		!strings.HasPrefix(aws.ToString(wi.Provider), "arn:aws:iam::123456789012:oidc-provider/") ||
		aws.ToString(wi.AssumedRoleUser.AssumedRoleId) != "AROACLKWSDQRAOEXAMPLE:app1" ||
		!aws.ToTime(wi.Credentials.Expiration).Equal(time.Date(2014, 10, 24, 23, 0, 23, 518e6, time.UTC)) {
		t.Errorf("AssumeRoleWithWebIdentity: %+v %+v", wi, wi.Credentials)
	}

	f.serve(reply{200, `<AssumeRoleResponse><AssumeRoleResult><Credentials><Expiration>yesterday</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`})
	_, err = c.AssumeRole(ctx, minimalAssumeRole)
	var opErr *smithy.OperationError
	if !errors.As(err, &opErr) || opErr.Operation() != "AssumeRole" || !strings.Contains(err.Error(), "the AssumeRole response could not be decoded") {
		t.Errorf("a bad timestamp: %v", err)
	}
}

// TestErrors checks that each error STS documents for these calls becomes
// its type, with the SDK's code, and everything else a generic API error.
func TestErrors(t *testing.T) {
	f := newFakeSTS(t)
	c := ours(f)
	for _, tt := range []struct {
		status       int
		typ, code    string
		want         smithy.APIError
		wantWireCode string
	}{
		{400, "Sender", "ExpiredTokenException", &types.ExpiredTokenException{}, "ExpiredTokenException"},
		{400, "Sender", "MalformedPolicyDocument", &types.MalformedPolicyDocumentException{}, "MalformedPolicyDocument"},
		{400, "Sender", "PackedPolicyTooLarge", &types.PackedPolicyTooLargeException{}, "PackedPolicyTooLarge"},
		{403, "Sender", "RegionDisabledException", &types.RegionDisabledException{}, "RegionDisabledException"},
		{403, "Sender", "IDPRejectedClaim", &types.IDPRejectedClaimException{}, "IDPRejectedClaim"},
		{400, "Sender", "InvalidIdentityToken", &types.InvalidIdentityTokenException{}, "InvalidIdentityToken"},
		{400, "Sender", "IDPCommunicationError", &types.IDPCommunicationErrorException{}, "IDPCommunicationError"},
		{403, "Sender", "AccessDenied", &smithy.GenericAPIError{}, "AccessDenied"},
		{400, "Sender", "ValidationError", &smithy.GenericAPIError{}, "ValidationError"},
		{500, "Receiver", "InternalFailure", &smithy.GenericAPIError{}, "InternalFailure"},
	} {
		t.Run(tt.code, func(t *testing.T) {
			msg := "message for " + tt.code
			f.serve(reply{tt.status, errorXML(tt.typ, tt.code, msg)})
			_, err := c.AssumeRole(context.Background(), minimalAssumeRole)
			target := reflect.New(reflect.TypeOf(tt.want))
			if !errors.As(err, target.Interface()) {
				t.Fatalf("got %T %v; want %T", err, err, tt.want)
			}
			apiErr := target.Elem().Interface().(smithy.APIError)
			if apiErr.ErrorCode() != tt.wantWireCode || apiErr.ErrorMessage() != msg {
				t.Errorf("code %q, message %q", apiErr.ErrorCode(), apiErr.ErrorMessage())
			}
			wantFault := smithy.FaultClient
			if tt.typ == "Receiver" {
				wantFault = smithy.FaultServer
			}
			if apiErr.ErrorFault() != wantFault {
				t.Errorf("fault %v", apiErr.ErrorFault())
			}
			var opErr *smithy.OperationError
			if !errors.As(err, &opErr) || opErr.Service() != "STS" || opErr.Operation() != "AssumeRole" {
				t.Errorf("want the SDK's operation error, got %v", err)
			}
			var status interface{ HTTPStatusCode() int }
			if !errors.As(err, &status) || status.HTTPStatusCode() != tt.status {
				t.Errorf("no HTTP status %d in %v", tt.status, err)
			}
			var reqID interface{ ServiceRequestID() string }
			if !errors.As(err, &reqID) || reqID.ServiceRequestID() != "4a2b1c3d-0000-4000-8000-000000000000" {
				t.Errorf("no request ID in %v", err)
			}
		})
	}
}

// threeTries is a retryer that retries nothing itself, at once, three times.
type threeTries struct{ aws.NopRetryer }

func (threeTries) MaxAttempts() int                             { return 3 }
func (threeTries) RetryDelay(int, error) (time.Duration, error) { return 0, nil }

func TestRetries(t *testing.T) {
	f := newFakeSTS(t)
	ctx := context.Background()
	idp := reply{400, errorXML("Sender", "IDPCommunicationError", "the IdP did not answer")}
	invalid := reply{400, errorXML("Sender", "InvalidIdentityToken", "keys rotated")}
	for _, tt := range []struct {
		name    string
		replies []reply
		calls   int
		wantErr error
	}{
		{"IDPCommunicationError, then success", []reply{idp, idp, {200, webIdentityXML}}, 3, nil},
		{"IDPCommunicationError to the end", []reply{idp}, 3, &types.IDPCommunicationErrorException{}},
		// The web identity provider adds this code; the client alone does not.
		{"InvalidIdentityToken", []reply{invalid, {200, webIdentityXML}}, 1, &types.InvalidIdentityTokenException{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f.serve(tt.replies...)
			c := ours(f, func(o *sts.Options) { o.Retryer = threeTries{} })
			_, err := c.AssumeRoleWithWebIdentity(ctx, fullWebIdentity)
			if n := len(f.requests()); n != tt.calls {
				t.Errorf("%d calls, want %d", n, tt.calls)
			}
			if tt.wantErr == nil && err != nil {
				t.Errorf("want success, got %v", err)
			}
			if tt.wantErr != nil && (err == nil || reflect.TypeOf(unwrapAPI(err)) != reflect.TypeOf(tt.wantErr)) {
				t.Errorf("want %T, got %v", tt.wantErr, err)
			}
		})
	}
	// RetryMaxAttempts still caps the attempts, as with the SDK.
	f.serve(idp)
	_, err := ours(f, func(o *sts.Options) { o.Retryer, o.RetryMaxAttempts = threeTries{}, 2 }).AssumeRoleWithWebIdentity(ctx, fullWebIdentity)
	if n := len(f.requests()); err == nil || n != 2 {
		t.Errorf("RetryMaxAttempts 2: %d calls, %v", n, err)
	}
}

func unwrapAPI(err error) smithy.APIError {
	var apiErr smithy.APIError
	errors.As(err, &apiErr)
	return apiErr
}

// TestWebIdentityNeedsNoCredentials: the SDK sends it anonymously, so it
// works where no AWS credentials exist yet, which is its point.
func TestWebIdentityNeedsNoCredentials(t *testing.T) {
	f := newFakeSTS(t)
	f.serve(reply{200, webIdentityXML})
	c := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.URL), Retryer: aws.NopRetryer{}})
	if _, err := c.AssumeRoleWithWebIdentity(context.Background(), fullWebIdentity); err != nil {
		t.Errorf("AssumeRoleWithWebIdentity without credentials: %v", err)
	}
	if r := f.requests(); len(r) != 1 || r[0].authorization != "" {
		t.Errorf("requests: %+v", r)
	}
	if _, err := c.GetCallerIdentity(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "no AWS credentials are configured for STS") {
		t.Errorf("GetCallerIdentity without credentials: %v", err)
	}
}

// TestLikeSDK sends the same inputs through the SDK's sts client and ours
// to the same server: the forms must be equal, and so must what each makes
// of every answer.
func TestLikeSDK(t *testing.T) {
	f := newFakeSTS(t)
	c, s := ours(f), theSDKs(f)
	ctx := context.Background()
	type call struct {
		name string
		ours func() (any, error)
		sdk  func() (any, error)
		ok   string
	}
	calls := []call{
		{"GetCallerIdentity",
			func() (any, error) { return c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}) },
			func() (any, error) { return s.GetCallerIdentity(ctx, &sdksts.GetCallerIdentityInput{}) },
			callerIdentityXML},
		{"AssumeRole/full",
			func() (any, error) { return c.AssumeRole(ctx, fullAssumeRole) },
			func() (any, error) { return s.AssumeRole(ctx, sdkAssumeRole(fullAssumeRole)) },
			assumeRoleXML},
		{"AssumeRole/minimal",
			func() (any, error) { return c.AssumeRole(ctx, minimalAssumeRole) },
			func() (any, error) { return s.AssumeRole(ctx, sdkAssumeRole(minimalAssumeRole)) },
			assumeRoleXML},
		{"AssumeRole/empty lists",
			func() (any, error) { return c.AssumeRole(ctx, emptyListsAssumeRole) },
			func() (any, error) { return s.AssumeRole(ctx, sdkAssumeRole(emptyListsAssumeRole)) },
			assumeRoleXML},
		{"AssumeRoleWithWebIdentity",
			func() (any, error) { return c.AssumeRoleWithWebIdentity(ctx, fullWebIdentity) },
			func() (any, error) { return s.AssumeRoleWithWebIdentity(ctx, sdkWebIdentity(fullWebIdentity)) },
			webIdentityXML},
	}
	errorReplies := []struct {
		status    int
		code, msg string
	}{
		{400, "ExpiredTokenException", "The security token included in the request is expired"},
		{400, "MalformedPolicyDocument", "The policy is not in the valid JSON format."},
		{400, "PackedPolicyTooLarge", "Serialized token too large for session"},
		{403, "RegionDisabledException", "STS is not activated in this region for account:123456789012."},
		{400, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://oidc.example.com"},
		{403, "IDPRejectedClaim", "Incorrect token audience"},
		{400, "IDPCommunicationError", "Couldn't retrieve verification key from your identity provider"},
		{403, "AccessDenied", "User: arn:aws:iam::123456789012:user/Alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/demo"},
		{400, "ValidationError", "1 validation error detected: Value 'x' at 'roleArn' failed to satisfy constraint"},
	}
	for _, cl := range calls {
		replies := map[string]reply{"success": {200, cl.ok}}
		for _, e := range errorReplies {
			replies[e.code] = reply{e.status, errorXML("Sender", e.code, e.msg)}
		}
		// As the SDK's own response fixtures spell it.
		replies["lower-case message"] = reply{400, `<ErrorResponse><Error><Code>IDPCommunicationError</Code><message>m</message></Error></ErrorResponse>`}
		for name, rep := range replies {
			t.Run(cl.name+"/"+name, func(t *testing.T) {
				f.serve(rep)
				gotOurs, errOurs := cl.ours()
				gotSDK, errSDK := cl.sdk()
				reqs := f.requests()
				if len(reqs) != 2 {
					t.Fatalf("%d requests", len(reqs))
				}
				if !reflect.DeepEqual(reqs[0].form, reqs[1].form) {
					t.Errorf("forms differ:\n ours    %v\n the SDK %v", reqs[0].form, reqs[1].form)
				}
				if (reqs[0].authorization == "") != (reqs[1].authorization == "") {
					t.Errorf("Authorization: ours %q, the SDK %q", reqs[0].authorization, reqs[1].authorization)
				}
				if rep.status == 200 {
					if errOurs != nil || errSDK != nil {
						t.Fatalf("ours: %v; the SDK: %v", errOurs, errSDK)
					}
					if o, s := plain(t, gotOurs), plain(t, gotSDK); !reflect.DeepEqual(o, s) {
						t.Errorf("outputs differ:\n ours    %v\n the SDK %v", o, s)
					}
					return
				}
				compareErrors(t, errOurs, errSDK)
			})
		}
	}
}

// plain is an output as JSON values, without ResultMetadata, so that ours
// and the SDK's compare field by field.
func plain(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "ResultMetadata")
	return m
}

func compareErrors(t *testing.T, ours, sdk error) {
	t.Helper()
	var o, s smithy.APIError
	if !errors.As(ours, &o) || !errors.As(sdk, &s) {
		t.Fatalf("ours: %v; the SDK: %v", ours, sdk)
	}
	// Same type name in either package, or both generic.
	if to, ts := reflect.TypeOf(o).Elem(), reflect.TypeOf(s).Elem(); to.Name() != ts.Name() {
		t.Errorf("types: ours %v, the SDK %v", to, ts)
	}
	if o.ErrorCode() != s.ErrorCode() {
		t.Errorf("codes: ours %q, the SDK %q", o.ErrorCode(), s.ErrorCode())
	}
	if o.ErrorMessage() != s.ErrorMessage() || o.ErrorMessage() == "" {
		t.Errorf("messages: ours %q, the SDK %q", o.ErrorMessage(), s.ErrorMessage())
	}
	var oo, so *smithy.OperationError
	if !errors.As(ours, &oo) || !errors.As(sdk, &so) || oo.Service() != so.Service() || oo.Operation() != so.Operation() {
		t.Errorf("operation errors: ours %v; the SDK %v", ours, sdk)
	}
}

func sdkPolicyArns(in []types.PolicyDescriptorType) []sdktypes.PolicyDescriptorType {
	if in == nil {
		return nil
	}
	out := []sdktypes.PolicyDescriptorType{}
	for _, p := range in {
		out = append(out, sdktypes.PolicyDescriptorType{Arn: p.Arn})
	}
	return out
}

func sdkAssumeRole(in *sts.AssumeRoleInput) *sdksts.AssumeRoleInput {
	out := &sdksts.AssumeRoleInput{
		RoleArn: in.RoleArn, RoleSessionName: in.RoleSessionName, DurationSeconds: in.DurationSeconds,
		ExternalId: in.ExternalId, MinimumSessionTokenSize: in.MinimumSessionTokenSize, Policy: in.Policy,
		PolicyArns: sdkPolicyArns(in.PolicyArns), SerialNumber: in.SerialNumber, SourceIdentity: in.SourceIdentity,
		TokenCode: in.TokenCode, TransitiveTagKeys: in.TransitiveTagKeys,
	}
	for _, pc := range in.ProvidedContexts {
		out.ProvidedContexts = append(out.ProvidedContexts, sdktypes.ProvidedContext{ProviderArn: pc.ProviderArn, ContextAssertion: pc.ContextAssertion})
	}
	if in.Tags != nil {
		out.Tags = []sdktypes.Tag{}
		for _, tag := range in.Tags {
			out.Tags = append(out.Tags, sdktypes.Tag{Key: tag.Key, Value: tag.Value})
		}
	}
	return out
}

func sdkWebIdentity(in *sts.AssumeRoleWithWebIdentityInput) *sdksts.AssumeRoleWithWebIdentityInput {
	return &sdksts.AssumeRoleWithWebIdentityInput{
		RoleArn: in.RoleArn, RoleSessionName: in.RoleSessionName, WebIdentityToken: in.WebIdentityToken,
		DurationSeconds: in.DurationSeconds, MinimumSessionTokenSize: in.MinimumSessionTokenSize, Policy: in.Policy,
		PolicyArns: sdkPolicyArns(in.PolicyArns), ProviderId: in.ProviderId,
	}
}
