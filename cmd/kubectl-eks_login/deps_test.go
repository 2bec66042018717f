package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestTokenPathStaysLight: kubectl runs this binary before every request,
// and every package linked into it runs its init each time. These packages
// cost milliseconds and megabytes of allocations at start-up (measured with
// GODEBUG=inittrace=1: the SDK's eks and iam schemas alone took ~7 ms and
// 1.2 MB), so the binary reaches EKS and IAM through pkg/awsapi instead, and
// talks to Kubernetes through pkg/kube.
func TestTokenPathStaysLight(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{
		"github.com/aws/aws-sdk-go-v2/service/eks",
		"github.com/aws/aws-sdk-go-v2/service/iam",
		"k8s.io/",
		"sigs.k8s.io/",
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if strings.HasPrefix(dep, f) {
				t.Errorf("kubectl-eks_login links %s; keep it off the token path", dep)
			}
		}
	}
}
