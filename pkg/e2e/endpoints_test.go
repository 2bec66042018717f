package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/world"
)

// TestEndpointOverrides: the token command's STS calls follow the endpoint
// the AWS SDK resolves, from a [services] section of ~/.aws/config or from
// AWS_ENDPOINT_URL_STS: pointed at a closed port, the call fails there;
// pointed at another STS host the world serves (us-east-1's, for a cluster
// in another region), kubectl works through it. The token itself still
// names the cluster region's canonical STS host, the only one the
// authenticator accepts.
func TestEndpointOverrides(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	admin := newAdmin(t)
	a := grantIAMByHand(t, "endpoint1", "EndpointDevelopers", "EKSEndpointViewer")
	mapRoleByHand(t, admin, &a, "endpoint-developer", "endpoint-developers")
	const closed, other = "https://127.0.0.1:1", "https://sts.us-east-1.amazonaws.com"
	services := func(endpoint string) string {
		return "services = local\n[services local]\nsts =\n  endpoint_url = " + endpoint + "\n"
	}
	for _, tt := range []struct {
		name           string
		closed, served func() (config string, env []string)
	}{
		{name: "[services] section",
			closed: func() (string, []string) { return services(closed), nil },
			served: func() (string, []string) { return services(other), nil }},
		{name: "AWS_ENDPOINT_URL_STS",
			closed: func() (string, []string) { return "", []string{"AWS_ENDPOINT_URL_STS=" + closed} },
			served: func() (string, []string) { return "", []string{"AWS_ENDPOINT_URL_STS=" + other} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dev, err := theWorld.NewPerson(t.TempDir(), a.User, pluginDir(t))
			if err != nil {
				t.Fatal(err)
			}
			setup := func(extra string, env []string) {
				t.Helper()
				dev.Extra = env
				if err := dev.WriteFile(".aws/config", "[profile ep-eks]\nrole_arn = "+a.RoleARN+"\nsource_profile = "+a.User+"\nregion = "+world.Region+"\n"+extra); err != nil {
					t.Fatal(err)
				}
				if err := dev.WriteFile(".aws/credentials", "["+a.User+"]\naws_access_key_id = "+a.KeyID+"\naws_secret_access_key = "+a.Secret+"\n"); err != nil {
					t.Fatal(err)
				}
				if err := dev.WriteFile(".kube/config", tokenKubeconfig("ep-eks")); err != nil {
					t.Fatal(err)
				}
			}
			tokenCmd := []string{"kubectl-eks_login", "token", "--cluster-name", world.ClusterName, "--profile", "ep-eks", "--no-cache"}

			setup(tt.closed())
			out, err := dev.Run(ctx, tokenCmd[0], tokenCmd[1:]...)
			if exitCode(err) != 6 || !strings.Contains(out, "127.0.0.1:1") {
				t.Errorf("token with STS at a closed port: %v, want exit 6 naming 127.0.0.1:1:\n%s", err, out)
			}

			setup(tt.served())
			out, err = dev.Run(ctx, tokenCmd[0], tokenCmd[1:]...)
			if err != nil {
				t.Fatalf("token with STS at %s: %v\n%s", other, err, out)
			}
			tok := out[strings.Index(out, token.Prefix):]
			u, err := token.Decode(tok[:strings.IndexByte(tok, '"')])
			if err != nil || u.Host != "sts."+world.Region+".amazonaws.com" {
				t.Errorf("the token names %v (%v), want the canonical sts.%s.amazonaws.com", u, err, world.Region)
			}
			pods, err := eventually(ctx, func() (string, error) { return dev.Run(ctx, "kubectl", "get", "pods", "-A") }, func(err error) bool { return err == nil })
			if err != nil {
				t.Fatalf("kubectl through STS at %s: %v\n%s", other, err, pods)
			}
			if whoami, err := dev.Run(ctx, "kubectl", "auth", "whoami"); err != nil || !strings.Contains(whoami, "endpoint-developer") {
				t.Errorf("kubectl auth whoami: %v\n%s", err, whoami)
			}
		})
	}
}
