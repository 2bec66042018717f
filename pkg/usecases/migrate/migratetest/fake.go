// Package migratetest is the stateful fake of what admin migrate talks to,
// for the tests of pkg/usecases/migrate and plugin/admin/migrate, over one
// recorded-HTTP registry (pkg/httpmock): the AWS SDK's EKS, IAM and STS
// clients and the Kubernetes rest clients all send their requests to it.
// Behind persistent stubs it keeps one cluster (its authentication mode and
// access entries), IAM's roles and users, STS's role sessions, the admin's
// API server (pkg/kube/kubetest, holding aws-auth) and the authenticator
// that answers role tokens' SelfSubjectReviews as aws-iam-authenticator
// does. A test scripts a failure with a one-time stub in front (FailOnce,
// DenyAssume), which the registry checks was reached when the test ends.
package migratetest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"k8s.io/client-go/rest"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/httpmock"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/kube/kubetest"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/usecases/migrate"
)

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
	t       *testing.T
	Reg     *httpmock.Registry
	Kube    *kubetest.API // the admin's API server, holding aws-auth
	mu      sync.Mutex
	Mode    string
	Entries map[string]*Entry
	Roles   map[string]string // name -> ARN
	Users   map[string]string
	// sessions are the role sessions STS handed out: access key -> role ARN.
	sessions map[string]string
	// denied are the roles whose AssumeRole a stub of DenyAssume answers.
	denied map[string]bool
	// Twist changes who the cluster takes a principal for.
	Twist func(principal string, username string, groups []string) (string, []string)
}

// tokensHost is the cluster's API server as role tokens reach it: only the
// authenticator's reviews are asked there.
const tokensHost = "tokens." + kubetest.Host

// New starts a fake whose cluster is in mode, with aws-auth holding
// mapRoles (none when empty). The registry is verified when t ends.
func New(t *testing.T, mode, mapRoles string) *Fake {
	f := &Fake{t: t, Reg: &httpmock.Registry{}, Kube: kubetest.NewAPI(), Mode: mode, Entries: map[string]*Entry{}, sessions: map[string]string{}, denied: map[string]bool{},
		Roles: map[string]string{"MyExampleEKSNode": NodeRole, "EKSMyExampleViewer": ViewerRole}, Users: map[string]string{}}
	f.Kube.Register(f.Reg)
	if mapRoles != "" {
		f.Kube.Put(AWSAuthAt, map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "aws-auth", "namespace": "kube-system"}, "data": map[string]any{"mapRoles": mapRoles}})
	}
	f.Reg.Register(httpmock.Match("the fake EKS API", isEKS), f.eks).Persist().Optional()
	f.Reg.Register(httpmock.Match("the fake IAM and STS", func(r *httpmock.Request) bool { return isQuery(r) && !f.isDenied(r) }), f.query).Persist().Optional()
	reviews := func(kind string) httpmock.Matcher {
		return httpmock.Match(kind+" at "+tokensHost, func(r *httpmock.Request) bool {
			return r.URL.Host == tokensHost && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/"+kind)
		})
	}
	f.Reg.Register(reviews("selfsubjectreviews"), f.selfSubjectReview).Persist().Optional()
	f.Reg.Register(reviews("selfsubjectaccessreviews"), f.selfSubjectAccessReview).Persist().Optional()
	t.Cleanup(func() { f.Reg.Verify(t) })
	return f
}

// Deps are the use case's dependencies, all pointed at the registry; no
// wait ever sleeps.
func (f *Fake) Deps(log *strings.Builder) *migrate.Deps {
	cfg := aws.Config{Region: "ap-northeast-2", Credentials: credentials.NewStaticCredentialsProvider("AKIAFAKEFAKEFAKEFAKE", "fakesecret", ""),
		HTTPClient: f.Reg.Client(), RetryMaxAttempts: 1}
	d := &migrate.Deps{EKS: eks.NewFromConfig(cfg), IAM: iam.NewFromConfig(cfg), STS: sts.NewFromConfig(cfg), Kube: f.Kube.Client(f.t, f.Reg, "admin-token"),
		AsToken: func(bearer string) (migrate.Identifier, error) {
			return kube.New(&rest.Config{Host: "https://" + tokensHost, BearerToken: bearer, Transport: f.Reg})
		},
		Attempts: 2, Wait: func(context.Context, time.Duration) error { return nil }}
	if log != nil {
		d.Log = log
	}
	return d
}

// FailOnce makes the next call op (an EKS, IAM or STS operation, such as
// CreateAccessEntry) about principal fail with a 400, which the SDK does
// not retry. The test fails if no such call comes.
func (f *Fake) FailOnce(op, principal string) {
	f.Reg.Register(callMatcher(op, principal), func(r *httpmock.Request) (*http.Response, error) {
		if isEKS(r) {
			return httpmock.AWSJSONError(http.StatusBadRequest, "InvalidRequestException", "the fake failed "+op+" once, as asked")(r)
		}
		return httpmock.AWSQueryError(http.StatusBadRequest, "ValidationError", "the fake failed "+op+" once, as asked")(r)
	})
}

// DenyAssume refuses every AssumeRole of role, as IAM does when the trust
// policy does not admit the admin. The test fails if none is asked for.
func (f *Fake) DenyAssume(role string) {
	f.mu.Lock()
	f.denied[role] = true
	f.mu.Unlock()
	f.Reg.Register(httpmock.AWSQuery("AssumeRole", "RoleArn", role),
		httpmock.AWSQueryError(http.StatusForbidden, "AccessDenied", "User: arn:aws:iam::"+Account+":user/admin is not authorized to perform: sts:AssumeRole on resource: "+role)).Persist()
}

// isDenied: r is an AssumeRole that DenyAssume's stub answers.
func (f *Fake) isDenied(r *httpmock.Request) bool {
	op, role := call(r)
	f.mu.Lock()
	defer f.mu.Unlock()
	return op == "AssumeRole" && f.denied[role]
}

func callMatcher(op, principal string) httpmock.Matcher {
	return httpmock.Match(strings.TrimSpace(op+" "+principal), func(r *httpmock.Request) bool {
		o, p := call(r)
		return o == op && p == principal
	})
}

func isEKS(r *httpmock.Request) bool { return strings.HasPrefix(r.URL.Host, "eks.") }

func isQuery(r *httpmock.Request) bool {
	return r.Method == http.MethodPost && (strings.HasPrefix(r.URL.Host, "iam.") || strings.HasPrefix(r.URL.Host, "sts."))
}

// call names the AWS call r makes, and the principal it is about: "" for
// a request that is none.
func call(r *httpmock.Request) (op, principal string) {
	switch {
	case isQuery(r):
		form, _ := url.ParseQuery(string(r.Body))
		return form.Get("Action"), form.Get("RoleArn") + form.Get("RoleName") + form.Get("UserName")
	case !isEKS(r):
		return "", ""
	}
	p := pathParts(r)
	if len(p) < 2 {
		return "", ""
	}
	op = eksOp(r.Method, p[2:])
	if len(p) > 3 && p[2] == "access-entries" {
		principal = p[3]
	}
	if op == "CreateAccessEntry" {
		var body struct{ PrincipalArn string }
		json.Unmarshal(r.Body, &body)
		principal = body.PrincipalArn
	}
	return op, principal
}

func pathParts(r *httpmock.Request) []string {
	var parts []string
	for _, p := range strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/") {
		u, _ := url.PathUnescape(p)
		parts = append(parts, u)
	}
	return parts
}

// eks serves EKS's REST-JSON API: /clusters/NAME[/update-config |
// /updates/ID | /access-entries[/PRINCIPAL[/access-policies[/POLICY]]]].
func (f *Fake) eks(r *httpmock.Request) (*http.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := pathParts(r)
	if len(p) < 2 || p[0] != "clusters" || p[1] != Cluster {
		return httpmock.AWSJSONError(http.StatusNotFound, "ResourceNotFoundException", "No cluster found")(r)
	}
	var body map[string]any
	json.Unmarshal(r.Body, &body)
	op, principal := call(r)
	return f.eksAnswer(op, principal, body, p)(r)
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

func (f *Fake) eksAnswer(op, principal string, body map[string]any, p []string) httpmock.Responder {
	e := f.Entries[principal]
	if op != "DescribeCluster" && op != "UpdateClusterConfig" && op != "DescribeUpdate" && f.Mode == migrate.ModeConfigMap {
		return httpmock.AWSJSONError(400, "InvalidParameterException", "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.")
	}
	if e == nil && op != "DescribeCluster" && op != "UpdateClusterConfig" && op != "DescribeUpdate" && op != "ListAccessEntries" && op != "CreateAccessEntry" {
		return httpmock.AWSJSONError(404, "ResourceNotFoundException", "The specified principalArn could not be found.")
	}
	switch op {
	case "DescribeCluster":
		return httpmock.JSONResponse(200, map[string]any{"cluster": map[string]any{"name": Cluster, "arn": ClusterARN, "status": "ACTIVE", "accessConfig": map[string]any{"authenticationMode": f.Mode}}})
	case "UpdateClusterConfig":
		f.Mode = body["accessConfig"].(map[string]any)["authenticationMode"].(string)
		return httpmock.JSONResponse(200, map[string]any{"update": map[string]any{"id": "update-" + f.Mode, "status": "InProgress", "type": "AccessConfigUpdate"}})
	case "DescribeUpdate":
		return httpmock.JSONResponse(200, map[string]any{"update": map[string]any{"id": p[3], "status": "Successful", "type": "AccessConfigUpdate"}})
	case "ListAccessEntries":
		var list []string
		for k := range f.Entries {
			list = append(list, k)
		}
		slices.Sort(list)
		return httpmock.JSONResponse(200, map[string]any{"accessEntries": list})
	case "CreateAccessEntry":
		return f.create(principal, body)
	case "DescribeAccessEntry":
		return httpmock.JSONResponse(200, map[string]any{"accessEntry": map[string]any{"principalArn": principal, "type": e.Type, "username": e.Username, "kubernetesGroups": e.Groups, "tags": e.Tags}})
	case "UpdateAccessEntry":
		e.Username = body["username"].(string)
		e.Groups = strs(body["kubernetesGroups"])
		return httpmock.JSONResponse(200, map[string]any{"accessEntry": map[string]any{"principalArn": principal}})
	case "DeleteAccessEntry":
		delete(f.Entries, principal)
		return httpmock.JSONResponse(200, map[string]any{})
	case "AssociateAccessPolicy":
		e.Policies = append(e.Policies, body["policyArn"].(string))
		return httpmock.JSONResponse(200, map[string]any{"principalArn": principal})
	case "DisassociateAccessPolicy":
		e.Policies = slices.DeleteFunc(e.Policies, func(s string) bool { return s == p[5] })
		return httpmock.JSONResponse(200, map[string]any{})
	case "ListAssociatedAccessPolicies":
		var list []map[string]any
		for _, pol := range e.Policies {
			list = append(list, map[string]any{"policyArn": pol, "accessScope": map[string]any{"type": "cluster"}})
		}
		return httpmock.JSONResponse(200, map[string]any{"associatedAccessPolicies": list})
	}
	return httpmock.AWSJSONError(400, "InvalidRequestException", "the fake does not serve this call")
}

var nodeDefaults = map[string][2]any{
	migrate.TypeEC2Linux: {"system:node:{{EC2PrivateDNSName}}", []string{"system:nodes"}}, migrate.TypeEC2Windows: {"system:node:{{EC2PrivateDNSName}}", []string{"system:nodes", "eks:kube-proxy-windows"}},
	migrate.TypeFargateLinux: {"system:node:{{SessionName}}", []string{"system:node-proxier", "system:nodes"}},
}

func (f *Fake) create(principal string, body map[string]any) httpmock.Responder {
	if f.Entries[principal] != nil {
		return httpmock.AWSJSONError(409, "ResourceInUseException", "The specified access entry resource is already in use on this cluster.")
	}
	e := &Entry{Type: body["type"].(string), Tags: map[string]string{}}
	for k, v := range body["tags"].(map[string]any) {
		e.Tags[k] = v.(string)
	}
	if d, ok := nodeDefaults[e.Type]; ok {
		if body["username"] != nil || body["kubernetesGroups"] != nil {
			return httpmock.AWSJSONError(400, "InvalidParameterException", "username and kubernetesGroups cannot be specified for node types")
		}
		e.Username, e.Groups = d[0].(string), d[1].([]string)
	} else {
		e.Username, _ = body["username"].(string)
		e.Groups = strs(body["kubernetesGroups"])
	}
	f.Entries[principal] = e
	return httpmock.JSONResponse(200, map[string]any{"accessEntry": map[string]any{"principalArn": principal}})
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
func (f *Fake) query(r *httpmock.Request) (*http.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	form, _ := url.ParseQuery(string(r.Body))
	return f.queryAnswer(form)(r)
}

func (f *Fake) queryAnswer(form url.Values) httpmock.Responder {
	action := form.Get("Action")
	name := form.Get("RoleName") + form.Get("UserName")
	switch action {
	case "GetCallerIdentity":
		return httpmock.AWSQueryResponse(action, "<Arn>arn:aws:iam::"+Account+":user/admin</Arn><UserId>AIDAADMIN</UserId><Account>"+Account+"</Account>")
	case "GetRole", "GetUser":
		arn, kind := f.Roles[name], "Role"
		if action == "GetUser" {
			arn, kind = f.Users[name], "User"
		}
		if bad := invalidName(kind, name); bad != "" {
			return httpmock.AWSQueryError(400, "ValidationError", bad)
		}
		if arn == "" {
			return httpmock.AWSQueryError(404, "NoSuchEntity", "The "+strings.ToLower(kind)+" with name "+name+" cannot be found.")
		}
		return httpmock.AWSQueryResponse(action, fmt.Sprintf("<%s><Arn>%s</Arn><%sName>%s</%sName><Path>/</Path><CreateDate>2024-01-01T00:00:00Z</CreateDate></%s>", kind, arn, kind, name, kind, kind))
	case "AssumeRole":
		role := form.Get("RoleArn")
		if !strings.Contains(form.Get("Policy"), `"Effect":"Deny","Action":"*"`) { // checks take sessions that can do nothing
			return httpmock.AWSQueryError(403, "AccessDenied", "User: arn:aws:iam::"+Account+":user/admin is not authorized to perform: sts:AssumeRole on resource: "+role)
		}
		key := fmt.Sprintf("ASIAFAKE%08d", len(f.sessions)+1)
		f.sessions[key] = role
		return httpmock.AWSQueryResponse(action, "<Credentials><AccessKeyId>"+key+"</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>session</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>")
	}
	return httpmock.AWSQueryError(400, "InvalidAction", "the fake does not serve "+action)
}

// iamName is IAM's pattern for the RoleName and UserName of GetRole and
// GetUser (1 to 64 characters); IAM checks it before it looks the name up.
var iamName = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

// invalidName is IAM's ValidationError message for a name outside the
// pattern; "" for a valid one.
func invalidName(kind, name string) string {
	if iamName.MatchString(name) {
		return ""
	}
	field := strings.ToLower(kind) + "Name"
	return fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name, field)
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

func (f *Fake) selfSubjectReview(r *httpmock.Request) (*http.Response, error) {
	name, groups, _, ok := f.identify(r.Request)
	if !ok {
		return httpmock.KubeStatus(http.StatusUnauthorized, "Unauthorized", "Unauthorized")(r)
	}
	return httpmock.JSONResponse(http.StatusCreated, map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview",
		"status": map[string]any{"userInfo": map[string]any{"username": name, "groups": groups}}})(r)
}

func (f *Fake) selfSubjectAccessReview(r *httpmock.Request) (*http.Response, error) {
	_, groups, e, ok := f.identify(r.Request)
	admin := ok && (slices.Contains(groups, "system:masters") || (e != nil && slices.ContainsFunc(e.Policies, func(p string) bool { return strings.HasSuffix(p, "/"+migrate.ClusterAdminPolicy) })))
	return httpmock.JSONResponse(http.StatusCreated, map[string]any{"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "status": map[string]any{"allowed": admin}})(r)
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

// Writes are the AWS calls that changed something or tried to, in order,
// as "Op principal" (or "Op").
func (f *Fake) Writes() []string {
	var out []string
	for _, r := range f.Reg.Requests() {
		op, principal := call(r)
		for _, verb := range []string{"Create", "Update", "Delete", "Associate", "Disassociate"} {
			if strings.HasPrefix(op, verb) {
				out = append(out, strings.TrimSpace(op+" "+principal))
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
