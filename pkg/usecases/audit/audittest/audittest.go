// Package audittest is a cluster and an account to audit, over the admin
// use cases' recorded-HTTP fake (admintest): IAM's
// GetAccountAuthorizationDetails, the cluster's aws-auth and access
// entries, and an API server answering SubjectAccessReviews from a small
// table of rules. Tests alone import it.
package audittest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"

	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
	"github.com/eks-login/eks-login/pkg/usecases/audit"
)

// Account is the fake account.
const Account = admintest.Account

// ARN is an IAM ARN of the fake account: ARN("role/PlatformAdmin").
func ARN(resource string) string { return "arn:aws:iam::" + Account + ":" + resource }

// Fixture is the fake cluster and account, and the reviews the API server
// was asked.
type Fixture struct {
	*admintest.Fake
	mu      sync.Mutex
	Reviews []authorizationv1.SubjectAccessReviewSpec
}

// The people and roles of the fixture:
//   - alice and dave are in group Platform, which may assume PlatformAdmin
//     (aws-auth: group platform-admins, which RBAC lets do anything); dave
//     has a Deny of it of his own.
//   - bob is in Developers, which may assume Developer (aws-auth: group
//     developers, which may read pods but no secrets).
//   - erin may assume Auditor (at path /audit/) only with MFA; Auditor has an
//     access entry with AmazonEKSAdminPolicy in kube-system, which the
//     access-policy authorizer knows by the role's unique ID. Its aws-auth
//     mapping is shadowed by the access entry.
//   - frank is mapped as himself (mapUsers), and a RoleBinding lets user
//     frank read secrets in kube-system.
//   - cibot may assume CIRunner, which an OIDC provider may assume too and
//     whose own policy lets it assume Deployer, whose trust policy names
//     CIRunner: an access entry with group deployers (pods/exec, bindings).
//   - the node role is in aws-auth but not in IAM.
func New(t *testing.T) *Fixture {
	t.Helper()
	f := &Fixture{Fake: admintest.New(t)}
	f.Kube.Put(admintest.AWSAuthPath, admintest.ConfigMap(map[string]any{
		"mapRoles": admintest.NodeRoles +
			"- rolearn: " + ARN("role/PlatformAdmin") + "\n  username: platform:{{SessionName}}\n  groups: [platform-admins]\n" +
			"- rolearn: " + ARN("role/Developer") + "\n  username: developer\n  groups: [developers]\n" +
			"- rolearn: " + ARN("role/Auditor") + "\n  username: auditor-configmap\n  groups: [platform-admins]\n",
		"mapUsers": "- userarn: " + ARN("user/frank") + "\n  username: frank\n",
	}))
	f.Cluster(admin.AuthAPIAndConfigMap)
	auditor, deployer := ARN("role/audit/Auditor"), ARN("role/Deployer")
	f.EKS("GET", "/clusters/"+admintest.Cluster+"/access-entries", http.StatusOK, map[string]any{"accessEntries": []string{auditor, deployer}})
	f.EKS("GET", admintest.EntryPath(auditor, ""), http.StatusOK, admintest.Entry(auditor, "STANDARD", "auditor:{{SessionName}}"))
	f.EKS("GET", admintest.EntryPath(auditor, "/access-policies"), http.StatusOK, map[string]any{"associatedAccessPolicies": []any{
		map[string]any{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy", "accessScope": map[string]any{"type": "namespace", "namespaces": []string{"kube-system"}}}}})
	f.EKS("GET", admintest.EntryPath(deployer, ""), http.StatusOK, admintest.Entry(deployer, "STANDARD", "arn:aws:sts::"+Account+":assumed-role/Deployer/{{SessionName}}", "deployers"))
	f.EKS("GET", admintest.EntryPath(deployer, "/access-policies"), http.StatusOK, map[string]any{"associatedAccessPolicies": []any{}})
	f.account()
	f.Kube.Handle("POST /apis/authorization.k8s.io/v1/subjectaccessreviews", f.answer)
	return f
}

// Auditor audits the fixture's cluster.
func (f *Fixture) Auditor() *audit.Auditor {
	return &audit.Auditor{IAM: f.Admin.IAM, Targets: []audit.Target{{Name: admintest.Cluster, Admin: f.Admin}}, Workers: 4}
}

const (
	assumeAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"%s"}]}`
	rootTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
)

// account stubs IAM's answer, in two pages.
func (f *Fixture) account() {
	users := user("alice", "AIDAALICE", nil, "Platform") + user("bob", "AIDABOB", nil, "Developers") +
		user("cibot", "AIDACIBOT", map[string]string{"assume-ci": fmt.Sprintf(assumeAll, ARN("role/CIRunner"))}) +
		user("dave", "AIDADAVE", map[string]string{"no-platform": `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"` + ARN("role/PlatformAdmin") + `"}]}`}, "Platform") +
		user("erin", "AIDAERIN", map[string]string{"audit-with-mfa": `{"Version":"2012-10-17","Statement":[{"Sid":"WithMFA","Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + ARN("role/audit/*") + `","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`}) +
		user("frank", "AIDAFRANK", nil)
	groups := group("Platform", map[string]string{"assume-platform": fmt.Sprintf(assumeAll, ARN("role/PlatformAdmin"))}, "") +
		group("Developers", nil, ARN("policy/AssumeDeveloper"))
	roles := roleXML("/", "PlatformAdmin", "AROAPLATFORM", rootTrust, nil) + roleXML("/", "Developer", "AROADEVELOPER", rootTrust, nil) +
		roleXML("/audit/", "Auditor", "AROAAUDITOR", rootTrust, nil) +
		roleXML("/", "CIRunner", "AROACIRUNNER", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.example"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.example:sub":"repo:team/app"}}}]}`,
			map[string]string{"deploy": fmt.Sprintf(assumeAll, ARN("role/Deployer"))}) +
		roleXML("/", "Deployer", "AROADEPLOYER", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+ARN("role/CIRunner")+`"},"Action":"sts:AssumeRole"}]}`, nil)
	policies := "<member><PolicyName>AssumeDeveloper</PolicyName><Arn>" + ARN("policy/AssumeDeveloper") + "</Arn><DefaultVersionId>v2</DefaultVersionId><PolicyVersionList>" +
		"<member><Document>" + url.PathEscape(`{"Version":"2012-10-17","Statement":[]}`) + "</Document><VersionId>v1</VersionId><IsDefaultVersion>false</IsDefaultVersion></member>" +
		"<member><Document>" + url.PathEscape(fmt.Sprintf(assumeAll, ARN("role/Developer"))) + "</Document><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion></member>" +
		"</PolicyVersionList></member>"
	f.IAM("GetAccountAuthorizationDetails", "<UserDetailList>"+users+"</UserDetailList><GroupDetailList>"+groups+"</GroupDetailList><IsTruncated>true</IsTruncated><Marker>page2</Marker>")
	f.IAM("GetAccountAuthorizationDetails", "<RoleDetailList>"+roles+"</RoleDetailList><Policies>"+policies+"</Policies><IsTruncated>false</IsTruncated>", "Marker", "page2")
}

func inline(element string, policies map[string]string) string {
	var b strings.Builder
	b.WriteString("<" + element + ">")
	for _, name := range slices.Sorted(maps.Keys(policies)) {
		fmt.Fprintf(&b, "<member><PolicyName>%s</PolicyName><PolicyDocument>%s</PolicyDocument></member>", name, url.PathEscape(policies[name]))
	}
	b.WriteString("</" + element + ">")
	return b.String()
}

func user(name, id string, policies map[string]string, groups ...string) string {
	var g strings.Builder
	for _, n := range groups {
		g.WriteString("<member>" + n + "</member>")
	}
	return fmt.Sprintf("<member><Path>/</Path><UserName>%s</UserName><UserId>%s</UserId><Arn>%s</Arn>%s<GroupList>%s</GroupList></member>",
		name, id, ARN("user/"+name), inline("UserPolicyList", policies), g.String())
}

func group(name string, policies map[string]string, attached string) string {
	att := ""
	if attached != "" {
		att = "<member><PolicyName>" + attached[strings.LastIndex(attached, "/")+1:] + "</PolicyName><PolicyArn>" + attached + "</PolicyArn></member>"
	}
	return fmt.Sprintf("<member><Path>/</Path><GroupName>%s</GroupName><GroupId>AGPA%s</GroupId><Arn>%s</Arn>%s<AttachedManagedPolicies>%s</AttachedManagedPolicies></member>",
		name, strings.ToUpper(name), ARN("group/"+name), inline("GroupPolicyList", policies), att)
}

func roleXML(path, name, id, trust string, policies map[string]string) string {
	return fmt.Sprintf("<member><Path>%s</Path><RoleName>%s</RoleName><RoleId>%s</RoleId><Arn>%s</Arn><AssumeRolePolicyDocument>%s</AssumeRolePolicyDocument>%s</member>",
		path, name, id, ARN("role"+path+name), url.PathEscape(trust), inline("RolePolicyList", policies))
}

// rule is what the fake API server's authorizers allow: a user, a group,
// or a principal ID (an EKS access policy), and the checks it may do.
type rule struct {
	user, group, principalID string
	checks                   []string
	reason                   string
}

var rules = []rule{
	{group: "platform-admins", checks: everySensitiveCheck(), reason: `RBAC: allowed by ClusterRoleBinding "platform-admins" of ClusterRole "cluster-admin" to Group "platform-admins"`},
	{group: "developers", checks: []string{"get pods", "list pods"}, reason: `RBAC: allowed by ClusterRoleBinding "developers-view" of ClusterRole "view" to Group "developers"`},
	{user: "frank", checks: []string{"get secrets in kube-system", "list secrets in kube-system"}, reason: `RBAC: allowed by RoleBinding "frank-secrets/kube-system" of Role "secret-reader" to User "frank"`},
	{principalID: "AROAAUDITOR", checks: []string{"get secrets in kube-system", "list secrets in kube-system", "create pods/exec in kube-system"}, reason: "EKS access policy AmazonEKSAdminPolicy (namespaces kube-system scope)"},
	// Bindings of one session's filled-in username, as eks-login names
	// alice's sessions by default and bob's with --forward-session-name.
	{user: "platform:eks-login-alice", checks: []string{"get secrets in team-a"}, reason: `RBAC: allowed by RoleBinding "alice/team-a" of ClusterRole "view" to User "platform:eks-login-alice"`},
	{user: "123456789012:eks-login-alice", checks: []string{"get secrets in team-a"}, reason: `RBAC: allowed by RoleBinding "alice-by-account/team-a" of ClusterRole "view" to User "123456789012:eks-login-alice"`},
	{user: "platform:bob", checks: []string{"get secrets in team-a"}, reason: `RBAC: allowed by RoleBinding "bob/team-a" of ClusterRole "view" to User "platform:bob"`},
	{group: "deployers", checks: []string{"create pods/exec", "create rolebindings.rbac.authorization.k8s.io", "update rolebindings.rbac.authorization.k8s.io"}, reason: `RBAC: allowed by ClusterRoleBinding "deployers" of ClusterRole "deployer" to Group "deployers"`},
}

// everySensitiveCheck is what cluster-admin allows, as far as the
// fixture's tests ask: the default sensitive list (and not, say, delete
// nodes, so that a test may ask what no one may).
func everySensitiveCheck() []string {
	var out []string
	for _, s := range audit.DefaultSensitive {
		it, err := audit.ParseItem(s)
		if err != nil {
			panic(err)
		}
		for _, c := range it.Checks() {
			out = append(out, c.String())
		}
	}
	return out
}

// answer is the fake API server's SubjectAccessReview: allowed when a rule
// of the user, one of its groups or its principal ID lists the check.
func (f *Fixture) answer(w http.ResponseWriter, r *http.Request) {
	var review authorizationv1.SubjectAccessReview
	if err := json.NewDecoder(r.Body).Decode(&review); err != nil || review.Spec.ResourceAttributes == nil {
		http.Error(w, "not a resource SubjectAccessReview", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.Reviews = append(f.Reviews, review.Spec)
	f.mu.Unlock()
	a := review.Spec.ResourceAttributes
	check := audit.Check{Verb: a.Verb, Group: a.Group, Resource: a.Resource, Subresource: a.Subresource, Namespace: a.Namespace, Name: a.Name}.String()
	review.Status = authorizationv1.SubjectAccessReviewStatus{}
	for _, ru := range rules {
		if ru.matches(review.Spec) && slices.Contains(ru.checks, check) {
			review.Status = authorizationv1.SubjectAccessReviewStatus{Allowed: true, Reason: ru.reason}
			break
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(&review)
}

func (ru rule) matches(s authorizationv1.SubjectAccessReviewSpec) bool {
	switch {
	case ru.user != "":
		return s.User == ru.user
	case ru.group != "":
		return slices.Contains(s.Groups, ru.group)
	}
	return len(s.Extra["principalId"]) == 1 && s.Extra["principalId"][0] == ru.principalID
}

// Odd is a name as aws-auth may hold one: an escape sequence that clears
// the terminal and a carriage return that starts the line over.
const Odd = "dev\x1b[2J\rforged"

// OddAudit is an audit whose one role, mapped by aws-auth, user and groups
// carry name.
func OddAudit(name string) *audit.Audit {
	return &audit.Audit{Clusters: []audit.Cluster{{Name: "my-example", AuthenticationMode: "CONFIG_MAP", Principals: []audit.Principal{{
		Kind: audit.KindRole, ARN: ARN("role/" + name), Source: "aws-auth",
		Identity: audit.Identity{Username: name, Groups: []string{name, "g"}},
		Assumers: []audit.Assumer{{Kind: audit.KindUser, ARN: ARN("user/" + name), Groups: []string{name}}},
	}}}}}
}
