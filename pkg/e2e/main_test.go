// Package e2e runs eks-login's scenarios end to end in the test world: the
// local AWS, a real kube-apiserver with RBAC and aws-iam-authenticator as its
// token webhook, the real AWS CLI and the real kubectl.
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/world"
)

var (
	theWorld *world.World
	worldDir string

	// The kubectl-eks_login binary under test is built once, on first use.
	pluginOnce sync.Once
	pluginBin  string
	pluginErr  error
)

// pluginDir returns the folder holding the kubectl-eks_login under test, for
// every person's PATH.
func pluginDir(t *testing.T) string {
	t.Helper()
	pluginOnce.Do(func() { pluginBin, pluginErr = buildPlugin(worldDir) })
	if pluginErr != nil {
		t.Fatal(pluginErr)
	}
	return pluginBin
}

// buildPlugin builds the binary exactly as users get it, into dir/bin.
func buildPlugin(dir string) (string, error) {
	bin := filepath.Join(dir, "bin")
	cmd := exec.Command("go", "build", "-o", filepath.Join(bin, "kubectl-eks_login"), "github.com/eks-login/eks-login/cmd/kubectl-eks_login")
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOPROXY=off", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build kubectl-eks_login: %v\n%s", err, out)
	}
	return bin, nil
}

// TestMain runs the package inside the world's namespaces and starts one
// world for all its tests; each test makes its own IAM users and files.
func TestMain(m *testing.M) {
	os.Exit(world.Main(func() int {
		dir, err := os.MkdirTemp("", "eks-login-world-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		w, err := world.Start(ctx, world.Options{Dir: filepath.Join(dir), Log: os.Stderr})
		cancel()
		if err != nil {
			fmt.Fprintf(os.Stderr, "start the test world: %v\n", err)
			return 1
		}
		theWorld = w
		worldDir = dir
		code := m.Run()
		if code != 0 {
			fmt.Fprintf(os.Stderr, "server logs:\n%s\n", w.Logs(30))
		}
		if err := w.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "stop the test world: %v\n", err)
			return 1
		}
		// Stopping must leave no process and no listening port behind.
		if err := w.CheckStopped(); err != nil {
			fmt.Fprintf(os.Stderr, "the stopped test world left something behind: %v\n", err)
			return 1
		}
		return code
	}))
}
