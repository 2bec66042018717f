package e2e

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/world"
)

// The IAM Identity Center side of TestTokenThroughSSOProfile: the role a
// permission set makes in the account, and the portal people sign in at.
const (
	ssoRole        = "AWSReservedSSO_EKSViewer_0123456789abcdef"
	ssoStartURL    = "https://e2e-corp.awsapps.com/start"
	ssoUsername    = "sso-developer"
	ssoK8sGroup    = "developers"
	ssoSessionName = "corp"
)

// ssoProfileConfig is ~/.aws/config as `aws configure sso` leaves it:
// profile names sso-session corp, whose token is cached under the session's
// name; with legacy, the profile names the start URL and sso_region itself
// and its token is cached under the URL. The portal's region, ssoRegion,
// need not be the cluster's.
func ssoProfileConfig(profile, ssoRegion string, legacy bool) string {
	common := "sso_account_id = " + world.AccountID + "\nsso_role_name = " + ssoRole + "\nregion = " + world.Region + "\noutput = json\n"
	if legacy {
		return "[profile " + profile + "]\nsso_start_url = " + ssoStartURL + "\nsso_region = " + ssoRegion + "\n" + common
	}
	return "[profile " + profile + "]\nsso_session = " + ssoSessionName + "\n" + common +
		"\n[sso-session " + ssoSessionName + "]\nsso_start_url = " + ssoStartURL + "\nsso_region = " + ssoRegion + "\nsso_registration_scopes = sso:account:access\n"
}

// tokenKubeconfig has one user, whose exec entry runs kubectl-eks_login token
// with the given profile, as login writes it.
func tokenKubeconfig(profile string) string {
	return `apiVersion: v1
kind: Config
clusters:
- name: ` + world.ClusterARN + `
  cluster:
    server: ` + theWorld.APIServerURL + `
    certificate-authority: ` + theWorld.CAFile + `
users:
- name: ` + profile + `@` + world.ClusterName + `
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: kubectl-eks_login
      args: [token, --cluster-name, ` + world.ClusterName + `, --profile, ` + profile + `, --region, ` + world.Region + `]
      interactiveMode: IfAvailable
contexts:
- name: ` + world.ClusterName + `
  context:
    cluster: ` + world.ClusterARN + `
    user: ` + profile + `@` + world.ClusterName + `
current-context: ` + world.ClusterName + `
`
}

// ssoCalls are the IAM Identity Center calls the local AWS has answered.
type ssoCalls struct{ GetRoleCredentials, CreateToken int }

func readSSOCalls(t *testing.T, ctx context.Context) ssoCalls {
	t.Helper()
	calls, err := theWorld.AWS.Calls(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ssoCalls{GetRoleCredentials: calls["sso:GetRoleCredentials"], CreateToken: calls["sso-oidc:CreateToken"]}
}

func (c ssoCalls) since(before ssoCalls) ssoCalls {
	return ssoCalls{GetRoleCredentials: c.GetRoleCredentials - before.GetRoleCredentials, CreateToken: c.CreateToken - before.CreateToken}
}

// readHomeFiles reads rel in p's home, for checking they stay as they were.
func readHomeFiles(t *testing.T, p *world.Person, rels ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, rel := range rels {
		data, err := os.ReadFile(p.Path(rel))
		if err != nil {
			t.Fatal(err)
		}
		out[rel] = string(data)
	}
	return out
}

// TestTokenThroughSSOProfile: kubectl runs kubectl-eks_login token with an
// IAM Identity Center profile, whose credentials come from the world's SSO
// portal for the token `aws sso login` cached; the real aws-iam-authenticator
// takes the permission set's role for the user it is mapped to. An expired
// token is refreshed through SSO OIDC and written back; without a token the
// plugin fails with the credentials exit code and says how to sign in.
func TestTokenThroughSSOProfile(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	admin := newAdmin(t)
	roleARN := "arn:aws:iam::" + world.AccountID + ":role/" + ssoRole

	// The permission set's role, as IAM Identity Center provisions it (less
	// its /aws-reserved/sso.amazonaws.com/ path, which the local portal does
	// not know), with the right to find the cluster.
	im := iam.NewFromConfig(theWorld.AdminAWSConfig())
	if _, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(ssoRole), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + world.AccountID + `:root"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := im.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(ssoRole), PolicyName: aws.String("describe"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:DescribeCluster","Resource":"` + world.ClusterARN + `"}]}`)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		im.DeleteRolePolicy(context.Background(), &iam.DeleteRolePolicyInput{RoleName: aws.String(ssoRole), PolicyName: aws.String("describe")})
		im.DeleteRole(context.Background(), &iam.DeleteRoleInput{RoleName: aws.String(ssoRole)})
	})

	// The role maps to sso-developer in group developers, bound to view: the
	// seed's binding, made here should this test run alone.
	if out, err := admin.Run(ctx, "kubectl", "eks-login", "admin", "map", "--mode", "configmap", "--role-arn", roleARN, "--username", ssoUsername, "--group", ssoK8sGroup); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Cleanup(func() {
		admin.Run(context.Background(), "kubectl", "eks-login", "admin", "unmap", "--mode", "configmap", "--role-arn", roleARN)
	})
	if out, err := admin.Run(ctx, "kubectl", "eks-login", "admin", "bind", "--group", ssoK8sGroup, "--clusterrole", "view"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}

	for i, tt := range []struct {
		name      string
		profile   string
		legacy    bool   // sso_start_url and sso_region on the profile
		ssoRegion string // the portal's
		expired   bool   // the cached access token has expired; its refresh token has not
		// fail makes the sign-in unusable: "signed out" (no token cache
		// file), "revoked" (a cached token the portal no longer knows),
		// "refresh refused" (an expired token whose refresh token OIDC
		// refuses). The plugin must then say to sign in again.
		fail string
		// wantCreateToken is the number of SSO OIDC refreshes.
		wantCreateToken int
	}{
		{name: "a sso-session profile", profile: "sso-dev", ssoRegion: world.Region},
		// The portal in another region than the cluster, as is common.
		{name: "b legacy profile", profile: "sso-legacy", legacy: true, ssoRegion: "us-east-1"},
		{name: "c expired token is refreshed", profile: "sso-dev", ssoRegion: world.Region, expired: true, wantCreateToken: 1},
		{name: "d signed out", profile: "sso-dev", ssoRegion: world.Region, fail: "signed out"},
		{name: "e token revoked at the portal", profile: "sso-dev", ssoRegion: world.Region, fail: "revoked"},
		{name: "f refresh refused", profile: "sso-dev", ssoRegion: world.Region, expired: true, fail: "refresh refused"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			user := fmt.Sprintf("sso-user-%d@example.com", i)
			dev, err := theWorld.NewPerson(t.TempDir(), "sso-dev", pluginDir(t))
			if err != nil {
				t.Fatal(err)
			}
			if err := dev.WriteFile(".aws/config", ssoProfileConfig(tt.profile, tt.ssoRegion, tt.legacy)); err != nil {
				t.Fatal(err)
			}
			if err := dev.WriteFile(".kube/config", tokenKubeconfig(tt.profile)); err != nil {
				t.Fatal(err)
			}
			run := func(args ...string) (string, error) { return dev.Run(ctx, args[0], args[1:]...) }

			// The sign-in `aws sso login` would have made, at the portal and
			// in the token cache.
			cacheKey := ssoSessionName
			if tt.legacy {
				cacheKey = ssoStartURL
			}
			cacheFile := ssoTokenCacheFile(dev.Home, cacheKey)
			session := world.SSOSession{
				Name:         fmt.Sprintf("e2e-sso-%d", i),
				AccessToken:  fmt.Sprintf("aoa-e2e-%d-%d", i, time.Now().UnixNano()),
				RefreshToken: fmt.Sprintf("aor-e2e-%d", i), ClientID: fmt.Sprintf("client-e2e-%d", i), ClientSecret: fmt.Sprintf("secret-e2e-%d", i),
				UserName: user, Roles: []string{ssoRole},
			}
			if tt.expired {
				session.AccessTokenExpiresAt = time.Now().Add(-time.Hour)
			}
			if tt.fail != "signed out" {
				cached := session
				switch tt.fail {
				case "refresh refused":
					cached.RefreshToken += "-unknown"
				}
				if tt.fail != "revoked" {
					if err := theWorld.AWS.SetSSOSession(ctx, session); err != nil {
						t.Fatal(err)
					}
				}
				if err := os.MkdirAll(filepath.Dir(cacheFile), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(cacheFile, []byte(cached.TokenCacheJSON(ssoStartURL, tt.ssoRegion)), 0o600); err != nil {
					t.Fatal(err)
				}
				// The file to be refreshed is left readable by others, so the
				// mode check below tells that the rewrite makes it private.
				if tt.expired && tt.fail == "" {
					if err := os.Chmod(cacheFile, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			files := readHomeFiles(t, dev, ".aws/config", ".kube/config")
			t.Cleanup(func() {
				if got := readHomeFiles(t, dev, ".aws/config", ".kube/config"); !maps.Equal(got, files) {
					t.Errorf("the config files changed:\n%v\nwere\n%v", got, files)
				}
			})
			before := readSSOCalls(t, ctx)

			if tt.fail != "" {
				out, err := run("kubectl", "get", "pods", "-A")
				login := "run `aws sso login --profile " + tt.profile + "`"
				if err == nil || !strings.Contains(out, login) || !strings.Contains(out, "kubectl-eks_login failed with exit code 4") {
					t.Errorf("kubectl signed out: err=%v, want the plugin's exit code 4 (credentials) and %q:\n%s", err, login, out)
				}
				// The plugin alone, as kubectl runs it: nothing on stdout,
				// the way to sign in on stderr.
				cmd := exec.CommandContext(ctx, dev.LookPath("kubectl-eks_login"), "token", "--cluster-name", world.ClusterName, "--profile", tt.profile, "--region", world.Region)
				cmd.Env = append(dev.Env(), `KUBERNETES_EXEC_INFO={"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}`)
				cmd.Dir = dev.Home
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err = cmd.Run()
				if code := exitCode(err); code != 4 {
					t.Errorf("token exited %d, want 4 (credentials):\n%s", code, stderr.String())
				}
				if want := "the SSO session for profile " + tt.profile + " has expired or is missing (" + cacheFile + "): " + login; stdout.Len() != 0 || !strings.Contains(stderr.String(), want) {
					t.Errorf("token's stdout %q, stderr %q; want nothing and %q", stdout.String(), stderr.String(), want)
				}
				if entries, _ := filepath.Glob(dev.Path(".kube/cache/eks-login/*.json")); len(entries) != 0 {
					t.Errorf("a failed token was cached: %v", entries)
				}
				if tt.fail == "signed out" {
					if _, err := os.Stat(cacheFile); !os.IsNotExist(err) {
						t.Errorf("a token cache file appeared: %v", err)
					}
					if got := readSSOCalls(t, ctx).since(before); got != (ssoCalls{}) {
						t.Errorf("calls %+v without a token, want none", got)
					}
				}
				return
			}

			// aws-iam-authenticator learns of the mapping through a watch, a
			// moment after the write: wait for the outcome, within a bound.
			pods, err := eventually(ctx, func() (string, error) { return run("kubectl", "get", "pods", "-A") }, func(err error) bool { return err == nil })
			if err != nil {
				t.Fatalf("kubectl through kubectl-eks_login token with profile %s: %v\n%s", tt.profile, err, pods)
			}
			for _, p := range world.SeedPods {
				if !strings.Contains(pods, p.Name) {
					t.Errorf("kubectl get pods -A lacks %s:\n%s", p.Name, pods)
				}
			}
			if got, want := readSSOCalls(t, ctx).since(before), (ssoCalls{GetRoleCredentials: 1, CreateToken: tt.wantCreateToken}); got != want {
				t.Errorf("calls %+v, want %+v", got, want)
			}
			if tt.expired {
				held, err := theWorld.AWS.GetSSOSession(ctx, session.Name)
				if err != nil {
					t.Fatal(err)
				}
				data, err := os.ReadFile(cacheFile)
				if err != nil {
					t.Fatal(err)
				}
				var file map[string]string
				if err := json.Unmarshal(data, &file); err != nil {
					t.Fatalf("the token cache file: %v\n%s", err, data)
				}
				expires, _ := time.Parse(time.RFC3339, file["expiresAt"])
				if held.AccessToken == session.AccessToken || file["accessToken"] != held.AccessToken || file["refreshToken"] != held.RefreshToken ||
					time.Until(expires) < 50*time.Minute || file["startUrl"] != ssoStartURL || file["clientId"] != session.ClientID {
					t.Errorf("the token cache file holds %s; the portal %+v", data, held)
				}
				if info, err := os.Stat(cacheFile); err != nil || info.Mode().Perm() != 0o600 {
					t.Errorf("the token cache file's mode: %v (%v), want 0600", info.Mode(), err)
				}
			}

			// Who the cluster takes us for: the mapped user, through the
			// role session the portal made for the signed-in user.
			out, err := run("kubectl", "auth", "whoami", "-o", "json")
			if err != nil {
				t.Fatalf("kubectl auth whoami: %v\n%s", err, out)
			}
			var review struct {
				Status struct {
					UserInfo struct {
						Username string              `json:"username"`
						Groups   []string            `json:"groups"`
						Extra    map[string][]string `json:"extra"`
					} `json:"userInfo"`
				} `json:"status"`
			}
			if err := json.Unmarshal([]byte(out), &review); err != nil {
				t.Fatalf("kubectl auth whoami: %v\n%s", err, out)
			}
			ui := review.Status.UserInfo
			wantARN := "arn:aws:sts::" + world.AccountID + ":assumed-role/" + ssoRole + "/" + user
			if ui.Username != ssoUsername || !slices.Contains(ui.Groups, ssoK8sGroup) || !slices.Equal(ui.Extra["arn"], []string{wantARN}) {
				t.Errorf("kubectl auth whoami = %+v, want %s in %s as %s", ui, ssoUsername, ssoK8sGroup, wantARN)
			}
			if out, err := run("kubectl", "get", "nodes"); err == nil || !strings.Contains(out, `User "`+ssoUsername+`" cannot list resource "nodes"`) {
				t.Errorf("kubectl get nodes: err=%v, want Forbidden:\n%s", err, out)
			}
			// The later calls took the token from the cache: no new credentials.
			if got, want := readSSOCalls(t, ctx).since(before), (ssoCalls{GetRoleCredentials: 1, CreateToken: tt.wantCreateToken}); got != want {
				t.Errorf("calls after the cached calls %+v, want %+v", got, want)
			}
		})
	}
}

// ssoTokenCacheFile is where `aws sso login` caches the token for key (an
// sso-session's name, or a legacy profile's start URL) under home, as the
// AWS CLI and the SDK's ssocreds.StandardCachedTokenFilepath name it.
func ssoTokenCacheFile(home, key string) string {
	sum := sha1.Sum([]byte(key))
	return filepath.Join(home, ".aws", "sso", "cache", hex.EncodeToString(sum[:])+".json")
}
