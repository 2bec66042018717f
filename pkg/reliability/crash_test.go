package reliability

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/pkg/tokencache"
)

// The writer loops that the crash tests kill. Each says "ready" on stdout,
// then writes its file over and over the way the product does, until it is
// killed.
func runChild(kind string) int {
	path, lockDir := os.Getenv("RELIABILITY_FILE"), os.Getenv("RELIABILITY_LOCKDIR")
	fmt.Println("ready")
	var err error
	for i := 0; err == nil; i++ {
		switch kind {
		case "config":
			err = configStep(path, lockDir)
		case "kubeconfig":
			err = kubeconfigStep(path, lockDir)
		case "cache":
			err = cacheStep(path, i)
		default:
			err = fmt.Errorf("unknown child %q", kind)
		}
	}
	fmt.Fprintln(os.Stderr, err)
	return 1
}

// The profile login manages in the big config file toggles its region.
var configRegions = [2]string{"eu-west-1", "us-east-1"}

func configSettings(region string) []awsconfig.Setting {
	return []awsconfig.Setting{
		{Key: "role_arn", Value: "arn:aws:iam::123456789012:role/EKSMyExampleViewer", Defining: true},
		{Key: "source_profile", Value: "dev1"},
		{Key: "region", Value: region},
		{Key: "output", Value: "json", KeepExisting: true},
	}
}

func configStep(path, lockDir string) error {
	f, err := awsconfig.Load(path, awsconfig.ConfigFile)
	if err != nil {
		return err
	}
	region := configRegions[0]
	if p, ok := f.Profile("crash-eks"); ok && p.Values["region"] == region {
		region = configRegions[1]
	}
	plan, err := f.PlanSetProfile("crash-eks", configSettings(region))
	if err != nil {
		return err
	}
	return plan.Apply(lockDir)
}

var kubeServers = [2]string{"https://A.gr7.eu-west-1.eks.amazonaws.com", "https://B.gr7.eu-west-1.eks.amazonaws.com"}

func crashLogin(server string) kubeconfig.Login {
	arn := "arn:aws:eks:eu-west-1:123456789012:cluster/crash"
	return kubeconfig.Login{
		ClusterName: arn, Server: server, CAData: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
		UserName: kubeconfig.UserName("crash-eks", arn), Context: "crash",
		Exec: kubeconfig.Exec{APIVersion: "client.authentication.k8s.io/v1beta1", Command: "kubectl-eks_login",
			Args: []string{"token", "--cluster-name", "crash", "--profile", "crash-eks", "--region", "eu-west-1"}},
	}
}

func kubeconfigStep(path, lockDir string) error {
	f, err := kubeconfig.Load(path)
	if err != nil {
		return err
	}
	server := kubeServers[0]
	if c, ok := f.Cluster("arn:aws:eks:eu-west-1:123456789012:cluster/crash"); ok && c.Server == server {
		server = kubeServers[1]
	}
	plan, err := f.PlanLogin(crashLogin(server))
	if err != nil {
		return err
	}
	return plan.Apply(lockDir)
}

// cacheMinter makes big, self-checking entries: entry i carries i in its
// token, its caller ARN and its region, so a torn write cannot pass.
type cacheMinter struct{ i int }

func (m cacheMinter) Mint(context.Context) (tokencache.Entry, error) {
	n := strconv.Itoa(m.i)
	return tokencache.Entry{
		Token:      "k8s-aws-v1." + n + "." + strings.Repeat("x", 256<<10),
		Expiration: time.Now().Add(10 * time.Minute),
		Credentials: &tokencache.Credentials{AccessKeyID: "ASIA" + n, SecretAccessKey: "secret-" + n,
			SessionToken: strings.Repeat("s", 64<<10), Expiration: time.Now().Add(time.Hour)},
		CallerARN: "arn:aws:sts::123456789012:assumed-role/R/" + n,
		Region:    "region-" + n,
	}, nil
}

func (m cacheMinter) Resign(ctx context.Context, _ tokencache.Entry) (tokencache.Entry, error) {
	return m.Mint(ctx)
}

func cacheStep(dir string, i int) error {
	c := &tokencache.Cache{Dir: dir}
	_, _, err := c.Get(context.Background(), "crashkey", tokencache.Refresh, cacheMinter{i})
	return err
}

func checkCacheEntry(data []byte) error {
	var e tokencache.Entry
	if err := json.Unmarshal(data, &e); err != nil {
		return fmt.Errorf("entry does not parse: %v", err)
	}
	n := strings.TrimPrefix(e.Region, "region-")
	if e.Version == 0 || !strings.HasPrefix(e.Token, "k8s-aws-v1."+n+".") || !strings.HasSuffix(e.CallerARN, "/"+n) ||
		e.Credentials == nil || e.Credentials.AccessKeyID != "ASIA"+n || len(e.Token) != len("k8s-aws-v1."+n+".")+256<<10 {
		return fmt.Errorf("entry is not one whole entry (region %q, caller %q, %d bytes of token)", e.Region, e.CallerARN, len(e.Token))
	}
	return nil
}

// bigConfig is an AWS config file of many hand-made profiles, in CRLF, with
// comments, plus the profile the writer toggles.
func bigConfig() []byte {
	var b bytes.Buffer
	b.WriteString("# my AWS config\r\n[default]\r\nregion = ap-northeast-2\r\n\r\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&b, "[profile p%d]\r\n; team %d\r\nregion = eu-west-%d\r\nrole_arn = arn:aws:iam::123456789012:role/R%d\r\nsource_profile = default\r\n\r\n", i, i, i%3, i)
	}
	b.WriteString("[profile crash-eks]\r\n# managed by kubectl eks-login\r\nrole_arn = arn:aws:iam::123456789012:role/EKSMyExampleViewer\r\nsource_profile = dev1\r\nregion = eu-west-1\r\noutput = yaml\r\n")
	return b.Bytes()
}

func bigKubeconfig() []byte {
	var b bytes.Buffer
	b.WriteString("apiVersion: v1\nkind: Config\npreferences: {}\ncurrent-context: c0\nclusters:\n")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "- cluster:\n    certificate-authority-data: %s\n    server: https://c%d.example.com\n  name: c%d\n", strings.Repeat("QUJD", 100), i, i)
	}
	b.WriteString("contexts:\n")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "- context:\n    cluster: c%d\n    user: u%d\n  name: c%d\n", i, i, i)
	}
	b.WriteString("users:\n")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "- name: u%d\n  user:\n    token: t%d\n", i, i)
	}
	return b.Bytes()
}

func kills(t *testing.T) int {
	if s := os.Getenv("RELIABILITY_KILLS"); s != "" {
		n, _ := strconv.Atoi(s)
		return n
	}
	if testing.Short() {
		return 20
	}
	return 200
}

// killLoop starts the writer kind n times and SIGKILLs it after a random
// delay of up to maxDelay; check judges the file after each kill and names
// the state it found.
func killLoop(t *testing.T, kind, path, lockDir string, step func() error, check func() (string, error)) map[string]int {
	// Calibrate: the delay spans about three writes of this machine, so
	// kills land before, during and after writes.
	start := time.Now()
	if err := step(); err != nil {
		t.Fatal(err)
	}
	if err := step(); err != nil {
		t.Fatal(err)
	}
	maxDelay := 3*time.Since(start)/2 + 5*time.Millisecond
	t.Logf("%s: one write takes %s in this process; kill delays up to %s after the child's start", kind, time.Since(start)/2, maxDelay)
	seen := map[string]int{}
	tmpLeft := 0
	n := kills(t)
	for i := 0; i < n; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+kind, "RELIABILITY_FILE="+path, "RELIABILITY_LOCKDIR="+lockDir)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if err := readyLine(bufio.NewReader(out)); err != nil {
			t.Fatalf("child %s: %v; %s", kind, err, stderr.String())
		}
		time.Sleep(time.Duration(rand.Int64N(int64(maxDelay)))) // the point of the test: kill at a random point
		cmd.Process.Kill()
		err = cmd.Wait()
		if err == nil || !strings.Contains(err.Error(), "killed") {
			t.Fatalf("kill %d: the child ended by itself (%v): %s", i, err, stderr.String())
		}
		state, err := check()
		if err != nil {
			t.Fatalf("after kill %d: %v", i, err)
		}
		seen[state]++
		// A kill between CreateTemp and rename leaves the temporary file;
		// count and remove it, as a user would find it.
		dir := filepath.Dir(path)
		if kind == "cache" {
			dir = path
		}
		left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
		tmpLeft += len(left)
		for _, l := range left {
			os.Remove(l)
		}
	}
	t.Logf("%s: %d kills, states after kill %v, temporary files left behind by %d kills", kind, n, seen, tmpLeft)
	return seen
}

func TestCrashConfig(t *testing.T) {
	dir := t.TempDir()
	path, lockDir := filepath.Join(dir, "config"), filepath.Join(dir, "locks")
	s0 := bigConfig()
	f, err := awsconfig.Parse(path, awsconfig.ConfigFile, s0, true)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.PlanSetProfile("crash-eks", configSettings(configRegions[1]))
	if err != nil {
		t.Fatal(err)
	}
	s1 := p.New
	if err := os.WriteFile(path, s0, 0o600); err != nil {
		t.Fatal(err)
	}
	seen := killLoop(t, "config", path, lockDir, func() error { return configStep(path, lockDir) }, func() (string, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		if _, err := awsconfig.Parse(path, awsconfig.ConfigFile, data, true); err != nil {
			return "", err
		}
		switch {
		case bytes.Equal(data, s0):
			return "old", nil
		case bytes.Equal(data, s1):
			return "new", nil
		}
		return "", fmt.Errorf("the config file (%d bytes) is neither the old (%d) nor the new (%d) content", len(data), len(s0), len(s1))
	})
	if seen["old"] == 0 || seen["new"] == 0 {
		t.Errorf("the kills did not land on both sides of a write: %v", seen)
	}
}

func TestCrashKubeconfig(t *testing.T) {
	dir := t.TempDir()
	path, lockDir := filepath.Join(dir, "config"), filepath.Join(dir, "locks")
	plan := func(data []byte, server string) []byte {
		f, err := kubeconfig.Parse(path, data, true)
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.PlanLogin(crashLogin(server))
		if err != nil {
			t.Fatal(err)
		}
		return p.New
	}
	s0 := plan(bigKubeconfig(), kubeServers[0])
	s1 := plan(s0, kubeServers[1])
	if !bytes.Equal(plan(s1, kubeServers[0]), s0) {
		t.Fatal("toggling the server does not come back to the same bytes")
	}
	if err := os.WriteFile(path, s0, 0o600); err != nil {
		t.Fatal(err)
	}
	seen := killLoop(t, "kubeconfig", path, lockDir, func() error { return kubeconfigStep(path, lockDir) }, func() (string, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		if _, err := kubeconfig.Parse(path, data, true); err != nil {
			return "", err
		}
		switch {
		case bytes.Equal(data, s0):
			return "old", nil
		case bytes.Equal(data, s1):
			return "new", nil
		}
		return "", fmt.Errorf("the kubeconfig (%d bytes) is neither the old nor the new content", len(data))
	})
	if seen["old"] == 0 || seen["new"] == 0 {
		t.Errorf("the kills did not land on both sides of a write: %v", seen)
	}
}

func TestCrashTokenCache(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	entry := filepath.Join(dir, "crashkey.json")
	var before []byte // the entry as the previous kill left it
	calibrate := func() error {
		err := cacheStep(dir, 0)
		before, _ = os.ReadFile(entry)
		return err
	}
	seen := killLoop(t, "cache", dir, "", calibrate, func() (string, error) {
		data, err := os.ReadFile(entry)
		if err != nil {
			return "", err
		}
		fi, _ := os.Stat(entry)
		if fi.Mode().Perm() != 0o600 {
			return "", fmt.Errorf("entry mode %v", fi.Mode().Perm())
		}
		if err := checkCacheEntry(data); err != nil {
			return "", err
		}
		state := "replaced"
		if bytes.Equal(data, before) {
			state = "unchanged"
		}
		before = data
		return state, nil
	})
	// Every child rewrites the entry (Refresh) with new content; a kill
	// before its first rename leaves the previous child's entry. Seeing both
	// shows the kills landed before, during and after writes, not only
	// between whole runs.
	if seen["unchanged"] == 0 || seen["replaced"] == 0 {
		t.Errorf("the kills did not land on both sides of a write: %v", seen)
	}
}
