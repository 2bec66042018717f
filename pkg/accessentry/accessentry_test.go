package accessentry_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/eks-login/eks-login/pkg/accessentry"
	"github.com/eks-login/eks-login/pkg/httpmock"
)

const (
	viewer = "arn:aws:iam::123456789012:role/Viewer"
	path   = "/clusters/my-example/access-entries/" + viewer
)

func TestRead(t *testing.T) {
	tests := []struct {
		name     string
		stub     func(*httpmock.Registry)
		policies []string
		notFound bool
		msg      string
	}{
		{name: "policies by short name", stub: func(reg *httpmock.Registry) {
			reg.Register(httpmock.REST("GET", path), httpmock.JSONResponse(http.StatusOK, map[string]any{"accessEntry": map[string]any{"principalArn": viewer, "type": "STANDARD", "username": "viewer"}}))
			reg.Register(httpmock.REST("GET", path+"/access-policies"), httpmock.JSONResponse(http.StatusOK, map[string]any{"associatedAccessPolicies": []map[string]any{
				{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", "accessScope": map[string]any{"type": "cluster"}},
				{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy", "accessScope": map[string]any{"type": "namespace", "namespaces": []string{"a", "b"}}},
			}}))
		}, policies: []string{"AmazonEKSViewPolicy", "AmazonEKSEditPolicy(a,b)"}},
		{name: "no entry", stub: func(reg *httpmock.Registry) {
			reg.Register(httpmock.REST("GET", path), httpmock.AWSJSONError(http.StatusNotFound, "ResourceNotFoundException", "No access entry found."))
		}, notFound: true, msg: "cannot read the access entry of " + viewer},
		{name: "policies unreadable", stub: func(reg *httpmock.Registry) {
			reg.Register(httpmock.REST("GET", path), httpmock.JSONResponse(http.StatusOK, map[string]any{"accessEntry": map[string]any{"principalArn": viewer}}))
			reg.Register(httpmock.REST("GET", path+"/access-policies"), httpmock.AWSJSONError(http.StatusForbidden, "AccessDeniedException", "denied"))
		}, msg: "cannot list the access policies of " + viewer + " (eks:ListAssociatedAccessPolicies)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := &httpmock.Registry{}
			defer reg.Verify(t)
			tt.stub(reg)
			api := eks.New(eks.Options{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAFAKEFAKEFAKEFAKE", "fakesecret", ""), HTTPClient: reg.Client(), RetryMaxAttempts: 1})
			e, policies, err := accessentry.Read(context.Background(), api, "my-example", viewer)
			var nf *ekstypes.ResourceNotFoundException
			if errors.As(err, &nf) != tt.notFound {
				t.Errorf("not found: %v", err)
			}
			if tt.msg != "" {
				if err == nil || !strings.Contains(err.Error(), tt.msg) {
					t.Fatalf("err = %v, want %q", err, tt.msg)
				}
				return
			}
			if err != nil || e == nil || !slices.Equal(policies, tt.policies) {
				t.Fatalf("%+v %q, %v; want policies %q", e, policies, err, tt.policies)
			}
		})
	}
}
