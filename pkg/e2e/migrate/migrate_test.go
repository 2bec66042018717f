package migrate

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/world"
	"github.com/eks-login/eks-login/pkg/world/worldtest"
)

type logWriter struct{ t *testing.T }

func (l logWriter) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestMigrateTheSeed: the seed's cluster, set up by hand, is migrated to
// access entries and switched to API; dev1 still lists pods and is still
// refused nodes, and the node role still makes each node its Node user,
// now from its EC2_LINUX access entry alone.
func TestMigrateTheSeed(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	w, dir := suite.World, t.TempDir()
	people := map[string]*world.Person{}
	var err error
	for _, name := range []string{"dev1", "node"} {
		if people[name], err = w.NewPerson(dir, name, suite.PluginDir(t)); err != nil {
			t.Fatal(err)
		}
	}
	if people["admin"], err = w.NewAdmin(dir, suite.PluginDir(t)); err != nil {
		t.Fatal(err)
	}
	if err := world.RunScenario(ctx, people, world.SeedScenarioByHand(), world.Vars{}, logWriter{t}); err != nil {
		t.Fatal(err)
	}
	admin := people["admin"]
	t.Run("the node is its Node user through aws-auth", func(t *testing.T) {
		nodeIs(ctx, t, w, []string{"system:authenticated", "system:bootstrappers", "system:nodes"})
	})
	t.Run("the dry run's plan", func(t *testing.T) {
		out, err := admin.Run(ctx, "kubectl", "eks-login", "admin", "migrate", "--cluster", world.ClusterName, "--dry-run")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		golden.Check(t, "dry-run.golden", out)
	})
	t.Run("a rollback deletes what migrate made, and aws-auth maps as before", func(t *testing.T) {
		rollback(ctx, t, w, admin, people["dev1"])
	})
	vars, err := w.MigrationVars(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := world.RunScenario(ctx, people, world.SeedScenarioMigrate(), vars, logWriter{t}); err != nil {
		t.Fatal(err)
	}
	t.Run("after the switch to API", func(t *testing.T) {
		afterAPI(ctx, t, w, admin, people["dev1"])
	})
}

// nodeIs checks, with a fresh token of each node's instance credentials,
// that the node is system:node:<its private DNS name> in exactly groups.
func nodeIs(ctx context.Context, t *testing.T, w *world.World, groups []string) {
	t.Helper()
	for _, n := range w.Nodes {
		creds, err := w.NodeCredentials(ctx, n.InstanceID)
		if err != nil {
			t.Fatal(err)
		}
		name, got, err := w.Identify(ctx, creds)
		slices.Sort(got)
		if err != nil || name != "system:node:"+n.PrivateDNSName || !slices.Equal(got, groups) {
			t.Errorf("node %s is %q in %q (%v), want system:node:%s in %q", n.InstanceID, name, got, err, n.PrivateDNSName, groups)
		}
	}
}

// rollback migrates without cleanup, then rolls back: the tagged entries go,
// the mode stays API_AND_CONFIG_MAP, and aws-auth lets dev1 in as before.
func rollback(ctx context.Context, t *testing.T, w *world.World, admin, dev1 *world.Person) {
	run := func(args ...string) string {
		t.Helper()
		out, err := admin.Run(ctx, "kubectl", append([]string{"eks-login", "admin", "migrate", "--cluster", world.ClusterName}, args...)...)
		if err != nil {
			t.Fatalf("admin migrate %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		t.Logf("admin$ kubectl eks-login admin migrate %s\n%s", strings.Join(args, " "), out)
		return out
	}
	run()
	nodeIs(ctx, t, w, []string{"system:authenticated", "system:nodes"}) // the access entry wins over aws-auth
	out := run("--rollback", "--dry-run")
	if !strings.Contains(out, "would delete access entry "+world.NodeRoleARN+" (EC2_LINUX)") {
		t.Errorf("the rollback's plan lacks the node entry:\n%s", out)
	}
	run("--rollback")
	out, err := admin.Run(ctx, "aws", "eks", "list-access-entries", "--cluster-name", world.ClusterName, "--output", "text")
	if err != nil || strings.Contains(out, "EKSMyExampleViewer") || strings.Contains(out, "MyExampleEKSNode") {
		t.Errorf("access entries after the rollback: %v\n%s", err, out)
	}
	nodeIs(ctx, t, w, []string{"system:authenticated", "system:bootstrappers", "system:nodes"})
	if out, err := dev1.Run(ctx, "kubectl", "get", "pods", "-A"); err != nil {
		t.Errorf("dev1 after the rollback: %v\n%s", err, out)
	}
}

// afterAPI: in API mode the access entries alone let people in, aws-auth is
// still there (without the migrated mappings), a second run has nothing to
// do, and a rollback would shut everyone out, so it is refused.
func afterAPI(ctx context.Context, t *testing.T, w *world.World, admin, dev1 *world.Person) {
	nodeIs(ctx, t, w, []string{"system:authenticated", "system:nodes"})
	out, err := w.Kubectl(ctx, "get", "configmap", "-n", "kube-system", "aws-auth", "-o", "jsonpath={.data.mapRoles}")
	if err != nil || strings.TrimSpace(out) != "[]" {
		t.Errorf("aws-auth after the cleanup: %v %q", err, out)
	}
	who, err := dev1.Run(ctx, "kubectl", "auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}")
	if err != nil || who != `developer ["developers","system:authenticated"]` {
		t.Errorf("dev1 is %q (%v)", who, err)
	}
	out, err = admin.Run(ctx, "kubectl", "eks-login", "admin", "migrate", "--cluster", world.ClusterName)
	if err != nil || strings.Contains(out, "created") || !strings.Contains(out, "is in API mode") {
		t.Errorf("a second run: %v\n%s", err, out)
	}
	out, err = admin.Run(ctx, "kubectl", "eks-login", "admin", "migrate", "--cluster", world.ClusterName, "--rollback")
	if code := worldtest.ExitCode(err); code != 9 || !strings.Contains(out, "would shut their principals out") {
		t.Errorf("rollback in API mode exited %d, want 9:\n%s", code, out)
	}
}
