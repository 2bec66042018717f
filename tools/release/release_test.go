package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/world"
)

var linuxAMD64 = []struct{ OS, Arch string }{{"linux", "amd64"}}

// moduleRoot makes the test run where "make release" runs.
func moduleRoot(t *testing.T) {
	t.Helper()
	t.Chdir("../..")
}

// TestReleaseIsReproducible builds the same commit twice, the second time
// with an empty build cache, and wants the same archive bytes.
func TestReleaseIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugin twice from scratch")
	}
	moduleRoot(t)
	first, second := t.TempDir(), t.TempDir()
	sums1, err := buildArchives("v9.9.9", "abc1234", first, linuxAMD64, os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	sums2, err := buildArchives("v9.9.9", "abc1234", second, linuxAMD64, append(os.Environ(), "GOCACHE="+t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	name := ArchiveName("v9.9.9", "linux", "amd64")
	a, _ := os.ReadFile(filepath.Join(first, name))
	b, _ := os.ReadFile(filepath.Join(second, name))
	if sums1["linux/amd64"] != sums2["linux/amd64"] || !bytes.Equal(a, b) {
		t.Fatalf("two builds of one commit differ: %s vs %s", sums1["linux/amd64"], sums2["linux/amd64"])
	}
}

func TestUpdateManifest(t *testing.T) {
	dir := t.TempDir()
	manifest := filepath.Join(dir, "m.yaml")
	orig, err := os.ReadFile("../../krew-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(manifest, orig, 0o644)
	sums := map[string]string{}
	for _, p := range Platforms {
		sums[p.OS+"/"+p.Arch] = strings.Repeat(p.Arch[:1], 64)
	}
	if err := updateManifest(manifest, "v1.2.3", sums); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(manifest)
	for _, want := range []string{"  version: v1.2.3\n", "download/v1.2.3/kubectl-eks_login_v1.2.3_windows_arm64.tar.gz\n    sha256: \"" + strings.Repeat("a", 64) + "\""} {
		if !strings.Contains(string(got), want) {
			t.Errorf("updated manifest lacks %q:\n%s", want, got)
		}
	}
	delete(sums, "darwin/arm64")
	os.WriteFile(manifest, orig, 0o644)
	if err := updateManifest(manifest, "v1.2.3", sums); err == nil || !strings.Contains(err.Error(), "darwin/arm64") {
		t.Errorf("a missing platform archive gives %v, want an error naming darwin/arm64", err)
	}
}

// TestKrewInstallsThePlugin checks the manifest with krew's own validator,
// installs the linux/amd64 archive with the real krew through the real
// kubectl, and runs the plugin both ways: directly and as "kubectl eks-login".
func TestKrewInstallsThePlugin(t *testing.T) {
	if testing.Short() {
		t.Skip("needs krew from the tools cache")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	tools, err := world.BuildTools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	moduleRoot(t)
	dist := t.TempDir()
	sums, err := buildArchives("v0.1.0-test", "abc1234", dist, linuxAMD64, os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Platforms {
		if _, ok := sums[p.OS+"/"+p.Arch]; !ok {
			sums[p.OS+"/"+p.Arch] = strings.Repeat("0", 64) // not installed here
		}
	}
	// krew's validator infers the plugin name from the file name.
	manifest := filepath.Join(t.TempDir(), "eks-login.yaml")
	orig, err := os.ReadFile("krew-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(manifest, orig, 0o644)
	if err := updateManifest(manifest, "v0.1.0-test", sums); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, filepath.Join(tools, "validate-krew-manifest-v0.4.3"), "-manifest", manifest, "-skip-install").CombinedOutput()
	if err != nil {
		t.Fatalf("krew's validator rejects the manifest: %v\n%s", err, out)
	}

	krewRoot := t.TempDir()
	pathDir := t.TempDir()
	if err := os.Symlink(filepath.Join(tools, "kubectl-krew-v0.4.3"), filepath.Join(pathDir, "kubectl-krew")); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "KREW_ROOT="+krewRoot, "KREW_OS=linux", "KREW_ARCH=amd64",
		"PATH="+filepath.Join(krewRoot, "bin")+":"+pathDir+":"+os.Getenv("PATH"))
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("kubectl", "krew", "install", "--manifest="+manifest, "--archive="+filepath.Join(dist, ArchiveName("v0.1.0-test", "linux", "amd64")))
	if out := run("kubectl", "plugin", "list"); !strings.Contains(out, filepath.Join(krewRoot, "bin", "kubectl-eks_login")) {
		t.Errorf("kubectl plugin list does not find kubectl-eks_login:\n%s", out)
	}
	if out := run("kubectl", "eks-login", "version"); !strings.Contains(out, "eks-login v0.1.0-test (commit abc1234") {
		t.Errorf("kubectl eks-login version = %q", out)
	}
	if out := run(filepath.Join(krewRoot, "bin", "kubectl-eks_login"), "version", "-o", "json"); !strings.Contains(out, `"version": "v0.1.0-test"`) {
		t.Errorf("kubectl-eks_login version -o json = %q", out)
	}
}

// TestOtherPlatformsBuild: the manifest offers darwin and windows too, where
// the lock, the terminal and the file modes take other code paths. One build
// per other OS catches a missing build tag before a release does.
func TestOtherPlatformsBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the plugin")
	}
	moduleRoot(t)
	for _, p := range []struct{ OS, Arch string }{{"windows", "amd64"}, {"darwin", "arm64"}} {
		cmd := exec.Command("go", "build", "-o", os.DevNull, "./cmd/kubectl-eks_login")
		cmd.Env = append(os.Environ(), "GOOS="+p.OS, "GOARCH="+p.Arch, "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("build for %s/%s: %v\n%s", p.OS, p.Arch, err, out)
		}
	}
}
