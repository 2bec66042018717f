package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/world"
)

// access is one developer's access made by hand, as the seed does it, but
// under names of its own so tests do not collide in the shared world.
type access struct {
	User, Group, Role, RoleARN string
	KeyID, Secret              string
	Username, K8sGroup         string
}

// grantIAMByHand does the seed's IAM steps 1-3 with the SDK as the admin.
func grantIAMByHand(t *testing.T, user, group, role string) access {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	im := iam.NewFromConfig(theWorld.AdminAWSConfig())
	check := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	a := access{User: user, Group: group, Role: role, RoleARN: "arn:aws:iam::" + world.AccountID + ":role/" + role}
	check(im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)}))
	key, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
	check(key, err)
	a.KeyID, a.Secret = aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey)
	check(im.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(group)}))
	check(im.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(group), UserName: aws.String(user)}))
	check(im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + world.AccountID + `:root"},"Action":"sts:AssumeRole"}]}`)}))
	check(im.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("describe"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"eks:DescribeCluster","Resource":"` + world.ClusterARN + `"}]}`)}))
	check(im.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String("assume"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + a.RoleARN + `"}]}`)}))
	return a
}

// mapRoleByHand adds a mapRoles entry to aws-auth and a ClusterRoleBinding to
// view, as the seed's steps 6 and 7 do, with the admin's kubectl.
func mapRoleByHand(t *testing.T, admin *world.Person, a *access, username, k8sGroup string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a.Username, a.K8sGroup = username, k8sGroup
	if out, err := admin.Run(ctx, "kubectl", "create", "clusterrolebinding", k8sGroup+"-view", "--clusterrole", "view", "--group", k8sGroup); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	mapRoles, err := admin.Run(ctx, "kubectl", "get", "configmap", "aws-auth", "-n", "kube-system", "-o", "jsonpath={.data.mapRoles}")
	if err != nil {
		t.Fatalf("%v\n%s", err, mapRoles)
	}
	mapRoles = strings.TrimRight(mapRoles, "\n") + "\n- rolearn: " + a.RoleARN + "\n  username: " + username + "\n  groups:\n  - " + k8sGroup + "\n"
	patch := `{"data":{"mapRoles":` + jsonString(mapRoles) + `}}`
	if out, err := admin.Run(ctx, "kubectl", "patch", "configmap", "aws-auth", "-n", "kube-system", "--type", "merge", "-p", patch); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// newDeveloper makes a person holding a's keys as profile USER and the role
// profile USER-eks, written by hand as the seed's step 4 does.
func newDeveloper(t *testing.T, a access) *world.Person {
	t.Helper()
	dev, err := theWorld.NewPerson(t.TempDir(), a.User, pluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.WriteFile(".aws/credentials", "["+a.User+"]\naws_access_key_id = "+a.KeyID+"\naws_secret_access_key = "+a.Secret+"\n"); err != nil {
		t.Fatal(err)
	}
	if err := dev.WriteFile(".aws/config", "[profile "+a.User+"]\nregion = "+world.Region+"\n\n[profile "+a.User+"-eks]\nrole_arn = "+a.RoleARN+"\nsource_profile = "+a.User+"\nregion = "+world.Region+"\n"); err != nil {
		t.Fatal(err)
	}
	return dev
}
