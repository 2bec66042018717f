package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/world"
)

// logWriter sends the scenario's narration to the test log.
type logWriter struct{ t *testing.T }

func (l logWriter) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestSeedScenarioByHand walks the seed's manual recipe with the AWS CLI and
// kubectl and checks every stage, so the world is known to behave as EKS does:
// dev1 is denied DescribeCluster until it uses the role, kubectl is
// Unauthorized until aws-auth maps the role, and then pods are listed while
// nodes are Forbidden.
func TestSeedScenarioByHand(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	admin, err := theWorld.NewAdmin(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	dev1, err := theWorld.NewPerson(dir, "dev1", "")
	if err != nil {
		t.Fatal(err)
	}
	people := map[string]*world.Person{"admin": admin, "dev1": dev1}
	if err := world.RunScenario(ctx, people, world.SeedScenarioByHand(), world.Vars{}, logWriter{t}); err != nil {
		t.Fatal(err)
	}
}

// TestSeedScenarioWithEKSLogin reaches the same access through eks-login's
// commands: admin grant on one side, login on the other, then kubectl.
func TestSeedScenarioWithEKSLogin(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	admin, err := theWorld.NewAdmin(dir, pluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	dev2, err := theWorld.NewPerson(dir, "dev2", pluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	people := map[string]*world.Person{"admin": admin, "dev2": dev2}
	if err := world.RunScenario(ctx, people, world.SeedScenarioWithEKSLogin(), world.Vars{"ADMIN_HOME": admin.Home}, logWriter{t}); err != nil {
		t.Fatal(err)
	}
}
