package httpmock_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/eks-login/eks-login/pkg/httpmock"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/kube/kubetest"
)

var creds = credentials.NewStaticCredentialsProvider("AKIAFAKEFAKEFAKEFAKE", "fakesecret", "")

func iamClient(reg *httpmock.Registry) *iam.Client {
	return iam.New(iam.Options{Region: "us-east-1", Credentials: creds, HTTPClient: reg.Client(), RetryMaxAttempts: 1})
}

func eksClient(reg *httpmock.Registry) *eks.Client {
	return eks.New(eks.Options{Region: "eu-west-1", Credentials: creds, HTTPClient: reg.Client(), RetryMaxAttempts: 1})
}

// recorder is a testing.TB that keeps what Verify reports.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// TestVerifyNamesStubsNeverCalled: Verify fails for each stub no request
// reached, one-time or persistent, and passes once all were.
func TestVerifyNamesStubsNeverCalled(t *testing.T) {
	reg := &httpmock.Registry{}
	reg.Register(httpmock.AWSQuery("GetRole", "RoleName", "R"), httpmock.AWSQueryResponse("GetRole", ""))
	reg.Register(httpmock.REST("GET", "/clusters/c"), httpmock.JSONResponse(200, "{}")).Persist()
	rec := &recorder{TB: t}
	reg.Verify(rec)
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "2 stubs were never called: Action=GetRole&RoleName=R; GET /clusters/c") {
		t.Fatalf("Verify reported %q", rec.errors)
	}
	iamClient(reg).GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String("R")})
	eksClient(reg).DescribeCluster(context.Background(), &eks.DescribeClusterInput{Name: aws.String("c")})
	rec = &recorder{TB: t}
	reg.Verify(rec)
	if len(rec.errors) != 0 {
		t.Errorf("Verify after every stub was called: %q", rec.errors)
	}
}

// TestMatchOrder: a one-time stub answers once, before any persistent one;
// a request no stub matches is an error that names it.
func TestMatchOrder(t *testing.T) {
	reg := &httpmock.Registry{}
	reg.Register(httpmock.Host("example.test"), httpmock.StringResponse(200, "persistent")).Persist()
	reg.Register(httpmock.REST("GET", "/x"), httpmock.StringResponse(200, "once"))
	client := reg.Client()
	var got []string
	for range 3 {
		resp, err := client.Get("https://example.test/x")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		got = append(got, string(b))
	}
	if strings.Join(got, " ") != "once persistent persistent" {
		t.Errorf("answers: %v", got)
	}
	_, err := client.Post("https://other.test/y", "application/x-www-form-urlencoded", strings.NewReader("Action=GetUser"))
	if err == nil || !strings.Contains(err.Error(), "no stub for POST other.test/y Action=GetUser") {
		t.Errorf("unmatched request: %v", err)
	}
	if n := len(reg.Requests()); n != 4 {
		t.Errorf("%d requests recorded, want 4", n)
	}
	reg.Verify(t)
}

// TestAWSShapesThroughTheSDK: the responders' bodies and error shapes are
// what the SDK's own deserializers read.
func TestAWSShapesThroughTheSDK(t *testing.T) {
	ctx := context.Background()
	reg := &httpmock.Registry{}
	defer reg.Verify(t)
	reg.Register(httpmock.AWSQuery("GetRole", "RoleName", "Viewer"), httpmock.AWSQueryResponse("GetRole",
		"<Role><RoleName>Viewer</RoleName><Arn>arn:aws:iam::123456789012:role/team/Viewer</Arn><Path>/team/</Path></Role>"))
	reg.Register(httpmock.AWSQuery("GetRole", "RoleName", "Gone"), httpmock.AWSQueryError(404, "NoSuchEntity", "The role with name Gone cannot be found."))
	reg.Register(httpmock.AWSQuery("GetCallerIdentity"), httpmock.AWSQueryResponse("GetCallerIdentity", "<Account>123456789012</Account>"))
	reg.Register(httpmock.REST("GET", "/clusters/c/access-entries/arn:aws:iam::123456789012:role/team/Viewer"),
		httpmock.JSONResponse(200, map[string]any{"accessEntry": map[string]any{"username": "viewer", "kubernetesGroups": []string{"g"}}}))
	reg.Register(httpmock.REST("POST", "/clusters/c/access-entries").WithJSON("username", "dev"), httpmock.AWSJSONError(409, "ResourceInUseException", "exists"))
	reg.Register(httpmock.REST("GET", "/clusters/gone"), httpmock.AWSJSONError(404, "ResourceNotFoundException", "No cluster found for name: gone."))

	im := iamClient(reg)
	role, err := im.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Viewer")})
	if err != nil || aws.ToString(role.Role.Path) != "/team/" {
		t.Errorf("GetRole: %+v, %v", role, err)
	}
	var nse *iamtypes.NoSuchEntityException
	if _, err := im.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("Gone")}); !errors.As(err, &nse) || !strings.Contains(err.Error(), "cannot be found") {
		t.Errorf("GetRole of a missing role: %v", err)
	}
	st := sts.New(sts.Options{Region: "us-east-1", Credentials: creds, HTTPClient: reg.Client(), RetryMaxAttempts: 1})
	if who, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil || aws.ToString(who.Account) != "123456789012" {
		t.Errorf("GetCallerIdentity: %+v, %v", who, err)
	}
	ek := eksClient(reg)
	entry, err := ek.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String("c"), PrincipalArn: aws.String("arn:aws:iam::123456789012:role/team/Viewer")})
	if err != nil || aws.ToString(entry.AccessEntry.Username) != "viewer" {
		t.Errorf("DescribeAccessEntry: %+v, %v", entry, err)
	}
	var inUse *ekstypes.ResourceInUseException
	if _, err := ek.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: aws.String("c"), PrincipalArn: aws.String("p"), Username: aws.String("dev")}); !errors.As(err, &inUse) {
		t.Errorf("CreateAccessEntry: %v", err)
	}
	var nf *ekstypes.ResourceNotFoundException
	if _, err := ek.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("gone")}); !errors.As(err, &nf) {
		t.Errorf("DescribeCluster of a missing cluster: %v", err)
	}
}

// TestKubernetesThroughClientGo: kubetest's API server answers client-go
// through the registry, and a one-time stub in front of it scripts a
// single failure.
func TestKubernetesThroughClientGo(t *testing.T) {
	ctx := context.Background()
	reg := &httpmock.Registry{}
	defer reg.Verify(t)
	api := kubetest.NewAPI()
	api.Register(reg)
	path := "/api/v1/namespaces/kube-system/configmaps/aws-auth"
	api.Put(path, map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system"},
		"data": map[string]any{"mapRoles": "[]"}})
	reg.Register(httpmock.REST("GET", path), httpmock.KubeStatus(http.StatusServiceUnavailable, "ServiceUnavailable", "etcd is down"))
	k := api.Client(t, reg, "admin-token")
	var cm corev1.ConfigMap
	if err := k.Get(ctx, kube.ConfigMaps, "kube-system", "aws-auth", &cm); !apierrors.IsServiceUnavailable(err) || !strings.Contains(err.Error(), "etcd is down") {
		t.Fatalf("first read: %v", err)
	}
	if err := k.Get(ctx, kube.ConfigMaps, "kube-system", "aws-auth", &cm); err != nil || cm.Data["mapRoles"] != "[]" || cm.ResourceVersion == "" {
		t.Fatalf("second read: %+v, %v", cm, err)
	}
	if got := api.Requests(); len(got) != 1 || got[0].Auth != "Bearer admin-token" {
		t.Errorf("the API server saw %+v", got)
	}
}
