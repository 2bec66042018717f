package iam_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdkiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/iam"
	"github.com/eks-login/eks-login/pkg/awsapi/iam/types"
	"github.com/eks-login/eks-login/pkg/world"
)

func TestEndpoint(t *testing.T) {
	for _, tt := range []struct{ region, endpoint, signing string }{
		{"", "https://iam.amazonaws.com", "us-east-1"},
		{"us-east-1", "https://iam.amazonaws.com", "us-east-1"},
		{"ap-northeast-2", "https://iam.amazonaws.com", "us-east-1"},
		{"eu-west-1", "https://iam.amazonaws.com", "us-east-1"},
		{"us-gov-east-1", "https://iam.us-gov.amazonaws.com", "us-gov-west-1"},
		{"cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"},
	} {
		if e, s := iam.Endpoint(tt.region); e != tt.endpoint || s != tt.signing {
			t.Errorf("Endpoint(%q) = %s, %s; want %s, %s", tt.region, e, s, tt.endpoint, tt.signing)
		}
	}
}

func TestEndpointFromEnvironment(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	t.Setenv("AWS_ENDPOINT_URL_IAM", "http://127.0.0.1:2")
	c := iam.NewFromConfig(aws.Config{Region: "us-east-1"})
	if got := aws.ToString(c.Options().BaseEndpoint); got != "http://127.0.0.1:2" {
		t.Errorf("AWS_ENDPOINT_URL_IAM gives %q", got)
	}
	c = iam.NewFromConfig(aws.Config{Region: "us-east-1"}, func(o *iam.Options) { o.BaseEndpoint = aws.String("http://127.0.0.1:3") })
	if got := aws.ToString(c.Options().BaseEndpoint); got != "http://127.0.0.1:3" {
		t.Errorf("Options.BaseEndpoint gives %q", got)
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

func check(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
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

	// The admin is made with the SDK before enforcement, as the world does.
	boot := sdkiam.NewFromConfig(config(la, "AKIAWORLDBOOTSTRAP00", "bootstrap"))
	must(boot.CreateUser(ctx, &sdkiam.CreateUserInput{UserName: aws.String("admin")}))(t)
	must(boot.PutUserPolicy(ctx, &sdkiam.PutUserPolicyInput{UserName: aws.String("admin"), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}))(t)
	key := must(boot.CreateAccessKey(ctx, &sdkiam.CreateAccessKeyInput{UserName: aws.String("admin")}))(t).AccessKey
	adminCfg := config(la, aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey))
	check(t, "enforce IAM", la.EnforceIAM(ctx, true))

	c := iam.NewFromConfig(adminCfg)
	sdk := sdkiam.NewFromConfig(adminCfg)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"sts:AssumeRole"}]}`
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:DescribeCluster","Resource":"*"}]}`

	t.Run("Roles", func(t *testing.T) {
		created := must(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("viewer"), Path: aws.String("/team/"),
			AssumeRolePolicyDocument: aws.String(trust), Description: aws.String("views"),
			Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("eks-login")}}}))(t).Role
		if aws.ToString(created.Arn) != "arn:aws:iam::"+account+":role/team/viewer" {
			t.Errorf("CreateRole: ARN %s", aws.ToString(created.Arn))
		}
		got := must(c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("viewer")}))(t).Role
		want := must(sdk.GetRole(ctx, &sdkiam.GetRoleInput{RoleName: aws.String("viewer")}))(t).Role
		if aws.ToString(got.AssumeRolePolicyDocument) != aws.ToString(want.AssumeRolePolicyDocument) ||
			aws.ToString(got.RoleId) != aws.ToString(want.RoleId) || aws.ToString(got.Description) != "views" ||
			!aws.ToTime(got.CreateDate).Equal(aws.ToTime(want.CreateDate)) || len(got.Tags) != 1 || aws.ToString(got.Tags[0].Value) != "eks-login" {
			t.Errorf("GetRole: %+v; the SDK: %+v", got, want)
		}
		// As with the SDK, the document stays URL-encoded.
		if plain, err := url.QueryUnescape(aws.ToString(got.AssumeRolePolicyDocument)); err != nil || !strings.Contains(plain, `"sts:AssumeRole"`) {
			t.Errorf("AssumeRolePolicyDocument %q unescapes to %q (%v)", aws.ToString(got.AssumeRolePolicyDocument), plain, err)
		}
		newTrust := strings.Replace(trust, ":root", ":user/admin", 1)
		must(c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("viewer"), PolicyDocument: aws.String(newTrust)}))(t)
		must(c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("viewer"), PolicyName: aws.String("describe"), PolicyDocument: aws.String(doc)}))(t)
		rp := must(c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("viewer"), PolicyName: aws.String("describe")}))(t)
		if plain, _ := url.QueryUnescape(aws.ToString(rp.PolicyDocument)); plain != doc || aws.ToString(rp.RoleName) != "viewer" {
			t.Errorf("GetRolePolicy: %q for %s", aws.ToString(rp.PolicyDocument), aws.ToString(rp.RoleName))
		}
		names := must(c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("viewer")}))(t)
		if !reflect.DeepEqual(names.PolicyNames, []string{"describe"}) || names.IsTruncated {
			t.Errorf("ListRolePolicies: %v", names.PolicyNames)
		}
		pol := must(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("managed"), PolicyDocument: aws.String(doc)}))(t).Policy
		if p := must(c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: pol.Arn}))(t).Policy; aws.ToString(p.PolicyName) != "managed" {
			t.Errorf("GetPolicy: %+v", p)
		}
		must(c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("viewer"), PolicyArn: pol.Arn}))(t)
		attached := must(c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("viewer")}))(t).AttachedPolicies
		if len(attached) != 1 || aws.ToString(attached[0].PolicyArn) != aws.ToString(pol.Arn) {
			t.Errorf("ListAttachedRolePolicies: %+v", attached)
		}
		_, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("viewer")})
		var conflict *types.DeleteConflictException
		if !errors.As(err, &conflict) {
			t.Errorf("DeleteRole with policies: want DeleteConflict, got %v", err)
		}
		must(c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("viewer"), PolicyArn: pol.Arn}))(t)
		must(c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("viewer"), PolicyName: aws.String("describe")}))(t)
		must(c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: pol.Arn}))(t)
		must(c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("viewer")}))(t)
		_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("viewer")})
		var nse *types.NoSuchEntityException
		if !errors.As(err, &nse) || nse.ErrorCode() != "NoSuchEntity" || !strings.Contains(nse.ErrorMessage(), "viewer") {
			t.Errorf("GetRole after DeleteRole: want NoSuchEntity, got %v", err)
		}
		var opErr *smithy.OperationError
		if !errors.As(err, &opErr) || opErr.Service() != "IAM" || opErr.Operation() != "GetRole" {
			t.Errorf("want the SDK's operation error, got %T %v", err, err)
		}
		_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String("{")})
		var malformed *types.MalformedPolicyDocumentException
		if !errors.As(err, &malformed) {
			t.Errorf("CreatePolicy with a bad document: want MalformedPolicyDocument, got %v", err)
		}
	})

	t.Run("GroupsAndUsers", func(t *testing.T) {
		must(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")}))(t)
		_, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")})
		var exists *types.EntityAlreadyExistsException
		if !errors.As(err, &exists) {
			t.Errorf("CreateGroup twice: want EntityAlreadyExists, got %v", err)
		}
		user := must(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev1"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}))(t).User
		if got := must(c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("dev1")}))(t).User; aws.ToString(got.UserId) != aws.ToString(user.UserId) {
			t.Errorf("GetUser: %+v, created %+v", got, user)
		}
		must(c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("dev1")}))(t)
		g := must(c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("devs")}))(t)
		if aws.ToString(g.Group.GroupName) != "devs" || len(g.Users) != 1 || aws.ToString(g.Users[0].UserName) != "dev1" {
			t.Errorf("GetGroup: %+v %+v", g.Group, g.Users)
		}
		if gs := must(c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("dev1")}))(t).Groups; len(gs) != 1 || aws.ToString(gs[0].GroupName) != "devs" {
			t.Errorf("ListGroupsForUser: %+v", gs)
		}
		must(c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("devs"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}))(t)
		gp := must(c.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("devs"), PolicyName: aws.String("p")}))(t)
		if plain, _ := url.QueryUnescape(aws.ToString(gp.PolicyDocument)); plain != doc {
			t.Errorf("GetGroupPolicy: %q", aws.ToString(gp.PolicyDocument))
		}
		if n := must(c.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String("devs")}))(t).PolicyNames; !reflect.DeepEqual(n, []string{"p"}) {
			t.Errorf("ListGroupPolicies: %v", n)
		}
		pol := must(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("shared"), PolicyDocument: aws.String(doc)}))(t).Policy
		must(c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("devs"), PolicyArn: pol.Arn}))(t)
		if a := must(c.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String("devs")}))(t).AttachedPolicies; len(a) != 1 || aws.ToString(a[0].PolicyName) != "shared" {
			t.Errorf("ListAttachedGroupPolicies: %+v", a)
		}
		must(c.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("devs"), PolicyArn: pol.Arn}))(t)
		must(c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("dev1"), PolicyName: aws.String("up"), PolicyDocument: aws.String(doc)}))(t)
		if up := must(c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("dev1"), PolicyName: aws.String("up")}))(t); aws.ToString(up.PolicyName) != "up" {
			t.Errorf("GetUserPolicy: %+v", up)
		}
		if n := must(c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("dev1")}))(t).PolicyNames; !reflect.DeepEqual(n, []string{"up"}) {
			t.Errorf("ListUserPolicies: %v", n)
		}
		must(c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("dev1"), PolicyName: aws.String("up")}))(t)
		if a := must(c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("dev1")}))(t).AttachedPolicies; len(a) != 0 {
			t.Errorf("ListAttachedUserPolicies: %+v", a)
		}
		k := must(c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev1")}))(t).AccessKey
		if aws.ToString(k.SecretAccessKey) == "" || k.Status != types.StatusTypeActive {
			t.Errorf("CreateAccessKey: %+v", k)
		}
		keys := must(c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("dev1")}))(t).AccessKeyMetadata
		if len(keys) != 1 || aws.ToString(keys[0].AccessKeyId) != aws.ToString(k.AccessKeyId) {
			t.Errorf("ListAccessKeys: %+v", keys)
		}
		// The new user has no rights: IAM enforcement answers AccessDenied,
		// which has no type of its own.
		_, err = iam.NewFromConfig(config(la, aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey))).ListUsers(ctx, &iam.ListUsersInput{})
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDenied" ||
			apiErr.ErrorMessage() != "User: arn:aws:iam::"+account+":user/dev1 is not authorized to perform: iam:ListUsers" {
			t.Errorf("ListUsers as dev1: want AccessDenied, got %v", err)
		}
		if _, ok := apiErr.(*smithy.GenericAPIError); !ok {
			t.Errorf("AccessDenied is a %T, want *smithy.GenericAPIError", apiErr)
		}
		must(c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("dev1"), AccessKeyId: k.AccessKeyId}))(t)
		must(c.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("devs"), PolicyName: aws.String("p")}))(t)
		must(c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("devs"), UserName: aws.String("dev1")}))(t)
		must(c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("devs")}))(t)
		must(c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("dev1")}))(t)
		if _, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("dev1")}); !errors.As(err, new(*types.NoSuchEntityException)) {
			t.Errorf("GetUser after DeleteUser: %v", err)
		}
	})

	t.Run("VirtualMFADevice", func(t *testing.T) {
		d := must(c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("dev1")}))(t).VirtualMFADevice
		if !strings.HasSuffix(aws.ToString(d.SerialNumber), ":mfa/dev1") || len(d.Base32StringSeed) == 0 {
			t.Errorf("CreateVirtualMFADevice: %+v", d)
		}
		for _, c := range string(d.Base32StringSeed) {
			if !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=", c) {
				t.Fatalf("the seed %q is not base32: it was not base64-decoded", d.Base32StringSeed)
			}
		}
	})

	t.Run("Pagination", func(t *testing.T) {
		for i := range 5 {
			name := fmt.Sprintf("page%d", i)
			must(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}))(t)
			must(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(name)}))(t)
			must(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}))(t)
		}
		users := collect(t, func(marker *string) ([]string, bool, *string, error) {
			out, err := c.ListUsers(ctx, &iam.ListUsersInput{Marker: marker, MaxItems: aws.Int32(2)})
			if err != nil {
				return nil, false, nil, err
			}
			var names []string
			for _, u := range out.Users {
				names = append(names, aws.ToString(u.UserName))
			}
			return names, out.IsTruncated, out.Marker, nil
		})
		var want []string
		p := sdkiam.NewListUsersPaginator(sdk, &sdkiam.ListUsersInput{})
		for p.HasMorePages() {
			for _, u := range must(p.NextPage(ctx))(t).Users {
				want = append(want, aws.ToString(u.UserName))
			}
		}
		sort.Strings(users)
		sort.Strings(want)
		if !reflect.DeepEqual(users, want) || len(users) < 6 {
			t.Errorf("ListUsers pages: %v; the SDK: %v", users, want)
		}
		roles := collect(t, func(marker *string) ([]string, bool, *string, error) {
			out, err := c.ListRoles(ctx, &iam.ListRolesInput{Marker: marker, MaxItems: aws.Int32(2)})
			if err != nil {
				return nil, false, nil, err
			}
			var names []string
			for _, r := range out.Roles {
				names = append(names, aws.ToString(r.RoleName))
			}
			return names, out.IsTruncated, out.Marker, nil
		})
		if len(roles) != 5 {
			t.Errorf("ListRoles pages: %v", roles)
		}
		groups := collect(t, func(marker *string) ([]string, bool, *string, error) {
			out, err := c.ListGroups(ctx, &iam.ListGroupsInput{Marker: marker, MaxItems: aws.Int32(2)})
			if err != nil {
				return nil, false, nil, err
			}
			var names []string
			for _, g := range out.Groups {
				names = append(names, aws.ToString(g.GroupName))
			}
			return names, out.IsTruncated, out.Marker, nil
		})
		if len(groups) != 5 {
			t.Errorf("ListGroups pages: %v", groups)
		}
	})
}

// collect follows Marker while IsTruncated, as every IAM list call pages.
func collect(t *testing.T, page func(marker *string) ([]string, bool, *string, error)) []string {
	t.Helper()
	var all []string
	var marker *string
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("more than 100 pages: the marker does not advance")
		}
		names, truncated, next, err := page(marker)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, names...)
		if !truncated {
			return all
		}
		marker = next
	}
}
