package ssocreds_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/world"
)

// TestMain runs the package inside the world's namespaces (where the real
// SSO host names lead to the local AWS) unless -short; the world itself
// starts on first use, AWS alone, and is stopped here.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	os.Exit(world.MainIsolated(func() int {
		code := m.Run()
		if shared.w != nil {
			if code != 0 {
				if log, err := os.ReadFile(shared.dir + "/localaws.log"); err == nil {
					fmt.Fprintf(os.Stderr, "localaws log:\n%s\n", log)
				}
			}
			if err := shared.w.Stop(); err != nil {
				fmt.Fprintf(os.Stderr, "stop the test world: %v\n", err)
				code = 1
			} else if err := shared.w.CheckStopped(); err != nil {
				fmt.Fprintf(os.Stderr, "the stopped test world left something behind: %v\n", err)
				code = 1
			}
		}
		if shared.dir != "" {
			os.RemoveAll(shared.dir)
		}
		return code
	}))
}

var shared struct {
	once sync.Once
	w    *world.World
	dir  string
	err  error
}

// theWorld starts the world's AWS once for the package's tests.
func theWorld(t *testing.T) *world.World {
	t.Helper()
	if testing.Short() {
		t.Skip("starts the test world; skipped with -short")
	}
	if err := exec.Command("python3", "-c", "import moto").Run(); err != nil {
		t.Skip("python3 with moto is not installed (pip install 'moto[server]==5.2.1'); see the Makefile")
	}
	shared.once.Do(func() {
		if shared.dir, shared.err = os.MkdirTemp("", "ssocreds-world-"); shared.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		shared.w, shared.err = world.Start(ctx, world.Options{Dir: shared.dir, AWSOnly: true})
	})
	if shared.err != nil {
		t.Fatalf("start the test world: %v", shared.err)
	}
	return shared.w
}
