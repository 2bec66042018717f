package accessentries

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/world"
	"github.com/eks-login/eks-login/pkg/world/worldtest"
)

// identityCenterPath is where IAM Identity Center puts its roles: access
// entries name such a role with the path, aws-auth without it.
const identityCenterPath = "/aws-reserved/sso.amazonaws.com/" + world.Region + "/"

// developer is a person with an IAM user of their own, allowed to assume a
// role that may describe the cluster, and logged in with eks-login.
type developer struct {
	*world.Person
	// roleARN is the role's ARN with its path; pathless is aws-auth's form.
	roleARN, pathless string
}

func newDeveloper(ctx context.Context, t *testing.T, name, rolePath string) developer {
	t.Helper()
	im := iam.NewFromConfig(suite.World.AdminAWSConfig())
	check := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	role := name + "-role"
	check(im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}))
	key, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	check(key, err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + world.AccountID + `:root"},"Action":"sts:AssumeRole"}]}`
	r, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), Path: aws.String(rolePath), AssumeRolePolicyDocument: aws.String(trust)})
	check(r, err)
	d := developer{roleARN: aws.ToString(r.Role.Arn), pathless: "arn:aws:iam::" + world.AccountID + ":role/" + role}
	check(im.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("describe"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:DescribeCluster","Resource":"` + world.ClusterARN + `"}]}`)}))
	check(im.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("assume"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + d.roleARN + `"}]}`)}))
	if d.Person, err = suite.World.NewPerson(t.TempDir(), name, suite.PluginDir(t)); err != nil {
		t.Fatal(err)
	}
	creds := "[" + name + "]\naws_access_key_id = " + aws.ToString(key.AccessKey.AccessKeyId) + "\naws_secret_access_key = " + aws.ToString(key.AccessKey.SecretAccessKey) + "\n"
	if err := d.WriteFile(".aws/credentials", creds); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteFile(".aws/config", "[profile "+name+"]\nregion = "+world.Region+"\n"); err != nil {
		t.Fatal(err)
	}
	// Not mapped yet: login writes the profile and context without asking
	// the API server who the developer is.
	if out, err := d.Run(ctx, "kubectl", "eks-login", "--cluster", world.ClusterName, "--role-arn", d.roleARN,
		"--source-profile", name, "--no-verify", "--yes"); err != nil {
		t.Fatalf("login: %v\n%s", err, out)
	}
	return d
}

// can runs kubectl as d and fails unless it succeeds.
func (d developer) can(ctx context.Context, t *testing.T, args ...string) string {
	t.Helper()
	out, err := d.Run(ctx, "kubectl", args...)
	if err != nil {
		t.Fatalf("%s: kubectl %s: %v\n%s", d.Name, strings.Join(args, " "), err, out)
	}
	return out
}

// cannot runs kubectl as d and fails unless it is refused with want.
func (d developer) cannot(ctx context.Context, t *testing.T, want string, args ...string) {
	t.Helper()
	out, err := d.Run(ctx, "kubectl", args...)
	if err == nil || !strings.Contains(out, want) {
		t.Fatalf("%s: kubectl %s: want %q, got %v\n%s", d.Name, strings.Join(args, " "), want, err, out)
	}
}

// unauthorized is how kubectl reports a token the authenticator refused.
const unauthorized = "You must be logged in to the server"

// cannotSoon waits (within a bound) until kubectl as d is refused with want:
// kube-apiserver trusts a token it has accepted for ten seconds (a cache of
// its own, which EKS has too), so a mapping removed or changed reaches a
// token already in use only then.
func (d developer) cannotSoon(ctx context.Context, t *testing.T, want string, args ...string) {
	t.Helper()
	refused := errors.New("refused as wanted")
	out, err := worldtest.Eventually(ctx, func() (string, error) {
		out, err := d.Run(ctx, "kubectl", args...)
		if err != nil && strings.Contains(out, want) {
			return out, refused
		}
		return out, err
	}, func(err error) bool { return errors.Is(err, refused) })
	if !errors.Is(err, refused) {
		t.Fatalf("%s: kubectl %s: want %q, got %v\n%s", d.Name, strings.Join(args, " "), want, err, out)
	}
}

// whoami is who the API server takes d for (kubectl auth whoami).
func (d developer) whoami(ctx context.Context) (string, []string, error) {
	out, err := d.Run(ctx, "kubectl", "auth", "whoami", "-o", "json")
	if err != nil {
		return "", nil, err
	}
	var review struct {
		Status struct {
			UserInfo struct {
				Username string   `json:"username"`
				Groups   []string `json:"groups"`
			} `json:"userInfo"`
		} `json:"status"`
	}
	if err := json.Unmarshal([]byte(out), &review); err != nil {
		return "", nil, err
	}
	return review.Status.UserInfo.Username, review.Status.UserInfo.Groups, nil
}

// isUser waits (within a bound: aws-auth's watch, and the API server's cache
// of accepted tokens) until d is taken for a user whose name starts with
// prefix and who is in group, and not in notGroup.
func (d developer) isUser(ctx context.Context, t *testing.T, prefix, group, notGroup string) {
	t.Helper()
	var name string
	var groups []string
	_, err := worldtest.Eventually(ctx, func() (string, error) {
		var err error
		name, groups, err = d.whoami(ctx)
		return name, err
	}, func(err error) bool {
		return err == nil && strings.HasPrefix(name, prefix) && slices.Contains(groups, group) && !slices.Contains(groups, notGroup)
	})
	if err != nil || !strings.HasPrefix(name, prefix) || !slices.Contains(groups, group) || slices.Contains(groups, notGroup) {
		t.Fatalf("%s is %q in %q (%v), want %s... in %s and not in %s", d.Name, name, groups, err, prefix, group, notGroup)
	}
}

// admin is the world's cluster creator (worldtest.Admin).
type admin struct{ worldtest.Admin }

func newAdmin(t *testing.T) admin { return admin{suite.NewAdmin(t)} }

// switchMode changes the cluster's authentication mode with the AWS CLI, as
// the EKS documentation does it, and checks the update's course: InProgress
// when asked, Successful (and the cluster ACTIVE in the new mode) once the
// call has returned, since the world answers only when it enforces it.
func (a admin) switchMode(ctx context.Context, t *testing.T, mode string) {
	t.Helper()
	var up struct{ Update struct{ ID, Status string } }
	out := a.MustRun(ctx, t, "aws", "eks", "update-cluster-config", "--name", world.ClusterName, "--access-config", "authenticationMode="+mode)
	if err := json.Unmarshal([]byte(out), &up); err != nil || up.Update.Status != "InProgress" {
		t.Fatalf("update-cluster-config: %v\n%s", err, out)
	}
	out = a.MustRun(ctx, t, "aws", "eks", "describe-update", "--name", world.ClusterName, "--update-id", up.Update.ID)
	if err := json.Unmarshal([]byte(out), &up); err != nil || up.Update.Status != "Successful" {
		t.Fatalf("describe-update: %v\n%s", err, out)
	}
	var c struct {
		Cluster struct {
			Status       string
			AccessConfig struct{ AuthenticationMode string }
		}
	}
	out = a.MustRun(ctx, t, "aws", "eks", "describe-cluster", "--name", world.ClusterName)
	if err := json.Unmarshal([]byte(out), &c); err != nil || c.Cluster.Status != "ACTIVE" || c.Cluster.AccessConfig.AuthenticationMode != mode {
		t.Fatalf("describe-cluster: %v\n%s", err, out)
	}
}

// listed returns admin list's entries by source and ARN.
func (a admin) listed(ctx context.Context, t *testing.T) map[string]map[string]any {
	t.Helper()
	var list struct{ Entries []map[string]any }
	if err := json.Unmarshal([]byte(a.EKSLogin(ctx, t, "list", "-o", "json")), &list); err != nil {
		t.Fatal(err)
	}
	bySource := map[string]map[string]any{}
	for _, e := range list.Entries {
		source, _ := e["source"].(string)
		arn, _ := e["arn"].(string) // mapAccounts entries have none
		bySource[source+" "+arn] = e
	}
	return bySource
}

// TestAccessEntriesThroughTheModes takes the cluster from CONFIG_MAP through
// API_AND_CONFIG_MAP to API, with developers mapped by aws-auth, by access
// entries with access policies, and both.
func TestAccessEntriesThroughTheModes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	adm := newAdmin(t)
	// viewer: an access entry with AmazonEKSViewPolicy and nothing else; an
	// IAM Identity Center role, so its entry needs the path.
	viewer := newDeveloper(ctx, t, "ae-viewer", identityCenterPath)
	// legacy: aws-auth alone, a role with a path, which admin map leaves out
	// of aws-auth. both: aws-auth, then an access entry too.
	legacy := newDeveloper(ctx, t, "ae-legacy", "/legacy/")
	both := newDeveloper(ctx, t, "ae-both", "/")
	// team: AmazonEKSViewPolicy in team-a only.
	team := newDeveloper(ctx, t, "ae-team", "/")

	t.Run("CONFIG_MAP", func(t *testing.T) {
		adm.MustRun(ctx, t, "kubectl", "create", "clusterrolebinding", "ae-aws-auth-view", "--clusterrole", "view", "--group", "ae-aws-auth")
		// The roles' ARNs as IAM names them: aws-auth gets them without
		// their path, the only form it matches.
		for _, d := range []developer{legacy, both} {
			out := adm.EKSLogin(ctx, t, "map", "--mode", "configmap", "--role-arn", d.roleARN, "--username", d.Name+"-configmap", "--group", "ae-aws-auth")
			if !strings.Contains(out, "map "+d.pathless+": added") {
				t.Errorf("admin map did not write %s into aws-auth:\n%s", d.pathless, out)
			}
		}
		legacy.isUser(ctx, t, "ae-legacy-configmap", "ae-aws-auth", "")
		legacy.can(ctx, t, "get", "pods", "-A")
		out, err := adm.Run(ctx, "aws", "eks", "create-access-entry", "--cluster-name", world.ClusterName, "--principal-arn", viewer.roleARN)
		if err == nil || !strings.Contains(out, "authentication mode must be set to one of [API, API_AND_CONFIG_MAP]") {
			t.Fatalf("create-access-entry on a CONFIG_MAP cluster: %v\n%s", err, out)
		}
		out, err = adm.Run(ctx, "kubectl", "eks-login", "admin", "map", "--cluster", world.ClusterName, "--mode", "api", "--role-arn", viewer.roleARN, "--username", "ae-viewer:{{SessionName}}")
		if err == nil || !strings.Contains(out, "uses authentication mode CONFIG_MAP, which has no access entries") {
			t.Fatalf("admin map --mode api on a CONFIG_MAP cluster: %v\n%s", err, out)
		}
	})

	adm.switchMode(ctx, t, "API_AND_CONFIG_MAP")

	t.Run("API_AND_CONFIG_MAP", func(t *testing.T) {
		t.Run("aws-auth still maps", func(t *testing.T) {
			legacy.isUser(ctx, t, "ae-legacy-configmap", "ae-aws-auth", "")
		})
		t.Run("an access entry with AmazonEKSViewPolicy", func(t *testing.T) {
			viewer.cannot(ctx, t, unauthorized, "get", "pods", "-A")
			adm.EKSLogin(ctx, t, "map", "--mode", "api", "--role-arn", viewer.roleARN, "--username", "ae-viewer:{{SessionName}}", "--access-policy", "view")
			viewer.isUser(ctx, t, "ae-viewer:", "system:authenticated", "ae-aws-auth")
			if pods := viewer.can(ctx, t, "get", "pods", "-A"); !strings.Contains(pods, world.SeedPods[0].Name) {
				t.Fatalf("the viewer's pods:\n%s", pods)
			}
			viewer.can(ctx, t, "get", "deployments", "-n", "team-a")
			viewer.cannot(ctx, t, `cannot list resource "nodes" in API group "" at the cluster scope`, "get", "nodes")
			viewer.cannot(ctx, t, `cannot list resource "secrets" in API group "" in the namespace "default"`, "get", "secrets", "-n", "default")
			viewer.cannot(ctx, t, `cannot delete resource "pods"`, "delete", "pod", world.SeedPods[2].Name, "-n", world.SeedPods[2].Namespace)
		})
		t.Run("an access entry scoped to team-a", func(t *testing.T) {
			adm.EKSLogin(ctx, t, "map", "--mode", "api", "--role-arn", team.roleARN, "--username", "ae-team:{{SessionName}}", "--access-policy", "view", "--namespace", "team-a")
			team.can(ctx, t, "get", "pods", "-n", "team-a")
			team.cannot(ctx, t, `cannot list resource "pods" in API group "" in the namespace "default"`, "get", "pods", "-n", "default")
			team.cannot(ctx, t, `cannot list resource "pods" in API group "" at the cluster scope`, "get", "pods", "-A")
		})
		t.Run("an access entry wins over aws-auth", func(t *testing.T) {
			both.isUser(ctx, t, "ae-both-configmap", "ae-aws-auth", "")
			adm.EKSLogin(ctx, t, "map", "--mode", "api", "--role-arn", both.roleARN, "--username", "ae-both-entry:{{SessionName}}", "--group", "ae-entry")
			both.isUser(ctx, t, "ae-both-entry:", "ae-entry", "ae-aws-auth")
			// The entry's group has no binding and no access policy: RBAC
			// decides, and it allows nothing.
			both.cannot(ctx, t, `User "ae-both-entry:`, "get", "pods", "-A")
		})
		t.Run("doctor", func(t *testing.T) {
			out, err := viewer.Run(ctx, "kubectl", "eks-login", "doctor")
			t.Logf("ae-viewer$ kubectl eks-login doctor\n%s", out)
			if err != nil || !strings.Contains(out, "the cluster takes you for ae-viewer:") {
				t.Errorf("doctor: %v\n%s", err, out)
			}
		})
		t.Run("grant and revoke", func(t *testing.T) {
			grantAndRevoke(ctx, t, adm)
		})
		t.Run("admin list", func(t *testing.T) {
			entries := adm.listed(ctx, t)
			if e := entries["access-entry "+viewer.roleARN]; e == nil || e["username"] != "ae-viewer:{{SessionName}}" || !strings.Contains(strings.Join(toStrings(e["accessPolicies"]), ","), "AmazonEKSViewPolicy") {
				t.Errorf("the viewer's access entry: %v", e)
			}
			// Who wins is what the authenticator decided above: both's
			// access entry, over its aws-auth mapping; legacy's aws-auth
			// mapping, which nothing shadows.
			wantStatus(t, entries, "aws-auth "+both.pathless, "shadowed", "the access entry of "+both.roleARN+" wins in API_AND_CONFIG_MAP")
			wantStatus(t, entries, "access-entry "+both.roleARN, "active", "")
			wantStatus(t, entries, "aws-auth "+legacy.pathless, "active", "")
			wantStatus(t, entries, "access-entry "+viewer.roleARN, "active", "")
		})
	})

	adm.switchMode(ctx, t, "API")

	t.Run("API", func(t *testing.T) {
		t.Run("no way back", func(t *testing.T) {
			for _, mode := range []string{"API_AND_CONFIG_MAP", "CONFIG_MAP"} {
				out, err := adm.Run(ctx, "aws", "eks", "update-cluster-config", "--name", world.ClusterName, "--access-config", "authenticationMode="+mode)
				if err == nil || !strings.Contains(out, "Unsupported authentication mode update from API to "+mode+".") {
					t.Errorf("update-cluster-config to %s: %v\n%s", mode, err, out)
				}
			}
		})
		t.Run("aws-auth alone lets no one in", func(t *testing.T) {
			legacy.cannotSoon(ctx, t, unauthorized, "get", "pods", "-A")
			out, err := legacy.Run(ctx, "kubectl", "eks-login", "doctor")
			t.Logf("ae-legacy$ kubectl eks-login doctor\n%s", out)
			if code := worldtest.ExitCode(err); code != 7 || !strings.Contains(out, "FAIL authentication") || !strings.Contains(out, "authentication mode API ignores aws-auth") {
				t.Errorf("doctor exited %d, want 7 naming the authentication mode:\n%s", code, out)
			}
		})
		t.Run("node entries", func(t *testing.T) {
			nodeEntry(ctx, t, adm)
		})
		t.Run("admin list", func(t *testing.T) {
			entries := adm.listed(ctx, t)
			for _, d := range []developer{legacy, both} {
				wantStatus(t, entries, "aws-auth "+d.pathless, "ignored", "authentication mode API reads only access entries")
			}
			wantStatus(t, entries, "access-entry "+both.roleARN, "active", "")
			wantStatus(t, entries, "access-entry "+viewer.roleARN, "active", "")
		})
		t.Run("access entries still do", func(t *testing.T) {
			viewer.can(ctx, t, "get", "pods", "-A")
			viewer.cannot(ctx, t, `cannot list resource "nodes"`, "get", "nodes")
			both.isUser(ctx, t, "ae-both-entry:", "ae-entry", "ae-aws-auth")
		})
		t.Run("unmap", func(t *testing.T) {
			adm.EKSLogin(ctx, t, "unmap", "--mode", "api", "--role-arn", viewer.roleARN)
			viewer.cannotSoon(ctx, t, unauthorized, "get", "pods", "-A")
		})
	})
}

// wantStatus checks admin list's marking of one entry (SOURCE ARN).
func wantStatus(t *testing.T, entries map[string]map[string]any, key, status, reason string) {
	t.Helper()
	e := entries[key]
	if e == nil {
		t.Errorf("admin list lacks %s", key)
		return
	}
	if got, _ := e["reason"].(string); e["status"] != status || got != reason {
		t.Errorf("admin list marks %s %v (%v), want %s (%q)", key, e["status"], e["reason"], status, reason)
	}
}

func toStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// grantAndRevoke: admin grant --mode api makes the IAM objects and an access
// entry whose group RBAC binds to view (no access policy: the webhook has no
// opinion and RBAC decides); the developer's login proves it; revoke undoes
// it all.
func grantAndRevoke(ctx context.Context, t *testing.T, adm admin) {
	dir := t.TempDir()
	keyFile := dir + "/ae-granted.credentials"
	flags := []string{"--iam-group", "AEGrantDevelopers", "--role", "AEGrantViewer", "--k8s-group", "ae-granted",
		"--clusterrole", "view", "--username", "ae-granted:{{SessionName}}", "--user", "ae-granted", "--create-users", "--mode", "api"}
	out := adm.EKSLogin(ctx, t, "grant", append([]string{"--access-key-file", keyFile}, flags...)...)
	roleARN := "arn:aws:iam::" + world.AccountID + ":role/AEGrantViewer"
	for _, want := range []string{"created EKS access entry " + roleARN, "created ClusterRoleBinding ae-granted-view"} {
		if !strings.Contains(out, want) {
			t.Errorf("grant's output lacks %q", want)
		}
	}
	key, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	p, err := suite.World.NewPerson(dir, "ae-granted", suite.PluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	dev := developer{Person: p, roleARN: roleARN}
	if err := dev.WriteFile(".aws/credentials", string(key)); err != nil {
		t.Fatal(err)
	}
	// login asks the API server who the developer is: the access entry answers.
	if out, err := dev.Run(ctx, "kubectl", "eks-login", "--cluster", world.ClusterName, "--role-arn", roleARN,
		"--source-profile", "ae-granted", "--region", world.Region, "--yes"); err != nil || !strings.Contains(out, "ae-granted:") {
		t.Fatalf("login: %v\n%s", err, out)
	}
	dev.isUser(ctx, t, "ae-granted:", "ae-granted", "")
	dev.can(ctx, t, "get", "pods", "-A")
	dev.cannot(ctx, t, `cannot list resource "nodes"`, "get", "nodes")
	adm.EKSLogin(ctx, t, "revoke", flags...)
	dev.cannotSoon(ctx, t, unauthorized, "get", "pods", "-A")
	if out, err := adm.Run(ctx, "aws", "eks", "describe-access-entry", "--cluster-name", world.ClusterName, "--principal-arn", roleARN); err == nil || !strings.Contains(out, "ResourceNotFoundException") {
		t.Errorf("the access entry outlived revoke: %v\n%s", err, out)
	}
}

// nodeEntry: the seed's node role as an EC2_LINUX access entry, made with the
// AWS CLI (eks-login makes no node entries): EKS fills in the node identity,
// refuses groups of the caller's, and eks-login leaves it alone without --force.
func nodeEntry(ctx context.Context, t *testing.T, adm admin) {
	out, err := adm.Run(ctx, "aws", "eks", "create-access-entry", "--cluster-name", world.ClusterName, "--principal-arn", world.NodeRoleARN,
		"--type", "EC2_LINUX", "--kubernetes-groups", "system:nodes")
	if err == nil || !strings.Contains(out, "kubernetesGroups cannot be specified for access entries of type EC2_LINUX") {
		t.Errorf("an EC2_LINUX entry with groups: %v\n%s", err, out)
	}
	var created struct {
		AccessEntry struct {
			Username, Type   string
			KubernetesGroups []string
		}
	}
	out = adm.MustRun(ctx, t, "aws", "eks", "create-access-entry", "--cluster-name", world.ClusterName, "--principal-arn", world.NodeRoleARN, "--type", "EC2_LINUX")
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.AccessEntry.Username != "system:node:{{EC2PrivateDNSName}}" ||
		!slices.Equal(created.AccessEntry.KubernetesGroups, []string{"system:nodes"}) || created.AccessEntry.Type != "EC2_LINUX" {
		t.Fatalf("the node entry: %v\n%s", err, out)
	}
	out, err = adm.Run(ctx, "kubectl", "eks-login", "admin", "unmap", "--cluster", world.ClusterName, "--mode", "api", "--role-arn", world.NodeRoleARN)
	if err == nil || !strings.Contains(out, "refusing to remove it without --force") {
		t.Errorf("unmap of the node entry: %v\n%s", err, out)
	}
}
