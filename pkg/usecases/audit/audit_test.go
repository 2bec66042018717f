package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/httpmock"
	"github.com/eks-login/eks-login/pkg/iampolicy"
	"github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
	"github.com/eks-login/eks-login/pkg/usecases/audit"
	"github.com/eks-login/eks-login/pkg/usecases/audit/audittest"
)

func sensitive(t *testing.T) []audit.Check {
	t.Helper()
	var checks []audit.Check
	for _, s := range audit.DefaultSensitive {
		it, err := audit.ParseItem(s)
		if err != nil {
			t.Fatal(err)
		}
		checks = append(checks, it.Checks()...)
	}
	return checks
}

func run(t *testing.T, checks []audit.Check) (*audit.Audit, *audittest.Fixture) {
	t.Helper()
	f := audittest.New(t)
	a, err := f.Auditor().Run(context.Background(), checks)
	if err != nil {
		t.Fatal(err)
	}
	return a, f
}

// who lists a who-can answer as "PERSON DECISION PRINCIPAL".
func who(a *audit.Audit) []string {
	var out []string
	for _, r := range a.Who(0) {
		out = append(out, fmt.Sprintf("%s %s %s", r.Person.Short(), r.Decision, r.Principal))
	}
	return out
}

// TestWhoCanGetSecretsInKubeSystem: the people who may, through which
// mapping: alice through her group's role; frank mapped as himself; erin
// only under her policy's MFA condition, through the access entry's access
// policy (which the authorizer finds by the role's unique ID). dave's own
// Deny removes him; bob's role may not; the Auditor's aws-auth mapping,
// whose group could, is shadowed by the access entry and counts for
// nothing.
func TestWhoCanGetSecretsInKubeSystem(t *testing.T) {
	a, _ := run(t, []audit.Check{{Verb: "get", Resource: "secrets", Namespace: "kube-system"}})
	want := []string{
		"user/alice allowed " + audittest.ARN("role/PlatformAdmin"),
		"user/frank allowed " + audittest.ARN("user/frank"),
		"user/erin conditional " + audittest.ARN("role/audit/Auditor"),
	}
	if got := who(a); !slices.Equal(got, want) {
		t.Errorf("who can get secrets in kube-system:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestReviewsCarryTheAuthenticatorsUser: every review names the user,
// groups (with system:authenticated), UID and extra that
// aws-iam-authenticator gives the principal's sessions.
func TestReviewsCarryTheAuthenticatorsUser(t *testing.T) {
	_, f := run(t, []audit.Check{{Verb: "get", Resource: "secrets", Namespace: "kube-system"}})
	auditor := map[string]string{}
	for _, r := range f.Reviews {
		if strings.HasPrefix(r.User, "auditor:") {
			b, _ := json.Marshal(r)
			auditor[r.User] = string(b)
		}
	}
	// As mapped, and as erin's eks-login session fills it in.
	for _, session := range []string{"{{SessionName}}", "eks-login-erin"} {
		want := `{"resourceAttributes":{"namespace":"kube-system","verb":"get","resource":"secrets"},"user":"auditor:` + session + `","groups":["system:authenticated"],` +
			`"extra":{"arn":["arn:aws:sts::123456789012:assumed-role/Auditor/` + session + `"],"canonicalArn":["arn:aws:iam::123456789012:role/Auditor"],"principalId":["AROAAUDITOR"],"sessionName":["` + session + `"]},` +
			`"uid":"aws-iam-authenticator:123456789012:AROAAUDITOR"}`
		if got := auditor["auditor:"+session]; got != want {
			t.Errorf("the Auditor's review as %s:\n%s\nwant:\n%s", session, got, want)
		}
	}
	// One review per active mapping: the node role, PlatformAdmin,
	// Developer, frank, and the two access entries; none for the shadowed
	// aws-auth mapping of the Auditor. And one per person for a username
	// naming the session: alice's of PlatformAdmin, erin's of the Auditor,
	// cibot's of Deployer.
	if len(f.Reviews) != 9 {
		t.Errorf("%d reviews, want 9", len(f.Reviews))
	}
}

// TestSessionNamesFilled: a username naming the session is asked about as
// each person's eks-login session fills it in, so a binding of one
// filled-in name counts for that person alone; the note on templates
// narrows to the sessions eks-login does not name.
func TestSessionNamesFilled(t *testing.T) {
	check := []audit.Check{{Verb: "get", Resource: "secrets", Namespace: "team-a"}}
	tests := []struct {
		name     string
		username string
		forward  bool
		want     []string
	}{
		{name: "eks-login's session names", username: "platform:{{SessionName}}",
			want: []string{"user/alice platform:eks-login-alice " + `RBAC: allowed by RoleBinding "alice/team-a" of ClusterRole "view" to User "platform:eks-login-alice"`}},
		{name: "forwarded session names", username: "platform:{{SessionName}}", forward: true,
			want: []string{"user/bob platform:bob " + `RBAC: allowed by RoleBinding "bob/team-a" of ClusterRole "view" to User "platform:bob"`}},
		{name: "raw session name", username: "platform:{{SessionNameRaw}}", forward: true,
			want: []string{"user/bob platform:bob " + `RBAC: allowed by RoleBinding "bob/team-a" of ClusterRole "view" to User "platform:bob"`}},
		{name: "account and session", username: "{{AccountID}}:{{SessionName}}",
			want: []string{"user/alice 123456789012:eks-login-alice " + `RBAC: allowed by RoleBinding "alice-by-account/team-a" of ClusterRole "view" to User "123456789012:eks-login-alice"`}},
		{name: "access key", username: "platform:{{AccessKeyID}}", forward: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := audittest.New(t)
			f.Kube.Put(admintest.AWSAuthPath, admintest.ConfigMap(map[string]any{"mapRoles": "" +
				"- rolearn: " + audittest.ARN("role/PlatformAdmin") + "\n  username: \"" + tt.username + "\"\n" +
				"- rolearn: " + audittest.ARN("role/Developer") + "\n  username: \"" + tt.username + "\"\n"}))
			auditor := f.Auditor()
			auditor.ForwardSessionName = tt.forward
			a, err := auditor.Run(context.Background(), check)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range a.Who(0) {
				got = append(got, fmt.Sprintf("%s %s %s", r.Person.Short(), r.Identity, a.Answers(r)[0].Reason))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("who can get secrets in team-a:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestSessionNotes: the people whose sessions eks-login names get the
// filled-in identity and a note saying so; the federated principal, whose
// session is named by whoever opens it, keeps the template and the note
// that it was asked about as written.
func TestSessionNotes(t *testing.T) {
	a, _ := run(t, []audit.Check{{Verb: "create", Resource: "pods", Subresource: "exec"}})
	identities := map[string]string{}
	var templated []string
	for _, r := range a.Reaches() {
		if r.Person != nil && r.Principal == audittest.ARN("role/Deployer") {
			identities[r.Person.Short()] = r.Identity.Username
		}
		if r.Identity.Templated && r.Person != nil {
			templated = append(templated, r.Person.Short())
		}
	}
	if got, want := identities["user/cibot"], "arn:aws:sts::123456789012:assumed-role/Deployer/eks-login-cibot"; got != want {
		t.Errorf("cibot's identity: %s, want %s", got, want)
	}
	federated := "federated arn:aws:iam::123456789012:oidc-provider/token.actions.example"
	if got := identities[federated]; got != "arn:aws:sts::123456789012:assumed-role/Deployer/{{SessionName}}" {
		t.Errorf("the federated principal's identity: %s", got)
	}
	if !slices.Equal(templated, []string{federated}) {
		t.Errorf("asked about as written: %q, want only the federated principal", templated)
	}
	notes := strings.Join(a.Notes(a.Reaches()), "\n")
	for _, want := range []string{"(such as eks-login-alice for user/alice)", "usernames still holding a template were asked about as written"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}

// TestAssumers: who may become each principal, and how.
func TestAssumers(t *testing.T) {
	a, _ := run(t, []audit.Check{{Verb: "get", Resource: "pods"}})
	got := map[string][]string{}
	for _, p := range a.Clusters[0].Principals {
		for _, as := range p.Assumers {
			got[p.Short()] = append(got[p.Short()], fmt.Sprintf("%s %s groups=%v through=%v", as.Short(), as.Decision, as.Groups, as.Through))
		}
		if p.Note != "" {
			got[p.Short()] = append(got[p.Short()], "note: "+p.Note)
		}
	}
	want := map[string][]string{
		"role/MyExampleEKSNode": {"note: not a role of this account's IAM: who may assume it, and its EKS access policies (which know it by its unique ID), are not known"},
		"role/PlatformAdmin":    {"user/alice allowed groups=[Platform] through=[]"},
		"role/Developer":        {"user/bob allowed groups=[Developers] through=[]"},
		"user/frank":            {"user/frank allowed groups=[] through=[]"},
		"role/audit/Auditor":    {"user/erin conditional groups=[] through=[]"},
		"role/Deployer": {
			"user/cibot allowed groups=[] through=[" + audittest.ARN("role/CIRunner") + "]",
			"role/CIRunner allowed groups=[] through=[]",
			"federated arn:aws:iam::123456789012:oidc-provider/token.actions.example conditional groups=[] through=[" + audittest.ARN("role/CIRunner") + "]",
		},
	}
	for k, w := range want {
		if !slices.Equal(got[k], w) {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("principals %v", got)
	}
}

// TestConditionsAreNamed: a conditional verdict names the statement whose
// condition decides it.
func TestConditionsAreNamed(t *testing.T) {
	a, _ := run(t, []audit.Check{{Verb: "get", Resource: "pods"}})
	for _, p := range a.Clusters[0].Principals {
		if p.Short() == "role/audit/Auditor" {
			as := p.Assumers[0]
			if as.Decision != iampolicy.Conditional || !slices.Equal(as.Conditions, []string{"inline policy audit-with-mfa of user erin (WithMFA) under a condition"}) {
				t.Errorf("erin: %+v", as)
			}
		}
	}
}

// TestReport: the default sensitive list over every mapping, as JSON, and
// drawn as Graphviz and Mermaid graphs.
func TestReport(t *testing.T) {
	a, _ := run(t, sensitive(t))
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetIndent("", "  ")
	if err := enc.Encode(a); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "report.json", js.String())
	var dot, mermaid bytes.Buffer
	if err := a.WriteDot(&dot); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "report.dot", dot.String())
	if err := a.WriteMermaid(&mermaid); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "report.mmd", mermaid.String())
}

// TestMapAccounts: aws-auth's mapAccounts lets every user and role of the
// account in as its own ARN (a role's canonical one, without its path),
// with no group, unless a mapping of its own names it; another account's
// principals are named, not read.
func TestMapAccounts(t *testing.T) {
	f := audittest.New(t)
	f.Kube.Put(admintest.AWSAuthPath, admintest.ConfigMap(map[string]any{
		"mapRoles":    "- rolearn: " + audittest.ARN("role/PlatformAdmin") + "\n  username: platform:{{SessionName}}\n  groups: [platform-admins]\n",
		"mapAccounts": "- \"" + audittest.Account + "\"\n- \"210987654321\"\n",
	}))
	a, err := f.Auditor().Run(context.Background(), []audit.Check{{Verb: "get", Resource: "pods"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range a.Clusters[0].Principals {
		got = append(got, fmt.Sprintf("%s %s %s %d", p.Source, p.Short(), p.Identity, len(p.Assumers)))
	}
	want := []string{
		"aws-auth role/PlatformAdmin platform:{{SessionName}} (platform-admins) 1",
		"aws-auth mapAccounts user/alice " + audittest.ARN("user/alice") + " 1",
		"aws-auth mapAccounts user/bob " + audittest.ARN("user/bob") + " 1",
		"aws-auth mapAccounts user/cibot " + audittest.ARN("user/cibot") + " 1",
		"aws-auth mapAccounts user/dave " + audittest.ARN("user/dave") + " 1",
		"aws-auth mapAccounts user/erin " + audittest.ARN("user/erin") + " 1",
		"aws-auth mapAccounts user/frank " + audittest.ARN("user/frank") + " 1",
		// Deployer and Auditor have access entries of their own, and
		// PlatformAdmin a mapping.
		"aws-auth mapAccounts role/CIRunner " + audittest.ARN("role/CIRunner") + " 2",
		"aws-auth mapAccounts role/Developer " + audittest.ARN("role/Developer") + " 1",
		"aws-auth mapAccounts account 210987654321  0",
		"access-entry role/audit/Auditor auditor:{{SessionName}} [AmazonEKSAdminPolicy(kube-system)] 1",
		"access-entry role/Deployer arn:aws:sts::123456789012:assumed-role/Deployer/{{SessionName}} (deployers) 3",
	}
	if !slices.Equal(got, want) {
		t.Errorf("principals:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestIAMUnreadable: IAM's refusal is AWS's AccessDenied, with the
// permission to ask for.
func TestIAMUnreadable(t *testing.T) {
	f := admintest.New(t)
	f.Register(httpmock.AWSQuery("GetAccountAuthorizationDetails"), httpmock.AWSQueryError(http.StatusForbidden, "AccessDenied", "User: arn:aws:iam::123456789012:user/viewer is not authorized to perform: iam:GetAccountAuthorizationDetails"))
	_, err := (&audit.Auditor{IAM: f.Admin.IAM, Targets: []audit.Target{{Name: admintest.Cluster, Admin: f.Admin}}}).Run(context.Background(), nil)
	if exitcode.Of(err) != exitcode.AccessDenied || !strings.Contains(err.Error(), "iam:GetAccountAuthorizationDetails, which AWS's SecurityAudit policy allows") {
		t.Errorf("%v (exit %d)", err, exitcode.Of(err))
	}
}

// TestREADMEShowsTheGraph: the README's rendered graph is the report's
// Mermaid golden file, so it cannot drift from what the command prints.
func TestREADMEShowsTheGraph(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	graph, err := os.ReadFile("testdata/report.mmd")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```mermaid\n"+string(graph)+"```\n") {
		t.Error("README.md's mermaid block differs from testdata/report.mmd; copy the file into it")
	}
}

// TestTwoClusters: IAM is read once; each cluster answers for its own
// mappings, and the graph draws each in its own box.
func TestTwoClusters(t *testing.T) {
	f := audittest.New(t)
	other := admintest.New(t) // a second API server and EKS cluster, "staging"
	other.Kube.Put(admintest.AWSAuthPath, admintest.ConfigMap(map[string]any{
		"mapRoles": "- rolearn: " + audittest.ARN("role/PlatformAdmin") + "\n  username: platform:{{SessionName}}\n  groups: [platform-viewers]\n"}))
	other.Register(httpmock.REST("GET", "/clusters/staging"), httpmock.JSONResponse(http.StatusOK, map[string]any{
		"cluster": map[string]any{"name": "staging", "arn": "arn:aws:eks:eu-west-1:123456789012:cluster/staging", "accessConfig": map[string]any{"authenticationMode": "CONFIG_MAP"}}}))
	other.Kube.Handle("POST /apis/authorization.k8s.io/v1/subjectaccessreviews", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","status":{"allowed":false}}`)
	})
	auditor := f.Auditor()
	auditor.Targets = append(auditor.Targets, audit.Target{Name: "staging", Admin: other.Admin})
	a, err := auditor.Run(context.Background(), []audit.Check{{Verb: "get", Resource: "secrets", Namespace: "kube-system"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range a.Reaches() {
		if r.Person != nil && r.Person.Short() == "user/alice" {
			got = append(got, fmt.Sprintf("%s %s %v", r.Cluster, r.Identity, r.Allowed))
		}
	}
	want := []string{"my-example platform:eks-login-alice (platform-admins) [get secrets in kube-system]", "staging platform:eks-login-alice (platform-viewers) []"}
	if !slices.Equal(got, want) {
		t.Errorf("alice's ways: %q, want %q", got, want)
	}
	var dot bytes.Buffer
	if err := a.WriteDot(&dot); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "two-clusters.dot", dot.String())
}
