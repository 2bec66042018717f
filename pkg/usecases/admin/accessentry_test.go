package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/httpmock"
	"github.com/eks-login/eks-login/pkg/plan"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	. "github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
)

var teamViewer = RoleARN("/team/", "Viewer")

func apiSpec(edit func(*admin.MapSpec)) admin.MapSpec {
	s := admin.MapSpec{RoleARN: teamViewer, Username: "viewer:{{SessionName}}", Groups: []string{"viewers"}, Cluster: Cluster}
	if edit != nil {
		edit(&s)
	}
	return s
}

var (
	viewPolicy   = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
	policiesPath = EntryPath(teamViewer, "/access-policies")
)

func associated(scope map[string]any) map[string]any {
	return map[string]any{"clusterName": Cluster, "principalArn": teamViewer,
		"associatedAccessPolicies": []any{map[string]any{"policyArn": viewPolicy, "accessScope": scope}}}
}

// TestMapAccessEntries: in a mode with access entries, map plans the entry
// (with the role's path) and the access policy's association from what EKS
// has, and applies exactly the calls it printed; a node's entry needs
// --force. Every stub must be called, so each case also shows which calls
// are made.
func TestMapAccessEntries(t *testing.T) {
	tests := []struct {
		name  string
		mode  string
		spec  func(*admin.MapSpec)
		stubs func(*Fake)
		dry   bool
		code  int
	}{
		{name: "entry-create-dry-run", mode: admin.AuthAPIAndConfigMap, dry: true, spec: func(s *admin.MapSpec) { s.AccessPolicy, s.Namespaces = "view", []string{"team-a"} },
			stubs: func(f *Fake) { f.EKSNotFound("GET", EntryPath(teamViewer, "")) }},
		{name: "entry-create", mode: admin.AuthAPI, spec: func(s *admin.MapSpec) { s.AccessPolicy, s.Namespaces = "view", []string{"team-a"} },
			stubs: func(f *Fake) {
				f.EKSNotFound("GET", EntryPath(teamViewer, ""))
				f.Register(httpmock.REST("POST", "/clusters/"+Cluster+"/access-entries").WithJSON("principalArn", teamViewer).WithJSON("username", "viewer:{{SessionName}}").WithJSON("kubernetesGroups", "[viewers]"),
					httpmock.JSONResponse(http.StatusOK, Entry(teamViewer, "STANDARD", "viewer:{{SessionName}}", "viewers")))
				f.Register(httpmock.REST("POST", policiesPath).WithJSON("policyArn", viewPolicy).WithJSON("accessScope", "map[namespaces:[team-a] type:namespace]"),
					httpmock.JSONResponse(http.StatusOK, associated(map[string]any{"type": "namespace", "namespaces": []string{"team-a"}})))
			}},
		{name: "entry-as-wanted", mode: admin.AuthAPI, spec: func(s *admin.MapSpec) { s.AccessPolicy = "view" },
			stubs: func(f *Fake) {
				f.EKS("GET", EntryPath(teamViewer, ""), http.StatusOK, Entry(teamViewer, "STANDARD", "viewer:{{SessionName}}", "viewers"))
				f.EKS("GET", policiesPath, http.StatusOK, associated(map[string]any{"type": "cluster"}))
			}},
		{name: "entry-update", mode: admin.AuthAPI, spec: func(s *admin.MapSpec) { s.Groups, s.AccessPolicy = nil, "view" },
			stubs: func(f *Fake) {
				f.EKS("GET", EntryPath(teamViewer, ""), http.StatusOK, Entry(teamViewer, "STANDARD", "old", "viewers"))
				f.EKS("GET", policiesPath, http.StatusOK, associated(map[string]any{"type": "namespace", "namespaces": []string{"team-a"}}))
				f.Register(httpmock.REST("POST", EntryPath(teamViewer, "")).WithJSON("kubernetesGroups", "[]").WithJSON("username", "viewer:{{SessionName}}"),
					httpmock.JSONResponse(http.StatusOK, Entry(teamViewer, "STANDARD", "viewer:{{SessionName}}")))
				f.Register(httpmock.REST("POST", policiesPath).WithJSON("accessScope", "map[type:cluster]"), httpmock.JSONResponse(http.StatusOK, associated(map[string]any{"type": "cluster"})))
			}},
		{name: "entry-of-a-node-refused", mode: admin.AuthAPI, spec: func(s *admin.MapSpec) { s.RoleARN = NodeRole }, code: exitcode.Conflict,
			stubs: func(f *Fake) {
				f.EKS("GET", EntryPath(NodeRole, ""), http.StatusOK, Entry(NodeRole, "EC2_LINUX", "system:node:{{EC2PrivateDNSName}}", "system:nodes"))
			}},
		{name: "entry-on-a-configmap-cluster", mode: admin.AuthConfigMap, spec: func(s *admin.MapSpec) { s.Mode = admin.ModeAPI }, code: exitcode.Usage},
		{name: "entry-policy-on-a-configmap-cluster", mode: admin.AuthConfigMap, spec: func(s *admin.MapSpec) { s.AccessPolicy = "edit" }, code: exitcode.Usage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New(t)
			f.Cluster(tt.mode)
			if tt.stubs != nil {
				tt.stubs(f)
			}
			p, err := f.Admin.PlanMap(context.Background(), apiSpec(tt.spec))
			out, err := run(t, p, err, tt.dry)
			wantCode(t, err, tt.code)
			golden.Check(t, tt.name+".golden", out)
			if f.Kube.Writes() != 0 || len(f.Kube.Requests()) != 0 {
				t.Errorf("access entries asked the API server: %+v", f.Kube.Requests())
			}
		})
	}
}

// TestUnmapAccessEntries: unmap deletes a principal's entry, finds nothing
// to do when there is none, and leaves a node's or an admin's entry alone
// without --force.
func TestUnmapAccessEntries(t *testing.T) {
	tests := []struct {
		name  string
		force bool
		entry map[string]any
		code  int
	}{
		{name: "unmap-entry", entry: Entry(teamViewer, "STANDARD", "viewer")},
		{name: "unmap-entry-absent"},
		{name: "unmap-entry-of-admins-refused", entry: Entry(teamViewer, "STANDARD", "admin", "system:masters"), code: exitcode.Conflict},
		{name: "unmap-entry-of-admins-forced", force: true, entry: Entry(teamViewer, "STANDARD", "admin", "system:masters")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New(t)
			f.Cluster(admin.AuthAPIAndConfigMap)
			if tt.entry == nil {
				f.EKSNotFound("GET", EntryPath(teamViewer, ""))
			} else {
				f.EKS("GET", EntryPath(teamViewer, ""), http.StatusOK, tt.entry)
			}
			if tt.code == 0 && tt.entry != nil {
				f.EKS("DELETE", EntryPath(teamViewer, ""), http.StatusOK, map[string]any{})
			}
			p, err := f.Admin.PlanUnmap(context.Background(), admin.MapSpec{RoleARN: teamViewer, Cluster: Cluster, Mode: admin.ModeAPI, Force: tt.force})
			out, err := run(t, p, err, false)
			wantCode(t, err, tt.code)
			golden.Check(t, tt.name+".golden", out)
		})
	}
}

// TestModeFromTheCluster: auto reads the authentication mode; without a
// cluster name it can only edit aws-auth, and says so.
func TestModeFromTheCluster(t *testing.T) {
	f := New(t)
	f.SeedAWSAuth()
	p, err := f.Admin.PlanMap(context.Background(), admin.MapSpec{RoleARN: viewer, Username: "developer"})
	if _, err := run(t, p, err, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.Notes.String(), "does not name the EKS cluster (pass --cluster to use access entries); editing aws-auth") {
		t.Errorf("notes: %q", f.Notes.String())
	}
	_, err = f.Admin.PlanMap(context.Background(), admin.MapSpec{RoleARN: viewer, Username: "developer", Mode: admin.ModeAPI})
	if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "access entries need the cluster's name: pass --cluster") {
		t.Errorf("--mode api without a cluster: %v", err)
	}
	_, err = f.Admin.PlanMap(context.Background(), admin.MapSpec{RoleARN: viewer, Username: "developer", AccessPolicy: "view"})
	if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "--access-policy needs access entries, which need the cluster's name") {
		t.Errorf("--access-policy without a cluster: %v", err)
	}
	// CONFIG_MAP: auto edits aws-auth, with the cluster described once.
	f.Cluster(admin.AuthConfigMap)
	p, err = f.Admin.PlanMap(context.Background(), admin.MapSpec{RoleARN: viewer, Username: "developer", Cluster: Cluster})
	if err != nil || len(p.Steps) != 1 || p.Steps[0].Object != "ConfigMap kube-system/aws-auth" || p.Steps[0].Verb != plan.Update {
		t.Errorf("auto on a CONFIG_MAP cluster: %+v, %v", p, err)
	}
}

// TestSpecsCheckedBeforeAnyCall: a map or unmap spec that cannot be right is
// refused before AWS or the cluster is asked anything (the registry has no
// stubs, and records every request).
func TestSpecsCheckedBeforeAnyCall(t *testing.T) {
	tests := []struct {
		name string
		spec admin.MapSpec
		want string
	}{
		{"no principal", admin.MapSpec{Username: "u"}, "give exactly one of --role-arn and --user-arn"},
		{"both", admin.MapSpec{RoleARN: viewer, UserARN: "arn:aws:iam::1:user/u", Username: "u"}, "give exactly one"},
		{"assumed role", admin.MapSpec{RoleARN: "arn:aws:sts::123456789012:assumed-role/R/s", Username: "u"}, "not an IAM role or user ARN"},
		{"user as role", admin.MapSpec{RoleARN: "arn:aws:iam::123456789012:user/alice", Username: "u"}, "is not a role ARN; use --user-arn"},
		{"role as user", admin.MapSpec{UserARN: viewer, Username: "u"}, "is not a user ARN; use --role-arn"},
		{"mode", admin.MapSpec{RoleARN: viewer, Username: "u", Mode: "both"}, `--mode must be auto, configmap or api, not "both"`},
		{"cluster", admin.MapSpec{RoleARN: viewer, Username: "u", Cluster: "a/b"}, `--cluster "a/b" is not an EKS cluster name`},
		{"no username", admin.MapSpec{RoleARN: viewer}, "--username is required"},
		{"policy", admin.MapSpec{RoleARN: viewer, Username: "u", AccessPolicy: "root"}, `--access-policy must be view, edit, admin or cluster-admin, not "root"`},
		{"policy in aws-auth", admin.MapSpec{RoleARN: viewer, Username: "u", AccessPolicy: "view", Mode: admin.ModeConfigMap}, "--access-policy needs access entries; drop --mode configmap"},
		{"namespace alone", admin.MapSpec{RoleARN: viewer, Username: "u", Namespaces: []string{"team-a"}}, "--namespace limits --access-policy"},
		{"namespace", admin.MapSpec{RoleARN: viewer, Username: "u", AccessPolicy: "view", Namespaces: []string{"../x"}}, `--namespace "../x" is not a Kubernetes namespace name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New(t)
			_, err := f.Admin.PlanMap(context.Background(), tt.spec)
			if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("exit %d: %v; want exit %d saying %q", exitcode.Of(err), err, exitcode.Usage, tt.want)
			}
			if n := len(f.Requests()); n != 0 {
				t.Errorf("%d requests before the spec was checked", n)
			}
		})
	}
}
