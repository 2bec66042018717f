package e2e

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestTokenThroughOtherCredentialSources: kubectl through the token command
// with profiles whose credentials come from elsewhere than keys in the
// credentials file, resolved by pkg/awsapi/config against the local AWS:
// credential_process under a role chain, credential_source = Environment,
// and web_identity_token_file (AssumeRoleWithWebIdentity).
func TestTokenThroughOtherCredentialSources(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	admin := newAdmin(t)
	a := grantIAMByHand(t, "src1", "SourceDevelopers", "EKSSourceViewer")
	mapRoleByHand(t, admin, &a, "source-developer", "source-developers")

	for _, tt := range []struct {
		name    string
		profile string
		config  string
		env     []string
	}{
		{name: "credential_process under a role", profile: "proc-eks",
			config: "[profile proc]\ncredential_process = HOME/keys.sh\n[profile proc-eks]\nrole_arn = " + a.RoleARN + "\nsource_profile = proc\n"},
		{name: "credential_source Environment", profile: "env-eks",
			config: "[profile env-eks]\nrole_arn = " + a.RoleARN + "\ncredential_source = Environment\n",
			env:    []string{"AWS_ACCESS_KEY_ID=" + a.KeyID, "AWS_SECRET_ACCESS_KEY=" + a.Secret}},
		{name: "web_identity_token_file", profile: "web-eks",
			config: "[profile web-eks]\nrole_arn = " + a.RoleARN + "\nweb_identity_token_file = HOME/web-identity-token\nrole_session_name = pod-1\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dev, err := theWorld.NewPerson(t.TempDir(), a.User, pluginDir(t))
			if err != nil {
				t.Fatal(err)
			}
			dev.Extra = append(dev.Extra, tt.env...)
			files := map[string]string{
				".aws/config":        strings.ReplaceAll(tt.config, "HOME", dev.Home),
				".kube/config":       tokenKubeconfig(tt.profile),
				"keys.sh":            "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"" + a.KeyID + "\", \"SecretAccessKey\": \"" + a.Secret + "\"}'\n",
				"web-identity-token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb2QtMSJ9.c2lnbmF0dXJl",
			}
			for rel, content := range files {
				if err := dev.WriteFile(rel, content); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Chmod(dev.Path("keys.sh"), 0o700); err != nil {
				t.Fatal(err)
			}
			run := func(args ...string) (string, error) { return dev.Run(ctx, args[0], args[1:]...) }
			// aws-iam-authenticator learns of the mapping a moment after it
			// is written: wait for the outcome, within a bound.
			pods, err := eventually(ctx, func() (string, error) { return run("kubectl", "get", "pods", "-A") }, func(err error) bool { return err == nil })
			if err != nil {
				t.Fatalf("kubectl through kubectl-eks_login token with profile %s: %v\n%s", tt.profile, err, pods)
			}
			whoami, err := run("kubectl", "auth", "whoami")
			if err != nil || !strings.Contains(whoami, "source-developer") || !strings.Contains(whoami, "assumed-role/"+a.Role+"/") {
				t.Errorf("kubectl auth whoami: %v\n%s\nwant user source-developer through role %s", err, whoami, a.Role)
			}
			if out, err := run("kubectl", "get", "nodes"); err == nil || !strings.Contains(out, "Forbidden") {
				t.Errorf("kubectl get nodes: %v, want Forbidden:\n%s", err, out)
			}
		})
	}
}
