// Package migratetest is a recorded-HTTP fake of what admin migrate talks
// to, for the tests of pkg/usecases/migrate and plugin/admin/migrate.
package migratetest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/kube/kubetest"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/usecases/migrate"
)

// Fake is a recorded-HTTP fake of EKS, IAM and STS (httptest; the SDK's clients
// reach it through their real serializers), with just enough state for
// migrate: one cluster, its access entries and mode updates, IAM roles and
// users, and role sessions. Its authenticator answers SelfSubjectReviews on
// a second fake API server as aws-iam-authenticator does, from the access
// entries and aws-auth in the cluster's mode. Local to this package until
// pkg/httpmock lands; then its EKS, IAM and STS stubs belong there.

// The seed's names.
const (
	Account    = "123456789012"
	Cluster    = "my-example"
	ClusterARN = "arn:aws:eks:ap-northeast-2:" + Account + ":cluster/" + Cluster
	NodeRole   = "arn:aws:iam::" + Account + ":role/MyExampleEKSNode"
	ViewerRole = "arn:aws:iam::" + Account + ":role/EKSMyExampleViewer"
	AWSAuthAt  = "/api/v1/namespaces/kube-system/configmaps/aws-auth"
	// Session is what {{SessionName}} becomes in migrate's checks.
	Session = "eks-login-migrate"
)

// Entry is an access entry the fake holds.
type Entry struct {
	Type, Username string
	Groups         []string
	Tags           map[string]string
	Policies       []string // policy ARNs, cluster scope
}

// Fake is the cluster, its AWS account and its authenticator.
type Fake struct {
	t        *testing.T
	srv      *httptest.Server
	Kube     *kubetest.Server // the admin's API server, holding aws-auth
	Tokens   *kubetest.Server // the same cluster, reached with role tokens
	mu       sync.Mutex
	Mode     string
	Entries  map[string]*Entry
	Roles    map[string]string // name -> ARN
	Users    map[string]string
	sessions map[string]string // access key -> role ARN
	NoAssume map[string]bool
	// fail makes the call "Op principal" (or "Op") fail once (a 400, which
	// the SDK does not retry).
	Fail map[string]bool
	// Twist changes who the cluster takes a principal for.
	Twist func(principal string, username string, groups []string) (string, []string)
	Calls []string
}

// New starts a fake whose cluster is in mode, with aws-auth holding
// mapRoles (none when empty).
func New(t *testing.T, mode, mapRoles string) *Fake {
	f := &Fake{t: t, Mode: mode, Entries: map[string]*Entry{}, sessions: map[string]string{}, NoAssume: map[string]bool{}, Fail: map[string]bool{},
		Roles: map[string]string{"MyExampleEKSNode": NodeRole, "EKSMyExampleViewer": ViewerRole}, Users: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	f.Kube = kubetest.New(t)
	if mapRoles != "" {
		f.Kube.Put(AWSAuthAt, map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system"}, "data": map[string]any{"mapRoles": mapRoles}})
	}
	f.Tokens = kubetest.New(t)
	f.Tokens.Handle("POST /apis/authentication.k8s.io/v1/selfsubjectreviews", f.selfSubjectReview)
	f.Tokens.Handle("POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews", f.selfSubjectAccessReview)
	return f
}

// Deps are the use case's dependencies, all pointed at the fakes; no wait
// ever sleeps.
func (f *Fake) Deps(log *strings.Builder) *migrate.Deps {
	cfg := aws.Config{Region: "ap-northeast-2", Credentials: aws.AnonymousCredentials{}, BaseEndpoint: aws.String(f.srv.URL)}
	admin, err := kube.New(f.Kube.RESTConfig("admin-token"))
	if err != nil {
		f.t.Fatal(err)
	}
	d := &migrate.Deps{EKS: eks.NewFromConfig(cfg), IAM: iam.NewFromConfig(cfg), STS: sts.NewFromConfig(cfg), Kube: admin,
		AsToken:  func(bearer string) (migrate.Identifier, error) { return kube.New(f.Tokens.RESTConfig(bearer)) },
		Attempts: 2, Wait: func(context.Context, time.Duration) error { return nil }}
	if log != nil {
		d.Log = log
	}
	return d
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path == "/" && r.Method == http.MethodPost {
		r.ParseForm()
		f.query(w, r.Form)
		return
	}
	var parts []string
	for _, p := range strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/") {
		u, _ := url.PathUnescape(p)
		parts = append(parts, u)
	}
	f.rest(w, r, parts)
}

func (f *Fake) record(op, principal string) bool {
	f.Calls = append(f.Calls, strings.TrimSpace(op+" "+principal))
	for _, k := range []string{op + " " + principal, op} {
		if f.Fail[k] {
			delete(f.Fail, k)
			return true
		}
	}
	return false
}

func jsonOut(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func eksError(w http.ResponseWriter, code int, typ, msg string) {
	w.Header().Set("X-Amzn-Errortype", typ)
	jsonOut(w, code, map[string]string{"message": msg})
}

// rest serves EKS's REST-JSON API: /clusters/NAME[/update-config |
// /updates/ID | /access-entries[/PRINCIPAL[/access-policies[/POLICY]]]].
func (f *Fake) rest(w http.ResponseWriter, r *http.Request, p []string) {
	var body map[string]any
	json.NewDecoder(r.Body).Decode(&body)
	if len(p) < 2 || p[0] != "clusters" || p[1] != Cluster {
		eksError(w, 404, "ResourceNotFoundException", "No cluster found")
		return
	}
	op, principal := eksOp(r.Method, p[2:]), ""
	if len(p) > 3 && p[2] == "access-entries" {
		principal = p[3]
	}
	if op == "CreateAccessEntry" {
		principal, _ = body["principalArn"].(string)
	}
	if f.record(op, principal) {
		eksError(w, 400, "InvalidRequestException", "the fake failed "+op+" once, as asked")
		return
	}
	f.eks(w, op, principal, body, p)
}

func eksOp(method string, rest []string) string {
	if len(rest) == 0 {
		return "DescribeCluster"
	}
	switch rest[0] {
	case "update-config":
		return "UpdateClusterConfig"
	case "updates":
		return "DescribeUpdate"
	}
	ops := [][]string{
		{"GET", "ListAccessEntries", "POST", "CreateAccessEntry"},
		{"GET", "DescribeAccessEntry", "POST", "UpdateAccessEntry", "DELETE", "DeleteAccessEntry"},
		{"GET", "ListAssociatedAccessPolicies", "POST", "AssociateAccessPolicy"},
		{"DELETE", "DisassociateAccessPolicy"},
	}[min(len(rest), 4)-1]
	for i := 0; i+1 < len(ops); i += 2 {
		if ops[i] == method {
			return ops[i+1]
		}
	}
	return ""
}

func (f *Fake) eks(w http.ResponseWriter, op, principal string, body map[string]any, p []string) {
	e := f.Entries[principal]
	if op != "DescribeCluster" && op != "UpdateClusterConfig" && op != "DescribeUpdate" && f.Mode == migrate.ModeConfigMap {
		eksError(w, 400, "InvalidParameterException", "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.")
		return
	}
	if e == nil && op != "DescribeCluster" && op != "UpdateClusterConfig" && op != "DescribeUpdate" && op != "ListAccessEntries" && op != "CreateAccessEntry" {
		eksError(w, 404, "ResourceNotFoundException", "The specified principalArn could not be found.")
		return
	}
	switch op {
	case "DescribeCluster":
		jsonOut(w, 200, map[string]any{"cluster": map[string]any{"name": Cluster, "arn": ClusterARN, "status": "ACTIVE", "accessConfig": map[string]any{"authenticationMode": f.Mode}}})
	case "UpdateClusterConfig":
		f.Mode = body["accessConfig"].(map[string]any)["authenticationMode"].(string)
		jsonOut(w, 200, map[string]any{"update": map[string]any{"id": "update-" + f.Mode, "status": "InProgress", "type": "AccessConfigUpdate"}})
	case "DescribeUpdate":
		jsonOut(w, 200, map[string]any{"update": map[string]any{"id": p[3], "status": "Successful", "type": "AccessConfigUpdate"}})
	case "ListAccessEntries":
		var list []string
		for k := range f.Entries {
			list = append(list, k)
		}
		slices.Sort(list)
		jsonOut(w, 200, map[string]any{"accessEntries": list})
	case "CreateAccessEntry":
		f.create(w, principal, body)
	case "DescribeAccessEntry":
		jsonOut(w, 200, map[string]any{"accessEntry": map[string]any{"principalArn": principal, "type": e.Type, "username": e.Username, "kubernetesGroups": e.Groups, "tags": e.Tags}})
	case "UpdateAccessEntry":
		e.Username = body["username"].(string)
		e.Groups = strs(body["kubernetesGroups"])
		jsonOut(w, 200, map[string]any{"accessEntry": map[string]any{"principalArn": principal}})
	case "DeleteAccessEntry":
		delete(f.Entries, principal)
		jsonOut(w, 200, map[string]any{})
	case "AssociateAccessPolicy":
		e.Policies = append(e.Policies, body["policyArn"].(string))
		jsonOut(w, 200, map[string]any{"principalArn": principal})
	case "DisassociateAccessPolicy":
		e.Policies = slices.DeleteFunc(e.Policies, func(s string) bool { return s == p[5] })
		jsonOut(w, 200, map[string]any{})
	case "ListAssociatedAccessPolicies":
		var list []map[string]any
		for _, pol := range e.Policies {
			list = append(list, map[string]any{"policyArn": pol, "accessScope": map[string]any{"type": "cluster"}})
		}
		jsonOut(w, 200, map[string]any{"associatedAccessPolicies": list})
	default:
		eksError(w, 400, "InvalidRequestException", "the fake does not serve this call")
	}
}

var nodeDefaults = map[string][2]any{
	migrate.TypeEC2Linux: {"system:node:{{EC2PrivateDNSName}}", []string{"system:nodes"}}, migrate.TypeEC2Windows: {"system:node:{{EC2PrivateDNSName}}", []string{"system:nodes", "eks:kube-proxy-windows"}},
	migrate.TypeFargateLinux: {"system:node:{{SessionName}}", []string{"system:node-proxier", "system:nodes"}},
}

func (f *Fake) create(w http.ResponseWriter, principal string, body map[string]any) {
	if f.Entries[principal] != nil {
		eksError(w, 409, "ResourceInUseException", "The specified access entry resource is already in use on this cluster.")
		return
	}
	e := &Entry{Type: body["type"].(string), Tags: map[string]string{}}
	for k, v := range body["tags"].(map[string]any) {
		e.Tags[k] = v.(string)
	}
	if d, ok := nodeDefaults[e.Type]; ok {
		if body["username"] != nil || body["kubernetesGroups"] != nil {
			eksError(w, 400, "InvalidParameterException", "username and kubernetesGroups cannot be specified for node types")
			return
		}
		e.Username, e.Groups = d[0].(string), d[1].([]string)
	} else {
		e.Username, _ = body["username"].(string)
		e.Groups = strs(body["kubernetesGroups"])
	}
	f.Entries[principal] = e
	jsonOut(w, 200, map[string]any{"accessEntry": map[string]any{"principalArn": principal}})
}

func strs(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		out = append(out, x.(string))
	}
	return out
}

// query serves IAM's and STS's query API.
func (f *Fake) query(w http.ResponseWriter, form url.Values) {
	action := form.Get("Action")
	name := form.Get("RoleName") + form.Get("UserName")
	if f.record(action, form.Get("RoleArn")+name) {
		xmlError(w, 400, "ValidationError", "the fake failed once, as asked")
		return
	}
	switch action {
	case "GetCallerIdentity":
		xmlOut(w, action, "<Arn>arn:aws:iam::"+Account+":user/admin</Arn><UserId>AIDAADMIN</UserId><Account>"+Account+"</Account>")
	case "GetRole", "GetUser":
		arn, kind := f.Roles[name], "Role"
		if action == "GetUser" {
			arn, kind = f.Users[name], "User"
		}
		if arn == "" {
			xmlError(w, 404, "NoSuchEntity", "The "+strings.ToLower(kind)+" with name "+name+" cannot be found.")
			return
		}
		xmlOut(w, action, fmt.Sprintf("<%s><Arn>%s</Arn><%sName>%s</%sName><Path>/</Path><CreateDate>2024-01-01T00:00:00Z</CreateDate></%s>", kind, arn, kind, name, kind, kind))
	case "AssumeRole":
		role := form.Get("RoleArn")
		if f.NoAssume[role] || !strings.Contains(form.Get("Policy"), `"Effect":"Deny","Action":"*"`) {
			xmlError(w, 403, "AccessDenied", "User: arn:aws:iam::"+Account+":user/admin is not authorized to perform: sts:AssumeRole on resource: "+role)
			return
		}
		key := fmt.Sprintf("ASIAFAKE%08d", len(f.sessions)+1)
		f.sessions[key] = role
		xmlOut(w, action, "<Credentials><AccessKeyId>"+key+"</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>session</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>")
	default:
		xmlError(w, 400, "InvalidAction", "the fake does not serve "+action)
	}
}

func xmlOut(w http.ResponseWriter, action, result string) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, "<%sResponse><%sResult>%s</%sResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></%sResponse>", action, action, result, action, action)
}

func xmlError(w http.ResponseWriter, code int, c, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(code)
	fmt.Fprintf(w, "<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>r</RequestId></ErrorResponse>", c, msg)
}

// identify is the fake aws-iam-authenticator: the role session behind a
// token, mapped by its access entry or aws-auth in the cluster's mode.
func (f *Fake) identify(r *http.Request) (string, []string, *Entry, bool) {
	u, err := token.Decode(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	if err != nil {
		return "", nil, nil, false
	}
	key, _, _ := strings.Cut(u.Query().Get("X-Amz-Credential"), "/")
	f.mu.Lock()
	defer f.mu.Unlock()
	role := f.sessions[key]
	render := strings.NewReplacer("{{SessionName}}", Session, "{{AccountID}}", Account)
	name, groups, e, ok := "", []string(nil), f.Entries[role], false
	if e != nil && f.Mode != migrate.ModeConfigMap {
		name, groups, ok = render.Replace(e.Username), e.Groups, true
	} else if f.Mode != migrate.ModeAPI {
		name, groups, ok = f.fromAWSAuth(role, render)
		e = nil
	}
	if ok && f.Twist != nil {
		name, groups = f.Twist(role, name, groups)
	}
	return name, append(slices.Clone(groups), "system:authenticated"), e, ok
}

func (f *Fake) fromAWSAuth(role string, render *strings.Replacer) (string, []string, bool) {
	obj := f.Kube.Object(AWSAuthAt)
	if obj == nil {
		return "", nil, false
	}
	data := map[string]string{}
	for k, v := range obj["data"].(map[string]any) {
		data[k] = v.(string)
	}
	doc, err := awsauth.Parse(data)
	if err != nil {
		return "", nil, false
	}
	for _, m := range doc.Mappings() {
		if strings.EqualFold(m.ARN, pathless(role)) {
			return render.Replace(m.Username), m.Groups, true
		}
	}
	return "", nil, false
}

func (f *Fake) selfSubjectReview(w http.ResponseWriter, r *http.Request) {
	name, groups, _, ok := f.identify(r)
	if !ok {
		kubetest.Status(w, 401, "Unauthorized", "Unauthorized")
		return
	}
	jsonOut(w, 201, map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview",
		"status": map[string]any{"userInfo": map[string]any{"username": name, "groups": groups}}})
}

func (f *Fake) selfSubjectAccessReview(w http.ResponseWriter, r *http.Request) {
	_, groups, e, ok := f.identify(r)
	admin := ok && (slices.Contains(groups, "system:masters") || (e != nil && slices.ContainsFunc(e.Policies, func(p string) bool { return strings.HasSuffix(p, "/"+migrate.ClusterAdminPolicy) })))
	jsonOut(w, 201, map[string]any{"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "status": map[string]any{"allowed": admin}})
}

// AWSAuth is aws-auth's mapRoles as the admin's API server holds it now.
func (f *Fake) AWSAuth() string {
	obj := f.Kube.Object(AWSAuthAt)
	if obj == nil {
		return ""
	}
	s, _ := obj["data"].(map[string]any)["mapRoles"].(string)
	return s
}

// Writes are the calls that change something, in order.
func (f *Fake) Writes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.Calls {
		for _, verb := range []string{"Create", "Update", "Delete", "Associate", "Disassociate"} {
			if strings.HasPrefix(c, verb) {
				out = append(out, c)
			}
		}
	}
	return out
}

// pathless is a role's ARN as aws-auth writes it.
func pathless(arn string) string {
	head, rest, ok := strings.Cut(arn, ":role/")
	if !ok {
		return arn
	}
	return head + ":role/" + rest[strings.LastIndex(rest, "/")+1:]
}
