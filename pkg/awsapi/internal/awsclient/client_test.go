package awsclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
)

// TestNoSDKServicePackages guards the reason this package exists: the lean
// clients must not link any aws-sdk-go-v2 service package.
func TestNoSDKServicePackages(t *testing.T) {
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		gobin = "go"
	}
	cmd := exec.Command(gobin, "list", "-deps", "github.com/eks-login/eks-login/pkg/awsapi/...")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/aws/aws-sdk-go-v2/service/") || strings.HasPrefix(pkg, "sigs.k8s.io/yaml") || strings.HasPrefix(pkg, "k8s.io/") {
			t.Errorf("pkg/awsapi depends on %s", pkg)
		}
	}
}

func TestRetriesServerErrors(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKID/") || r.Header.Get("X-Amz-Security-Token") != "tok" {
			t.Errorf("unsigned request: %v", r.Header)
		}
		if calls.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	svc := &Service{ID: "TEST", SigningName: "test", Endpoint: func(string) (string, string) { return "", "" },
		Error: func(r *Response) error {
			return &smithy.GenericAPIError{Code: "Unavailable", Fault: smithy.FaultServer}
		}}
	o := Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: Cached(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s", SessionToken: "tok"}, nil
		}))}
	resp, err := Do(context.Background(), svc, o, &Request{Operation: "Op", Method: http.MethodGet, Path: "/x"})
	if err != nil || string(resp.Body) != "ok" || calls.Load() != 3 {
		t.Fatalf("after %d calls: %v", calls.Load(), err)
	}
	calls.Store(0)
	o.RetryMaxAttempts = 1
	_, err = Do(context.Background(), svc, o, &Request{Operation: "Op", Method: http.MethodGet, Path: "/x"})
	if err == nil || calls.Load() != 1 || !strings.Contains(err.Error(), "operation error TEST: Op, https response error StatusCode: 503") {
		t.Fatalf("one attempt: %d calls, %v", calls.Load(), err)
	}
	calls.Store(0)
	o.RetryMaxAttempts, o.Retryer = 0, aws.NopRetryer{}
	if _, err = Do(context.Background(), svc, o, &Request{Operation: "Op", Method: http.MethodGet, Path: "/x"}); err == nil || calls.Load() != 1 {
		t.Fatalf("aws.NopRetryer: %d calls, %v", calls.Load(), err)
	}
}

func TestEndpointEnvVar(t *testing.T) {
	for id, want := range map[string]string{
		"EKS":      "AWS_ENDPOINT_URL_EKS",
		"SSO":      "AWS_ENDPOINT_URL_SSO",
		"SSO OIDC": "AWS_ENDPOINT_URL_SSO_OIDC",
		"sts":      "AWS_ENDPOINT_URL_STS",
	} {
		if got := EndpointEnvVar(id); got != want {
			t.Errorf("EndpointEnvVar(%q) = %s, want %s", id, got, want)
		}
	}
}
