package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/world"
)

// TestAmbiguousNamesEndToEnd: names that YAML 1.1 reads as booleans go
// through every reader as the strings they are (issue 18.2). admin map
// writes an aws-auth mapping whose username is "no" and whose group is
// "on"; aws-iam-authenticator must authenticate the role as user "no" in
// group "on" (written plain, "- on" is true to it and the groups come out
// empty). Login writes context "no" with namespace "on" for profile "yes";
// kubectl must load that kubeconfig and reach the cluster through it.
func TestAmbiguousNamesEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	a := grantIAMByHand(t, "yaml1", "YAMLDevelopers", "EKSYAMLViewer")
	admin := newAdmin(t)
	if out, err := admin.Run(ctx, "kubectl", "eks-login", "admin", "map", "--mode", "configmap", "--role-arn", a.RoleARN, "--username", "no", "--group", "on"); err != nil {
		t.Fatalf("admin map: %v\n%s", err, out)
	}
	if out, err := admin.Run(ctx, "kubectl", "create", "clusterrolebinding", "yaml-on-view", "--clusterrole", "view", "--group", "on"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}

	dev, err := theWorld.NewPerson(t.TempDir(), a.User, pluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.WriteFile(".aws/credentials", "["+a.User+"]\naws_access_key_id = "+a.KeyID+"\naws_secret_access_key = "+a.Secret+"\n"); err != nil {
		t.Fatal(err)
	}
	if out, err := dev.Run(ctx, "kubectl", "eks-login", "--cluster", world.ClusterName, "--role-arn", a.RoleARN, "--source-profile", a.User,
		"--profile", "yes", "--region", world.Region, "--alias", "no", "--namespace", "on", "--no-verify"); err != nil {
		t.Fatalf("login: %v\n%s", err, out)
	}

	// The authenticator, asked directly (a TokenReview, as the API server
	// sends it), with the token the written profile gives.
	tok, err := dev.Run(ctx, "kubectl-eks_login", "token", "--cluster-name", world.ClusterName, "--profile", "yes", "--region", world.Region)
	if err != nil {
		t.Fatalf("token: %v\n%s", err, tok)
	}
	var cred struct{ Status struct{ Token string } }
	if err := json.Unmarshal([]byte(tok), &cred); err != nil {
		t.Fatal(err)
	}
	review := `{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"` + cred.Status.Token + `"}}`
	out, err := eventually(ctx, func() (string, error) {
		cmd := exec.CommandContext(ctx, admin.LookPath("kubectl"), "create", "-f", "-", "-o", "json")
		cmd.Env, cmd.Dir, cmd.Stdin = admin.Env(), admin.Home, strings.NewReader(review)
		b, err := cmd.CombinedOutput()
		out := string(b)
		if err == nil && !strings.Contains(out, `"authenticated": true`) {
			err = errors.New("not authenticated")
		}
		return out, err
	}, func(err error) bool { return err == nil })
	checkUser(t, "aws-iam-authenticator (TokenReview)", out, err)

	// kubectl, through the written kubeconfig.
	ns, err := dev.Run(ctx, "kubectl", "config", "view", "--minify", "-o", "jsonpath={.contexts[0].name}/{.contexts[0].context.namespace}")
	if err != nil || ns != "no/on" {
		t.Fatalf("kubectl config view of the written kubeconfig: %q, %v; want context no, namespace on", ns, err)
	}
	out, err = dev.Run(ctx, "kubectl", "--context", "no", "auth", "whoami", "-o", "json")
	checkUser(t, "kubectl --context no auth whoami", out, err)
	if out, err := dev.Run(ctx, "kubectl", "get", "configmaps", "-n", "kube-system", "-o", "name"); err != nil || !strings.Contains(out, "aws-auth") {
		t.Errorf("kubectl get through the context (group on may view): %v\n%s", err, out)
	}
}

// checkUser wants user "no" in group "on" in a TokenReview or
// SelfSubjectReview.
func checkUser(t *testing.T, what, out string, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v\n%s", what, err, out)
		return
	}
	var review struct {
		Status struct {
			User struct {
				Username string
				Groups   []string
			}
			UserInfo struct {
				Username string
				Groups   []string
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &review); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, out)
	}
	u := review.Status.UserInfo
	if u.Username == "" {
		u = review.Status.User
	}
	if u.Username != "no" || !slices.Contains(u.Groups, "on") {
		t.Errorf("%s: user %q in groups %v, want user no in group on", what, u.Username, u.Groups)
	}
}
