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
