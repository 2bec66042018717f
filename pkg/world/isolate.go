package world

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// The world runs in a network namespace and a mount namespace of its own:
//   - only a loopback interface exists there, so every server (including
//     aws-iam-authenticator, whose health port 21363 is fixed and binds every
//     interface) listens on loopback alone and cannot clash with the host;
//   - a hosts file seen only there maps the real AWS host names to the local
//     AWS, so eks-login, the AWS CLI and aws-iam-authenticator talk to
//     "https://sts.ap-northeast-2.amazonaws.com" exactly as they would in
//     production, with no endpoint override and no test-only code path.
const isolatedEnv = "EKS_LOGIN_WORLD_ISOLATED"

// Regions whose STS, EKS, IAM, SSO portal, SSO OIDC, EC2 and AWS Sign-In host
// names the world answers for.
var worldRegions = []string{"ap-northeast-2", "us-east-1", "us-west-2", "eu-west-1"}

// awsHostNames are the real AWS endpoints the local AWS serves in the world.
func awsHostNames() []string {
	names := []string{"iam.amazonaws.com", "sts.amazonaws.com"}
	for _, r := range worldRegions {
		names = append(names, "sts."+r+".amazonaws.com", "eks."+r+".amazonaws.com", "iam."+r+".amazonaws.com",
			"portal.sso."+r+".amazonaws.com", "oidc."+r+".amazonaws.com", "ec2."+r+".amazonaws.com",
			r+".signin.aws.amazon.com")
	}
	return append(names, discoveryHostNames()...)
}

// Isolated reports whether this process already runs inside the world's namespaces.
func Isolated() bool { return os.Getenv(isolatedEnv) == "1" }

// ErrCannotIsolate means this machine cannot make namespaces for the world
// (not root and no unprivileged user namespaces); tests that need the world skip.
var ErrCannotIsolate = errors.New("cannot create a network namespace for the test world (run as root, or enable unprivileged user namespaces)")

// MainIsolated is a TestMain helper: outside the namespaces it runs the same
// test binary again inside fresh ones (with unshare) and returns its exit code;
// inside, it prepares loopback and the hosts file and calls run.
func MainIsolated(run func() int) int {
	if Isolated() {
		if err := prepareNamespace(); err != nil {
			fmt.Fprintf(os.Stderr, "world: %v\n", err)
			return 1
		}
		return run()
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		fmt.Fprintf(os.Stderr, "world: %v: unshare (util-linux) is missing\n", ErrCannotIsolate)
		return 1
	}
	args := []string{"--net", "--mount", "--fork"}
	if os.Geteuid() != 0 {
		args = append(args, "--user", "--map-root-user")
	}
	args = append(args, "--")
	args = append(args, os.Args...)
	cmd := exec.Command("unshare", args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), isolatedEnv+"=1")
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		fmt.Fprintf(os.Stderr, "world: %v: %v\n", ErrCannotIsolate, err)
		return 1
	}
	return 0
}

// prepareNamespace brings loopback up and lays the hosts file over /etc/hosts;
// the mount namespace keeps that from the rest of the machine.
func prepareNamespace() error {
	if out, err := exec.Command("ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		return fmt.Errorf("bring up loopback: %v: %s", err, out)
	}
	dir, err := os.MkdirTemp("", "eks-login-world-hosts-")
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("127.0.0.1 localhost\n::1 localhost\n")
	for _, h := range awsHostNames() {
		b.WriteString("127.0.0.1 " + h + "\n")
	}
	hosts := filepath.Join(dir, "hosts")
	if err := os.WriteFile(hosts, []byte(b.String()), 0o644); err != nil {
		return err
	}
	if out, err := exec.Command("mount", "--bind", hosts, "/etc/hosts").CombinedOutput(); err != nil {
		return fmt.Errorf("mount the world's hosts file: %v: %s", err, out)
	}
	return nil
}

// Main builds the world's tools while the module proxy is still reachable,
// then runs run inside the world's namespaces (MainIsolated) and returns its
// exit code. TestMain, the demo and the benchmark start this way.
func Main(run func() int) int {
	if !Isolated() {
		ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
		bin, err := BuildTools(ctx)
		cancel()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		os.Setenv("EKS_LOGIN_TOOLS_BIN", bin)
	}
	return MainIsolated(run)
}
