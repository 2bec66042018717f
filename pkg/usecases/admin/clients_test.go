package admin_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/httpmock"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/kube/kubetest"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	. "github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
)

func kubeClient(s *kubetest.Server, token string) (*kube.Client, error) {
	return kube.New(s.RESTConfig(token))
}

// fromFiles is an Admin built as the commands build it: from a kubeconfig
// and the AWS profile "admin" in HOME's files, its AWS calls sent to reg.
func fromFiles(t *testing.T, reg *httpmock.Registry, kubeconfig, awsConfig string) *admin.Admin {
	t.Helper()
	// The SDK reads AWS_CA_BUNDLE itself, and adds a CA bundle only to an
	// HTTP client of its own making.
	t.Setenv("AWS_CA_BUNDLE", "")
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".aws"), 0o700)
	os.WriteFile(filepath.Join(home, ".aws", "config"), []byte(awsConfig), 0o600)
	os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte("[admin]\naws_access_key_id = AKIAFAKEFAKEFAKEFAKE\naws_secret_access_key = fakesecret\n"), 0o600)
	env := map[string]string{"HOME": home}
	return admin.New(admin.Source{Kubeconfig: kubeconfig, Context: "test", Profile: "admin", Getenv: func(k string) string { return env[k] },
		AWSOptions: []func(*config.LoadOptions) error{config.WithHTTPClient(reg.Client()), config.WithRetryMaxAttempts(1)}}, nil)
}

const execUser = "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /nonexistent/aws\n      interactiveMode: Never\n      args: [eks, get-token, --cluster-name, " + Cluster + ", --region, " + Region + "]\n"

// TestThroughTheFiles: with no injected client, the use cases load the
// kubeconfig context as kubectl does (client-go, over TLS to kubetest's API
// server), take the cluster's name and region from its exec entry, and load
// the AWS profile through the SDK, as every command does.
func TestThroughTheFiles(t *testing.T) {
	s := kubetest.New(t)
	s.Put(AWSAuthPath, ConfigMap(map[string]any{"mapRoles": NodeRoles}))
	reg := &httpmock.Registry{}
	defer reg.Verify(t)
	// The admin's kubeconfig authenticates with a token and names the
	// cluster in an exec entry of another user, as update-kubeconfig does;
	// here the token user's context carries no exec, so list describes the
	// cluster named by --cluster.
	a := fromFiles(t, reg, s.Kubeconfig(t, t.TempDir(), "    token: admin-token\n"), "[profile admin]\nregion = "+Region+"\n")
	reg.Register(httpmock.REST("GET", "/clusters/"+Cluster), httpmock.JSONResponse(http.StatusOK, map[string]any{
		"cluster": map[string]any{"name": Cluster, "arn": ClusterARN, "accessConfig": map[string]any{"authenticationMode": admin.AuthAPI}}}))
	reg.Register(httpmock.REST("GET", "/clusters/"+Cluster+"/access-entries"), httpmock.JSONResponse(http.StatusOK, map[string]any{"accessEntries": []string{}}))
	l, err := a.List(context.Background(), Cluster)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 1 || l.Entries[0].ARN != NodeRole || l.Entries[0].Status != admin.StatusIgnored || l.AuthenticationMode != admin.AuthAPI {
		t.Errorf("listing: %+v", l)
	}
	if got := s.Requests(); len(got) != 1 || got[0].Auth != "Bearer admin-token" {
		t.Errorf("the API server saw %+v", got)
	}
	// The IAM plan reaches STS and IAM through the same profile.
	reg.Register(httpmock.AWSQuery("GetCallerIdentity"), httpmock.AWSQueryResponse("GetCallerIdentity", "<Arn>"+AdminARN+"</Arn><Account>"+Account+"</Account>"))
	reg.Register(httpmock.AWSQuery("GetRole"), httpmock.AWSQueryError(http.StatusNotFound, "NoSuchEntity", "no role"))
	reg.Register(httpmock.AWSQuery("GetGroup"), httpmock.AWSQueryError(http.StatusNotFound, "NoSuchEntity", "no group"))
	p, err := a.PlanIAM(context.Background(), admin.IAMSpec{Cluster: Cluster, Role: role, Group: group})
	if err != nil || len(p.Steps) != 4 {
		t.Errorf("IAM plan: %+v, %v", p, err)
	}
}

// TestClusterFromTheKubeconfig: the exec entry of the context names the
// cluster and its region, which DescribeCluster is then asked in, though
// the profile names no region.
func TestClusterFromTheKubeconfig(t *testing.T) {
	s := kubetest.New(t)
	reg := &httpmock.Registry{}
	defer reg.Verify(t)
	a := fromFiles(t, reg, s.Kubeconfig(t, t.TempDir(), execUser), "[profile admin]\n")
	reg.Register(httpmock.Match("DescribeCluster in "+Region, func(r *httpmock.Request) bool {
		return r.URL.Host == "eks."+Region+".amazonaws.com" && r.URL.Path == "/clusters/"+Cluster
	}), httpmock.JSONResponse(http.StatusOK, map[string]any{"cluster": map[string]any{"name": Cluster, "arn": ClusterARN}}))
	// CONFIG_MAP (no accessConfig): auto edits aws-auth; the plan is only
	// read, so the exec plugin (aws) is never run.
	p, err := a.PlanUnmap(context.Background(), admin.MapSpec{RoleARN: viewer})
	if exitcode.Of(err) != exitcode.Credentials || !strings.Contains(err.Error(), "credential command") || p != nil {
		t.Fatalf("unmap through an exec entry whose command fails: %v", err)
	}
}

// TestNoRegion: a cluster named without a region anywhere is refused with
// what to do.
func TestNoRegion(t *testing.T) {
	reg := &httpmock.Registry{}
	a := fromFiles(t, reg, "/nonexistent/kubeconfig", "[profile admin]\n")
	_, err := a.PlanMap(context.Background(), admin.MapSpec{RoleARN: viewer, Username: "u", Cluster: Cluster})
	if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "no AWS region: pass --region or set one in the profile") {
		t.Errorf("err = %v", err)
	}
}
