package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/httpmock"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	. "github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
)

// The listed cluster's aws-auth: the node role; a role that also has an
// access entry (there with its path /team/, here without, as aws-auth
// wants it); a role mapped only here; a role written with its path, which
// matches no one; a role mapped twice (aws-auth compares without case, and
// the last wins); a user with a path (users keep theirs); and an account.
var listedAWSAuth = map[string]any{
	"mapRoles": NodeRoles +
		"- rolearn: " + RoleARN("/", "Both") + "\n  username: both-configmap\n  groups: [aws-auth]\n" +
		"- rolearn: " + RoleARN("/", "Legacy") + "\n  username: legacy\n" +
		"- rolearn: " + RoleARN("/team/", "Pathful") + "\n  username: pathful\n" +
		"- rolearn: " + RoleARN("/", "Twice") + "\n  username: first\n" +
		"- rolearn: " + RoleARN("/", "twice") + "\n  username: second\n",
	"mapUsers":    "- userarn: arn:aws:iam::123456789012:user/team/alice\n  username: alice\n",
	"mapAccounts": "- \"123456789012\"\n",
}

var (
	bothEntry   = RoleARN("/team/", "Both")
	viewerEntry = RoleARN("/aws-reserved/sso.amazonaws.com/eu-west-1/", "AWSReservedSSO_View_1")
)

// listedEntries stubs the cluster's access entries, over two pages: the
// node role's EC2_LINUX entry, Both's, and a viewer's with a namespaced
// policy.
func listedEntries(f *Fake) {
	list := "/clusters/" + Cluster + "/access-entries"
	f.EKS("GET", list, http.StatusOK, map[string]any{"accessEntries": []string{NodeRole, bothEntry}, "nextToken": "page2"})
	f.Register(httpmock.REST("GET", list).WithQuery("nextToken", "page2"), httpmock.JSONResponse(http.StatusOK, map[string]any{"accessEntries": []string{viewerEntry}}))
	f.EKS("GET", EntryPath(NodeRole, ""), http.StatusOK, Entry(NodeRole, "EC2_LINUX", "system:node:{{EC2PrivateDNSName}}", "system:nodes"))
	f.EKS("GET", EntryPath(bothEntry, ""), http.StatusOK, Entry(bothEntry, "STANDARD", "both-entry", "entry"))
	f.EKS("GET", EntryPath(viewerEntry, ""), http.StatusOK, Entry(viewerEntry, "STANDARD", "viewer:{{SessionName}}"))
	f.EKS("GET", EntryPath(NodeRole, "/access-policies"), http.StatusOK, map[string]any{"associatedAccessPolicies": []any{}})
	f.EKS("GET", EntryPath(bothEntry, "/access-policies"), http.StatusOK, map[string]any{"associatedAccessPolicies": []any{}})
	f.EKS("GET", EntryPath(viewerEntry, "/access-policies"), http.StatusOK, map[string]any{"associatedAccessPolicies": []any{
		map[string]any{"policyArn": viewPolicy, "accessScope": map[string]any{"type": "namespace", "namespaces": []string{"team-a", "team-b"}}},
		map[string]any{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy", "accessScope": map[string]any{"type": "cluster"}}}})
}

// TestListMarksWhoWins: for each principal, the mapping that wins under the
// cluster's authentication mode is active and the others are shadowed or
// ignored, with the reason (issue 14, item 4).
func TestListMarksWhoWins(t *testing.T) {
	for _, tt := range []struct {
		name, mode string
		cluster    bool
	}{
		{"list-api-and-config-map", admin.AuthAPIAndConfigMap, true},
		{"list-api", admin.AuthAPI, true},
		{"list-config-map", admin.AuthConfigMap, true},
		{"list-no-cluster", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := New(t)
			f.Kube.Put(AWSAuthPath, ConfigMap(listedAWSAuth))
			cluster := ""
			if tt.cluster {
				cluster = Cluster
				f.Cluster(tt.mode)
			}
			if tt.mode == admin.AuthAPI || tt.mode == admin.AuthAPIAndConfigMap {
				listedEntries(f)
			}
			l, err := f.Admin.List(context.Background(), cluster)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.MarshalIndent(l, "", "  ")
			golden.Check(t, tt.name+".json", string(b)+"\n")
		})
	}
}

// TestListWithoutAWSAuth: a cluster without aws-auth lists its access
// entries alone.
func TestListWithoutAWSAuth(t *testing.T) {
	f := New(t)
	f.Cluster(admin.AuthAPI)
	f.EKS("GET", "/clusters/"+Cluster+"/access-entries", http.StatusOK, map[string]any{"accessEntries": []string{bothEntry}})
	f.EKS("GET", EntryPath(bothEntry, ""), http.StatusOK, Entry(bothEntry, "STANDARD", "both-entry"))
	f.EKS("GET", EntryPath(bothEntry, "/access-policies"), http.StatusOK, map[string]any{})
	l, err := f.Admin.List(context.Background(), Cluster)
	if err != nil || len(l.Entries) != 1 || l.Entries[0].Status != admin.StatusActive {
		t.Errorf("listing: %+v, %v", l, err)
	}
}

// TestListChecksTheClusterName: a cluster name goes into the EKS API's
// paths, so a bad one is refused before any call.
func TestListChecksTheClusterName(t *testing.T) {
	f := New(t)
	_, err := f.Admin.List(context.Background(), "a/../b")
	if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), `--cluster "a/../b" is not an EKS cluster name`) {
		t.Errorf("err = %v", err)
	}
	if n := len(f.Requests()); n != 1 { // aws-auth, read first
		t.Errorf("%d requests, want aws-auth's alone", n)
	}
}
