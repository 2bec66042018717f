package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/world"
)

// TestTokenThroughKubectl: kubectl runs kubectl-eks_login token from an exec
// entry; the real aws-iam-authenticator behind the real kube-apiserver
// accepts the token once the role is mapped, and not before.
func TestTokenThroughKubectl(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	admin, err := theWorld.NewAdmin(t.TempDir(), pluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	a := grantIAMByHand(t, "tok1", "TokenTesters", "EKSTokenTester")
	dev := newDeveloper(t, a)
	run := func(args ...string) (string, error) { return dev.Run(ctx, args[0], args[1:]...) }

	// The exec entry, as login writes it: the profile is an argument.
	kubeconfig := `apiVersion: v1
kind: Config
clusters:
- name: ` + world.ClusterARN + `
  cluster:
    server: ` + theWorld.APIServerURL + `
    certificate-authority: ` + theWorld.CAFile + `
users:
- name: tok1-eks@` + world.ClusterName + `
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: kubectl-eks_login
      args: [token, --cluster-name, ` + world.ClusterName + `, --profile, tok1-eks, --region, ` + world.Region + `]
      interactiveMode: IfAvailable
contexts:
- name: ` + world.ClusterName + `
  context:
    cluster: ` + world.ClusterARN + `
    user: tok1-eks@` + world.ClusterName + `
current-context: ` + world.ClusterName + `
`
	if err := dev.WriteFile(".kube/config", kubeconfig); err != nil {
		t.Fatal(err)
	}

	// The ExecCredential itself, for both API versions.
	for _, v := range []string{"client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"} {
		dev.Extra = []string{`KUBERNETES_EXEC_INFO={"apiVersion":"` + v + `","kind":"ExecCredential","spec":{"interactive":false}}`}
		out, err := run("kubectl-eks_login", "token", "--cluster-name", world.ClusterName, "--profile", "tok1-eks", "--region", world.Region)
		if err != nil {
			t.Fatalf("token (%s): %v\n%s", v, err, out)
		}
		var cred struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Status     struct {
				Token               string `json:"token"`
				ExpirationTimestamp string `json:"expirationTimestamp"`
			} `json:"status"`
		}
		if err := json.Unmarshal([]byte(out), &cred); err != nil {
			t.Fatalf("token's stdout is not an ExecCredential: %v\n%s", err, out)
		}
		if cred.APIVersion != v || cred.Kind != "ExecCredential" || !strings.HasPrefix(cred.Status.Token, "k8s-aws-v1.") || cred.Status.ExpirationTimestamp == "" {
			t.Errorf("ExecCredential for %s = %+v", v, cred)
		}
	}
	dev.Extra = nil

	// Not mapped yet: the authenticator verifies the token but knows no mapping.
	if out, err := run("kubectl", "get", "pods", "-A"); err == nil || !strings.Contains(out, "You must be logged in to the server") {
		t.Fatalf("kubectl before the mapping: err=%v, want Unauthorized:\n%s", err, out)
	}
	mapRoleByHand(t, admin, &a, "token-tester", "token-testers")
	out, err := run("kubectl", "get", "pods", "-A")
	if err != nil {
		t.Fatalf("kubectl through kubectl-eks_login token: %v\n%s", err, out)
	}
	for _, p := range world.SeedPods {
		if !strings.Contains(out, p.Name) {
			t.Errorf("kubectl get pods -A lacks %s:\n%s", p.Name, out)
		}
	}
	out, err = run("kubectl", "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
	if err != nil || out != "token-tester" {
		t.Errorf("kubectl auth whoami = %q (%v), want token-tester", out, err)
	}
	if out, err := run("kubectl", "get", "nodes"); err == nil || !strings.Contains(out, `User "token-tester" cannot list resource "nodes"`) {
		t.Errorf("kubectl get nodes: err=%v, want Forbidden:\n%s", err, out)
	}
}
