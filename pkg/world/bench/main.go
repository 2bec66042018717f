// Command bench measures the token path against the alternatives, in one run
// on one machine, in the local world: kubectl-eks_login token warm and cold,
// "aws eks get-token", "aws-iam-authenticator token", and a trivial Go
// program that reads one file (the process floor). It prints a Markdown
// report: medians, spread, ratios, peak RSS, binary size, the 64-call herd,
// kubectl through the plugin against a static token, and package init time.
// Run it as "make bench".
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eks-login/eks-login/pkg/world"
)

var runs = flag.Int("n", 20, "runs of each command")

func main() {
	flag.Parse()
	os.Exit(world.Main(func() int {
		if err := run(os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "bench: %v\n", err)
			return 1
		}
		return 0
	}))
}

// sample is one timed run of a command.
type sample struct {
	wall time.Duration
}

type result struct {
	name    string
	samples []sample
	maxRSS  int64 // KiB, the largest of rssRuns runs under GNU time
	faults  int64 // minor page faults, the median of those runs
}

// rssRuns is how many extra runs of each command measure its peak RSS.
const rssRuns = 5

func (r result) median() time.Duration { return percentile(r.samples, 50) }

func percentile(s []sample, p int) time.Duration {
	d := make([]time.Duration, len(s))
	for i, x := range s {
		d[i] = x.wall
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	idx := (len(d) - 1) * p / 100
	return d[idx]
}

// timeOnce runs cmd and measures its wall time and peak RSS.
//
// The output goes to a file, not a pipe: a pipe needs a goroutine in this
// process to copy it, whose scheduling would be timed with every command.
func timeOnce(cmd *exec.Cmd) (sample, error) {
	out, err := os.CreateTemp("", "eks-login-out-")
	if err != nil {
		return sample{}, err
	}
	defer os.Remove(out.Name())
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		b, _ := os.ReadFile(out.Name())
		return sample{}, fmt.Errorf("%s: %w\n%s", strings.Join(cmd.Args, " "), err, b)
	}
	return sample{wall: wall}, nil
}

// peakRSS runs cmd under GNU time and returns its peak resident set in KiB
// and its minor page faults. The rusage of a child started by this process
// cannot be used: Go starts children with vfork, so the kernel folds this
// process's own peak into the child's maxrss, and every command would report
// at least the harness's size.
//
// Page faults explain start-up time on a virtual machine: each first touch
// of a page of the binary or of the heap is a fault, and on this project's
// machines one costs tens of microseconds, so a command's share of them is
// most of what it costs above the floor.
func peakRSS(cmd *exec.Cmd) (kib, faults int64, err error) {
	out, err := os.CreateTemp("", "eks-login-rss-")
	if err != nil {
		return 0, 0, err
	}
	out.Close()
	defer os.Remove(out.Name())
	timed := exec.CommandContext(context.Background(), "/usr/bin/time", append([]string{"-f", "%M %R", "-o", out.Name(), cmd.Path}, cmd.Args[1:]...)...)
	timed.Env, timed.Dir = cmd.Env, cmd.Dir
	if b, err := timed.CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("%s: %w\n%s", strings.Join(cmd.Args, " "), err, b)
	}
	b, err := os.ReadFile(out.Name())
	if err != nil {
		return 0, 0, err
	}
	fields := strings.Fields(string(b))
	if len(fields) < 2 {
		return 0, 0, fmt.Errorf("GNU time printed no peak RSS and page faults for %s: %q", cmd.Path, b)
	}
	if kib, err = strconv.ParseInt(fields[len(fields)-2], 10, 64); err == nil {
		faults, err = strconv.ParseInt(fields[len(fields)-1], 10, 64)
	}
	return kib, faults, err
}

func run(out io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "eks-login-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	binDir := filepath.Join(dir, "bin")
	plugin := filepath.Join(binDir, "kubectl-eks_login")
	if err := goBuild(root, plugin, "./cmd/kubectl-eks_login"); err != nil {
		return err
	}
	floorSrc := filepath.Join(dir, "floor")
	os.MkdirAll(floorSrc, 0o755)
	os.WriteFile(filepath.Join(floorSrc, "go.mod"), []byte("module floor\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(floorSrc, "main.go"), []byte("package main\n\nimport \"os\"\n\nfunc main() {\n\tif _, err := os.ReadFile(os.Args[1]); err != nil {\n\t\tos.Exit(1)\n\t}\n}\n"), 0o644)
	floor := filepath.Join(binDir, "floor")
	if err := goBuild(floorSrc, floor, "."); err != nil {
		return err
	}
	schemaProbe := filepath.Join(binDir, "schemaprobe")
	if err := goBuild(root, schemaProbe, "./pkg/world/bench/schemaprobe"); err != nil {
		return err
	}

	w, err := world.Start(ctx, world.Options{Dir: filepath.Join(dir, "world"), TokenWebhookCacheTTL: 2 * time.Minute})
	if err != nil {
		return err
	}
	defer w.Stop()
	people := map[string]*world.Person{}
	if people["admin"], err = w.NewAdmin(dir, binDir); err != nil {
		return err
	}
	if people["dev1"], err = w.NewPerson(dir, "dev1", binDir); err != nil {
		return err
	}
	// The seed's recipe gives dev1 the role profile dev1-eks, mapped and bound.
	if err := world.RunScenario(ctx, people, world.SeedScenarioByHand(), world.Vars{}, io.Discard); err != nil {
		return fmt.Errorf("set up the seed's access: %w", err)
	}
	dev := people["dev1"]
	tokenArgs := []string{"token", "--cluster-name", world.ClusterName, "--profile", "dev1-eks", "--region", world.Region}
	command := func(env []string, name string, args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Env = append(dev.Env(), env...)
		cmd.Dir = dev.Home
		return cmd
	}
	measure := func(name string, mk func(i int) *exec.Cmd) (result, error) {
		r := result{name: name}
		for i := 0; i < *runs; i++ {
			s, err := timeOnce(mk(i))
			if err != nil {
				return r, err
			}
			r.samples = append(r.samples, s)
		}
		var faults []int64
		for i := 0; i < rssRuns; i++ {
			kib, n, err := peakRSS(mk(*runs + i)) // fresh indexes: cold runs need empty caches
			if err != nil {
				return r, err
			}
			r.maxRSS = max(r.maxRSS, kib)
			faults = append(faults, n)
		}
		sort.Slice(faults, func(i, j int) bool { return faults[i] < faults[j] })
		r.faults = faults[len(faults)/2]
		return r, nil
	}
	// Prime the warm cache.
	if _, err := timeOnce(command(nil, plugin, tokenArgs...)); err != nil {
		return err
	}
	var results []result
	add := func(name string, mk func(i int) *exec.Cmd) error {
		r, err := measure(name, mk)
		if err != nil {
			return err
		}
		results = append(results, r)
		return nil
	}
	authenticator := filepath.Join(os.Getenv("EKS_LOGIN_TOOLS_BIN"), "aws-iam-authenticator")
	steps := []struct {
		name string
		mk   func(i int) *exec.Cmd
	}{
		{"process floor (Go, reads one file)", func(int) *exec.Cmd { return command(nil, floor, filepath.Join(dev.Home, ".aws/config")) }},
		{"kubectl-eks_login token, warm (cached)", func(int) *exec.Cmd { return command(nil, plugin, tokenArgs...) }},
		{"kubectl-eks_login token, cold (empty cache: GetCallerIdentity to name the session, AssumeRole, presign)", func(i int) *exec.Cmd {
			return command(nil, plugin, append(tokenArgs, "--cache-dir", filepath.Join(dir, "cold", strconv.Itoa(i)))...)
		}},
		// A session name given (--session-name, or role_session_name in the
		// profile) spares the lookup: one STS call.
		{"kubectl-eks_login token, cold with --session-name (AssumeRole, presign)", func(i int) *exec.Cmd {
			return command(nil, plugin, append(tokenArgs, "--session-name", "dev1", "--cache-dir", filepath.Join(dir, "cold-named", strconv.Itoa(i)))...)
		}},
		{"aws eks get-token (AWS CLI v1)", func(int) *exec.Cmd {
			return command(nil, "aws", "eks", "get-token", "--cluster-name", world.ClusterName, "--profile", "dev1-eks", "--region", world.Region)
		}},
		{"aws-iam-authenticator token v0.6.13", func(int) *exec.Cmd {
			return command([]string{"AWS_PROFILE=dev1-eks", "AWS_REGION=" + world.Region, "AWS_SDK_LOAD_CONFIG=1", "AWS_STS_REGIONAL_ENDPOINTS=regional"}, authenticator, "token", "-i", world.ClusterName)
		}},
	}
	for _, s := range steps {
		if err := add(s.name, s.mk); err != nil {
			return err
		}
	}

	herdWall, herdAssumes, herdErr := herd(ctx, w, command, plugin, tokenArgs, filepath.Join(dir, "herd"))
	if herdErr != nil {
		return herdErr
	}
	overall, err := kubectlOverall(ctx, people["admin"], dev, command, tokenArgs, *runs)
	if err != nil {
		return err
	}
	// The median of nine traced runs: one run's init times are noisy.
	var traces []initTrace
	for i := 0; i < 9; i++ {
		tr, err := initTime(command(nil, plugin, tokenArgs...))
		if err != nil {
			return err
		}
		traces = append(traces, tr)
	}
	sort.Slice(traces, func(i, j int) bool { return traces[i].total < traces[j].total })
	med := traces[len(traces)/2]
	// The floor's own inits (runtime, os, syscall...) for comparison: part of
	// every Go program's start, not of eks-login's.
	configFile := filepath.Join(dev.Home, ".aws/config")
	floorInit, err := medianInit(func() *exec.Cmd { return command(nil, floor, configFile) })
	if err != nil {
		return err
	}
	schemaInit, err := medianInit(func() *exec.Cmd { return command(nil, schemaProbe, configFile) })
	if err != nil {
		return err
	}
	info, err := os.Stat(plugin)
	if err != nil {
		return err
	}

	floorMed := results[0].median()
	var cli time.Duration
	for _, r := range results {
		if strings.HasPrefix(r.name, "aws eks get-token") {
			cli = r.median()
		}
	}
	fmt.Fprintf(out, "# Benchmarks\n\nMeasured by `make bench` (%d runs of each command, one after another, in the local world on loopback) on %s, %d CPUs, %s, %s.\n\n",
		*runs, time.Now().UTC().Format("2006-01-02"), runtime.NumCPU(), runtime.GOOS+"/"+runtime.GOARCH, runtime.Version())
	fmt.Fprintf(out, "| command | median | p10 – p90 | × floor | `aws eks get-token` ÷ this | peak RSS | page faults |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		fmt.Fprintf(out, "| %s | %s | %s – %s | %.1f | %.1f | %.1f MiB | %d |\n", r.name, ms(r.median()), ms(percentile(r.samples, 10)), ms(percentile(r.samples, 90)),
			float64(r.median())/float64(floorMed), float64(cli)/float64(r.median()), float64(r.maxRSS)/1024, r.faults)
	}
	fmt.Fprintf(out, "\nPage faults are minor faults (GNU time's %%R, the median of %d runs): each first touch of a page of the binary or the heap. On this virtual machine one costs tens of microseconds, so they, more than the work done, set how far a command starts above the floor.\n", rssRuns)
	fmt.Fprintf(out, "\nBinary size of kubectl-eks_login (built as `make release` does: -trimpath, -s -w, no cgo): %.1f MiB.\n", float64(info.Size())/(1<<20))
	fmt.Fprintf(out, "\n## The herd\n\n64 concurrent cold `kubectl-eks_login token` calls on one empty cache: %d AssumeRole call(s) reached the local AWS; all 64 got a valid token after %s.\n", herdAssumes, ms(herdWall))
	fmt.Fprintf(out, "\n## What a user feels\n\n| `kubectl get pods -A` | median | p10 – p90 |\n|---|---:|---:|\n")
	for _, r := range overall {
		fmt.Fprintf(out, "| %s | %s | %s – %s |\n", r.name, ms(r.median()), ms(percentile(r.samples, 10)), ms(percentile(r.samples, 90)))
	}
	fmt.Fprintf(out, "\n## Start-up\n\n`GODEBUG=inittrace=1` on a warm `token` call (the median of nine runs): %d package inits, %.3f ms in all (the floor program's own inits: %.3f ms), %.3f ms of it in the AWS SDK for Go v2 (its service packages, linked through config and for login, doctor and admin: sts, sso, ssooidc, signin, eks, iam, build their generated schemas and endpoint tables at init; the IAM and EKS schemas, about 600 KB of allocations each, are the largest). The largest:\n\n", med.count, med.total, floorInit, med.aws)
	for _, l := range med.top {
		fmt.Fprintf(out, "    %s\n", l)
	}
	fmt.Fprintf(out, "\n%.3f ms of the inits are client-go's and what it brings (k8s.io, sigs.k8s.io, json-iterator, cbor, yaml.v2, go-spew, inf, logr): the ExecCredential types of the token command, and clientcmd, rest and the exec authenticator of admin, login and doctor, which share the binary. The largest parts: apimachinery's package variables (meta/v1, validation, validate/content, util/version), the exec authenticator's and clientcmd's own schemes (each built at init), client-go's feature gates, k8s.io/api/core/v1, json-iterator and go-spew. pkg/kube's scheme is built on the first client, not at init; the typed clientset, whose scheme of every API group would add about 3 ms, is left out.\n", med.k8s)
	fmt.Fprintf(out, "\nInits over 0.5 ms are the AWS SDK's IAM and EKS schemas above (the generated shapes of every operation of the two services, which admin, login and doctor call; the SDK builds them at init, and no option defers them). cobra and pflag add %.3f ms of inits; building the command tree is measured in-process below: BenchmarkDispatch is a warm `token` call's path from argv to the token command's run function (the root builds only the subcommand named), BenchmarkNewCmdRoot the whole tree, as help and completion build it. The access file's JSON Schema is checked with github.com/santhosh-tekuri/jsonschema/v6 in tests only (`pkg/accessfile`'s schema test): linked into the binary, its inits (its regexp and format tables) would add %.1f ms to every call (the inits of the floor program with it linked in, %.1f ms, less the floor's own), so the binary checks access files with Go code that the schema test holds to the schema.\n", med.cobra, schemaInit-floorInit, schemaInit)
	return manyClusters(ctx, out, w, command, plugin, dir)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// goBuild builds pkg as a release does (no paths, no symbol tables), so the
// size and start-up measured are what users get.
func goBuild(dir, out, pkg string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Dir = dir
	// Static, as released: with cgo the net package links libc and the
	// dynamic loader, which costs every start a few milliseconds.
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return nil
}

// herd starts 64 cold token calls at once on one empty cache and counts the
// AssumeRole calls the local AWS received.
func herd(ctx context.Context, w *world.World, command func([]string, string, ...string) *exec.Cmd, plugin string, tokenArgs []string, cache string) (time.Duration, int, error) {
	if err := w.AWS.ResetCalls(ctx); err != nil {
		return 0, 0, err
	}
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := command(nil, plugin, append(tokenArgs, "--cache-dir", cache)...).Output()
			if err != nil {
				errs <- err
				return
			}
			var cred struct {
				Status struct{ Token string } `json:"status"`
			}
			if err := json.Unmarshal(out, &cred); err != nil || !strings.HasPrefix(cred.Status.Token, "k8s-aws-v1.") {
				errs <- fmt.Errorf("herd call printed no token: %s", out)
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	close(errs)
	for err := range errs {
		return 0, 0, err
	}
	calls, err := w.AWS.Calls(ctx)
	return wall, calls["sts:AssumeRole"], err
}

// kubectlOverall times "kubectl get pods -A" as dev1 three ways: through an
// exec entry that runs kubectl-eks_login token (warm), through the seed's exec
// entry that runs "aws eks get-token", and with a static bearer token (a
// service account's), which is the floor of what kubectl costs.
func kubectlOverall(ctx context.Context, admin, dev *world.Person, command func([]string, string, ...string) *exec.Cmd, tokenArgs []string, n int) ([]result, error) {
	for _, args := range [][]string{
		{"create", "serviceaccount", "bench", "-n", "default"},
		{"create", "clusterrolebinding", "bench-view", "--clusterrole", "view", "--serviceaccount", "default:bench"},
	} {
		if out, err := admin.Run(ctx, "kubectl", args...); err != nil {
			return nil, fmt.Errorf("%w: %s", err, out)
		}
	}
	token, err := admin.Run(ctx, "kubectl", "create", "token", "bench", "-n", "default", "--duration", "1h")
	if err != nil {
		return nil, err
	}
	setExec := []string{"config", "set-credentials", "eks-login", "--exec-api-version", "client.authentication.k8s.io/v1beta1", "--exec-command", "kubectl-eks_login", "--exec-interactive-mode", "IfAvailable"}
	for _, a := range tokenArgs {
		setExec = append(setExec, "--exec-arg", a)
	}
	for _, args := range [][]string{setExec, {"config", "set-credentials", "static", "--token", strings.TrimSpace(token)}} {
		if out, err := dev.Run(ctx, "kubectl", args...); err != nil {
			return nil, fmt.Errorf("%w: %s", err, out)
		}
	}
	var results []result
	for _, c := range []struct {
		name string
		args []string
	}{
		{"exec entry running kubectl-eks_login token (warm)", []string{"--user", "eks-login", "get", "pods", "-A"}},
		{"exec entry running aws eks get-token (the seed's update-kubeconfig)", []string{"get", "pods", "-A"}},
		{"static bearer token (no credential plugin)", []string{"--user", "static", "get", "pods", "-A"}},
	} {
		r := result{name: c.name}
		for i := 0; i < n; i++ {
			s, err := timeOnce(command(nil, "kubectl", c.args...))
			if err != nil {
				return nil, err
			}
			r.samples = append(r.samples, s)
		}
		results = append(results, r)
	}
	return results, nil
}

var initLine = regexp.MustCompile(`^init (\S+) @[0-9.]+ ms, ([0-9.]+) ms clock`)

// clientGoPackages are client-go's packages and those only it brings.
var clientGoPackages = regexp.MustCompile(`^(k8s\.io/|sigs\.k8s\.io/|github\.com/(json-iterator|modern-go|fxamacker|x448|davecgh|go-logr)/|gopkg\.in/inf|go\.yaml\.in/yaml/v2)`)

// medianInit is the median, over nine runs, of the time cmd spends in
// package inits.
func medianInit(cmd func() *exec.Cmd) (float64, error) {
	var totals []float64
	for i := 0; i < 9; i++ {
		tr, err := initTime(cmd())
		if err != nil {
			return 0, err
		}
		totals = append(totals, tr.total)
	}
	sort.Float64s(totals)
	return totals[len(totals)/2], nil
}

// initTrace is what one GODEBUG=inittrace=1 run says of the package inits:
// their time in all, for the AWS SDK's packages, client-go's and cobra's,
// their count and the five largest.
type initTrace struct {
	total, aws, k8s, cobra float64
	count                  int
	top                    []string
}

// initTime runs cmd with GODEBUG=inittrace=1 and sums its package inits.
func initTime(cmd *exec.Cmd) (initTrace, error) {
	var tr initTrace
	cmd.Env = append(cmd.Env, "GODEBUG=inittrace=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return tr, fmt.Errorf("inittrace run: %w: %s", err, stderr.String())
	}
	type pkgInit struct {
		line string
		ms   float64
	}
	var inits []pkgInit
	for _, l := range strings.Split(stderr.String(), "\n") {
		m := initLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		v, _ := strconv.ParseFloat(m[2], 64)
		tr.total += v
		switch {
		case strings.HasPrefix(m[1], "github.com/aws/"):
			tr.aws += v
		case clientGoPackages.MatchString(m[1]):
			tr.k8s += v
		case strings.HasPrefix(m[1], "github.com/spf13/"):
			tr.cobra += v
		}
		inits = append(inits, pkgInit{l, v})
	}
	sort.Slice(inits, func(i, j int) bool { return inits[i].ms > inits[j].ms })
	for i := 0; i < len(inits) && i < 5; i++ {
		tr.top = append(tr.top, inits[i].line)
	}
	tr.count = len(inits)
	return tr, nil
}
