package discovery_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eks-login/eks-login/pkg/discovery"
	"github.com/eks-login/eks-login/pkg/world"
)

// theAWS is the world's AWS, started on first use; TestMain runs the
// package inside the world's namespaces unless -short.
var theAWS world.SharedAWS

func TestMain(m *testing.M) { os.Exit(theAWS.Main(m)) }

func theWorld(tb testing.TB) *world.World { return theAWS.Get(tb) }

const otherAccount = "210987654321"

func policy(statements ...string) *string {
	return aws.String(`{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`)
}

// addClusters makes clusters in the world ("account/region/name", an empty
// account being the world's), all answering with the world's API server.
func addClusters(ctx context.Context, tb testing.TB, w *world.World, clusters ...string) {
	tb.Helper()
	for _, c := range clusters {
		parts := strings.Split(c, "/")
		if _, err := w.AddCluster(ctx, parts[0], parts[1], parts[2]); err != nil {
			tb.Fatal(err)
		}
	}
}

// roleConfig creates a role in the world's account that the admin assumes,
// with the policy's statements, and returns a configuration that assumes it.
func roleConfig(ctx context.Context, t *testing.T, w *world.World, name string, statements ...string) aws.Config {
	t.Helper()
	im := iam.NewFromConfig(w.AdminAWSConfig())
	trust := policy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + world.AccountID + `:root"},"Action":"sts:AssumeRole"}`)
	if _, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	if _, err := im.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("Discover"), PolicyDocument: policy(statements...)}); err != nil {
		t.Fatal(err)
	}
	cfg := w.AdminAWSConfig()
	cfg.Credentials = stscreds.NewAssumeRoleProvider(sts.NewFromConfig(w.AdminAWSConfig()), "arn:aws:iam::"+world.AccountID+":role/"+name)
	return cfg
}

func lines(clusters []discovery.Cluster, problems []discovery.Problem) []string {
	var out []string
	for _, c := range clusters {
		out = append(out, fmt.Sprintf("%s %s %s %s", c.Account, c.Region, c.Name, c.Role))
	}
	for _, p := range problems {
		out = append(out, fmt.Sprintf("%s: %s %s %s %s %s", p.Kind, p.Operation, p.Account, p.Region, p.Cluster, p.Role))
	}
	return out
}

// TestDiscoverInTheWorld: two regions and three clusters, one of them
// denied to the role: two found, one reported, through one AssumeRole.
func TestDiscoverInTheWorld(t *testing.T) {
	w := theWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	addClusters(ctx, t, w, "/us-west-2/web", "/us-west-2/jobs", "/eu-west-1/data")
	cfg := roleConfig(ctx, t, w, "DiscoveryViewer",
		`{"Effect":"Allow","Action":["eks:ListClusters","eks:DescribeCluster"],"Resource":"*"}`,
		`{"Effect":"Deny","Action":"eks:DescribeCluster","Resource":"arn:aws:eks:us-west-2:`+world.AccountID+`:cluster/jobs"}`)
	if err := w.AWS.ResetCalls(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := discovery.Discover(ctx, cfg, discovery.Options{Regions: []string{"us-west-2", "eu-west-1"}, Role: "DiscoveryViewer"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		world.AccountID + " eu-west-1 data DiscoveryViewer",
		world.AccountID + " us-west-2 web DiscoveryViewer",
		"denied: DescribeCluster  us-west-2 jobs DiscoveryViewer",
	}
	if got := lines(res.Clusters, res.Problems); !slices.Equal(got, want) {
		t.Errorf("found:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	ca := base64.StdEncoding.EncodeToString(w.CAData)
	for _, c := range res.Clusters {
		if c.Endpoint != w.APIServerURL || c.CAData != ca || c.AuthMode != "API_AND_CONFIG_MAP" || c.ARN != "arn:aws:eks:"+c.Region+":"+world.AccountID+":cluster/"+c.Name {
			t.Errorf("cluster %s: %+v", c.Name, c)
		}
	}
	if msg := res.Problems[0].Error(); !strings.Contains(msg, "assumed-role/DiscoveryViewer/") || !strings.Contains(msg, "is not authorized to perform: eks:DescribeCluster on resource: arn:aws:eks:us-west-2:"+world.AccountID+":cluster/jobs") {
		t.Errorf("the denial does not say it as AWS does: %s", msg)
	}
	calls, err := w.AWS.Calls(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if calls["sts:AssumeRole"] != 1 || calls["eks:ListClusters"] != 2 || calls["eks:DescribeCluster"] != 3 {
		t.Errorf("calls %v, want one AssumeRole, two ListClusters and three DescribeCluster", calls)
	}
}

// TestDiscoverRegions: without regions, those account:ListRegions reports
// enabled; when it is denied, the partition's, of which the opt-in regions
// not enabled refuse the credentials and two have no EKS in the world.
func TestDiscoverRegions(t *testing.T) {
	w := theWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	addClusters(ctx, t, w, "/sa-east-1/sao", "/af-south-1/cape")
	t.Run("ListRegions allowed", func(t *testing.T) {
		cfg := roleConfig(ctx, t, w, "RegionLister", `{"Effect":"Allow","Action":["eks:ListClusters","eks:DescribeCluster","account:ListRegions"],"Resource":"*"}`)
		res, err := discovery.Discover(ctx, cfg, discovery.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.RegionSource != discovery.RegionsListed || len(res.Regions) != 17 || res.RegionsErr != nil {
			t.Errorf("regions %v from %s (%v), want the 17 enabled by default", res.Regions, res.RegionSource, res.RegionsErr)
		}
		if names := clusterNames(res.Clusters); !slices.Contains(names, "sao") || slices.Contains(names, "cape") || len(res.Problems) != 0 {
			t.Errorf("found %v, problems %v: want sao and not cape (af-south-1 is not enabled)", names, res.Problems)
		}
	})
	t.Run("ListRegions denied", func(t *testing.T) {
		cfg := roleConfig(ctx, t, w, "NoRegionLister", `{"Effect":"Allow","Action":["eks:ListClusters","eks:DescribeCluster"],"Resource":"*"}`)
		res, err := discovery.Discover(ctx, cfg, discovery.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.RegionSource != discovery.RegionsPartition || len(res.Regions) != 36 || !strings.Contains(fmt.Sprint(res.RegionsErr), "account:ListRegions on resource: arn:aws:account::"+world.AccountID+":account") {
			t.Errorf("regions %v from %s (%v), want the partition's 36", res.Regions, res.RegionSource, res.RegionsErr)
		}
		if names := clusterNames(res.Clusters); !slices.Contains(names, "sao") || slices.Contains(names, "cape") {
			t.Errorf("found %v, want sao and not cape", names)
		}
		kinds := map[discovery.ProblemKind][]string{}
		for _, p := range res.Problems {
			kinds[p.Kind] = append(kinds[p.Kind], p.Region)
		}
		if len(kinds) != 2 || !slices.Equal(kinds[discovery.Unreachable], []string{"me-west-1", "sa-west-1"}) ||
			len(kinds[discovery.RegionDisabled]) != 17 || !slices.Contains(kinds[discovery.RegionDisabled], "af-south-1") {
			t.Errorf("problems by kind %v, want me-west-1 and sa-west-1 unreachable and the 17 opt-in regions disabled", kinds)
		}
	})
	t.Run("an opt-in region enabled", func(t *testing.T) {
		if err := w.AWS.SetRegionOptStatus(ctx, "", "af-south-1", "ENABLED"); err != nil {
			t.Fatal(err)
		}
		cfg := roleConfig(ctx, t, w, "RegionLister2", `{"Effect":"Allow","Action":["eks:ListClusters","eks:DescribeCluster","account:ListRegions"],"Resource":"*"}`)
		res, err := discovery.Discover(ctx, cfg, discovery.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Regions) != 18 || !slices.Contains(clusterNames(res.Clusters), "cape") || len(res.Problems) != 0 {
			t.Errorf("regions %v, found %v, problems %v: want 18 regions and cape", res.Regions, clusterNames(res.Clusters), res.Problems)
		}
	})
}

func clusterNames(cs []discovery.Cluster) []string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	return names
}

// TestWalkSSOInTheWorld: an SSO session with two accounts and two
// permission sets in each: the four account and role pairs, and the
// clusters each may see, through credentials of the permission sets'
// AWSReservedSSO_ roles in each account.
func TestWalkSSOInTheWorld(t *testing.T) {
	w := theWorld(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	addClusters(ctx, t, w, "/us-east-2/dev-api", otherAccount+"/us-east-2/prod-api", otherAccount+"/eu-central-1/prod-data")
	for _, account := range []string{world.AccountID, otherAccount} {
		for name, statement := range map[string]string{
			"EKSViewer":  `{"Effect":"Allow","Action":["eks:ListClusters","eks:DescribeCluster"],"Resource":"*"}`,
			"EKSAuditor": `{"Effect":"Allow","Action":"eks:ListClusters","Resource":"*"}`,
		} {
			if _, err := w.AWS.SetPermissionSet(ctx, world.PermissionSet{Account: account, Name: name, Region: "eu-west-1", InlinePolicy: *policy(statement)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	session := world.SSOSession{Name: "corp", AccessToken: "tok-corp", UserName: "dev1@example.com", Accounts: []world.SSOAccount{
		{ID: world.AccountID, Name: "Development", Roles: []string{"EKSViewer", "EKSAuditor"}},
		{ID: otherAccount, Name: "Production", Roles: []string{"EKSViewer", "EKSAuditor"}},
	}}
	if err := w.AWS.SetSSOSession(ctx, session); err != nil {
		t.Fatal(err)
	}
	sso := discovery.SSOSession{Name: "corp", StartURL: "https://corp.awsapps.com/start", Region: "eu-west-1"}
	tokenFile := filepath.Join(t.TempDir(), "token.json")
	if err := os.WriteFile(tokenFile, []byte(session.TokenCacheJSON(sso.StartURL, sso.Region)), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := discovery.WalkSSO(ctx, w.AdminAWSConfig(), sso, discovery.SSOOptions{TokenFile: tokenFile,
		Discover: discovery.Options{Regions: []string{"us-east-2", "eu-central-1"}}})
	if err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for _, r := range res.Roles {
		pairs = append(pairs, fmt.Sprintf("%s %s %s %v", r.Target.AccountID, r.Target.AccountName, r.Target.RoleName, r.Err))
	}
	wantPairs := []string{
		world.AccountID + " Development EKSAuditor <nil>", world.AccountID + " Development EKSViewer <nil>",
		otherAccount + " Production EKSAuditor <nil>", otherAccount + " Production EKSViewer <nil>",
	}
	if !slices.Equal(pairs, wantPairs) {
		t.Errorf("roles:\n%s\nwant:\n%s", strings.Join(pairs, "\n"), strings.Join(wantPairs, "\n"))
	}
	want := []string{
		world.AccountID + " us-east-2 dev-api EKSViewer",
		otherAccount + " eu-central-1 prod-data EKSViewer",
		otherAccount + " us-east-2 prod-api EKSViewer",
		"denied: DescribeCluster " + world.AccountID + " us-east-2 dev-api EKSAuditor",
		"denied: DescribeCluster " + otherAccount + " eu-central-1 prod-data EKSAuditor",
		"denied: DescribeCluster " + otherAccount + " us-east-2 prod-api EKSAuditor",
	}
	if got := lines(res.Clusters, res.Problems); !slices.Equal(got, want) {
		t.Errorf("found:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, p := range res.Problems {
		if !strings.Contains(p.Err.Error(), "arn:aws:sts::"+p.Account+":assumed-role/AWSReservedSSO_EKSAuditor_") {
			t.Errorf("the denial is not of the permission set's role in account %s: %v", p.Account, p.Err)
		}
	}
	names, err := discovery.ContextNames(res.Clusters, "")
	if err != nil || !slices.Equal(names, []string{"dev-api", "prod-data", "prod-api"}) {
		t.Errorf("context names %q, %v", names, err)
	}

	t.Run("signed out", func(t *testing.T) {
		expired := session
		expired.Name, expired.AccessToken, expired.AccessTokenExpiresAt = "corp-expired", "tok-expired", time.Now().Add(-time.Minute)
		if err := w.AWS.SetSSOSession(ctx, expired); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "token.json")
		// The cache still believes the token good; the portal knows better.
		if err := os.WriteFile(file, []byte(world.SSOSession{AccessToken: expired.AccessToken}.TokenCacheJSON(sso.StartURL, sso.Region)), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := discovery.WalkSSO(ctx, w.AdminAWSConfig(), discovery.SSOSession{Name: "corp-expired", StartURL: sso.StartURL, Region: sso.Region},
			discovery.SSOOptions{TokenFile: file})
		if err == nil || !strings.Contains(err.Error(), "run: aws sso login --sso-session corp-expired") {
			t.Errorf("got %v", err)
		}
	})
}
