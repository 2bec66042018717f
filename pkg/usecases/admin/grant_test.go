package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/httpmock"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	. "github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
)

func grantSpec(edit func(*admin.GrantSpec)) admin.GrantSpec {
	s := admin.GrantSpec{IAMSpec: iamSpec(nil), K8sGroup: "developers", ClusterRole: "view", Mode: admin.ModeAuto}
	if edit != nil {
		edit(&s)
	}
	return s
}

// TestGrant: grant plans IAM, the mapping (in aws-auth on a CONFIG_MAP
// cluster, as an access entry otherwise) and the binding, from one
// DescribeCluster; applied, it makes those calls and writes.
func TestGrant(t *testing.T) {
	t.Run("grant-configmap", func(t *testing.T) {
		f := New(t)
		f.SeedAWSAuth()
		allThere(f, "/")
		p, err := f.Admin.PlanGrant(context.Background(), grantSpec(nil))
		out, err := run(t, planOf(p), err, false)
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, "grant-configmap.golden", out)
		m, ok := awsAuthOf(t, f).Get(viewer)
		if !ok || m.Username != "developers:{{SessionName}}" || len(m.Groups) != 1 || m.Groups[0] != "developers" {
			t.Errorf("aws-auth maps the role as %+v", m)
		}
		if f.Kube.Object(crbPath) == nil {
			t.Error("no ClusterRoleBinding developers-view")
		}
	})
	t.Run("grant-api-dry-run", func(t *testing.T) {
		f := New(t)
		f.Cluster(admin.AuthAPIAndConfigMap)
		f.CallerIdentity()
		f.NoSuch("GetRole", "RoleName", role)
		f.NoSuch("GetGroup", "GroupName", group)
		f.NoSuch("GetUser", "UserName", "dev1")
		f.EKSNotFound("GET", EntryPath(viewer, ""))
		p, err := f.Admin.PlanGrant(context.Background(), grantSpec(func(s *admin.GrantSpec) { s.Username = "developer" }))
		out, err := run(t, planOf(p), err, true)
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, "grant-api-dry-run.golden", out)
		if f.Kube.Writes() != 0 {
			t.Error("a dry run wrote to the cluster")
		}
	})
	t.Run("grant-bad-mode", func(t *testing.T) {
		f := New(t)
		_, err := f.Admin.PlanGrant(context.Background(), grantSpec(func(s *admin.GrantSpec) { s.Mode = "both" }))
		wantCode(t, err, exitcode.Usage)
		_, err = f.Admin.PlanGrant(context.Background(), grantSpec(func(s *admin.GrantSpec) { s.K8sGroup = "" }))
		wantCode(t, err, exitcode.Usage)
		_, err = f.Admin.PlanRevoke(context.Background(), grantSpec(func(s *admin.GrantSpec) { s.Namespace = "Team-A" }))
		if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), `--namespace "Team-A" is not a Kubernetes namespace name`) {
			t.Errorf("revoke with a bad namespace: %v", err)
		}
	})
}

// grantMade stubs IAM as grant left it: the role (tagged when roleTagged),
// the group at groupPath with dev1 in it, dev1 (tagged, also in userGroups),
// and eks-login's policies.
func grantMade(f *Fake, groupPath string, roleTagged bool, userGroups ...string) {
	account(f)
	f.IAM("GetRole", Role("/", role, Trust, roleTagged), "RoleName", role)
	f.IAM("GetGroup", Group(groupPath, group, "dev1"), "GroupName", group)
	f.IAM("GetUser", User("dev1", true), "UserName", "dev1")
	var groups strings.Builder
	for _, g := range append([]string{group}, userGroups...) {
		groups.WriteString("<member><Path>/</Path><GroupName>" + g + "</GroupName><GroupId>AGPA1</GroupId><Arn>arn:aws:iam::123456789012:group/" + g + "</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></member>")
	}
	f.IAM("ListGroupsForUser", "<Groups>"+groups.String()+"</Groups><IsTruncated>false</IsTruncated>", "UserName", "dev1")
	f.IAM("ListUserPolicies", Members("PolicyNames"), "UserName", "dev1")
	f.IAM("ListAttachedUserPolicies", Members("AttachedPolicies"), "UserName", "dev1")
	f.IAM("GetGroupPolicy", "<PolicyDocument>"+policy("sts:AssumeRole", viewer)+"</PolicyDocument>", "GroupName", group, "PolicyName", groupPolicy)
	f.IAM("ListGroupPolicies", Members("PolicyNames", groupPolicy), "GroupName", group)
	f.IAM("ListAttachedGroupPolicies", Members("AttachedPolicies"), "GroupName", group)
	f.IAM("GetRolePolicy", "<PolicyDocument>"+policy("eks:DescribeCluster", ClusterARN)+"</PolicyDocument>", "RoleName", role, "PolicyName", rolePolicy)
	f.IAM("ListRolePolicies", Members("PolicyNames", rolePolicy), "RoleName", role)
	f.IAM("ListAttachedRolePolicies", Members("AttachedPolicies"), "RoleName", role)
}

func grantedCluster(f *Fake) {
	f.Kube.Put(AWSAuthPath, ConfigMap(map[string]any{"mapRoles": NodeRoles + "- rolearn: " + viewer + "\n  username: developers:{{SessionName}}\n  groups:\n  - developers\n"}))
	f.Kube.Put(crbPath, crb("view", "developers"))
}

// TestRevoke: revoke undoes exactly what grant made, and leaves what
// someone else made or still uses: a group without eks-login's path, a role
// without its tag, a user in other groups, a binding of other subjects.
func TestRevoke(t *testing.T) {
	t.Run("revoke-all", func(t *testing.T) {
		f := New(t)
		grantedCluster(f)
		grantMade(f, admin.CreatedGroupPath, true)
		f.IAM("ListAccessKeys", "<AccessKeyMetadata><member><UserName>dev1</UserName><AccessKeyId>AKIADEV1</AccessKeyId><Status>Active</Status></member></AccessKeyMetadata><IsTruncated>false</IsTruncated>", "UserName", "dev1")
		for _, call := range [][]string{
			{"RemoveUserFromGroup", "GroupName", group, "UserName", "dev1"},
			{"DeleteAccessKey", "UserName", "dev1", "AccessKeyId", "AKIADEV1"},
			{"DeleteUser", "UserName", "dev1"},
			{"DeleteGroupPolicy", "GroupName", group, "PolicyName", groupPolicy},
			{"DeleteGroup", "GroupName", group},
			{"DeleteRolePolicy", "RoleName", role, "PolicyName", rolePolicy},
			{"DeleteRole", "RoleName", role},
		} {
			f.IAM(call[0], "", call[1:]...)
		}
		p, err := f.Admin.PlanRevoke(context.Background(), grantSpec(nil))
		out, err := run(t, p, err, false)
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, "revoke-all.golden", out)
		if _, ok := awsAuthOf(t, f).Get(viewer); ok || f.Kube.Object(crbPath) != nil {
			t.Error("the mapping or the binding outlived revoke")
		}
		if _, ok := awsAuthOf(t, f).Get(NodeRole); !ok {
			t.Error("revoke took the node role's mapping")
		}
	})
	t.Run("revoke-leaves-shared", func(t *testing.T) {
		f := New(t)
		f.SeedAWSAuth()
		f.Kube.Put(crbPath, crb("view", "others"))
		grantMade(f, "/", false, "Admins")
		f.IAM("RemoveUserFromGroup", "", "GroupName", group, "UserName", "dev1")
		f.IAM("DeleteGroupPolicy", "", "GroupName", group, "PolicyName", groupPolicy)
		f.IAM("DeleteRolePolicy", "", "RoleName", role, "PolicyName", rolePolicy)
		p, err := f.Admin.PlanRevoke(context.Background(), grantSpec(nil))
		out, err := run(t, p, err, true)
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, "revoke-leaves-shared-dry-run.golden", out)
		out, err = run(t, p, nil, false)
		if err != nil || f.Kube.Writes() != 0 || f.Kube.Object(crbPath) == nil {
			t.Errorf("revoke changed what is someone else's: %v\n%s", err, out)
		}
	})
}

// TestRevokeKeepsBindingChangedSincePlan: revoke's delete names the
// resourceVersion it judged; a binding someone changed since stays.
func TestRevokeKeepsBindingChangedSincePlan(t *testing.T) {
	f := New(t)
	f.Kube.Put(crbPath, crb("view", "developers"))
	f.SeedAWSAuth()
	account(f)
	f.NoSuch("GetRole", "RoleName", role)
	f.NoSuch("GetGroup", "GroupName", group)
	p, err := f.Admin.PlanRevoke(context.Background(), grantSpec(func(s *admin.GrantSpec) { s.Users = nil }))
	if err != nil || p.Steps[0].Verb != "delete" {
		t.Fatalf("plan: %+v, %v", p, err)
	}
	f.Kube.Put(crbPath, crb("view", "developers")) // rewritten meanwhile: a new resourceVersion
	_, err = run(t, p, nil, false)
	if exitcode.Of(err) != exitcode.Conflict || !strings.Contains(err.Error(), "run the command again") {
		t.Fatalf("apply: %v, want a conflict that says to run again", err)
	}
	if f.Kube.Object(crbPath) == nil {
		t.Error("the binding changed since the plan was deleted")
	}
}

// TestRevokeAccessEntryOfARoleWithAPath: the access entry revoke deletes is
// the role's own, path and all, as IAM names it.
func TestRevokeAccessEntryOfARoleWithAPath(t *testing.T) {
	f := New(t)
	f.Cluster(admin.AuthAPI)
	f.CallerIdentity()
	f.IAM("GetRole", Role("/team/", role, Trust, false), "RoleName", role)
	pathful := RoleARN("/team/", role)
	f.EKS("GET", EntryPath(pathful, ""), http.StatusOK, Entry(pathful, "STANDARD", "developers:{{SessionName}}", "developers"))
	f.Register(httpmock.REST("DELETE", EntryPath(pathful, "")), httpmock.JSONResponse(http.StatusOK, "{}"))
	f.NoSuch("GetGroup", "GroupName", group)
	f.NoSuch("GetRolePolicy", "RoleName", role)
	f.IAM("ListRolePolicies", Members("PolicyNames"), "RoleName", role)
	f.IAM("ListAttachedRolePolicies", Members("AttachedPolicies"), "RoleName", role)
	p, err := f.Admin.PlanRevoke(context.Background(), grantSpec(func(s *admin.GrantSpec) { s.Users = nil }))
	out, err := run(t, p, err, false)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "revoke-entry-with-path.golden", out)
}
