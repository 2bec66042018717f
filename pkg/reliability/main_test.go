package reliability

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/eks-login/eks-login/pkg/world"
)

// childEnv switches the test binary into one of the writer loops of
// crash_test.go: the crash tests run this very binary as the process they
// kill, so no helper program is built.
const childEnv = "RELIABILITY_CHILD"

func TestMain(m *testing.M) {
	if kind := os.Getenv(childEnv); kind != "" {
		os.Exit(runChild(kind))
	}
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	if shared != nil {
		shared.srv.Stop()
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

// binary builds cmd/kubectl-eks_login once per test process (not in
// TestMain, so that fuzz workers do not build it).
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "reliability-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "kubectl-eks_login")
		cmd := exec.Command("go", "build", "-o", binPath, "github.com/eks-login/eks-login/cmd/kubectl-eks_login")
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// readyLine blocks until the child says it has started writing.
func readyLine(r *bufio.Reader) error {
	line, err := r.ReadString('\n')
	if err != nil {
		return err
	}
	if line != "ready\n" {
		return fmt.Errorf("child said %q", line)
	}
	return nil
}

var _ = context.Background
var _ = world.StartLocalAWS
