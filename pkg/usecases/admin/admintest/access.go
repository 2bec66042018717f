package admintest

import (
	"net/url"
	"testing"

	"github.com/eks-login/eks-login/pkg/accessfile"
)

// AccessFile is an access file of one team (role R, group G, member dev1,
// Kubernetes group developers) with view on the fake cluster, mapped as
// mapping says (aws-auth, access-entry or auto).
func AccessFile(t *testing.T, mapping string) *accessfile.File {
	t.Helper()
	f, err := accessfile.Parse("access.yaml", []byte(`apiVersion: eks-login/v1alpha1
kind: Access
clusters:
  - {name: `+Cluster+`, region: `+Region+`, mapping: `+mapping+`}
teams:
  - name: dev
    iamGroup: G
    role: {name: R}
    members: [dev1]
    kubernetes: {username: "dev:{{SessionName}}", groups: [developers]}
    access:
      - cluster: `+Cluster+`
        clusterRoles: [{clusterRole: view}]
`))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Policy is a one-statement policy document as IAM returns it (URL-encoded).
func Policy(action, resource string) string {
	return url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}]}`)
}

// IAMAsDeclared stubs the caller and IAM holding AccessFile's team exactly
// as declared.
func (f *Fake) IAMAsDeclared() {
	f.CallerIdentity()
	f.IAM("GetRole", Role("/", "R", Trust, true), "RoleName", "R")
	f.IAM("GetRolePolicy", "<RoleName>R</RoleName><PolicyName>eks-login-describe-cluster-"+Cluster+"</PolicyName><PolicyDocument>"+
		Policy("eks:DescribeCluster", ClusterARN)+"</PolicyDocument>", "RoleName", "R")
	f.IAM("GetGroup", Group("/eks-login/", "G", "dev1"), "GroupName", "G")
	f.IAM("GetGroupPolicy", "<GroupName>G</GroupName><PolicyName>eks-login-assume-R</PolicyName><PolicyDocument>"+
		Policy("sts:AssumeRole", RoleARN("/", "R"))+"</PolicyDocument>", "GroupName", "G")
	f.IAM("GetUser", User("dev1", false), "UserName", "dev1")
}

// NothingToPrune stubs what --prune (and diff) read of IAM beyond
// IAMAsDeclared, finding nothing to remove: R's policies, and no group of
// eks-login's.
func (f *Fake) NothingToPrune() {
	f.IAM("ListRolePolicies", Members("PolicyNames", "eks-login-describe-cluster-"+Cluster), "RoleName", "R")
	f.IAM("ListAttachedRolePolicies", Members("AttachedPolicies"), "RoleName", "R")
	f.IAM("ListGroups", Members("Groups"), "PathPrefix", "/eks-login/")
}
