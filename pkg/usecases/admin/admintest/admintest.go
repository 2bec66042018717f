// Package admintest is the admin use cases over one recorded-HTTP fake
// (pkg/httpmock): the AWS SDK's IAM, STS and EKS clients and the
// Kubernetes rest client all send their requests to one Registry, where a
// test registers the AWS answers it expects and pkg/kube/kubetest's API
// server keeps the cluster's objects. Every stub must be called: the
// registry is verified when the test ends. Tests alone import it.
package admintest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eks-login/eks-login/pkg/httpmock"
	"github.com/eks-login/eks-login/pkg/kube/kubetest"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
)

// The fake account and cluster.
const (
	Account    = "123456789012"
	Region     = "eu-west-1"
	Cluster    = "my-example"
	ClusterARN = "arn:aws:eks:" + Region + ":" + Account + ":cluster/" + Cluster
	AdminARN   = "arn:aws:iam::" + Account + ":user/admin"
	NodeRole   = "arn:aws:iam::" + Account + ":role/MyExampleEKSNode"
)

// RoleARN is the ARN of role name in the fake account, at path ("/" or
// "/a/b/").
func RoleARN(path, name string) string { return "arn:aws:iam::" + Account + ":role" + path + name }

// Fake is an Admin whose every request goes to Registry.
type Fake struct {
	*httpmock.Registry
	Kube  *kubetest.API
	Admin *admin.Admin
	Notes bytes.Buffer
}

// New is a fake with no AWS stubs and an empty cluster; the registry is
// verified when t ends. Its environment has a HOME of its own and no
// kubeconfig, so the kubeconfig context names no cluster.
func New(t *testing.T) *Fake {
	t.Helper()
	f := &Fake{Registry: &httpmock.Registry{}, Kube: kubetest.NewAPI()}
	f.Kube.Register(f.Registry)
	creds := credentials.NewStaticCredentialsProvider("AKIAFAKEFAKEFAKEFAKE", "fakesecret", "")
	httpClient := f.Registry.Client()
	env := map[string]string{"HOME": t.TempDir(), "KUBECONFIG": "/nonexistent/kubeconfig"}
	f.Admin = &admin.Admin{
		Source: admin.Source{Getenv: func(k string) string { return env[k] }},
		Kube:   f.Kube.Client(t, f.Registry, "admin-token"),
		IAM:    iam.New(iam.Options{Region: "us-east-1", Credentials: creds, HTTPClient: httpClient, RetryMaxAttempts: 1}),
		STS:    sts.New(sts.Options{Region: "us-east-1", Credentials: creds, HTTPClient: httpClient, RetryMaxAttempts: 1}),
		EKS:    eks.New(eks.Options{Region: Region, Credentials: creds, HTTPClient: httpClient, RetryMaxAttempts: 1}),
		Notes:  &f.Notes,
	}
	t.Cleanup(func() { f.Verify(t) })
	return f
}

// IAM stubs an IAM (or STS) action answered with result, the XML inside its
// <ActionResult>; params narrow the match (key, value pairs).
func (f *Fake) IAM(action, result string, params ...string) {
	f.Register(httpmock.AWSQuery(action, params...), httpmock.AWSQueryResponse(action, result))
}

// NoSuch stubs an IAM action answered with 404 NoSuchEntity.
func (f *Fake) NoSuch(action string, params ...string) {
	f.Register(httpmock.AWSQuery(action, params...), httpmock.AWSQueryError(http.StatusNotFound, "NoSuchEntity", "The entity cannot be found."))
}

// CallerIdentity stubs STS's answer for the admin's credentials.
func (f *Fake) CallerIdentity() {
	f.IAM("GetCallerIdentity", "<Arn>"+AdminARN+"</Arn><UserId>AIDAADMIN</UserId><Account>"+Account+"</Account>")
}

// Cluster stubs DescribeCluster of the fake cluster in authentication mode
// mode.
func (f *Fake) Cluster(mode string) {
	f.Register(httpmock.REST("GET", "/clusters/"+Cluster), httpmock.JSONResponse(http.StatusOK, map[string]any{
		"cluster": map[string]any{"name": Cluster, "arn": ClusterARN, "status": "ACTIVE", "accessConfig": map[string]any{"authenticationMode": mode}}}))
}

// EKS stubs a call of the EKS API answered with status and body (JSON).
func (f *Fake) EKS(method, path string, status int, body any) {
	f.Register(httpmock.REST(method, path), httpmock.JSONResponse(status, body))
}

// EKSNotFound stubs a call of the EKS API answered with 404
// ResourceNotFoundException.
func (f *Fake) EKSNotFound(method, path string) {
	f.Register(httpmock.REST(method, path), httpmock.AWSJSONError(http.StatusNotFound, "ResourceNotFoundException", "No access entry found."))
}

// EntryPath is the EKS API path of principal's access entry on the fake
// cluster, with suffix (such as "/access-policies").
func EntryPath(principal, suffix string) string {
	return "/clusters/" + Cluster + "/access-entries/" + principal + suffix
}

// Entry is an access entry as DescribeAccessEntry answers it.
func Entry(principal, typ, username string, groups ...string) map[string]any {
	if groups == nil {
		groups = []string{}
	}
	return map[string]any{"accessEntry": map[string]any{"clusterName": Cluster, "principalArn": principal, "type": typ,
		"username": username, "kubernetesGroups": groups}}
}

// Role is a role as GetRole answers it: at path, with trust (a policy
// document), tagged by eks-login when tagged.
func Role(path, name, trust string, tagged bool) string {
	tags := ""
	if tagged {
		tags = "<Tags><member><Key>" + admin.CreatedByTag + "</Key><Value>kubectl eks-login admin</Value></member></Tags>"
	}
	return fmt.Sprintf("<Role><Path>%s</Path><RoleName>%s</RoleName><RoleId>AROA%s</RoleId><Arn>%s</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>%s</AssumeRolePolicyDocument>%s</Role>",
		path, name, strings.ToUpper(name), RoleARN(path, name), xmlText(trust), tags)
}

// Group is a group as GetGroup answers it: at path, with members.
func Group(path, name string, members ...string) string {
	var users strings.Builder
	for _, u := range members {
		fmt.Fprintf(&users, "<member><Path>/</Path><UserName>%s</UserName><UserId>AIDA%s</UserId><Arn>arn:aws:iam::%s:user/%s</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></member>", u, strings.ToUpper(u), Account, u)
	}
	return fmt.Sprintf("<Group><Path>%s</Path><GroupName>%s</GroupName><GroupId>AGPA%s</GroupId><Arn>arn:aws:iam::%s:group%s%s</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></Group><Users>%s</Users><IsTruncated>false</IsTruncated>",
		path, name, strings.ToUpper(name), Account, path, name, users.String())
}

// User is a user as GetUser answers it, tagged by eks-login when tagged.
func User(name string, tagged bool) string {
	tags := ""
	if tagged {
		tags = "<Tags><member><Key>" + admin.CreatedByTag + "</Key><Value>kubectl eks-login admin</Value></member></Tags>"
	}
	return fmt.Sprintf("<User><Path>/</Path><UserName>%s</UserName><UserId>AIDA%s</UserId><Arn>arn:aws:iam::%s:user/%s</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate>%s</User>", name, strings.ToUpper(name), Account, name, tags)
}

// Members is a list of names as IAM lists them (PolicyNames and the like).
func Members(element string, names ...string) string {
	var b strings.Builder
	b.WriteString("<" + element + ">")
	for _, n := range names {
		b.WriteString("<member>" + xmlText(n) + "</member>")
	}
	b.WriteString("</" + element + "><IsTruncated>false</IsTruncated>")
	return b.String()
}

// Trust is the trust policy eks-login writes, URL-encoded as IAM returns
// policy documents.
var Trust = url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + Account + `:root"},"Action":"sts:AssumeRole"}]}`)

func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// ConfigMap is aws-auth with data, and a label of someone else's.
func ConfigMap(data map[string]any) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system", "labels": map[string]any{"keep": "me"}},
		"data":     data}
}

// AWSAuthPath is aws-auth's API path.
const AWSAuthPath = "/api/v1/namespaces/kube-system/configmaps/aws-auth"

// NodeRoles is the seed's mapRoles: the node role alone.
const NodeRoles = "- groups:\n  - system:bootstrappers\n  - system:nodes\n  rolearn: " + NodeRole + "\n  username: system:node:{{EC2PrivateDNSName}}\n"

// SeedAWSAuth stores the seed's aws-auth (the node role, and a key of
// someone else's) in the fake cluster.
func (f *Fake) SeedAWSAuth() {
	f.Kube.Put(AWSAuthPath, ConfigMap(map[string]any{"mapRoles": NodeRoles, "other": "kept"}))
}
