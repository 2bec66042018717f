package world

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/sso/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const (
	otherAccount   = "210987654321"
	discoverer     = "Discoverer"
	viewerPermSet  = "EKSViewer"
	deniedRegion   = "eu-west-1"
	deniedCluster  = "beta"
	discoveryEmail = "dev1@example.com"
)

// discoveryWorld is what TestLocalAWSDiscovery seeds: clusters in two
// regions of the world's account and one in another account, a role that
// is denied one cluster and one region, and an admin.
type discoveryWorld struct {
	la             *LocalAWS
	cfg            func(aws.Credentials) aws.Config
	admin, role    aws.Credentials
	otherAccountCA string
}

// TestLocalAWSDiscovery drives, with the SDK's own clients at the real host
// names, what discovery across regions and accounts needs of the world:
// ListClusters and DescribeCluster per region under IAM, ListRegions, and
// the SSO portal's accounts, roles and permission sets.
func TestLocalAWSDiscovery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	w := seedDiscoveryWorld(ctx, t)
	t.Run("ListClusters per region", func(t *testing.T) { testListClustersPerRegion(ctx, t, w) })
	t.Run("a role denied one cluster and one region", func(t *testing.T) { testDeniedClusterAndRegion(ctx, t, w) })
	t.Run("ListRegions", func(t *testing.T) { testListRegions(ctx, t, w) })
	t.Run("SSO accounts and permission sets", func(t *testing.T) { testSSOAccounts(ctx, t, w) })
}

func seedDiscoveryWorld(ctx context.Context, t *testing.T) *discoveryWorld {
	la, cfg := startRealEndpointsLocalAWS(t)
	w := &discoveryWorld{la: la, cfg: cfg, otherAccountCA: base64.StdEncoding.EncodeToString([]byte(testCAPEM))}
	boot := iam.NewFromConfig(cfg(aws.Credentials{AccessKeyID: "AKIAWORLDBOOTSTRAP00", SecretAccessKey: "bootstrap"}))
	w.admin = userKeys(ctx, t, boot, "admin")
	must(boot.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("admin"), PolicyName: aws.String("AdministratorAccess"),
		PolicyDocument: policy(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}))(t)
	for _, c := range []ClusterOverride{
		{Region: "us-west-2", Name: "alpha"}, {Region: "us-west-2", Name: deniedCluster}, {Region: deniedRegion, Name: "gamma"},
		{Region: "us-west-2", Name: "delta", Account: otherAccount, Endpoint: "https://127.0.0.1:6443", CAData: testCAPEM},
	} {
		must(la.SetClusterARN(ctx, c))(t)
	}
	rootTrust := fmt.Sprintf(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}`, testAccount)
	must(boot.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(discoverer), AssumeRolePolicyDocument: policy(rootTrust)}))(t)
	must(boot.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(discoverer), PolicyName: aws.String("Discover"), PolicyDocument: policy(
		`{"Effect":"Allow","Action":["eks:ListClusters","eks:DescribeCluster"],"Resource":"*"}`,
		fmt.Sprintf(`{"Effect":"Deny","Action":"eks:DescribeCluster","Resource":"arn:aws:eks:us-west-2:%s:cluster/%s"}`, testAccount, deniedCluster),
		fmt.Sprintf(`{"Effect":"Deny","Action":"eks:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"%s"}}}`, deniedRegion),
	)}))(t)
	if err := la.EnforceIAM(ctx, true); err != nil {
		t.Fatal(err)
	}
	out := must(sts.NewFromConfig(cfg(w.admin)).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + testAccount + ":role/" + discoverer), RoleSessionName: aws.String("dev1")}))(t)
	w.role = aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
		SessionToken: aws.ToString(out.Credentials.SessionToken)}
	return w
}

func inRegion(region string) func(*eks.Options) { return func(o *eks.Options) { o.Region = region } }

func listClusters(ctx context.Context, c *eks.Client, region string) ([]string, error) {
	var names []string
	p := eks.NewListClustersPaginator(c, &eks.ListClustersInput{MaxResults: aws.Int32(1)}, func(o *eks.ListClustersPaginatorOptions) {})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, inRegion(region))
		if err != nil {
			return nil, err
		}
		names = append(names, page.Clusters...)
	}
	return names, nil
}

func testListClustersPerRegion(ctx context.Context, t *testing.T, w *discoveryWorld) {
	admin := eks.NewFromConfig(w.cfg(w.admin))
	for _, tt := range []struct {
		region string
		want   []string
	}{
		{"us-west-2", []string{"alpha", deniedCluster}},
		{deniedRegion, []string{"gamma"}},
		{"us-east-1", nil},
	} {
		got := must(listClusters(ctx, admin, tt.region))(t)
		if !slices.Equal(got, tt.want) {
			t.Errorf("ListClusters in %s (pages of one): %v, want %v", tt.region, got, tt.want)
		}
	}
	c := must(admin.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("gamma")}, inRegion(deniedRegion)))(t).Cluster
	if want := "arn:aws:eks:" + deniedRegion + ":" + testAccount + ":cluster/gamma"; aws.ToString(c.Arn) != want {
		t.Errorf("DescribeCluster gamma: ARN %s, want %s", aws.ToString(c.Arn), want)
	}
	_, err := admin.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("gamma")}, inRegion("us-west-2"))
	checkAPIError(t, err, "ResourceNotFoundException", "No cluster found for name: gamma.")
	// An opt-in region the account has not enabled knows no credentials.
	_, err = listClusters(ctx, admin, "af-south-1")
	checkAPIError(t, err, "UnrecognizedClientException", "The security token included in the request is invalid")
}

func testDeniedClusterAndRegion(ctx context.Context, t *testing.T, w *discoveryWorld) {
	role := eks.NewFromConfig(w.cfg(w.role))
	caller := "arn:aws:sts::" + testAccount + ":assumed-role/" + discoverer + "/dev1"
	if got := must(listClusters(ctx, role, "us-west-2"))(t); !slices.Equal(got, []string{"alpha", deniedCluster}) {
		t.Errorf("ListClusters in us-west-2: %v", got)
	}
	must(role.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("alpha")}, inRegion("us-west-2")))(t)
	_, err := role.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(deniedCluster)}, inRegion("us-west-2"))
	checkAPIError(t, err, "AccessDeniedException", "User: "+caller+" is not authorized to perform: eks:DescribeCluster on resource: arn:aws:eks:us-west-2:"+testAccount+":cluster/"+deniedCluster)
	_, err = listClusters(ctx, role, deniedRegion)
	checkAPIError(t, err, "AccessDeniedException", "User: "+caller+" is not authorized to perform: eks:ListClusters on resource: arn:aws:eks:"+deniedRegion+":"+testAccount+":cluster/*")
	// The other account's cluster is not this account's to list.
	if got := must(listClusters(ctx, role, "us-west-2"))(t); slices.Contains(got, "delta") {
		t.Errorf("ListClusters in %s's us-west-2 shows %s's cluster: %v", testAccount, otherAccount, got)
	}
}

func listRegions(ctx context.Context, c *account.Client, in *account.ListRegionsInput) (map[string]accounttypes.RegionOptStatus, error) {
	regions := map[string]accounttypes.RegionOptStatus{}
	p := account.NewListRegionsPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Regions {
			regions[aws.ToString(r.RegionName)] = r.RegionOptStatus
		}
	}
	return regions, nil
}

func testListRegions(ctx context.Context, t *testing.T, w *discoveryWorld) {
	admin := account.NewFromConfig(w.cfg(w.admin))
	all := must(listRegions(ctx, admin, &account.ListRegionsInput{MaxResults: aws.Int32(5)}))(t)
	if len(all) != len(EKSRegions) || all["us-west-2"] != accounttypes.RegionOptStatusEnabledByDefault || all["af-south-1"] != accounttypes.RegionOptStatusDisabled {
		t.Errorf("ListRegions in pages of 5: %d regions %v, want the %d the world serves, us-west-2 ENABLED_BY_DEFAULT and af-south-1 DISABLED", len(all), all, len(EKSRegions))
	}
	if err := w.la.SetRegionOptStatus(ctx, "", "af-south-1", "ENABLED"); err != nil {
		t.Fatal(err)
	}
	enabled := must(listRegions(ctx, admin, &account.ListRegionsInput{RegionOptStatusContains: []accounttypes.RegionOptStatus{
		accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault}}))(t)
	if len(enabled) != 18 || enabled["af-south-1"] != accounttypes.RegionOptStatusEnabled {
		t.Errorf("the enabled regions: %d %v, want the 17 enabled by default and af-south-1", len(enabled), enabled)
	}
	if got, err := listClusters(ctx, eks.NewFromConfig(w.cfg(w.admin)), "af-south-1"); err != nil || len(got) != 0 {
		t.Errorf("ListClusters in af-south-1, once enabled: %v, %v", got, err)
	}
	_, err := account.NewFromConfig(w.cfg(w.role)).ListRegions(ctx, &account.ListRegionsInput{})
	checkAPIError(t, err, "AccessDeniedException", "User: arn:aws:sts::"+testAccount+":assumed-role/"+discoverer+"/dev1 is not authorized to perform: account:ListRegions on resource: arn:aws:account::"+testAccount+":account")
	if !errors.As(err, new(*accounttypes.AccessDeniedException)) {
		t.Errorf("the SDK did not decode a typed AccessDeniedException: %T", err)
	}
	_, err = admin.ListRegions(ctx, &account.ListRegionsInput{MaxResults: aws.Int32(51)})
	checkAPIError(t, err, "ValidationException", "MaxResults must be 1 to 50")
}

func testSSOAccounts(ctx context.Context, t *testing.T, w *discoveryWorld) {
	viewer := must(w.la.SetPermissionSet(ctx, PermissionSet{Account: otherAccount, Name: viewerPermSet,
		InlinePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["eks:ListClusters","eks:DescribeCluster"],"Resource":"*"}]}`}))(t)
	if !regexp.MustCompile(`^AWSReservedSSO_`+viewerPermSet+`_[0-9a-f]{16}$`).MatchString(viewer.RoleName) ||
		viewer.Path != "/aws-reserved/sso.amazonaws.com/" || viewer.RoleARN != "arn:aws:iam::"+otherAccount+":role/aws-reserved/sso.amazonaws.com/"+viewer.RoleName {
		t.Errorf("the permission set's role: %+v", viewer)
	}
	regional := must(w.la.SetPermissionSet(ctx, PermissionSet{Account: otherAccount, Name: "Auditor", Region: "eu-west-2"}))(t)
	if regional.Path != "/aws-reserved/sso.amazonaws.com/eu-west-2/" {
		t.Errorf("a permission set of an Identity Center in eu-west-2: path %s", regional.Path)
	}
	again := must(w.la.SetPermissionSet(ctx, PermissionSet{Account: otherAccount, Name: viewerPermSet}))(t)
	if again.RoleARN != viewer.RoleARN {
		t.Errorf("provisioning again made another role: %s, then %s", viewer.RoleARN, again.RoleARN)
	}
	session := SSOSession{Name: "many-accounts", AccessToken: "tok-many", UserName: discoveryEmail, Accounts: []SSOAccount{
		{ID: testAccount, Name: "Development", Roles: []string{discoverer}},
		{ID: otherAccount, Name: "Production", Email: "prod@example.com", Roles: []string{viewerPermSet, "Auditor"}},
	}}
	if err := w.la.SetSSOSession(ctx, session); err != nil {
		t.Fatal(err)
	}
	portal := sso.NewFromConfig(w.cfg(aws.Credentials{AccessKeyID: "AKIANOTUSED000000000", SecretAccessKey: "x"}))
	t.Run("ListAccounts", func(t *testing.T) {
		var got []string
		p := sso.NewListAccountsPaginator(portal, &sso.ListAccountsInput{AccessToken: aws.String(session.AccessToken), MaxResults: aws.Int32(1)})
		for p.HasMorePages() {
			for _, a := range must(p.NextPage(ctx))(t).AccountList {
				got = append(got, aws.ToString(a.AccountId)+" "+aws.ToString(a.AccountName)+" "+aws.ToString(a.EmailAddress))
			}
		}
		want := []string{testAccount + " Development aws+" + testAccount + "@example.com", otherAccount + " Production prod@example.com"}
		if !slices.Equal(got, want) {
			t.Errorf("ListAccounts in pages of one: %q, want %q", got, want)
		}
		_, err := portal.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: aws.String("tok-forged")})
		if !errors.As(err, new(*ssotypes.UnauthorizedException)) {
			t.Errorf("a forged token: want UnauthorizedException, got %v", err)
		}
		_, err = portal.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: aws.String(session.AccessToken), NextToken: aws.String("not-a-token")})
		checkAPIError(t, err, "InvalidRequestException", "next_token")
	})
	t.Run("ListAccountRoles", func(t *testing.T) {
		for _, tt := range []struct {
			account string
			want    []string
		}{
			{otherAccount, []string{viewerPermSet, "Auditor"}},
			{testAccount, []string{discoverer}},
			{"111111111111", nil},
		} {
			var got []string
			p := sso.NewListAccountRolesPaginator(portal, &sso.ListAccountRolesInput{AccessToken: aws.String(session.AccessToken), AccountId: aws.String(tt.account), MaxResults: aws.Int32(1)})
			for p.HasMorePages() {
				for _, r := range must(p.NextPage(ctx))(t).RoleList {
					if aws.ToString(r.AccountId) != tt.account {
						t.Errorf("a role of account %s in the list of %s", aws.ToString(r.AccountId), tt.account)
					}
					got = append(got, aws.ToString(r.RoleName))
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ListAccountRoles of %s: %v, want %v", tt.account, got, tt.want)
			}
		}
	})
	t.Run("GetRoleCredentials acts in the permission set's account", func(t *testing.T) {
		out := must(portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: aws.String(session.AccessToken),
			AccountId: aws.String(otherAccount), RoleName: aws.String(viewerPermSet)}))(t)
		rc := out.RoleCredentials
		creds := aws.Credentials{AccessKeyID: aws.ToString(rc.AccessKeyId), SecretAccessKey: aws.ToString(rc.SecretAccessKey), SessionToken: aws.ToString(rc.SessionToken)}
		id := must(sts.NewFromConfig(w.cfg(creds)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)
		if want := "arn:aws:sts::" + otherAccount + ":assumed-role/" + viewer.RoleName + "/" + discoveryEmail; aws.ToString(id.Arn) != want {
			t.Errorf("GetCallerIdentity: %s, want %s", aws.ToString(id.Arn), want)
		}
		ek := eks.NewFromConfig(w.cfg(creds))
		if got := must(listClusters(ctx, ek, "us-west-2"))(t); !slices.Equal(got, []string{"delta"}) {
			t.Errorf("ListClusters in %s's us-west-2: %v, want [delta]", otherAccount, got)
		}
		c := must(ek.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("delta")}, inRegion("us-west-2")))(t).Cluster
		if aws.ToString(c.Arn) != "arn:aws:eks:us-west-2:"+otherAccount+":cluster/delta" || aws.ToString(c.Endpoint) != "https://127.0.0.1:6443" ||
			aws.ToString(c.CertificateAuthority.Data) != w.otherAccountCA {
			t.Errorf("DescribeCluster delta: arn %s endpoint %s CA %s", aws.ToString(c.Arn), aws.ToString(c.Endpoint), aws.ToString(c.CertificateAuthority.Data))
		}
		// A permission set without a policy gives a role that may do nothing.
		out = must(portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: aws.String(session.AccessToken),
			AccountId: aws.String(otherAccount), RoleName: aws.String("Auditor")}))(t)
		rc = out.RoleCredentials
		auditor := eks.NewFromConfig(w.cfg(aws.Credentials{AccessKeyID: aws.ToString(rc.AccessKeyId), SecretAccessKey: aws.ToString(rc.SecretAccessKey), SessionToken: aws.ToString(rc.SessionToken)}))
		_, err := auditor.ListClusters(ctx, &eks.ListClustersInput{}, inRegion("us-west-2"))
		checkAPIError(t, err, "AccessDeniedException", ":assumed-role/"+regional.RoleName+"/"+discoveryEmail+" is not authorized to perform: eks:ListClusters")
	})
	t.Run("GetRoleCredentials refuses what is not assigned", func(t *testing.T) {
		// Provisioned in the account, but not assigned to this user.
		must(w.la.SetPermissionSet(ctx, PermissionSet{Account: otherAccount, Name: "Admin"}))(t)
		for _, tt := range []struct{ account, role string }{
			{otherAccount, "Admin"},
			{testAccount, viewerPermSet}, // assigned in the other account only
			{"111111111111", viewerPermSet},
			{otherAccount, discoverer},
		} {
			_, err := portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: aws.String(session.AccessToken),
				AccountId: aws.String(tt.account), RoleName: aws.String(tt.role)})
			// AWS answers "ForbiddenException: No access", a code the
			// SDK's model lacks.
			checkAPIError(t, err, "ForbiddenException", "No access")
		}
	})
}
