package awserr

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/exitcode"
)

func TestKindOf(t *testing.T) {
	assumeRole := func(err error) error {
		return &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRole", Err: err}
	}
	tests := []struct {
		name string
		err  error
		want Kind
		exit int
	}{
		{"access denied", &smithy.GenericAPIError{Code: "AccessDenied"}, AccessDenied, 5},
		{"wrapped", fmt.Errorf("operation error EKS: DescribeCluster: %w", &smithy.GenericAPIError{Code: "AccessDeniedException"}), AccessDenied, 5},
		{"assume role refused, inside the call that needed it", fmt.Errorf("get credentials: %w", assumeRole(&smithy.GenericAPIError{Code: "AccessDenied"})), AssumeRoleDenied, 5},
		{"a refused MFA code", assumeRole(&smithy.GenericAPIError{Code: "AccessDenied", Message: "MultiFactorAuthentication failed with invalid MFA one time pass code."}), MFA, 4},
		{"expired", &smithy.GenericAPIError{Code: "ExpiredToken"}, ExpiredCredentials, 4},
		{"unknown key", &smithy.GenericAPIError{Code: "InvalidClientTokenId"}, InvalidCredentials, 4},
		{"bad signature", &smithy.GenericAPIError{Code: "SignatureDoesNotMatch"}, InvalidCredentials, 4},
		{"no such cluster", &smithy.GenericAPIError{Code: "ResourceNotFoundException"}, NotFound, 1},
		{"throttled", &smithy.GenericAPIError{Code: "Throttling"}, Other, 1},
		{"refused connection", &url.Error{Op: "Post", URL: "https://sts.amazonaws.com/", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}, Network, 6},
		{"no such host", &net.DNSError{Name: "sts.example", IsNotFound: true}, Network, 6},
		{"a forbidden answer without a code", &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 403}}, Err: errors.New("forbidden")}, AccessDenied, 5},
		{"a file", fmt.Errorf("load: %w", &awsconfig.ParseError{Path: "config", Line: 2, Msg: "bad"}), BadConfig, 3},
		{"a missing profile", config.SharedConfigProfileNotExistError{Profile: "p"}, BadConfig, 3},
		{"a profile the SDK refused", &awsclient.ConfigError{Err: errors.New("invalid value")}, BadConfig, 3},
		{"a sign-in", fmt.Errorf("get credentials: %w", &awsclient.SignInError{Profile: "p"}), SignIn, 4},
		{"no MFA code", fmt.Errorf("refresh: %w", &awsclient.MFAError{Err: errors.New("the input ended")}), MFA, 4},
		{"expired credentials from a process", &awsclient.ExpiredError{Source: "credential_process"}, ExpiredCredentials, 4},
		{"anything else", errors.New("boom"), Other, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := KindOf(tt.err); got != tt.want || got.ExitCode() != tt.exit {
				t.Errorf("KindOf(%v) = %d (exit %d), want %d (exit %d)", tt.err, got, got.ExitCode(), tt.want, tt.exit)
			}
		})
	}
	if !ExpiredCredentials.IsCredentials() || !InvalidCredentials.IsCredentials() || AccessDenied.IsCredentials() {
		t.Error("IsCredentials sorts the kinds wrongly")
	}
}

// TestClassifyOurs: for eks-login's own errors, the message is the error
// eks-login made, without the SDK's wrapping around it.
func TestClassifyOurs(t *testing.T) {
	inner := &awsclient.MFAError{Err: errors.New("cannot read the code: the input ended")}
	e := Classify(fmt.Errorf("operation error STS: AssumeRole, failed to refresh cached credentials, %w", inner))
	if e.Error() != inner.Error() {
		t.Errorf("Error() = %q, want %q", e.Error(), inner.Error())
	}
}

func TestExplain(t *testing.T) {
	tests := []struct {
		err  error
		exit int
		want string
	}{
		{&smithy.GenericAPIError{Code: "AccessDenied", Message: "no"}, 5, "cannot read role R: AWS denied it; the profile's identity needs that permission: api error AccessDenied: no"},
		{&smithy.GenericAPIError{Code: "ExpiredToken", Message: "old"}, 4, "cannot read role R: the AWS credentials are not valid: "},
		{errors.New("boom"), 1, "cannot read role R: boom"},
		{exitcode.Errorf(9, "refused"), 9, "refused"},
	}
	for _, tt := range tests {
		err := Explain(tt.err, "cannot read role R")
		if exitcode.Of(err) != tt.exit || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Explain(%v) = %q (exit %d), want %q (exit %d)", tt.err, err, exitcode.Of(err), tt.want, tt.exit)
		}
	}
	if Explain(nil, "x") != nil {
		t.Error("Explain(nil) is not nil")
	}
}

func TestCallerInMessage(t *testing.T) {
	tests := []struct{ msg, want string }{
		{"User: arn:aws:iam::123456789012:user/dev2 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/EKSMyExampleViewer", "arn:aws:iam::123456789012:user/dev2"},
		{"User: someone is not authorized to perform: x", ""},
		{"Access denied", ""},
		{"User: arn:aws:iam::1:user/a b is not authorized", ""},
	}
	for _, tt := range tests {
		if got := CallerInMessage(tt.msg); got != tt.want {
			t.Errorf("CallerInMessage(%q) = %q, want %q", tt.msg, got, tt.want)
		}
	}
}
