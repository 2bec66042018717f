package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestDependencies: the binary reaches AWS through the AWS SDK for Go v2,
// not a copy of it, and stays off the typed Kubernetes clientset. kubectl
// runs this binary before every request and every linked package runs its
// init each time: k8s.io/client-go/kubernetes registers every API group's
// scheme at init, about 3 ms a call, for types the plugin never uses. The
// SDK's own init cost is measured in BENCHMARKS.md.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	for _, want := range []string{
		"github.com/aws/aws-sdk-go-v2/config",
		"github.com/aws/aws-sdk-go-v2/credentials/stscreds",
		"github.com/aws/aws-sdk-go-v2/service/sts",
		"github.com/aws/aws-sdk-go-v2/service/eks",
		"github.com/aws/aws-sdk-go-v2/service/iam",
	} {
		if !slices.Contains(deps, want) {
			t.Errorf("kubectl-eks_login does not link %s; AWS calls go through the SDK", want)
		}
	}
	for _, dep := range deps {
		if dep == "k8s.io/client-go/kubernetes" || strings.HasPrefix(dep, "k8s.io/client-go/kubernetes/") {
			t.Errorf("kubectl-eks_login links %s, the typed clientset; use a rest or dynamic client", dep)
		}
		if strings.HasPrefix(dep, "github.com/eks-login/eks-login/pkg/awsapi") {
			t.Errorf("kubectl-eks_login links %s, a copy of the SDK", dep)
		}
	}
}

// TestKubernetesThroughClientGo: the kubeconfig is loaded and authenticated
// as kubectl does it, through client-go, with a rest client of a small scheme.
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
