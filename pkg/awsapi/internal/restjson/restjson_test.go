package restjson

import (
	"errors"
	"net/http"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/internal/awsclient"
)

// The clients' tests check these against the SDK; this pins the helper's
// own rules.
func TestDecodeError(t *testing.T) {
	typed := func(code string, msg *string) error {
		if code == "Known" {
			return &smithy.GenericAPIError{Code: "typed " + code, Message: *msg}
		}
		return nil
	}
	for _, tt := range []struct{ name, header, body, want string }{
		{"header first", "ns#Known:http://x", `{"__type":"Other","message":"m"}`, "api error typed Known: m"},
		{"__type before code", "", `{"__type":"a.b#Known","code":"Other","message":"m"}`, "api error typed Known: m"},
		{"code when a string", "", `{"code":"Other"}`, "api error Other: UnknownError"},
		{"code not a string", "", `{"code":5,"message":"m"}`, "api error UnknownError: m"},
		{"empty body", "", ``, "api error UnknownError: UnknownError"},
		{"not JSON", "", `<html>`, "deserialization failed, failed to decode response body, invalid character '<' looking for beginning of value"},
	} {
		resp := &awsclient.Response{StatusCode: 400, Header: http.Header{}, Body: []byte(tt.body)}
		if tt.header != "" {
			resp.Header.Set("X-Amzn-ErrorType", tt.header)
		}
		if got := DecodeError(resp, typed).Error(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestRequired(t *testing.T) {
	s := ""
	if err := Required("S", "Op", Param{"A", &s}); err != nil {
		t.Errorf("an empty string is set: %v", err)
	}
	err := Required("S", "Op", Param{"A", nil}, Param{"B", &s}, Param{"C", nil})
	var opErr *smithy.OperationError
	if !errors.As(err, &opErr) || opErr.ServiceID != "S" || opErr.OperationName != "Op" ||
		opErr.Err.Error() != "the request is missing required parameters: A, C" {
		t.Errorf("got %v", err)
	}
}
