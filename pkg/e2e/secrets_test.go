package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/world"
)

// TestNoSecretsThroughTheAPIServer: the commands that talk to the API server
// (admin map, bind, grant, list, unmap; login's check; doctor), run with
// --verbose where they have it, on success and on failure, print none of the secrets in play:
// the admin's and the developer's secret keys, the role session's secret key
// and session token, and the bearer token's signature (which only token's
// stdout may hold). pkg/reliability scans the commands that need no cluster.
func TestNoSecretsThroughTheAPIServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	admin := newAdmin(t)
	a := grantIAMByHand(t, "leak3", "LeakDevelopers3", "EKSLeakViewer3")
	dev, err := theWorld.NewPerson(t.TempDir(), a.User, pluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.WriteFile(".aws/credentials", "["+a.User+"]\naws_access_key_id = "+a.KeyID+"\naws_secret_access_key = "+a.Secret+"\n"); err != nil {
		t.Fatal(err)
	}

	type output struct{ name, stdout, stderr string }
	var outs []output
	run := func(p *world.Person, name string, args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, p.LookPath("kubectl-eks_login"), args...)
		cmd.Env, cmd.Dir = p.Env(), p.Home
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		t.Logf("%s: exit %d", name, exitCode(err))
		outs = append(outs, output{name, o.String(), e.String()})
		return o.String()
	}
	k8sGroup := "leak3-developers"
	t.Cleanup(func() {
		admin.Run(context.Background(), "kubectl", "eks-login", "admin", "unmap", "--mode", "configmap", "--role-arn", a.RoleARN)
		admin.Run(context.Background(), "kubectl", "delete", "clusterrolebinding", k8sGroup+"-view", "--ignore-not-found")
	})
	mapArgs := []string{"admin", "map", "--mode", "configmap", "--role-arn", a.RoleARN, "--username", "leak3", "--group", k8sGroup}
	run(admin, "admin map dry-run", append(mapArgs, "--dry-run")...)
	run(admin, "admin map", mapArgs...)
	run(admin, "admin bind", "admin", "bind", "--group", k8sGroup, "--clusterrole", "view")
	run(admin, "admin list", "admin", "list")
	run(admin, "admin list json", "admin", "list", "-o", "json")
	run(admin, "admin grant dry-run", "admin", "grant", "--cluster", world.ClusterName, "--iam-group", a.Group, "--role", a.Role,
		"--k8s-group", k8sGroup, "--clusterrole", "view", "--username", "leak3", "--user", a.User, "--mode", "configmap", "--dry-run")
	run(admin, "admin map of a role that is no ARN", "admin", "map", "--role-arn", "not-an-arn", "--username", "x")

	// The developer logs in; its check runs the token command and sends the
	// bearer token to the API server.
	login := []string{"--cluster", world.ClusterName, "--role-arn", a.RoleARN, "--source-profile", a.User, "--region", world.Region, "--verbose"}
	// aws-iam-authenticator learns of the mapping a moment after the write.
	eventually(ctx, func() (string, error) {
		if out := run(dev, "login", login...); !strings.Contains(out, "Logged in to") {
			return out, os.ErrNotExist
		}
		return "", nil
	}, func(err error) bool { return err == nil })
	tokenOut := run(dev, "token", "token", "--cluster-name", world.ClusterName, "--profile", a.User+"-eks", "--region", world.Region, "--verbose")
	run(dev, "doctor", "doctor")
	run(dev, "doctor json", "doctor", "-o", "json")
	run(admin, "admin unmap", "admin", "unmap", "--mode", "configmap", "--role-arn", a.RoleARN)
	// Unmapped: login's check and doctor now fail with Unauthorized.
	run(dev, "login after unmap", login...)
	run(dev, "doctor after unmap", "doctor")

	var ec struct{ Status struct{ Token string } }
	if err := json.Unmarshal([]byte(tokenOut), &ec); err != nil || ec.Status.Token == "" {
		t.Fatalf("the token command printed %q", tokenOut)
	}
	u, err := token.Decode(ec.Status.Token)
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := filepath.Glob(dev.Path(".kube/cache/eks-login/*.json"))
	if len(entries) == 0 {
		t.Fatal("no token cache entry")
	}
	var entry struct {
		Credentials struct{ SecretAccessKey, SessionToken string }
	}
	data, _ := os.ReadFile(entries[0])
	if err := json.Unmarshal(data, &entry); err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{
		"admin's secret key":     theWorld.AdminSecretAccessKey,
		"developer's secret key": a.Secret,
		"role's secret key":      entry.Credentials.SecretAccessKey,
		"role's session token":   entry.Credentials.SessionToken,
		"token signature":        u.Query().Get("X-Amz-Signature"),
	}
	for what, s := range secrets {
		if len(s) < 8 {
			t.Fatalf("the %s is too short to look for: %q", what, s)
		}
		for _, form := range []string{s, url.QueryEscape(s)} {
			for _, o := range outs {
				if strings.Contains(o.stderr, form) {
					t.Errorf("%s: stderr holds the %s", o.name, what)
				}
				if strings.Contains(o.stdout, form) && !(o.name == "token" && what == "token signature") {
					t.Errorf("%s: stdout holds the %s", o.name, what)
				}
			}
		}
	}
	// The scan saw the paths it is meant to: a success and a failure
	// through the API server.
	var sawLogin, sawUnauthorized bool
	for _, o := range outs {
		sawLogin = sawLogin || (o.name == "login" && strings.Contains(o.stdout, "Logged in to"))
		sawUnauthorized = sawUnauthorized || (o.name == "login after unmap" && strings.Contains(o.stderr, "Unauthorized"))
	}
	if !sawLogin || !sawUnauthorized {
		for _, o := range outs {
			t.Logf("%s:\n%s%s", o.name, o.stdout, o.stderr)
		}
		t.Errorf("the scan missed a path: login succeeded %v, failed Unauthorized after unmap %v", sawLogin, sawUnauthorized)
	}
}
