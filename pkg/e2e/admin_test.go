package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/world"
	"github.com/eks-login/eks-login/pkg/world/worldtest"
)

// The admin tests use names of their own, so they leave the seed's dev1,
// Developers and EKSMyExampleViewer to TestSeedScenarioByHand.

var exitCode = worldtest.ExitCode

type awsAuthObject struct {
	Metadata struct {
		ResourceVersion string `json:"resourceVersion"`
	} `json:"metadata"`
	Data map[string]string `json:"data"`
}

func readAWSAuth(t *testing.T, ctx context.Context) awsAuthObject {
	t.Helper()
	out, err := theWorld.Kubectl(ctx, "get", "configmap", "aws-auth", "-n", "kube-system", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var cm awsAuthObject
	if err := json.Unmarshal([]byte(out), &cm); err != nil {
		t.Fatal(err)
	}
	return cm
}

func mappedARNs(t *testing.T, cm awsAuthObject) map[string]awsauth.Mapping {
	t.Helper()
	doc, err := awsauth.Parse(cm.Data)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]awsauth.Mapping{}
	for _, m := range doc.Mappings() {
		out[m.ARN] = m
	}
	return out
}

func newAdmin(t *testing.T) *world.Person {
	t.Helper()
	admin, err := theWorld.NewAdmin(t.TempDir(), pluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	return admin
}

// TestAdminMapConcurrent: twenty admins mapping twenty roles at once lose no
// entry, thanks to resourceVersion and the conflict retry, and the node role
// stays.
func TestAdminMapConcurrent(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	admin := newAdmin(t)
	const n = 20
	arn := func(i int) string { return fmt.Sprintf("arn:aws:iam::%s:role/e2e-concurrent-%02d", world.AccountID, i) }
	var wg sync.WaitGroup
	errs := make([]error, n)
	outs := make([]string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			outs[i], errs[i] = admin.Run(ctx, "kubectl", "eks-login", "admin", "map", "--mode", "configmap",
				"--role-arn", arn(i), "--username", fmt.Sprintf("concurrent-%02d:{{SessionName}}", i), "--group", "e2e-concurrent")
		}(i)
	}
	wg.Wait()
	t.Cleanup(func() {
		for i := 0; i < n; i++ {
			admin.Run(context.Background(), "kubectl", "eks-login", "admin", "unmap", "--mode", "configmap", "--role-arn", arn(i))
		}
	})
	for i := 0; i < n; i++ {
		if errs[i] != nil {
			t.Errorf("map %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	mapped := mappedARNs(t, readAWSAuth(t, ctx))
	for i := 0; i < n; i++ {
		m, ok := mapped[arn(i)]
		if !ok {
			t.Errorf("%s is missing from aws-auth", arn(i))
		} else if want := fmt.Sprintf("concurrent-%02d:{{SessionName}}", i); m.Username != want {
			t.Errorf("%s maps to %q, want %q", arn(i), m.Username, want)
		}
	}
	if node, ok := mapped[world.NodeRoleARN]; !ok || !node.Protected() {
		t.Errorf("the node role entry is gone or changed: %+v", node)
	}
	// Unmapping them all at once leaves the node role alone too.
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			outs[i], errs[i] = admin.Run(ctx, "kubectl", "eks-login", "admin", "unmap", "--mode", "configmap", "--role-arn", arn(i))
		}(i)
	}
	wg.Wait()
	for i := 0; i < n; i++ {
		if errs[i] != nil {
			t.Errorf("unmap %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	mapped = mappedARNs(t, readAWSAuth(t, ctx))
	for i := 0; i < n; i++ {
		if _, ok := mapped[arn(i)]; ok {
			t.Errorf("%s is still mapped after unmap", arn(i))
		}
	}
	if _, ok := mapped[world.NodeRoleARN]; !ok {
		t.Error("the node role entry is gone")
	}
}

// TestAdminRefusesMalformedAWSAuth: a broken mapRoles is named by line and
// left as it is.
func TestAdminRefusesMalformedAWSAuth(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := newAdmin(t)
	orig := readAWSAuth(t, ctx)
	broken := orig.Data[awsauth.KeyRoles] + "- rolearn: arn:aws:iam::123456789012:role/x\n   username: [unclosed\n"
	patch, _ := json.Marshal(map[string]any{"data": map[string]string{awsauth.KeyRoles: broken}})
	if _, err := theWorld.Kubectl(ctx, "patch", "configmap", "aws-auth", "-n", "kube-system", "--type", "merge", "-p", string(patch)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		restore, _ := json.Marshal(map[string]any{"data": map[string]string{awsauth.KeyRoles: orig.Data[awsauth.KeyRoles]}})
		if _, err := theWorld.Kubectl(context.Background(), "patch", "configmap", "aws-auth", "-n", "kube-system", "--type", "merge", "-p", string(restore)); err != nil {
			t.Errorf("restore aws-auth: %v", err)
		}
	})
	before := readAWSAuth(t, ctx)
	out, err := admin.Run(ctx, "kubectl", "eks-login", "admin", "map", "--mode", "configmap",
		"--role-arn", "arn:aws:iam::"+world.AccountID+":role/e2e-malformed", "--username", "x", "--group", "y")
	if code := exitCode(err); code != 3 {
		t.Fatalf("exit code %d, want 3 (input):\n%s", code, out)
	}
	if !strings.Contains(out, "mapRoles line") {
		t.Errorf("the error does not name the key and line:\n%s", out)
	}
	if after := readAWSAuth(t, ctx); after.Metadata.ResourceVersion != before.Metadata.ResourceVersion {
		t.Errorf("aws-auth was written (resourceVersion %s -> %s)", before.Metadata.ResourceVersion, after.Metadata.ResourceVersion)
	}
}

// TestAdminNodeRoleNeedsForce: the node role's entry is not rewritten or
// removed without --force; --dry-run with --force shows the change and makes
// none.
func TestAdminNodeRoleNeedsForce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := newAdmin(t)
	before := readAWSAuth(t, ctx)
	for _, args := range [][]string{
		{"unmap", "--mode", "configmap", "--role-arn", world.NodeRoleARN},
		{"map", "--mode", "configmap", "--role-arn", world.NodeRoleARN, "--username", "oops", "--group", "developers"},
	} {
		out, err := admin.Run(ctx, "kubectl", append([]string{"eks-login", "admin"}, args...)...)
		if code := exitCode(err); code != 9 || !strings.Contains(out, "--force") {
			t.Errorf("%v: exit code %d, want 9 and a word about --force:\n%s", args, code, out)
		}
	}
	out, err := admin.Run(ctx, "kubectl", "eks-login", "admin", "unmap", "--mode", "configmap", "--role-arn", world.NodeRoleARN, "--force", "--dry-run")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "-      rolearn: "+world.NodeRoleARN) && !strings.Contains(out, "-    rolearn: "+world.NodeRoleARN) {
		t.Errorf("the dry run does not show the node role's removal:\n%s", out)
	}
	if after := readAWSAuth(t, ctx); after.Metadata.ResourceVersion != before.Metadata.ResourceVersion {
		t.Error("the dry run wrote aws-auth")
	}
}

// iamState is what grant touches in IAM, for comparing before and after.
type iamState struct {
	Roles, Users, Groups []string
	GroupPolicies        map[string][]string
}

func snapshotIAM(t *testing.T, ctx context.Context) iamState {
	t.Helper()
	im := iam.NewFromConfig(theWorld.AdminAWSConfig())
	var s iamState
	roles, err := im.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles.Roles {
		s.Roles = append(s.Roles, aws.ToString(r.RoleName))
	}
	users, err := im.ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users.Users {
		s.Users = append(s.Users, aws.ToString(u.UserName))
	}
	groups, err := im.ListGroups(ctx, &iam.ListGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	s.GroupPolicies = map[string][]string{}
	for _, g := range groups.Groups {
		name := aws.ToString(g.GroupName)
		s.Groups = append(s.Groups, name)
		p, err := im.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: g.GroupName})
		if err != nil {
			t.Fatal(err)
		}
		s.GroupPolicies[name] = p.PolicyNames
	}
	sort.Strings(s.Roles)
	sort.Strings(s.Users)
	sort.Strings(s.Groups)
	return s
}

func clusterRoleBindings(t *testing.T, ctx context.Context) string {
	t.Helper()
	out, err := theWorld.Kubectl(ctx, "get", "clusterrolebindings", "-o", "name")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAdminGrantTokenRevoke walks grant end to end: a developer's token is
// accepted by the real aws-iam-authenticator, stops being accepted after
// unmap, and revoke returns IAM and the cluster to where they started.
func TestAdminGrantTokenRevoke(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	admin, err := theWorld.NewAdmin(dir, pluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	dev, err := theWorld.NewPerson(dir, "e2e-dev", pluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	iamBefore := snapshotIAM(t, ctx)
	authBefore := readAWSAuth(t, ctx).Data
	crbBefore := clusterRoleBindings(t, ctx)
	roleARN := "arn:aws:iam::" + world.AccountID + ":role/E2EGrantViewer"
	keyFile := filepath.Join(admin.Home, "e2e-dev.credentials")
	flags := []string{"--cluster", world.ClusterName, "--iam-group", "E2EGrantDevelopers", "--role", "E2EGrantViewer",
		"--k8s-group", "e2e-grant-developers", "--clusterrole", "view", "--username", "e2e-developer",
		"--user", "e2e-dev", "--create-users", "--mode", "configmap"}
	run := func(args ...string) string {
		t.Helper()
		out, err := admin.Run(ctx, "kubectl", append([]string{"eks-login", "admin"}, args...)...)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		t.Logf("admin$ kubectl eks-login admin %s\n%s", strings.Join(args, " "), out)
		return out
	}

	// A dry run shows every object and changes nothing.
	out := run(append([]string{"grant", "--dry-run", "--access-key-file", keyFile}, flags...)...)
	for _, want := range []string{"would create IAM role E2EGrantViewer", "+++ kube-system/aws-auth", "+    - rolearn: " + roleARN, "would create ClusterRoleBinding e2e-grant-developers-view", "<new secret access key>"} {
		if !strings.Contains(out, want) {
			t.Errorf("the dry run lacks %q", want)
		}
	}
	if got := snapshotIAM(t, ctx); !reflect.DeepEqual(got, iamBefore) {
		t.Errorf("the dry run changed IAM: %+v", got)
	}

	out = run(append([]string{"grant", "--access-key-file", keyFile}, flags...)...)
	if !strings.Contains(out, "kubectl eks-login --cluster "+world.ClusterName+" --role-arn "+roleARN+" --source-profile e2e-dev") {
		t.Errorf("grant does not print the users' command:\n%s", out)
	}
	key, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(keyFile); info.Mode().Perm() != 0o600 {
		t.Errorf("the key file has mode %v, want 0600", info.Mode().Perm())
	}
	if strings.Contains(out, "aws_secret_access_key") {
		t.Error("grant printed the secret key")
	}
	// Granting again finds everything in place.
	again := run(append([]string{"grant", "--access-key-file", keyFile}, flags...)...)
	if strings.Contains(again, "created") || strings.Contains(again, "updated") {
		t.Errorf("a second grant changed something:\n%s", again)
	}

	// The developer takes the role the way the seed does it, and kubectl's
	// token goes through the real aws-iam-authenticator.
	if err := dev.WriteFile(".aws/credentials", string(key)); err != nil {
		t.Fatal(err)
	}
	devSteps := [][]string{
		{"aws", "configure", "set", "region", world.Region, "--profile", "e2e-dev"},
		{"aws", "configure", "set", "role_arn", roleARN, "--profile", "e2e-dev-eks"},
		{"aws", "configure", "set", "source_profile", "e2e-dev", "--profile", "e2e-dev-eks"},
		{"aws", "configure", "set", "region", world.Region, "--profile", "e2e-dev-eks"},
		{"aws", "eks", "--profile", "e2e-dev-eks", "update-kubeconfig", "--name", world.ClusterName, "--alias", world.ClusterName},
	}
	for _, s := range devSteps {
		if out, err := dev.Run(ctx, s[0], s[1:]...); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
	// aws-iam-authenticator learns of aws-auth edits through a watch, a
	// moment after the write: wait for the outcome, within a bound.
	pods, err := eventually(ctx, func() (string, error) { return dev.Run(ctx, "kubectl", "get", "pods", "-A") }, func(err error) bool { return err == nil })
	if err != nil || !strings.Contains(pods, world.SeedPods[0].Name) {
		t.Fatalf("the developer cannot list pods after grant: %v\n%s", err, pods)
	}
	if out, err := dev.Run(ctx, "kubectl", "get", "nodes"); err == nil || !strings.Contains(out, `User "e2e-developer" cannot list resource "nodes"`) {
		t.Errorf("view should not list nodes: %v\n%s", err, out)
	}

	run("unmap", "--mode", "configmap", "--role-arn", roleARN)
	if out, err := eventually(ctx, func() (string, error) { return dev.Run(ctx, "kubectl", "get", "pods", "-A") }, func(err error) bool { return err != nil }); err == nil || !strings.Contains(out, "You must be logged in") {
		t.Errorf("the token is still accepted after unmap: %v\n%s", err, out)
	}

	out = run(append([]string{"revoke"}, flags...)...)
	if got := snapshotIAM(t, ctx); !reflect.DeepEqual(got, iamBefore) {
		t.Errorf("IAM after revoke differs:\n got  %+v\n want %+v\n%s", got, iamBefore, out)
	}
	if got := readAWSAuth(t, ctx).Data; !reflect.DeepEqual(mappedARNs(t, awsAuthObject{Data: got}), mappedARNs(t, awsAuthObject{Data: authBefore})) {
		t.Errorf("aws-auth after revoke differs:\n%v\nwas\n%v", got, authBefore)
	}
	if got := clusterRoleBindings(t, ctx); got != crbBefore {
		t.Errorf("ClusterRoleBindings after revoke differ:\n%s\nwas\n%s", got, crbBefore)
	}
}

// TestAdminRevokeLeavesSharedGroup: revoke removes what grant added to an
// IAM group someone else made, and leaves the group: one with a policy of
// its own, and one left empty (IAM groups take no tags; eks-login marks the
// groups it creates with the path /eks-login/, and deletes only those).
func TestAdminRevokeLeavesSharedGroup(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	admin := newAdmin(t)
	im := iam.NewFromConfig(theWorld.AdminAWSConfig())
	for _, tt := range []struct {
		name, group, role, k8sGroup string
		policies                    []string // the group's own inline policies
	}{
		{name: "a group with a policy of its own", group: "E2ESharedGroup", role: "E2ESharedViewer", k8sGroup: "e2e-shared", policies: []string{"theirs"}},
		{name: "an empty group made by hand", group: "E2EEmptyGroup", role: "E2EEmptyViewer", k8sGroup: "e2e-empty"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := im.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(tt.group)}); err != nil {
				t.Fatal(err)
			}
			for _, p := range tt.policies {
				if _, err := im.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String(tt.group), PolicyName: aws.String(p),
					PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`)}); err != nil {
					t.Fatal(err)
				}
			}
			t.Cleanup(func() {
				for _, p := range tt.policies {
					im.DeleteGroupPolicy(context.Background(), &iam.DeleteGroupPolicyInput{GroupName: aws.String(tt.group), PolicyName: aws.String(p)})
				}
				im.DeleteGroup(context.Background(), &iam.DeleteGroupInput{GroupName: aws.String(tt.group)})
			})
			flags := []string{"--cluster", world.ClusterName, "--iam-group", tt.group, "--role", tt.role,
				"--k8s-group", tt.k8sGroup, "--clusterrole", "view", "--mode", "configmap"}
			for _, cmd := range []string{"grant", "revoke"} {
				out, err := admin.Run(ctx, "kubectl", append([]string{"eks-login", "admin", cmd}, flags...)...)
				if err != nil {
					t.Fatalf("%s: %v\n%s", cmd, err, out)
				}
				if cmd == "revoke" && !strings.Contains(out, "IAM group "+tt.group) {
					t.Errorf("revoke does not say what it did with the group:\n%s", out)
				}
			}
			pols, err := im.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String(tt.group)})
			if err != nil {
				t.Fatalf("the group is gone: %v", err)
			}
			if !reflect.DeepEqual(pols.PolicyNames, tt.policies) && !(len(pols.PolicyNames) == 0 && len(tt.policies) == 0) {
				t.Errorf("the group's policies are %v, want %v", pols.PolicyNames, tt.policies)
			}
			if _, err := im.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(tt.role)}); err == nil {
				t.Error("the role grant created is still there")
			}
		})
	}
}

// TestAdminAccessEntries: in API mode the mapping is an EKS access entry with
// an access policy; list shows it by source, and unmap removes it.
func TestAdminAccessEntries(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	admin := newAdmin(t)
	// The world's own cluster stays CONFIG_MAP for the other tests here; this
	// second cluster, on the same API server, takes access entries on the AWS
	// side only (pkg/e2e/accessentries proves them through kubectl).
	const apiCluster = "my-api-example"
	if err := theWorld.AWS.SetCluster(ctx, world.ClusterOverride{Region: world.Region, Name: apiCluster,
		Endpoint: theWorld.APIServerURL, CAData: string(theWorld.CAData), AuthenticationMode: "API_AND_CONFIG_MAP"}); err != nil {
		t.Fatal(err)
	}
	im := iam.NewFromConfig(theWorld.AdminAWSConfig())
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + world.AccountID + `:root"},"Action":"sts:AssumeRole"}]}`
	role, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("E2EAccessEntryRole"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		im.DeleteRole(context.Background(), &iam.DeleteRoleInput{RoleName: aws.String("E2EAccessEntryRole")})
	})
	arn := aws.ToString(role.Role.Arn)
	run := func(args ...string) string {
		t.Helper()
		out, err := admin.Run(ctx, "kubectl", append([]string{"eks-login", "admin"}, args...)...)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		t.Logf("admin$ kubectl eks-login admin %s\n%s", strings.Join(args, " "), out)
		return out
	}
	mapArgs := []string{"map", "--cluster", apiCluster, "--role-arn", arn, "--username", "e2e-api:{{SessionName}}",
		"--group", "e2e-api", "--access-policy", "view", "--namespace", "team-a"}
	if out := run(append(mapArgs, "--dry-run")...); !strings.Contains(out, "would create EKS access entry") || !strings.Contains(out, "+principalArn: "+arn) {
		t.Errorf("the dry run does not show the access entry:\n%s", out)
	}
	if out := run(mapArgs...); !strings.Contains(out, "created EKS access entry") || !strings.Contains(out, "created access policy AmazonEKSViewPolicy") {
		t.Errorf("map (auto) did not create the access entry:\n%s", out)
	}
	if out := run(mapArgs...); strings.Contains(out, "created") || strings.Contains(out, "updated") {
		t.Errorf("mapping again changed something:\n%s", out)
	}
	var list struct{ Entries []map[string]any }
	if err := json.Unmarshal([]byte(run("list", "--cluster", apiCluster, "-o", "json")), &list); err != nil {
		t.Fatal(err)
	}
	var sources []string
	found := false
	for _, e := range list.Entries {
		sources = append(sources, fmt.Sprint(e["source"]))
		if e["arn"] == arn && e["source"] == "access-entry" && e["username"] == "e2e-api:{{SessionName}}" && fmt.Sprint(e["accessPolicies"]) == "[AmazonEKSViewPolicy(team-a)]" {
			found = true
		}
	}
	if !found || !strings.Contains(strings.Join(sources, " "), "aws-auth") {
		t.Errorf("list lacks the access entry or the aws-auth entries: %+v", list.Entries)
	}
	run("unmap", "--cluster", apiCluster, "--mode", "api", "--role-arn", arn)
	if out := run("list", "--cluster", apiCluster); strings.Contains(out, arn) {
		t.Errorf("the access entry is still listed after unmap:\n%s", out)
	}
}

// eventually waits for an outcome the test cannot be told of, within a bound.
var eventually = worldtest.Eventually
