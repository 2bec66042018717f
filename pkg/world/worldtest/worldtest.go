// Package worldtest runs an end-to-end test package in a world of its own:
// TestMain starts the world (inside its namespaces), the tests share it and
// the kubectl-eks_login binary under test, and stopping must leave nothing
// behind.
package worldtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/world"
)

// Suite is one test binary's world and plugin.
type Suite struct {
	// World is set once Main has started it.
	World *world.World
	// Dir holds the world's state and the plugin's build.
	Dir string
	// Started, if set, is called with the world before the tests run.
	Started func(*world.World)

	pluginOnce sync.Once
	pluginBin  string
	pluginErr  error
}

// Main is the body of TestMain: it starts a world with opts (Dir and Log
// filled in), runs the tests, prints the servers' logs if one failed, stops
// the world and checks that no process or port is left.
func (s *Suite) Main(m *testing.M, opts world.Options) int {
	return world.Main(func() int {
		dir, err := os.MkdirTemp("", "eks-login-world-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		opts.Dir, opts.Log = dir, os.Stderr
		w, err := world.Start(ctx, opts)
		cancel()
		if err != nil {
			fmt.Fprintf(os.Stderr, "start the test world: %v\n", err)
			return 1
		}
		s.World, s.Dir = w, dir
		if s.Started != nil {
			s.Started(w)
		}
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
	})
}

// PluginDir returns the folder holding the kubectl-eks_login under test, for
// every person's PATH; it is built once, on first use, exactly as users get it.
func (s *Suite) PluginDir(t *testing.T) string {
	t.Helper()
	s.pluginOnce.Do(func() {
		bin := filepath.Join(s.Dir, "bin")
		cmd := exec.Command("go", "build", "-o", filepath.Join(bin, "kubectl-eks_login"), "github.com/eks-login/eks-login/cmd/kubectl-eks_login")
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOPROXY=off", "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			s.pluginErr = fmt.Errorf("build kubectl-eks_login: %v\n%s", err, out)
		}
		s.pluginBin = bin
	})
	if s.pluginErr != nil {
		t.Fatal(s.pluginErr)
	}
	return s.pluginBin
}

// Eventually runs f until done accepts its error or fifteen seconds pass,
// and returns the last result. It waits for an outcome the test cannot be
// told of, never for a fixed time: aws-iam-authenticator's watch of
// aws-auth, or the end of kube-apiserver's ten-second cache of a token it
// accepted, after a mapping changed.
func Eventually(ctx context.Context, f func() (string, error), done func(error) bool) (string, error) {
	deadline := time.Now().Add(15 * time.Second)
	for {
		out, err := f()
		if done(err) || time.Now().After(deadline) || ctx.Err() != nil {
			return out, err
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// ExitCode is the exit code of a command's error: 0 for nil, -1 when the
// command did not run.
func ExitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// Admin is the cluster creator: the world's IAM user admin (allowed
// everything) as the AWS profile "default", with a system:masters
// kubeconfig, the AWS CLI and eks-login.
type Admin struct{ *world.Person }

// NewAdmin makes the admin in a folder of t's own.
func (s *Suite) NewAdmin(t *testing.T) Admin {
	t.Helper()
	p, err := s.World.NewAdmin(t.TempDir(), s.PluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	return Admin{p}
}

// MustRun runs a command as the admin, logs it, and fails the test unless it
// succeeds. The output is logged only on a failure: a successful one may hold
// a new access key.
func (a Admin) MustRun(ctx context.Context, t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := a.Run(ctx, name, args...)
	if err != nil {
		t.Fatalf("admin$ %s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	t.Logf("admin$ %s %s", name, strings.Join(args, " "))
	return out
}

// EKSLogin runs kubectl eks-login admin VERB --cluster my-example ARGS (the
// admin's kubeconfig, made with a client certificate, does not name it).
func (a Admin) EKSLogin(ctx context.Context, t *testing.T, verb string, args ...string) string {
	t.Helper()
	return a.MustRun(ctx, t, "kubectl", append([]string{"eks-login", "admin", verb, "--cluster", world.ClusterName}, args...)...)
}
