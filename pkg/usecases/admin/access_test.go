package admin_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/accessfile"
	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/httpmock"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	. "github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
)

func planAccess(t *testing.T, f *Fake, file *accessfile.File, prune bool) *admin.AccessPlan {
	t.Helper()
	f.Admin.KubeContexts = map[string]*kube.Client{Cluster: f.Admin.Kube}
	p, err := f.Admin.PlanAccess(context.Background(), admin.AccessSpec{File: file, Prune: prune})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Failure(); err != nil {
		t.Fatal(err)
	}
	return p
}

func applyAccess(t *testing.T, f *Fake, p *admin.AccessPlan) string {
	t.Helper()
	var out bytes.Buffer
	if err := f.Admin.ApplyAccess(context.Background(), p, admin.ApplyRun{Out: &out}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	return out.String()
}

// TestApplyIdempotent: IAM as declared and an empty cluster: the plan maps
// the role and binds the group; applied, a second plan changes nothing.
func TestApplyIdempotent(t *testing.T) {
	f := New(t)
	f.SeedAWSAuth()
	f.Cluster(admin.AuthConfigMap)
	f.IAMAsDeclared()
	p := planAccess(t, f, AccessFile(t, "aws-auth"), false)
	if p.IAM.Changes() {
		t.Errorf("IAM as declared plans changes: %+v", p.IAM.Steps)
	}
	out := applyAccess(t, f, p)
	for _, want := range []string{"my-example: updated ConfigMap kube-system/aws-auth", "my-example: created ClusterRoleBinding developers-view"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	crb := f.Kube.Object("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/developers-view")
	if labels := fmt.Sprint(crb["metadata"].(map[string]any)["labels"]); labels != "map[app.kubernetes.io/managed-by:eks-login]" {
		t.Errorf("the binding is not marked as eks-login's: %s", labels)
	}
	ann := fmt.Sprint(f.Kube.Object(AWSAuthPath)["metadata"].(map[string]any)["annotations"])
	if !strings.Contains(ann, awsauth.ManagedAnnotation+`:["`+RoleARN("/", "R")+`"]`) {
		t.Errorf("aws-auth does not list the mapping as eks-login's: %s", ann)
	}
	f.IAMAsDeclared()
	f.Cluster(admin.AuthConfigMap)
	if again := planAccess(t, f, AccessFile(t, "aws-auth"), false); again.Changes() || again.Drift() {
		t.Errorf("a second plan changes something: %+v", again.Clusters[0].Plan.Steps)
	}
}

// TestPruneOwnership: with --prune, what eks-login made and the file no
// longer declares goes (a mapping its annotation lists, a labelled
// binding, a team's group and role found through /eks-login/); a mapping
// and a binding made by hand stay, the mapping shown as drift.
func TestPruneOwnership(t *testing.T) {
	f := New(t)
	old, byHand := RoleARN("/", "Old"), RoleARN("/", "ByHand")
	f.Kube.Put(AWSAuthPath, map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system",
			"annotations": map[string]any{awsauth.ManagedAnnotation: `["` + old + `"]`}},
		"data": map[string]any{"mapRoles": NodeRoles + "- rolearn: " + old + "\n  username: old\n  groups: [old]\n- rolearn: " + byHand + "\n  username: hand\n  groups: [hand]\n"}})
	crbs := "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/"
	binding := func(name string, labelled bool) map[string]any {
		meta := map[string]any{"name": name}
		if labelled {
			meta["labels"] = map[string]any{admin.ManagedByLabel: admin.ManagedByValue}
		}
		return map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": meta,
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
			"subjects": []any{map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": name}}}
	}
	f.Kube.Put(crbs+"old-edit", binding("old-edit", true))
	f.Kube.Put(crbs+"hand-edit", binding("hand-edit", false))
	f.Cluster(admin.AuthConfigMap)
	f.IAMAsDeclared()
	pruneStubs(f)

	p := planAccess(t, f, AccessFile(t, "aws-auth"), true)
	if u := p.Clusters[0].Unmanaged; len(u) != 1 || !strings.Contains(u[0], byHand) {
		t.Errorf("unmanaged mappings: %q, want the one made by hand", u)
	}
	out := applyAccess(t, f, p)
	for _, want := range []string{"deleted IAM group Old policy eks-login-assume-Old", "updated IAM group Old (remove member dev9: the group goes)",
		"deleted IAM group Old (created by eks-login", "deleted IAM role Old policy eks-login-describe-cluster-my-example", "deleted IAM role Old (created by eks-login",
		"my-example: deleted ClusterRoleBinding old-edit"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if f.Kube.Object(crbs+"old-edit") != nil || f.Kube.Object(crbs+"hand-edit") == nil {
		t.Error("prune deleted the wrong binding")
	}
	doc := awsAuthOf(t, f)
	if _, ok := doc.Get(old); ok {
		t.Error("the mapping eks-login made outlived --prune")
	}
	for _, arn := range []string{byHand, NodeRole, RoleARN("/", "R")} {
		if _, ok := doc.Get(arn); !ok {
			t.Errorf("%s is gone from aws-auth", arn)
		}
	}
}

// pruneStubs: the role R and eks-login's groups G and Old; Old's role is in
// the file's scope (it may describe the file's cluster) and tagged.
func pruneStubs(f *Fake) {
	f.IAM("ListRolePolicies", Members("PolicyNames", "eks-login-describe-cluster-my-example"), "RoleName", "R")
	f.IAM("ListAttachedRolePolicies", Members("AttachedPolicies"), "RoleName", "R")
	group := func(name string) string {
		return "<member><Path>/eks-login/</Path><GroupName>" + name + "</GroupName><GroupId>AGPA" + strings.ToUpper(name) +
			"</GroupId><Arn>arn:aws:iam::" + Account + ":group/eks-login/" + name + "</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></member>"
	}
	f.IAM("ListGroups", "<Groups>"+group("G")+group("Old")+"</Groups><IsTruncated>false</IsTruncated>", "PathPrefix", "/eks-login/")
	f.IAM("ListGroupPolicies", Members("PolicyNames", "eks-login-assume-R"), "GroupName", "G")
	f.IAM("ListGroupPolicies", Members("PolicyNames", "eks-login-assume-Old"), "GroupName", "Old")
	f.Register(httpmock.AWSQuery("GetRole", "RoleName", "Old"), httpmock.AWSQueryResponse("GetRole", Role("/", "Old", Trust, true))).Persist()
	f.Register(httpmock.AWSQuery("ListRolePolicies", "RoleName", "Old"), httpmock.AWSQueryResponse("ListRolePolicies", Members("PolicyNames", "eks-login-describe-cluster-my-example"))).Persist()
	f.Register(httpmock.AWSQuery("ListAttachedRolePolicies", "RoleName", "Old"), httpmock.AWSQueryResponse("ListAttachedRolePolicies", Members("AttachedPolicies"))).Persist()
	f.IAM("ListAttachedGroupPolicies", Members("AttachedPolicies"), "GroupName", "Old")
	f.IAM("GetGroup", Group("/eks-login/", "Old", "dev9"), "GroupName", "Old")
	for _, call := range [][]string{{"DeleteGroupPolicy", "GroupName", "Old"}, {"RemoveUserFromGroup", "UserName", "dev9"}, {"DeleteGroup", "GroupName", "Old"},
		{"DeleteRolePolicy", "RoleName", "Old"}, {"DeleteRole", "RoleName", "Old"}} {
		f.IAM(call[0], "", call[1:]...)
	}
}

// TestAccessEntriesPrune: on a cluster mapped by access entries, the
// team's entry is created (tagged, and retried while EKS does not see the
// new role yet); an entry eks-login made that the file does not declare is
// deleted with --prune; one made by hand is drift; a node's is neither.
func TestAccessEntriesPrune(t *testing.T) {
	f := New(t)
	f.Cluster(admin.AuthAPIAndConfigMap)
	f.IAMAsDeclared()
	f.NothingToPrune()
	r, tagged, hand := RoleARN("/", "R"), RoleARN("/", "Tagged"), RoleARN("/", "Hand")
	f.EKSNotFound("GET", EntryPath(r, ""))
	f.EKS("GET", "/clusters/"+Cluster+"/access-entries", http.StatusOK, map[string]any{"accessEntries": []string{r, tagged, hand, NodeRole}})
	entry := func(principal, typ string, tags map[string]string) map[string]any {
		e := Entry(principal, typ, "someone:{{SessionName}}", "someone")
		e["accessEntry"].(map[string]any)["tags"] = tags
		return e
	}
	f.EKS("GET", EntryPath(tagged, ""), http.StatusOK, entry(tagged, "STANDARD", map[string]string{admin.CreatedByTag: "kubectl eks-login admin"}))
	f.EKS("GET", EntryPath(hand, ""), http.StatusOK, entry(hand, "STANDARD", nil))
	f.EKS("GET", EntryPath(NodeRole, ""), http.StatusOK, entry(NodeRole, "EC2_LINUX", nil))
	f.Register(httpmock.REST("POST", "/clusters/"+Cluster+"/access-entries"), httpmock.AWSJSONError(http.StatusBadRequest, "InvalidParameterException",
		"The specified principalArn is invalid: "+r+" does not exist"))
	f.EKS("POST", "/clusters/"+Cluster+"/access-entries", http.StatusOK, Entry(r, "STANDARD", "dev:{{SessionName}}", "developers"))
	f.EKS("DELETE", EntryPath(tagged, ""), http.StatusOK, map[string]any{})

	p := planAccess(t, f, AccessFile(t, "access-entry"), true)
	if u := p.Clusters[0].Unmanaged; len(u) != 1 || !strings.Contains(u[0], hand) {
		t.Errorf("unmanaged entries: %q, want the one made by hand", u)
	}
	out := applyAccess(t, f, p)
	if !strings.Contains(out, "my-example: created EKS access entry "+r) || !strings.Contains(out, "my-example: deleted EKS access entry "+tagged) {
		t.Errorf("output:\n%s", out)
	}
	if !strings.Contains(f.Notes.String(), "EKS does not see role "+r+" yet") {
		t.Errorf("no note of the retry: %q", f.Notes.String())
	}
	for _, req := range f.Requests() {
		if req.Method == "POST" && strings.HasSuffix(req.URL.Path, "/access-entries") && !strings.Contains(string(req.Body), `"eks-login:created-by"`) {
			t.Errorf("the access entry was created without eks-login's tag: %s", req.Body)
		}
	}
}

// TestOneClusterFails: a cluster that cannot be read does not stop the
// others; the summary says what happened where, and the error carries the
// failure's exit code.
func TestOneClusterFails(t *testing.T) {
	f := New(t)
	f.SeedAWSAuth()
	f.Cluster(admin.AuthConfigMap)
	f.IAMAsDeclared()
	brokenARN := "arn:aws:eks:" + Region + ":" + Account + ":cluster/broken"
	f.IAM("GetRolePolicy", "<RoleName>R</RoleName><PolicyName>eks-login-describe-cluster-broken</PolicyName><PolicyDocument>"+
		Policy("eks:DescribeCluster", brokenARN)+"</PolicyDocument>", "PolicyName", "eks-login-describe-cluster-broken")
	f.Register(httpmock.REST("GET", "/clusters/broken"), httpmock.AWSJSONError(http.StatusNotFound, "ResourceNotFoundException", "No cluster found for name: broken."))
	file, err := accessfile.Parse("access.yaml", []byte(`apiVersion: eks-login/v1alpha1
kind: Access
clusters:
  - {name: `+Cluster+`, region: `+Region+`}
  - {name: broken, region: `+Region+`}
teams:
  - name: dev
    iamGroup: G
    role: {name: R}
    members: [dev1]
    kubernetes: {username: "dev:{{SessionName}}", groups: [developers]}
    access:
      - {cluster: `+Cluster+`, clusterRoles: [{clusterRole: view}]}
      - {cluster: broken, clusterRoles: [{clusterRole: view}]}
`))
	if err != nil {
		t.Fatal(err)
	}
	f.Admin.KubeContexts = map[string]*kube.Client{Cluster: f.Admin.Kube, "broken": f.Admin.Kube}
	p, err := f.Admin.PlanAccess(context.Background(), admin.AccessSpec{File: file})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = f.Admin.ApplyAccess(context.Background(), p, admin.ApplyRun{Out: &out})
	p.Summary(&out)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 clusters failed") || exitcode.Of(err) == exitcode.OK {
		t.Errorf("error %v", err)
	}
	for _, want := range []string{"my-example: created ClusterRoleBinding developers-view", "cluster my-example (eu-west-1): 2 changes made",
		"cluster broken (eu-west-1): not planned: cannot describe EKS cluster broken"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestIAMRetry: a group just created may not be found by the next call
// (IAM is eventually consistent): adding its member is tried again.
func TestIAMRetry(t *testing.T) {
	f := New(t)
	f.SeedAWSAuth()
	f.Cluster(admin.AuthConfigMap)
	f.CallerIdentity()
	f.IAM("GetRole", Role("/", "R", Trust, true), "RoleName", "R")
	f.IAM("GetRolePolicy", "<RoleName>R</RoleName><PolicyName>eks-login-describe-cluster-my-example</PolicyName><PolicyDocument>"+
		Policy("eks:DescribeCluster", ClusterARN)+"</PolicyDocument>", "RoleName", "R")
	f.NoSuch("GetGroup", "GroupName", "G")
	f.IAM("GetUser", User("dev1", false), "UserName", "dev1")
	f.IAM("CreateGroup", Group("/eks-login/", "G"), "GroupName", "G")
	f.IAM("PutGroupPolicy", "", "GroupName", "G")
	f.NoSuch("AddUserToGroup", "GroupName", "G")
	f.IAM("AddUserToGroup", "", "GroupName", "G")
	p := planAccess(t, f, AccessFile(t, "aws-auth"), false)
	if out := applyAccess(t, f, p); !strings.Contains(out, "updated IAM group G (add member dev1)") {
		t.Errorf("output:\n%s", out)
	}
}

// TestAccessRefusesClustersOfAnotherAccount: apply works in the account of
// the credentials; a cluster the file gives by the ARN of another account
// or partition would be described, mapped and granted as the same-named
// cluster of the caller's account. The plan is refused before IAM or any
// cluster is read, naming the file and the field.
func TestAccessRefusesClustersOfAnotherAccount(t *testing.T) {
	for _, arn := range []string{
		"arn:aws:eks:" + Region + ":999999999999:cluster/" + Cluster,
		"arn:aws-cn:eks:cn-north-1:" + Account + ":cluster/" + Cluster,
	} {
		t.Run(arn, func(t *testing.T) {
			f := New(t)
			f.CallerIdentity()
			file, err := accessfile.Parse("access.yaml", []byte(`apiVersion: eks-login/v1alpha1
kind: Access
clusters:
  - {name: other, region: `+Region+`}
  - {arn: "`+arn+`"}
teams: []
`))
			if err != nil {
				t.Fatal(err)
			}
			f.Admin.KubeContexts = map[string]*kube.Client{Cluster: f.Admin.Kube, "other": f.Admin.Kube}
			_, err = f.Admin.PlanAccess(context.Background(), admin.AccessSpec{File: file})
			if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "access.yaml: clusters[1].arn") || !strings.Contains(err.Error(), "credentials") {
				t.Fatalf("exit code %d: %v", exitcode.Of(err), err)
			}
		})
	}
}

// TestAccessRefusesAContextOfAnotherCluster: the context apply reaches a
// cluster through (the file's context:, --context, or the one named after
// the cluster) must be the file's cluster; one whose exec entry or cluster
// ARN names another EKS cluster would get the file's mappings and bindings.
func TestAccessRefusesAContextOfAnotherCluster(t *testing.T) {
	for name, exec := range map[string]string{
		"another name":   "[token, --cluster-name, prod, --region, " + Region + "]",
		"another region": "[token, --cluster-name, " + Cluster + ", --region, us-east-1]",
	} {
		t.Run(name, func(t *testing.T) {
			f := New(t)
			f.IAMAsDeclared()
			kc := filepath.Join(t.TempDir(), "config")
			data := "apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster: {server: 'https://127.0.0.1:1'}\n" +
				"users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: kubectl-eks_login, args: " + exec + "}\n" +
				"contexts:\n- name: " + Cluster + "\n  context: {cluster: prod, user: u}\n"
			if err := os.WriteFile(kc, []byte(data), 0o600); err != nil {
				t.Fatal(err)
			}
			f.Admin.Source.Kubeconfig = kc
			p, err := f.Admin.PlanAccess(context.Background(), admin.AccessSpec{File: AccessFile(t, "aws-auth")})
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Clusters[0].Err; err == nil || !strings.Contains(err.Error(), "the kubeconfig context "+Cluster+" reaches EKS cluster") {
				t.Errorf("cluster error %v, want the context refused", err)
			}
		})
	}
}
