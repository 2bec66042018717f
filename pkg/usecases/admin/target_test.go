package admin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/httpmock"
	"github.com/eks-login/eks-login/pkg/kube/kubetest"
	. "github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
)

// TestTarget: the cluster migrate works on is --cluster or the context's,
// its AWS configuration in --region, the profile's or the context's
// region; anything missing is refused with what to do.
func TestTarget(t *testing.T) {
	s := kubetest.New(t)
	tokenUser := "    token: admin-token\n"
	tests := []struct {
		name, user, awsConfig, cluster string
		wantCluster, wantRegion        string
		code                           int
		msg                            string
	}{
		{name: "from the exec entry", user: execUser, awsConfig: "[profile admin]\n", wantCluster: Cluster, wantRegion: Region},
		{name: "--cluster wins, the profile's region", user: execUser, awsConfig: "[profile admin]\nregion = us-west-2\n", cluster: "other", wantCluster: "other", wantRegion: "us-west-2"},
		{name: "no cluster named", user: tokenUser, awsConfig: "[profile admin]\nregion = us-west-2\n", code: exitcode.Usage, msg: `the kubeconfig context "test" does not name the EKS cluster; pass --cluster`},
		{name: "no region", user: tokenUser, awsConfig: "[profile admin]\n", cluster: Cluster, code: exitcode.Usage, msg: "no AWS region: pass --region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := fromFiles(t, &httpmock.Registry{}, s.Kubeconfig(t, t.TempDir(), tt.user), tt.awsConfig)
			got, err := a.Target(context.Background(), tt.cluster)
			if tt.msg != "" {
				if exitcode.Of(err) != tt.code || err == nil || !strings.Contains(err.Error(), tt.msg) {
					t.Fatalf("err = %v (exit %d), want exit %d with %q", err, exitcode.Of(err), tt.code, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if got.Cluster != tt.wantCluster || got.AWS.Region != tt.wantRegion || got.Kube == nil || got.REST.Host != s.URL {
				t.Fatalf("cluster %q in %q, kube %v, host %q", got.Cluster, got.AWS.Region, got.Kube != nil, got.REST.Host)
			}
		})
	}
	a := fromFiles(t, &httpmock.Registry{}, "/nonexistent/kubeconfig", "[profile admin]\n")
	if _, err := a.Target(context.Background(), Cluster); exitcode.Of(err) != exitcode.Input {
		t.Errorf("a kubeconfig that is not there: %v (exit %d)", err, exitcode.Of(err))
	}
}
