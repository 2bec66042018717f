package eks_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdkeks "github.com/aws/aws-sdk-go-v2/service/eks"
	sdkekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	sdkiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/eks"
	"github.com/eks-login/eks-login/pkg/awsapi/eks/types"
	"github.com/eks-login/eks-login/pkg/world"
)

func TestEndpoint(t *testing.T) {
	for _, tt := range []struct{ region, endpoint string }{
		{"", ""},
		{"us-east-1", "https://eks.us-east-1.amazonaws.com"},
		{"ap-northeast-2", "https://eks.ap-northeast-2.amazonaws.com"},
		{"us-gov-west-1", "https://eks.us-gov-west-1.amazonaws.com"},
		{"cn-north-1", "https://eks.cn-north-1.amazonaws.com.cn"},
	} {
		if e, s := eks.Endpoint(tt.region); e != tt.endpoint || s != tt.region {
			t.Errorf("Endpoint(%q) = %s, %s; want %s, %s", tt.region, e, s, tt.endpoint, tt.region)
		}
	}
	_, err := eks.NewFromConfig(aws.Config{Credentials: aws.AnonymousCredentials{}}).ListClusters(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "no AWS region is configured for EKS") {
		t.Errorf("without a region: %v", err)
	}
}

const account = "123456789012"

func config(la *world.LocalAWS, id, secret string) aws.Config {
	return aws.Config{
		Region:       world.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, ""),
		BaseEndpoint: aws.String(la.URL),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// must(call())(t) is call's result, or a fatal error.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestAgainstLocalAWS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	la, err := world.StartLocalAWS(ctx, world.LocalAWSOptions{LogPath: filepath.Join(t.TempDir(), "localaws.log")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = la.Stop() })

	boot := sdkiam.NewFromConfig(config(la, "AKIAWORLDBOOTSTRAP00", "bootstrap"))
	must(boot.CreateUser(ctx, &sdkiam.CreateUserInput{UserName: aws.String("admin")}))(t)
	must(boot.PutUserPolicy(ctx, &sdkiam.PutUserPolicyInput{UserName: aws.String("admin"), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}))(t)
	key := must(boot.CreateAccessKey(ctx, &sdkiam.CreateAccessKeyInput{UserName: aws.String("admin")}))(t).AccessKey
	must(boot.CreateUser(ctx, &sdkiam.CreateUserInput{UserName: aws.String("outsider")}))(t)
	okey := must(boot.CreateAccessKey(ctx, &sdkiam.CreateAccessKeyInput{UserName: aws.String("outsider")}))(t).AccessKey
	// A path in the role's ARN puts a '/' into the access entry's URL label.
	role := must(boot.CreateRole(ctx, &sdkiam.CreateRoleInput{RoleName: aws.String("viewer"), Path: aws.String("/team/"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}))(t).Role
	adminCfg := config(la, aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey))
	sdk := sdkeks.NewFromConfig(adminCfg)
	names := []string{"alpha", "beta", "gamma", "delta"}
	for _, name := range names {
		must(sdk.CreateCluster(ctx, &sdkeks.CreateClusterInput{Name: aws.String(name), RoleArn: role.Arn,
			ResourcesVpcConfig: &sdkekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-0a1b2c3d"}}}))(t)
	}
	if err := la.SetCluster(ctx, world.ClusterOverride{Region: world.Region, Name: "alpha", Endpoint: "https://127.0.0.1:6443",
		CAData: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", AuthenticationMode: "API_AND_CONFIG_MAP"}); err != nil {
		t.Fatal(err)
	}
	if err := la.EnforceIAM(ctx, true); err != nil {
		t.Fatal(err)
	}
	c := eks.NewFromConfig(adminCfg)

	t.Run("DescribeCluster", func(t *testing.T) {
		got := must(c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("alpha")}))(t).Cluster
		want := must(sdk.DescribeCluster(ctx, &sdkeks.DescribeClusterInput{Name: aws.String("alpha")}))(t).Cluster
		if aws.ToString(got.Name) != "alpha" || aws.ToString(got.Arn) != aws.ToString(want.Arn) ||
			aws.ToString(got.Endpoint) != "https://127.0.0.1:6443" || string(got.Status) != string(want.Status) ||
			aws.ToString(got.CertificateAuthority.Data) != aws.ToString(want.CertificateAuthority.Data) ||
			got.AccessConfig.AuthenticationMode != types.AuthenticationModeApiAndConfigMap ||
			aws.ToBool(got.AccessConfig.BootstrapClusterCreatorAdminPermissions) != aws.ToBool(want.AccessConfig.BootstrapClusterCreatorAdminPermissions) ||
			aws.ToString(got.Version) != aws.ToString(want.Version) || aws.ToString(got.RoleArn) != aws.ToString(role.Arn) ||
			!aws.ToTime(got.CreatedAt).Equal(aws.ToTime(want.CreatedAt)) || !reflect.DeepEqual(got.Tags, want.Tags) ||
			aws.ToString(got.PlatformVersion) != aws.ToString(want.PlatformVersion) {
			t.Errorf("DescribeCluster: %+v\nthe SDK: %+v", got, want)
		}
		_, err := c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("nope")})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) || nf.ErrorCode() != "ResourceNotFoundException" || nf.ErrorMessage() == "" {
			t.Errorf("DescribeCluster of a missing cluster: want ResourceNotFoundException, got %v", err)
		}
		_, err = eks.NewFromConfig(config(la, aws.ToString(okey.AccessKeyId), aws.ToString(okey.SecretAccessKey))).
			DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("alpha")})
		var denied *types.AccessDeniedException
		want2 := "User: arn:aws:iam::" + account + ":user/outsider is not authorized to perform: eks:DescribeCluster on resource: arn:aws:eks:" + world.Region + ":" + account + ":cluster/alpha"
		if !errors.As(err, &denied) || denied.ErrorMessage() != want2 {
			t.Errorf("DescribeCluster as an outsider: want AccessDeniedException %q, got %v", want2, err)
		}
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDeniedException" {
			t.Errorf("AccessDeniedException is not a smithy.APIError: %v", err)
		}
		if _, err := c.DescribeCluster(ctx, &eks.DescribeClusterInput{}); err == nil || !strings.Contains(err.Error(), "missing required parameters: Name") {
			t.Errorf("DescribeCluster without a name: %v", err)
		}
	})

	t.Run("ListClusters", func(t *testing.T) {
		var got []string
		var token *string
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("nextToken does not advance")
			}
			out := must(c.ListClusters(ctx, &eks.ListClustersInput{MaxResults: aws.Int32(3), NextToken: token}))(t)
			if len(out.Clusters) > 3 {
				t.Errorf("a page of %d clusters", len(out.Clusters))
			}
			got = append(got, out.Clusters...)
			if token = out.NextToken; token == nil {
				break
			}
		}
		sort.Strings(got)
		want := append([]string(nil), names...)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ListClusters: %v, want %v", got, want)
		}
	})

	t.Run("AccessEntries", func(t *testing.T) {
		principal := role.Arn
		cluster := aws.String("alpha")
		created := must(c.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: cluster, PrincipalArn: principal,
			KubernetesGroups: []string{"viewers"}, Tags: map[string]string{"a": "b"}}))(t).AccessEntry
		if aws.ToString(created.PrincipalArn) != aws.ToString(principal) || !reflect.DeepEqual(created.KubernetesGroups, []string{"viewers"}) ||
			created.CreatedAt == nil || aws.ToString(created.Type) != "STANDARD" {
			t.Errorf("CreateAccessEntry: %+v", created)
		}
		_, err := c.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: cluster, PrincipalArn: principal})
		if !errors.As(err, new(*types.ResourceInUseException)) {
			t.Errorf("CreateAccessEntry twice: want ResourceInUseException, got %v", err)
		}
		_, err = c.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: cluster, PrincipalArn: aws.String("not-an-arn")})
		if !errors.As(err, new(*types.InvalidParameterException)) {
			t.Errorf("CreateAccessEntry with a bad ARN: want InvalidParameterException, got %v", err)
		}
		_, err = c.ListAccessEntries(ctx, &eks.ListAccessEntriesInput{ClusterName: aws.String("beta")})
		if !errors.As(err, new(*types.InvalidParameterException)) {
			t.Errorf("ListAccessEntries on a CONFIG_MAP cluster: want InvalidParameterException, got %v", err)
		}
		got := must(c.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: cluster, PrincipalArn: principal}))(t).AccessEntry
		want := must(sdk.DescribeAccessEntry(ctx, &sdkeks.DescribeAccessEntryInput{ClusterName: cluster, PrincipalArn: principal}))(t).AccessEntry
		if aws.ToString(got.AccessEntryArn) != aws.ToString(want.AccessEntryArn) || aws.ToString(got.Username) != aws.ToString(want.Username) ||
			!aws.ToTime(got.CreatedAt).Equal(aws.ToTime(want.CreatedAt)) || !aws.ToTime(got.ModifiedAt).Equal(aws.ToTime(want.ModifiedAt)) ||
			!reflect.DeepEqual(got.Tags, want.Tags) {
			t.Errorf("DescribeAccessEntry: %+v\nthe SDK: %+v", got, want)
		}
		updated := must(c.UpdateAccessEntry(ctx, &eks.UpdateAccessEntryInput{ClusterName: cluster, PrincipalArn: principal,
			KubernetesGroups: []string{"editors"}, Username: aws.String("viewer")}))(t).AccessEntry
		if !reflect.DeepEqual(updated.KubernetesGroups, []string{"editors"}) || aws.ToString(updated.Username) != "viewer" {
			t.Errorf("UpdateAccessEntry: %+v", updated)
		}
		if l := must(c.ListAccessEntries(ctx, &eks.ListAccessEntriesInput{ClusterName: cluster}))(t); !reflect.DeepEqual(l.AccessEntries, []string{aws.ToString(principal)}) {
			t.Errorf("ListAccessEntries: %v", l.AccessEntries)
		}
		view := aws.String("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy")
		assoc := must(c.AssociateAccessPolicy(ctx, &eks.AssociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: principal, PolicyArn: view,
			AccessScope: &types.AccessScope{Type: types.AccessScopeTypeNamespace, Namespaces: []string{"default"}}}))(t)
		if aws.ToString(assoc.PrincipalArn) != aws.ToString(principal) || assoc.AssociatedAccessPolicy.AccessScope.Type != types.AccessScopeTypeNamespace {
			t.Errorf("AssociateAccessPolicy: %+v", assoc)
		}
		pols := must(c.ListAssociatedAccessPolicies(ctx, &eks.ListAssociatedAccessPoliciesInput{ClusterName: cluster, PrincipalArn: principal}))(t)
		sdkPols := must(sdk.ListAssociatedAccessPolicies(ctx, &sdkeks.ListAssociatedAccessPoliciesInput{ClusterName: cluster, PrincipalArn: principal}))(t)
		if len(pols.AssociatedAccessPolicies) != 1 || len(sdkPols.AssociatedAccessPolicies) != 1 ||
			aws.ToString(pols.AssociatedAccessPolicies[0].PolicyArn) != aws.ToString(view) ||
			!reflect.DeepEqual(pols.AssociatedAccessPolicies[0].AccessScope.Namespaces, sdkPols.AssociatedAccessPolicies[0].AccessScope.Namespaces) ||
			!aws.ToTime(pols.AssociatedAccessPolicies[0].AssociatedAt).Equal(aws.ToTime(sdkPols.AssociatedAccessPolicies[0].AssociatedAt)) {
			t.Errorf("ListAssociatedAccessPolicies: %+v\nthe SDK: %+v", pols, sdkPols)
		}
		if l := must(c.ListAccessEntries(ctx, &eks.ListAccessEntriesInput{ClusterName: cluster, AssociatedPolicyArn: view}))(t); len(l.AccessEntries) != 1 {
			t.Errorf("ListAccessEntries by policy: %v", l.AccessEntries)
		}
		must(c.DisassociateAccessPolicy(ctx, &eks.DisassociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: principal, PolicyArn: view}))(t)
		_, err = c.DisassociateAccessPolicy(ctx, &eks.DisassociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: principal, PolicyArn: view})
		if !errors.As(err, new(*types.ResourceNotFoundException)) {
			t.Errorf("DisassociateAccessPolicy twice: want ResourceNotFoundException, got %v", err)
		}
		must(c.DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{ClusterName: cluster, PrincipalArn: principal}))(t)
		_, err = c.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: cluster, PrincipalArn: principal})
		if !errors.As(err, new(*types.ResourceNotFoundException)) {
			t.Errorf("DescribeAccessEntry after DeleteAccessEntry: want ResourceNotFoundException, got %v", err)
		}
	})

	t.Run("UpdateClusterConfig", func(t *testing.T) {
		out := must(c.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: aws.String("alpha"),
			AccessConfig: &types.UpdateAccessConfigRequest{AuthenticationMode: types.AuthenticationModeApi}}))(t)
		if out.Update == nil || out.Update.Type != types.UpdateTypeAccessConfigUpdate {
			t.Errorf("UpdateClusterConfig: %+v", out.Update)
		}
		cl := must(c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("alpha")}))(t).Cluster
		if cl.AccessConfig.AuthenticationMode != types.AuthenticationModeApi {
			t.Errorf("after UpdateClusterConfig the mode is %s", cl.AccessConfig.AuthenticationMode)
		}
		_, err := c.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: aws.String("alpha"),
			AccessConfig: &types.UpdateAccessConfigRequest{AuthenticationMode: types.AuthenticationModeConfigMap}})
		if !errors.As(err, new(*types.InvalidParameterException)) {
			t.Errorf("going back to CONFIG_MAP: want InvalidParameterException, got %v", err)
		}
	})
}
