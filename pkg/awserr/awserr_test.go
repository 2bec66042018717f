package awserr

import (
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		err  error
		want Kind
	}{
		{&smithy.GenericAPIError{Code: "AccessDenied"}, AccessDenied},
		{fmt.Errorf("operation error EKS: DescribeCluster: %w", &smithy.GenericAPIError{Code: "AccessDeniedException"}), AccessDenied},
		{&smithy.GenericAPIError{Code: "ExpiredToken"}, ExpiredCredentials},
		{&smithy.GenericAPIError{Code: "InvalidClientTokenId"}, InvalidCredentials},
		{&smithy.GenericAPIError{Code: "SignatureDoesNotMatch"}, InvalidCredentials},
		{&smithy.GenericAPIError{Code: "ResourceNotFoundException"}, NotFound},
		{&smithy.GenericAPIError{Code: "Throttling"}, Other},
		{fmt.Errorf("dial tcp: connection refused"), Other},
	}
	for _, tt := range tests {
		if got := KindOf(tt.err); got != tt.want {
			t.Errorf("KindOf(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
	if !ExpiredCredentials.IsCredentials() || !InvalidCredentials.IsCredentials() || AccessDenied.IsCredentials() {
		t.Error("IsCredentials sorts the kinds wrongly")
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
