package e2e

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/pkg/world"
)

// The world's aws-iam-authenticator takes tokens for the cluster ID
// my-example alone, and every cluster AddCluster makes is served by the
// one API server: the clusters kubectl reaches here are all named
// my-example, in other regions or accounts, which also exercises the
// default names of clusters that share a name.

// TestLoginAllClusters: two regions and three clusters, one of them denied
// to the role: two contexts written, one reported, kubectl works through
// both, with the one AssumeRole of the discovery. Then the cluster
// of eu-west-1 is deleted, and --prune removes its context and user, and
// nothing else: every other byte of both files stays.
func TestLoginAllClusters(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	admin := newAdmin(t)
	a := grantIAMByHand(t, "e2e-all-dev", "E2EAllDevs", "E2EAllViewer")
	jobs := "arn:aws:eks:us-west-2:" + world.AccountID + ":cluster/jobs"
	im := iam.NewFromConfig(theWorld.AdminAWSConfig())
	if _, err := im.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(a.Role), PolicyName: aws.String("describe"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["eks:ListClusters","eks:DescribeCluster"],"Resource":"*"},` +
			`{"Effect":"Deny","Action":"eks:DescribeCluster","Resource":"` + jobs + `"}]}`)}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ region, name string }{{"us-west-2", world.ClusterName}, {"eu-west-1", world.ClusterName}, {"us-west-2", "jobs"}} {
		if _, err := theWorld.AddCluster(ctx, "", c.region, c.name); err != nil {
			t.Fatal(err)
		}
	}
	mapRoleByHand(t, admin, &a, "e2e-all", "e2e-all-viewers")
	dev, err := theWorld.NewPerson(t.TempDir(), a.User, pluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dev.Path(".aws/credentials"), "["+a.User+"]\naws_access_key_id = "+a.KeyID+"\naws_secret_access_key = "+a.Secret+"\n")
	writeFile(t, dev.Path(".aws/config"), "# mine\n[profile "+a.User+"]\nregion = "+world.Region+"\n")
	writeFile(t, dev.Path(".kube/config"), "apiVersion: v1\nkind: Config\n# my own cluster\nclusters:\n- name: lab\n  cluster: {server: 'https://lab.example:6443'}\ncontexts:\n- name: lab\n  context: {cluster: lab, user: lab}\ncurrent-context: lab\nusers:\n- name: lab\n  user: {token: lab-token}\n")
	all := []string{"eks-login", "--all", "--role", a.Role, "--source-profile", a.User, "--regions", "us-west-2,eu-west-1", "--verify", "all"}

	if err := theWorld.AWS.ResetCalls(ctx); err != nil {
		t.Fatal(err)
	}
	out, err := dev.Run(ctx, "kubectl", all...)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	west, eu := world.AccountID+"/us-west-2/my-example", world.AccountID+"/eu-west-1/my-example"
	for _, want := range []string{"Searched 2 region(s) (from --regions): 2 cluster(s) found, 1 skipped.", "Wrote 2 context(s)",
		"warning: skipped cluster jobs in us-west-2", "is not authorized to perform: eks:DescribeCluster on resource: " + jobs,
		"Logged in to " + west + " as e2e-all", "Logged in to " + eu + " as e2e-all"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, c := range []string{west, eu} {
		if got, err := dev.Run(ctx, "kubectl", "--context", c, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"); err != nil || got != "e2e-all" {
			t.Errorf("kubectl through %s: %q (%v)", c, got, err)
		}
	}
	// Discovery's AssumeRole is the only one: login primed the token cache
	// of both clusters with its session, for its checks and for kubectl.
	if calls, err := theWorld.AWS.Calls(ctx); err != nil || calls["sts:AssumeRole"] != 1 {
		t.Errorf("login and kubectl through both contexts made %d AssumeRole calls (%v), want 1", calls["sts:AssumeRole"], err)
	}

	// The cluster of eu-west-1 is deleted; --prune removes its entries alone.
	configBefore, kubeBefore := readFile(t, dev.Path(".aws/config")), readFile(t, dev.Path(".kube/config"))
	if out, err := admin.Run(ctx, "aws", "eks", "delete-cluster", "--name", world.ClusterName, "--region", "eu-west-1"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err = dev.Run(ctx, "kubectl", append(all, "--prune")...); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "Prune: context "+eu+": cluster my-example is no longer in eu-west-1.") {
		t.Errorf("output:\n%s", out)
	}
	kf, err := kubeconfig.Parse("config", []byte(kubeBefore), true)
	if err != nil {
		t.Fatal(err)
	}
	want, err := kf.PlanRemove(eu)
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, dev.Path(".kube/config")); got != string(want.New) || !strings.Contains(got, "# my own cluster") {
		t.Errorf("kubeconfig after --prune:\n%s\nwant:\n%s", got, want.New)
	}
	if readFile(t, dev.Path(".aws/config")) != configBefore {
		t.Error("--prune changed ~/.aws/config")
	}
	if got, err := dev.Run(ctx, "kubectl", "--context", west, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"); err != nil || got != "e2e-all" {
		t.Errorf("kubectl through %s after the prune: %q (%v)", west, got, err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestLoginSSOSession: an SSO session with two accounts and two permission
// sets in each: four SSO role profiles and four contexts (the one cluster
// of each account reached through two roles), and kubectl works through
// each as the user its role is mapped to. Signed out, it says to sign in,
// with exit code 4.
func TestLoginSSOSession(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	admin := newAdmin(t)
	const other = "210987654321"
	accounts := []world.SSOAccount{{ID: world.AccountID, Name: "Development", Roles: []string{"E2EViewer", "E2EOperator"}}, {ID: other, Name: "Production", Roles: []string{"E2EViewer", "E2EOperator"}}}
	users := map[string]string{} // profile -> Kubernetes user
	for _, acct := range accounts {
		if _, err := theWorld.AddCluster(ctx, acct.ID, "us-east-1", world.ClusterName); err != nil {
			t.Fatal(err)
		}
		for _, role := range acct.Roles {
			r, err := theWorld.AWS.SetPermissionSet(ctx, world.PermissionSet{Account: acct.ID, Name: role, Region: "eu-west-1",
				InlinePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["eks:ListClusters","eks:DescribeCluster"],"Resource":"*"}]}`})
			if err != nil {
				t.Fatal(err)
			}
			user := "e2e-sso-" + strings.ToLower(role) + "-" + acct.ID
			if out, err := admin.Run(ctx, "kubectl", "eks-login", "admin", "map", "--mode", "configmap", "--role-arn", r.RoleARN, "--username", user, "--group", "e2e-sso-viewers"); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			users[acct.ID+"-"+role] = user
		}
	}
	if out, err := admin.Run(ctx, "kubectl", "eks-login", "admin", "bind", "--group", "e2e-sso-viewers", "--clusterrole", "view"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	const startURL = "https://e2e-many.awsapps.com/start"
	session := world.SSOSession{Name: "e2e-many", AccessToken: "aoa-e2e-many-" + time.Now().Format("150405.000"), UserName: "many@example.com", Accounts: accounts}
	if err := theWorld.AWS.SetSSOSession(ctx, session); err != nil {
		t.Fatal(err)
	}
	dev, err := theWorld.NewPerson(t.TempDir(), "sso-many", pluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dev.Path(".aws/config"), "[sso-session e2e-many]\nsso_start_url = "+startURL+"\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n")
	// The clusters are in us-east-1, one of the regions whose STS the
	// world serves: the authenticator checks tokens there.
	cmd := []string{"eks-login", "--sso-session", "e2e-many", "--regions", "us-east-1", "--verify", "all"}

	if out, err := dev.Run(ctx, "kubectl", cmd...); err == nil || !strings.Contains(out, "run: aws sso login --sso-session e2e-many") {
		t.Errorf("signed out: %v\n%s", err, out)
	} else if code := exitCode(err); code != 4 {
		t.Errorf("signed out: exit code %d, want 4", code)
	}
	if err := os.MkdirAll(dev.Path(".aws/sso/cache"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, ssoTokenCacheFile(dev.Home, "e2e-many"), session.TokenCacheJSON(startURL, "eu-west-1"))
	out, err := dev.Run(ctx, "kubectl", cmd...)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	config := readFile(t, dev.Path(".aws/config"))
	for profile, user := range users {
		account, role, _ := strings.Cut(profile, "-")
		if !strings.Contains(config, "[profile "+profile+"]\n# managed by kubectl eks-login\n# discovered by kubectl eks-login: sso-session e2e-many\nsso_session = e2e-many\nsso_account_id = "+account+"\nsso_role_name = "+role+"\nregion = eu-west-1\n") {
			t.Errorf("no profile %s:\n%s", profile, config)
		}
		context := account + "/us-east-1/my-example/" + role
		if !strings.Contains(out, "Logged in to "+context+" as "+user) {
			t.Errorf("output lacks the check of %s:\n%s", context, out)
		}
		if got, err := dev.Run(ctx, "kubectl", "--context", context, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"); err != nil || got != user {
			t.Errorf("kubectl through %s: %q (%v), want %s", context, got, err, user)
		}
	}
}
