package sts_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdkiam "github.com/aws/aws-sdk-go-v2/service/iam"
	sdksts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/sts"
	"github.com/eks-login/eks-login/pkg/awsapi/sts/types"
	"github.com/eks-login/eks-login/pkg/world"
)

const account = "123456789012"

func localConfig(la *world.LocalAWS, p aws.CredentialsProvider) aws.Config {
	return aws.Config{
		Region:       world.Region,
		Credentials:  p,
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

// TestAgainstLocalAWS runs the calls against the world's STS, which checks
// SigV4 signatures as AWS does, next to the SDK's client.
func TestAgainstLocalAWS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	la, err := world.StartLocalAWS(ctx, world.LocalAWSOptions{LogPath: filepath.Join(t.TempDir(), "localaws.log")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = la.Stop() })

	boot := sdkiam.NewFromConfig(localConfig(la, credentials.NewStaticCredentialsProvider("AKIAWORLDBOOTSTRAP00", "bootstrap", "")))
	key := func(user string) aws.CredentialsProvider {
		must(boot.CreateUser(ctx, &sdkiam.CreateUserInput{UserName: aws.String(user)}))(t)
		k := must(boot.CreateAccessKey(ctx, &sdkiam.CreateAccessKeyInput{UserName: aws.String(user)}))(t).AccessKey
		return credentials.NewStaticCredentialsProvider(aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey), "")
	}
	admin, nobody := key("admin"), key("nobody")
	must(boot.PutUserPolicy(ctx, &sdkiam.PutUserPolicyInput{UserName: aws.String("admin"), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}))(t)
	role := must(boot.CreateRole(ctx, &sdkiam.CreateRoleInput{RoleName: aws.String("deployer"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"sts:AssumeRole"}]}`)}))(t).Role
	if err := la.EnforceIAM(ctx, true); err != nil {
		t.Fatal(err)
	}

	c, sdk := sts.NewFromConfig(localConfig(la, admin)), sdksts.NewFromConfig(localConfig(la, admin))

	id := must(c.GetCallerIdentity(ctx, nil))(t)
	want := must(sdk.GetCallerIdentity(ctx, &sdksts.GetCallerIdentityInput{}))(t)
	if !reflect.DeepEqual(plain(t, id), plain(t, want)) || aws.ToString(id.Arn) != "arn:aws:iam::"+account+":user/admin" {
		t.Errorf("GetCallerIdentity: %v; the SDK: %v", plain(t, id), plain(t, want))
	}

	in := &sts.AssumeRoleInput{RoleArn: role.Arn, RoleSessionName: aws.String("alice"), DurationSeconds: aws.Int32(900),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("platform")}}}
	ar := must(c.AssumeRole(ctx, in))(t)
	sdkAR := must(sdk.AssumeRole(ctx, sdkAssumeRole(in)))(t)
	if aws.ToString(ar.AssumedRoleUser.Arn) != aws.ToString(sdkAR.AssumedRoleUser.Arn) ||
		aws.ToString(ar.AssumedRoleUser.Arn) != "arn:aws:sts::"+account+":assumed-role/deployer/alice" ||
		aws.ToString(ar.Credentials.SessionToken) == "" || aws.ToTime(ar.Credentials.Expiration).Before(time.Now()) {
		t.Errorf("AssumeRole: %+v %+v; the SDK: %+v", ar.AssumedRoleUser, ar.Credentials, sdkAR.AssumedRoleUser)
	}
	// The session credentials sign for STS too, with their token.
	session := credentials.NewStaticCredentialsProvider(aws.ToString(ar.Credentials.AccessKeyId),
		aws.ToString(ar.Credentials.SecretAccessKey), aws.ToString(ar.Credentials.SessionToken))
	if got := must(sts.NewFromConfig(localConfig(la, session)).GetCallerIdentity(ctx, nil))(t); aws.ToString(got.Arn) != aws.ToString(ar.AssumedRoleUser.Arn) {
		t.Errorf("GetCallerIdentity as the role: %s", aws.ToString(got.Arn))
	}

	// No credentials at all: the call is unsigned.
	wiIn := &sts.AssumeRoleWithWebIdentityInput{RoleArn: role.Arn, RoleSessionName: aws.String("pod"),
		WebIdentityToken: aws.String("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")}
	wi := must(sts.NewFromConfig(localConfig(la, nil)).AssumeRoleWithWebIdentity(ctx, wiIn))(t)
	sdkWI := must(sdksts.NewFromConfig(localConfig(la, nil)).AssumeRoleWithWebIdentity(ctx, sdkWebIdentity(wiIn)))(t)
	if aws.ToString(wi.AssumedRoleUser.Arn) != aws.ToString(sdkWI.AssumedRoleUser.Arn) || !strings.HasSuffix(aws.ToString(wi.AssumedRoleUser.Arn), "/deployer/pod") ||
		aws.ToString(wi.Credentials.AccessKeyId) == "" {
		t.Errorf("AssumeRoleWithWebIdentity: %+v; the SDK: %+v", wi.AssumedRoleUser, sdkWI.AssumedRoleUser)
	}

	_, err = sts.NewFromConfig(localConfig(la, nobody)).AssumeRole(ctx, in)
	_, sdkErr := sdksts.NewFromConfig(localConfig(la, nobody)).AssumeRole(ctx, sdkAssumeRole(in))
	var apiErr *smithy.GenericAPIError
	if !errors.As(err, &apiErr) || apiErr.Code != "AccessDenied" || !strings.Contains(apiErr.Message, "user/nobody") {
		t.Fatalf("AssumeRole as nobody: want AccessDenied, got %v", err)
	}
	compareErrors(t, err, sdkErr)
}
