package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/eks-login/eks-login/pkg/kubeconfig"
)

type result struct {
	stdout, stderr string
	err            error
}

// parallel runs n copies of the binary at once, each with args(i).
func parallel(t *testing.T, n int, env []string, args func(i int) []string) []result {
	bin := binary(t)
	res := make([]result, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := 0; i < n; i++ {
		done.Add(1)
		go func(i int) {
			defer done.Done()
			cmd := exec.Command(bin, args(i)...)
			cmd.Env = env
			var o, e bytes.Buffer
			cmd.Stdout, cmd.Stderr = &o, &e
			start.Wait()
			res[i] = result{o.String(), e.String(), cmd.Run()}
			res[i].stdout, res[i].stderr = o.String(), e.String()
		}(i)
	}
	start.Done()
	done.Wait()
	return res
}

func tokenOf(t *testing.T, r result) string {
	var ec struct{ Status struct{ Token string } }
	if err := json.Unmarshal([]byte(r.stdout), &ec); err != nil || ec.Status.Token == "" {
		t.Fatalf("no ExecCredential (%v): %q %q", r.err, r.stdout, r.stderr)
	}
	return ec.Status.Token
}

// TestTokenParallel: 64 cold calls on one cache assume the role once and
// all print the same token; 64 warm calls assume nothing.
func TestTokenParallel(t *testing.T) {
	l := startAWS(t)
	_, env := l.home(t)
	cache := filepath.Join(t.TempDir(), "cache")
	args := func(int) []string {
		return []string{"token", "--cluster-name", "c0", "--profile", "dev1-eks", "--cache-dir", cache}
	}
	ctx := context.Background()
	for _, phase := range []string{"cold", "warm"} {
		if err := l.srv.ResetCalls(ctx); err != nil {
			t.Fatal(err)
		}
		res := parallel(t, 64, env, args)
		first := tokenOf(t, res[0])
		for i, r := range res {
			if r.err != nil {
				t.Fatalf("%s call %d: %v\n%s", phase, i, r.err, r.stderr)
			}
			if tok := tokenOf(t, r); tok != first {
				t.Errorf("%s call %d printed another token", phase, i)
			}
		}
		calls, err := l.srv.Calls(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"cold": 1, "warm": 0}[phase]
		t.Logf("%s: 64 parallel calls, sts:AssumeRole = %d, all calls %v", phase, calls["sts:AssumeRole"], calls)
		if calls["sts:AssumeRole"] != want {
			t.Errorf("%s: sts:AssumeRole called %d times, want %d", phase, calls["sts:AssumeRole"], want)
		}
	}
}

// TestLoginParallel: 10 logins to 10 clusters at once, into one kubeconfig
// and one config file: every call succeeds and all 10 contexts are there.
func TestLoginParallel(t *testing.T) {
	l := startAWS(t)
	home, env := l.home(t)
	kc := filepath.Join(home, ".kube", "config")
	res := parallel(t, clusters, env, func(i int) []string {
		return []string{"login", "--cluster", fmt.Sprintf("c%d", i), "--role-arn", viewerARN, "--source-profile", "dev1", "--no-verify"}
	})
	failed := 0
	for i, r := range res {
		if r.err != nil {
			failed++
			t.Errorf("login c%d: %v\n%s", i, r.err, r.stderr)
		}
	}
	f, err := kubeconfig.Load(kc)
	if err != nil {
		t.Fatal(err)
	}
	have := 0
	for i := 0; i < clusters; i++ {
		if _, ok := f.Context(fmt.Sprintf("c%d", i)); ok {
			have++
		}
	}
	t.Logf("%d parallel logins: %d failed, %d of %d contexts in the kubeconfig", clusters, failed, have, clusters)
	if have != clusters {
		t.Errorf("%d of %d contexts in %s", have, clusters, kc)
	}
	if data, _ := os.ReadFile(filepath.Join(home, ".aws", "config")); !bytes.Contains(data, []byte("[profile dev1-eks]")) {
		t.Errorf("no role profile in the config file")
	}
}

// TestLogoutParallel: 20 logouts at once (each of the 10 contexts c0..c9
// twice) on one kubeconfig and one config file. Every call exits 0, having
// removed its context or found nothing to remove; no context is left, and
// the role profile the 10 contexts shared goes with the last of them.
// Before the fix, every logout that found a file changed since it planned
// failed with exit 9 (issue 18.5).
func TestLogoutParallel(t *testing.T) {
	l := startAWS(t)
	home, env := l.home(t)
	kc, config := filepath.Join(home, ".kube", "config"), filepath.Join(home, ".aws", "config")
	for i := 0; i < clusters; i++ {
		r := parallel(t, 1, env, func(int) []string {
			return []string{"login", "--cluster", fmt.Sprintf("c%d", i), "--role-arn", viewerARN, "--source-profile", "dev1", "--profile", "dev1-par", "--no-verify"}
		})[0]
		if r.err != nil {
			t.Fatalf("login c%d: %v\n%s", i, r.err, r.stderr)
		}
	}
	res := parallel(t, 2*clusters, env, func(i int) []string {
		return []string{"logout", "--cluster", fmt.Sprintf("c%d", i%clusters)}
	})
	failed := 0
	for i, r := range res {
		if r.err != nil {
			failed++
			t.Errorf("logout c%d: %v\n%s", i%clusters, r.err, r.stderr)
		}
	}
	f, err := kubeconfig.Load(kc)
	if err != nil {
		t.Fatal(err)
	}
	left := len(f.Contexts())
	data, _ := os.ReadFile(config)
	t.Logf("%d parallel logouts: %d failed, %d contexts left", len(res), failed, left)
	if left != 0 {
		t.Errorf("%d contexts left in %s", left, kc)
	}
	if bytes.Contains(data, []byte("[profile dev1-par]")) {
		t.Errorf("the role profile outlived every context that used it:\n%s", data)
	}
}
