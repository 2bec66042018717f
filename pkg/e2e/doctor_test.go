package e2e

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/world"
)

// TestDoctor produces each of the seed's failures in turn, under names of its
// own, and checks that doctor names the broken link, its fix and its exit
// code; then, with everything fixed, that every link holds.
func TestDoctor(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	const (
		user, group, role  = "doctor-dev", "DoctorDevelopers", "EKSDoctorViewer"
		username, k8sGroup = "doctor-developer", "doctor-developers"
	)
	admin := newAdmin(t)
	a := grantIAMByHand(t, user, group, role)
	dev := newDeveloper(t, a)
	im := iam.NewFromConfig(theWorld.AdminAWSConfig())

	run := func(t *testing.T, args ...string) (string, int) {
		t.Helper()
		out, err := dev.Run(ctx, "kubectl", append([]string{"eks-login"}, args...)...)
		return out, exitCode(err)
	}
	doctor := func(t *testing.T, wantCode int, want ...string) string {
		t.Helper()
		out, code := run(t, "doctor")
		t.Log("\n" + out)
		if code != wantCode {
			t.Errorf("doctor exited %d, want %d:\n%s", code, wantCode, out)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("doctor's output lacks %q:\n%s", w, out)
			}
		}
		if strings.Contains(out, "k8s-aws-v1.") || strings.Contains(out, a.Secret) {
			t.Errorf("doctor printed a secret:\n%s", out)
		}
		return out
	}

	// The login command writes the role profile and the context.
	login := []string{"--cluster", world.ClusterName, "--role", role, "--source-profile", user, "--region", world.Region, "--no-verify", "--yes"}
	if out, code := run(t, login...); code != 0 {
		t.Fatalf("login exited %d:\n%s", code, out)
	}

	t.Run("a not allowed to assume the role", func(t *testing.T) {
		if _, err := im.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String(group), UserName: aws.String(user)}); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if _, err := im.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(group), UserName: aws.String(user)}); err != nil {
				t.Fatal(err)
			}
		}()
		doctor(t, 5, "FAIL role", "arn:aws:iam::"+world.AccountID+":user/"+user+" is not allowed to assume role "+a.RoleARN,
			"kubectl eks-login admin iam --cluster my-example --role "+role+" --iam-group GROUP --user "+user, "skip cluster")
	})

	t.Run("b the role is not mapped", func(t *testing.T) {
		doctor(t, 7, "ok   role", "ok   cluster", "ok   token", "ok   apiserver", "FAIL authentication", "401 Unauthorized: "+a.RoleARN+" is not mapped",
			"kubectl eks-login admin map --role-arn "+a.RoleARN+" --username")
	})

	if out, err := admin.Run(ctx, "kubectl", "eks-login", "admin", "map", "--mode", "configmap", "--role-arn", a.RoleARN, "--username", username, "--group", k8sGroup); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Cleanup(func() {
		admin.Run(context.Background(), "kubectl", "eks-login", "admin", "unmap", "--mode", "configmap", "--role-arn", a.RoleARN)
	})

	t.Run("c no binding", func(t *testing.T) {
		doctor(t, 8, "ok   authentication", "the cluster takes you for "+username, "FAIL authorization",
			"kubectl eks-login admin bind --group "+k8sGroup+" --clusterrole view")
	})

	if out, err := admin.Run(ctx, "kubectl", "eks-login", "admin", "bind", "--group", k8sGroup, "--clusterrole", "view"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}

	t.Run("d a stale server", func(t *testing.T) {
		kc := dev.Path(".kube/config")
		data, err := os.ReadFile(kc)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), theWorld.APIServerURL) {
			t.Fatalf("the kubeconfig does not name %s:\n%s", theWorld.APIServerURL, data)
		}
		if err := os.WriteFile(kc, []byte(strings.ReplaceAll(string(data), theWorld.APIServerURL, "https://127.0.0.1:6444")), 0o600); err != nil {
			t.Fatal(err)
		}
		out := doctor(t, 3, "FAIL kubeconfig", "the server https://127.0.0.1:6444 is stale", "FAIL apiserver",
			"fix: kubectl eks-login --cluster my-example --role-arn "+a.RoleARN+" --source-profile "+user)
		// The fix it names is the fix.
		_, fix, _ := strings.Cut(out, "fix: kubectl eks-login ")
		fix, _, _ = strings.Cut(fix, " (rewrites")
		if out, code := run(t, strings.Fields(fix)...); code != 0 {
			t.Fatalf("the fix %q exited %d:\n%s", fix, code, out)
		}
	})

	t.Run("e all links hold", func(t *testing.T) {
		doctor(t, 0, "ok   credentials", "ok   role", "ok   cluster", "ok   kubeconfig", "ok   token", "ok   apiserver", "ok   authentication", "ok   authorization")
		out, code := run(t, "doctor", "-o", "json")
		if code != 0 {
			t.Fatalf("doctor -o json exited %d:\n%s", code, out)
		}
		var findings []struct{ Link, Status, Detail, Fix string }
		if err := json.Unmarshal([]byte(out), &findings); err != nil {
			t.Fatalf("%v:\n%s", err, out)
		}
		if len(findings) != 8 {
			t.Errorf("%d findings, want 8:\n%s", len(findings), out)
		}
		for _, f := range findings {
			if f.Status != "ok" {
				t.Errorf("link %s is %s: %s", f.Link, f.Status, f.Detail)
			}
		}
	})
}
