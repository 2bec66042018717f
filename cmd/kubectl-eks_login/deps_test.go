package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestTokenPathStaysLight: kubectl runs this binary before every request,
// and every package linked into it runs its init each time. The SDK's service
// packages cost milliseconds and megabytes of allocations at start-up
// (measured with GODEBUG=inittrace=1: the eks and iam schemas alone took
// ~7 ms and 1.2 MB; config, through sts, sso, ssooidc and signin, ~5 ms), so
// the binary reaches AWS through pkg/awsapi instead. Kubernetes is checked
// by TestKubernetesThroughClientGo.
func TestTokenPathStaysLight(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{
		"github.com/aws/aws-sdk-go-v2/service/", // every service package: each builds schemas or endpoint tables at init
		"github.com/aws/aws-sdk-go-v2/config",
		"github.com/aws/aws-sdk-go-v2/credentials/stscreds",
		"github.com/aws/aws-sdk-go-v2/credentials/ssocreds",
		"github.com/aws/aws-sdk-go-v2/credentials/logincreds",
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if strings.HasPrefix(dep, f) {
				t.Errorf("kubectl-eks_login links %s; keep it off the token path", dep)
			}
		}
	}
}

// TestKubernetesThroughClientGo: the cluster calls and the ExecCredential
// go through client-go (clientcmd and rest, the clientauthentication types),
// but never through the typed clientset, whose scheme registers every API
// group at init: about 3 ms on each of kubectl's calls of this binary.
func TestKubernetesThroughClientGo(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := map[string]bool{}
	for _, dep := range strings.Fields(string(out)) {
		deps[dep] = true
		for _, f := range []string{"k8s.io/client-go/kubernetes", "k8s.io/client-go/dynamic", "k8s.io/client-go/discovery"} {
			if dep == f || strings.HasPrefix(dep, f+"/") {
				t.Errorf("kubectl-eks_login links %s; use pkg/kube's rest client with its small scheme", dep)
			}
		}
	}
	for _, want := range []string{
		"k8s.io/client-go/tools/clientcmd",
		"k8s.io/client-go/rest",
		"k8s.io/client-go/util/retry",
		"k8s.io/client-go/pkg/apis/clientauthentication/v1",
		"k8s.io/client-go/pkg/apis/clientauthentication/v1beta1",
		"k8s.io/api/core/v1",
		"k8s.io/api/rbac/v1",
	} {
		if !deps[want] {
			t.Errorf("kubectl-eks_login does not link %s; Kubernetes is reached through client-go", want)
		}
	}
}
