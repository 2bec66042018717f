package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/httpmock"
	"github.com/eks-login/eks-login/pkg/plan"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	. "github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
)

const (
	role        = "EKSMyExampleViewer"
	group       = "Developers"
	rolePolicy  = "eks-login-describe-cluster-" + Cluster
	groupPolicy = "eks-login-assume-" + role
)

// policy is a one-statement policy document as IAM returns it (URL-encoded).
func policy(action, resource string) string {
	return url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}]}`)
}

func iamSpec(edit func(*admin.IAMSpec)) admin.IAMSpec {
	s := admin.IAMSpec{Cluster: Cluster, Role: role, Group: group, Users: []string{"dev1"}, CreateUsers: true}
	if edit != nil {
		edit(&s)
	}
	return s
}

// account stubs what every IAM plan reads first: the cluster and who the
// credentials are.
func account(f *Fake) {
	f.Cluster(admin.AuthConfigMap)
	f.CallerIdentity()
}

// nothingYet stubs IAM without the role, the group and dev1.
func nothingYet(f *Fake) {
	account(f)
	f.NoSuch("GetRole", "RoleName", role)
	f.NoSuch("GetGroup", "GroupName", group)
	f.NoSuch("GetUser", "UserName", "dev1")
}

// allThere stubs IAM with everything as eks-login writes it, role at path.
func allThere(f *Fake, path string) {
	account(f)
	f.IAM("GetRole", Role(path, role, Trust, true), "RoleName", role)
	f.IAM("GetRolePolicy", "<RoleName>"+role+"</RoleName><PolicyName>"+rolePolicy+"</PolicyName><PolicyDocument>"+policy("eks:DescribeCluster", ClusterARN)+"</PolicyDocument>", "PolicyName", rolePolicy)
	f.IAM("GetGroup", Group("/eks-login/", group, "dev1"), "GroupName", group)
	f.IAM("GetGroupPolicy", "<GroupName>"+group+"</GroupName><PolicyName>"+groupPolicy+"</PolicyName><PolicyDocument>"+policy("sts:AssumeRole", RoleARN(path, role))+"</PolicyDocument>", "PolicyName", groupPolicy)
	f.IAM("GetUser", User("dev1", true), "UserName", "dev1")
}

// TestPlanIAM: the IAM plan creates what is missing, finds what is there,
// brings eks-login's own policies back to what it writes, and leaves a
// trust policy of someone else's alone; applied, it makes exactly the calls
// it printed (every stub must be called, and a call without a stub fails).
func TestPlanIAM(t *testing.T) {
	tests := []struct {
		name  string
		spec  func(*admin.IAMSpec)
		stubs func(*Fake)
		dry   bool
		code  int
	}{
		{name: "iam-fresh-dry-run", dry: true, stubs: nothingYet},
		{name: "iam-fresh", stubs: func(f *Fake) {
			nothingYet(f)
			f.IAM("CreateRole", Role("/", role, Trust, true), "RoleName", role, "Tags.member.1.Key", admin.CreatedByTag, "Description", "Access to EKS cluster my-example (kubectl eks-login)")
			f.IAM("PutRolePolicy", "", "RoleName", role, "PolicyName", rolePolicy)
			f.IAM("CreateGroup", Group("/eks-login/", group), "GroupName", group, "Path", "/eks-login/")
			f.IAM("PutGroupPolicy", "", "GroupName", group, "PolicyName", groupPolicy)
			f.IAM("CreateUser", User("dev1", true), "UserName", "dev1", "Tags.member.1.Key", admin.CreatedByTag)
			f.IAM("AddUserToGroup", "", "GroupName", group, "UserName", "dev1")
		}},
		{name: "iam-as-wanted", stubs: func(f *Fake) { allThere(f, "/") }},
		{name: "iam-role-with-path", spec: func(s *admin.IAMSpec) { s.Users = nil }, dry: true, stubs: func(f *Fake) {
			account(f)
			f.IAM("GetRole", Role("/team/", role, Trust, true), "RoleName", role)
			f.IAM("GetRolePolicy", "<PolicyDocument>"+policy("eks:DescribeCluster", ClusterARN)+"</PolicyDocument>", "PolicyName", rolePolicy)
			f.IAM("GetGroup", Group("/", group), "GroupName", group)
			f.NoSuch("GetGroupPolicy", "GroupName", group)
		}},
		{name: "iam-drifted", spec: func(s *admin.IAMSpec) { s.MFA, s.Users = true, nil }, dry: true, stubs: func(f *Fake) {
			account(f)
			f.IAM("GetRole", Role("/", role, Trust, false), "RoleName", role)
			f.IAM("GetRolePolicy", "<PolicyDocument>"+policy("eks:*", "*")+"</PolicyDocument>", "PolicyName", rolePolicy)
			f.IAM("GetGroup", Group("/", group, "someone"), "GroupName", group)
			f.IAM("GetGroupPolicy", "<PolicyDocument>"+policy("sts:AssumeRole", RoleARN("/", role))+"</PolicyDocument>", "PolicyName", groupPolicy)
		}},
		{name: "iam-user-missing", spec: func(s *admin.IAMSpec) { s.CreateUsers = false }, code: exitcode.Usage, stubs: func(f *Fake) {
			account(f)
			f.NoSuch("GetRole", "RoleName", role)
			f.NoSuch("GetGroup", "GroupName", group)
			f.NoSuch("GetUser", "UserName", "dev1")
		}},
		{name: "iam-access-denied", code: exitcode.AccessDenied, stubs: func(f *Fake) {
			account(f)
			f.Register(httpmock.AWSQuery("GetRole"), httpmock.AWSQueryError(http.StatusForbidden, "AccessDenied",
				"User: arn:aws:iam::123456789012:user/admin is not authorized to perform: iam:GetRole on resource: role EKSMyExampleViewer"))
		}},
		{name: "iam-no-cluster", code: exitcode.Failure, stubs: func(f *Fake) {
			f.Register(httpmock.REST("GET", "/clusters/"+Cluster), httpmock.AWSJSONError(http.StatusNotFound, "ResourceNotFoundException", "No cluster found for name: my-example."))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New(t)
			tt.stubs(f)
			p, err := f.Admin.PlanIAM(context.Background(), iamSpec(tt.spec))
			var roleARN string
			if p != nil {
				roleARN = p.RoleARN
			}
			out, err := run(t, planOf(p), err, tt.dry)
			wantCode(t, err, tt.code)
			if err == nil {
				out += "role: " + roleARN + "\n"
			}
			golden.Check(t, tt.name+".golden", out)
		})
	}
}

func planOf(p *admin.IAMPlan) *plan.Plan {
	if p == nil {
		return nil
	}
	return p.Plan
}

// TestAccessKeyFile: a new user's key goes into the credentials file as its
// own section, the file private; a section already there is kept, and no
// key is made.
func TestAccessKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev1.credentials")
	if err := os.WriteFile(path, []byte("[someone]\naws_access_key_id = AKIAOLD\naws_secret_access_key = old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := New(t)
	allThere(f, "/")
	f.IAM("CreateAccessKey", "<AccessKey><UserName>dev1</UserName><AccessKeyId>AKIANEW</AccessKeyId><Status>Active</Status><SecretAccessKey>newsecret</SecretAccessKey></AccessKey>", "UserName", "dev1")
	p, err := f.Admin.PlanIAM(context.Background(), iamSpec(func(s *admin.IAMSpec) { s.AccessKeyFile = path }))
	out, err := run(t, planOf(p), err, false)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "newsecret") || !strings.Contains(out, "created access key of IAM user dev1 (written to "+path+" as [dev1], mode 0600)") {
		t.Errorf("output:\n%s", out)
	}
	data, _ := os.ReadFile(path)
	if want := "[someone]\naws_access_key_id = AKIAOLD\naws_secret_access_key = old\n\n[dev1]\naws_access_key_id = AKIANEW\naws_secret_access_key = newsecret\n"; string(data) != want {
		t.Errorf("the key file holds:\n%s", data)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the key file's mode: %v (%v)", fi.Mode().Perm(), err)
	}

	// Again: the section is there, so no key is made (no stub for one).
	f = New(t)
	allThere(f, "/")
	p, err = f.Admin.PlanIAM(context.Background(), iamSpec(func(s *admin.IAMSpec) { s.AccessKeyFile = path }))
	if out, err := run(t, planOf(p), err, false); err != nil || !strings.Contains(out, "found access key of IAM user dev1 (section [dev1] in "+path+")") {
		t.Errorf("second run: %v\n%s", err, out)
	}
}

// TestIAMNamesCheckedBeforeAnyCall: names that go into ARNs, policies and
// API paths are refused before anything is asked of AWS (issue 18.8).
func TestIAMNamesCheckedBeforeAnyCall(t *testing.T) {
	tests := []struct {
		name string
		edit func(*admin.IAMSpec)
		want string
	}{
		{"role *", func(s *admin.IAMSpec) { s.Role = "*" }, `--role "*" is not a valid IAM role name`},
		{"role with a path", func(s *admin.IAMSpec) { s.Role = "team/viewer" }, `--role "team/viewer"`},
		{"role of 65", func(s *admin.IAMSpec) { s.Role = strings.Repeat("r", 65) }, "1 to 64"},
		{"group with a blank", func(s *admin.IAMSpec) { s.Group = "Dev elopers" }, `--iam-group "Dev elopers"`},
		{"user *", func(s *admin.IAMSpec) { s.Users = []string{"dev1", "*"} }, `--user "*"`},
		{"cluster", func(s *admin.IAMSpec) { s.Cluster = "my/example" }, `--cluster "my/example"`},
		{"key file without users", func(s *admin.IAMSpec) { s.Users, s.AccessKeyFile = nil, "k" }, "--access-key-file needs --user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New(t)
			_, err := f.Admin.PlanIAM(context.Background(), iamSpec(tt.edit))
			if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("exit %d: %v; want exit %d saying %q", exitcode.Of(err), err, exitcode.Usage, tt.want)
			}
			if n := len(f.Requests()); n != 0 {
				t.Errorf("%d requests before the names were checked", n)
			}
		})
	}
}
