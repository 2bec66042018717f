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
// the binary reaches AWS through pkg/awsapi instead. The ExecCredential types
// come from client-go (k8s.io/client-go/pkg/apis/clientauthentication).
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
