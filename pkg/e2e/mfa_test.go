package e2e

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/world"
)

// TestLoginWithMFAAsksOnce: for a role that demands MFA, login asks for the
// code once. The credentials it assumes to check DescribeCluster are handed
// to the token command's cache, so neither login's own check through the
// new context nor the kubectl calls after it assume the role again; and they
// carry the session name the token command gives ("eks-login-USER"), not
// the SDK's "aws-go-sdk-<time>".
func TestLoginWithMFAAsksOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	a := grantIAMByHand(t, "mfa1", "MFADevelopers", "EKSMFAViewer")
	im := iam.NewFromConfig(theWorld.AdminAWSConfig())
	if _, err := im.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(a.Role), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + world.AccountID + `:root"},"Action":"sts:AssumeRole",` +
			`"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`)}); err != nil {
		t.Fatal(err)
	}
	device, err := im.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(a.User)})
	if err != nil {
		t.Fatal(err)
	}
	serial := aws.ToString(device.VirtualMFADevice.SerialNumber)
	if _, err := im.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String(a.User), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")}); err != nil {
		t.Fatal(err)
	}
	admin := newAdmin(t)
	mapRoleByHand(t, admin, &a, "mfa-developer", "mfa-developers")

	dev, err := theWorld.NewPerson(t.TempDir(), a.User, pluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.WriteFile(".aws/credentials", "["+a.User+"]\naws_access_key_id = "+a.KeyID+"\naws_secret_access_key = "+a.Secret+"\n"); err != nil {
		t.Fatal(err)
	}
	assumes := func() int {
		t.Helper()
		calls, err := theWorld.AWS.Calls(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return calls["sts:AssumeRole"]
	}
	// login answers the MFA prompt from stdin, as a person at the terminal
	// does; it has no terminal, so the token command could not ask.
	login := func(t *testing.T, extra ...string) (stdout, stderr string) {
		t.Helper()
		args := append([]string{"--cluster", world.ClusterName, "--role-arn", a.RoleARN, "--source-profile", a.User,
			"--region", world.Region, "--mfa-serial", serial}, extra...)
		cmd := exec.CommandContext(ctx, dev.LookPath("kubectl-eks_login"), args...)
		cmd.Env, cmd.Dir = dev.Env(), dev.Home
		cmd.Stdin = strings.NewReader("123456\n")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("login: %v\n%s%s", err, out.String(), errOut.String())
		}
		if n := strings.Count(errOut.String(), "MFA code"); n != 1 {
			t.Errorf("login asked for the MFA code %d times, want once:\n%s", n, errOut.String())
		}
		return out.String(), errOut.String()
	}

	// The first login writes the profile and context. It does not check
	// them: aws-iam-authenticator learns of the mapping a moment after the
	// write, which the kubectl call below waits for.
	before := assumes()
	login(t, "--no-verify")
	if got := assumes() - before; got != 1 {
		t.Errorf("login made %d AssumeRole calls, want 1", got)
	}
	pods, err := eventually(ctx, func() (string, error) { return dev.Run(ctx, "kubectl", "get", "pods", "-A") }, func(err error) bool { return err == nil })
	if err != nil {
		t.Fatalf("kubectl after login, with no terminal for an MFA prompt: %v\n%s", err, pods)
	}
	whoami, err := dev.Run(ctx, "kubectl", "auth", "whoami")
	if err != nil || !strings.Contains(whoami, "mfa-developer") || !strings.Contains(whoami, "assumed-role/"+a.Role+"/eks-login-"+a.User) {
		t.Errorf("kubectl auth whoami: %v\n%s\nwant user mfa-developer, session eks-login-%s", err, whoami, a.User)
	}
	if got := assumes() - before; got != 1 {
		t.Errorf("%d AssumeRole calls after kubectl, want login's 1: the token command did not use login's credentials", got)
	}

	// Login again, now checking through the context: one prompt, one
	// AssumeRole, and the check runs the token command from the cache.
	before = assumes()
	out, _ := login(t)
	if !strings.Contains(out, "Logged in to "+world.ClusterName+" as mfa-developer") {
		t.Errorf("login's check:\n%s", out)
	}
	if got := assumes() - before; got != 1 {
		t.Errorf("the second login made %d AssumeRole calls, want 1", got)
	}
}
