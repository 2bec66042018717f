package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eks-login/eks-login/pkg/world"
)

// TestTokenThroughLoginSession: kubectl through the token command with a
// login_session profile, whose credentials `aws login` cached: here the
// session of the role a person signed in to the console with. The AWS SDK
// reads them from ~/.aws/login/cache; signed out, the plugin exits 4 and
// says to run aws login. (Refreshing an expired session needs the sign-in
// service, which the world does not serve; pkg/awsclient tests the refresh
// against a local fake.)
func TestTokenThroughLoginSession(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	admin := newAdmin(t)
	a := grantIAMByHand(t, "login1", "LoginDevelopers", "EKSLoginViewer")
	mapRoleByHand(t, admin, &a, "login-developer", "login-developers")
	userCfg := theWorld.AWSConfig(a.KeyID, a.Secret)
	role, err := sts.NewFromConfig(userCfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(a.RoleARN), RoleSessionName: aws.String("console-login1")})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := theWorld.NewPerson(t.TempDir(), a.User, pluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	session := "arn:aws:iam::" + world.AccountID + ":user/" + a.User
	c := role.Credentials
	cached, _ := json.Marshal(map[string]any{
		"accessToken": map[string]any{"accessKeyId": aws.ToString(c.AccessKeyId), "secretAccessKey": aws.ToString(c.SecretAccessKey),
			"sessionToken": aws.ToString(c.SessionToken), "accountId": world.AccountID, "expiresAt": aws.ToTime(c.Expiration).UTC().Format(time.RFC3339)},
		"tokenType": "aws_sigv4", "refreshToken": "refresh-login1", "clientId": "arn:aws:signin:::devtools/same-device", "dpopKey": "unused until a refresh",
	})
	sum := sha256.Sum256([]byte(session))
	cacheFile := filepath.Join(dev.Home, ".aws", "login", "cache", hex.EncodeToString(sum[:])+".json")
	if err := os.MkdirAll(filepath.Dir(cacheFile), 0o700); err != nil {
		t.Fatal(err)
	}
	for rel, content := range map[string]string{
		".aws/config":  "[profile console]\nlogin_session = " + session + "\nregion = " + world.Region + "\n",
		".kube/config": tokenKubeconfig("console"),
		cacheFile:      string(cached),
	} {
		if err := dev.WriteFile(strings.TrimPrefix(rel, dev.Home+"/"), content); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) (string, error) { return dev.Run(ctx, args[0], args[1:]...) }
	pods, err := eventually(ctx, func() (string, error) { return run("kubectl", "get", "pods", "-A") }, func(err error) bool { return err == nil })
	if err != nil {
		t.Fatalf("kubectl through a login_session profile: %v\n%s", err, pods)
	}
	if whoami, err := run("kubectl", "auth", "whoami"); err != nil || !strings.Contains(whoami, "login-developer") || !strings.Contains(whoami, "assumed-role/"+a.Role+"/console-login1") {
		t.Errorf("kubectl auth whoami: %v\n%s\nwant login-developer through the console session", err, whoami)
	}

	// Signed out: the plugin says how to sign in again.
	if err := os.Remove(cacheFile); err != nil {
		t.Fatal(err)
	}
	out, err := run("kubectl-eks_login", "token", "--cluster-name", world.ClusterName, "--profile", "console", "--no-cache")
	if want := "the AWS login session for profile console has expired or is missing (" + cacheFile + "): run `aws login --profile console`"; exitCode(err) != 4 || !strings.Contains(out, want) {
		t.Errorf("token signed out: %v, want exit 4 and %q:\n%s", err, want, out)
	}
}
