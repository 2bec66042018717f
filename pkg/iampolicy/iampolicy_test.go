package iampolicy

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

const (
	account = "123456789012"
	roleARN = "arn:aws:iam::123456789012:role/EKSViewer"
)

func doc(statements ...string) *Document {
	return MustParse(`{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`)
}

func policy(name string, statements ...string) Policy {
	return Policy{Name: name, Doc: doc(statements...)}
}

// TestEvaluateDocumentedExamples: the examples of AWS's IAM User Guide
// (policy evaluation logic, NotAction, NotResource, policy variables) give
// the decisions the guide states.
func TestEvaluateDocumentedExamples(t *testing.T) {
	// "Example identity-based and resource-based policy evaluation": the
	// policy attached to user carlossalazar.
	carlos := policy("carlos",
		`{"Sid":"AllowS3ListRead","Effect":"Allow","Action":["s3:GetBucketLocation","s3:GetAccountPublicAccessBlock","s3:ListAccessPoints","s3:ListAllMyBuckets"],"Resource":"arn:aws:s3:::*"}`,
		`{"Sid":"AllowS3Self","Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*","arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar"]}`,
		`{"Sid":"DenyS3Logs","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*log*"}`)
	// "NotAction with Allow": everything of S3 but deleting a bucket; and
	// everything but IAM.
	notDeleteBucket := policy("not-delete-bucket", `{"Effect":"Allow","NotAction":"s3:DeleteBucket","Resource":"arn:aws:s3:::*"}`)
	notIAM := policy("not-iam", `{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`)
	// "NotAction with Deny": deny everything but IAM without MFA.
	denyWithoutMFA := policy("deny-without-mfa", `{"Sid":"DenyAllUsersNotUsingMFA","Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}`)
	// "NotResource": group HRPayroll may touch no S3 resource but Payroll.
	hrPayroll := policy("hr-payroll", `{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::HRBucket/Payroll","arn:aws:s3:::HRBucket/Payroll/*"]}`)
	s3All := policy("s3-all", `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)
	// "IAM policy elements: Variables and tags": a home folder per user.
	home := policy("home", `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"}`)
	tagged := policy("tagged", `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/${aws:PrincipalTag/team}/*"}`)

	carlosVars := map[string]string{"aws:username": "carlossalazar"}
	for _, tc := range []struct {
		name     string
		policies []Policy
		req      Request
		want     Decision
	}{
		{"an explicit deny overrides an allow of the same policy", []Policy{carlos}, Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/file.txt"}, Denied},
		{"his own bucket", []Policy{carlos}, Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/file.txt"}, Allowed},
		{"listing every bucket", []Policy{carlos}, Request{Action: "s3:ListAllMyBuckets", Resource: "arn:aws:s3:::anything"}, Allowed},
		{"someone else's bucket is an implicit deny", []Policy{carlos}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::other/file"}, NotAllowed},
		{"actions are not case-sensitive", []Policy{carlos}, Request{Action: "S3:PUTOBJECT", Resource: "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/x"}, Allowed},
		{"resources are case-sensitive", []Policy{carlos}, Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::AMZN-S3-DEMO-BUCKET-CARLOSSALAZAR/x"}, NotAllowed},
		{"NotAction allows what it does not list", []Policy{notDeleteBucket}, Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k"}, Allowed},
		{"NotAction does not allow what it lists", []Policy{notDeleteBucket}, Request{Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::b"}, NotAllowed},
		{"NotAction with Resource allows no other service's resources", []Policy{notDeleteBucket}, Request{Action: "sts:AssumeRole", Resource: roleARN}, NotAllowed},
		{"everything but IAM takes in sts:AssumeRole", []Policy{notIAM}, Request{Action: "sts:AssumeRole", Resource: roleARN}, Allowed},
		{"everything but IAM leaves IAM out", []Policy{notIAM}, Request{Action: "iam:CreateUser", Resource: "*"}, NotAllowed},
		{"a deny under a condition makes an allow conditional", []Policy{notIAM, denyWithoutMFA}, Request{Action: "sts:AssumeRole", Resource: roleARN}, Conditional},
		{"a deny under a condition does not touch what it leaves out", []Policy{s3All, denyWithoutMFA}, Request{Action: "iam:ListUsers", Resource: "*"}, NotAllowed},
		{"NotResource denies outside the list", []Policy{s3All, hrPayroll}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::HRBucket/Salaries/x"}, Denied},
		{"NotResource spares the list", []Policy{s3All, hrPayroll}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::HRBucket/Payroll/x"}, Allowed},
		{"NotResource alone grants nothing", []Policy{hrPayroll}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::HRBucket/Payroll/x"}, NotAllowed},
		{"a known policy variable", []Policy{home}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/home/carlossalazar/f", Vars: carlosVars}, Allowed},
		{"a known policy variable names only its value", []Policy{home}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/home/someone/f", Vars: carlosVars}, NotAllowed},
		{"an unknown policy variable is not guessed", []Policy{tagged}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/red/f"}, Conditional},
		{"no policy", nil, Request{Action: "sts:AssumeRole", Resource: roleARN}, NotAllowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Evaluate(tc.policies, tc.req).Decision(); got != tc.want {
				t.Errorf("%s on %s: %s, want %s", tc.req.Action, tc.req.Resource, got, tc.want)
			}
		})
	}
}

var (
	alice = Principal{ARN: "arn:aws:iam::123456789012:user/alice", ID: "AIDAALICE", Account: account}
	ci    = Principal{ARN: "arn:aws:iam::123456789012:role/ci/Runner", ID: "AROARUNNER", Account: account}
)

func trust(statements ...string) Policy { return policy("trust policy of EKSViewer", statements...) }

const (
	rootTrust  = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}`
	allowRole  = `{"Sid":"AssumeViewer","Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/EKSViewer"}`
	allowAll   = `{"Effect":"Allow","Action":"*","Resource":"*"}`
	denyAssume = `{"Sid":"NoViewer","Effect":"Deny","Action":"sts:Assume*","Resource":"arn:aws:iam::123456789012:role/EKS*"}`
)

// TestCanAssume: the role's trust policy and the subject's identity
// policies, as AWS decides AssumeRole within one account.
func TestCanAssume(t *testing.T) {
	for _, tc := range []struct {
		name     string
		subject  Subject
		trust    Policy
		want     Decision
		allowing string // the statements the decision rests on
	}{
		{"the account in the trust policy defers to the identity policy", Subject{Principal: alice, Identity: []Policy{policy("group Developers: assume", allowRole)}}, trust(rootTrust), Allowed, "trust policy of EKSViewer, group Developers: assume"},
		{"the account alone lets no one in", Subject{Principal: alice}, trust(rootTrust), NotAllowed, ""},
		{"the account ID stands for its root", Subject{Principal: alice, Identity: []Policy{policy("p", allowRole)}}, trust(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}`), Allowed, "trust policy of EKSViewer, p"},
		{"naming the user is enough within the account", Subject{Principal: alice}, trust(`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:user/bob","arn:aws:iam::123456789012:user/alice"]},"Action":"sts:AssumeRole"}`), Allowed, "trust policy of EKSViewer"},
		{"a user named by its unique ID", Subject{Principal: alice}, trust(`{"Effect":"Allow","Principal":{"AWS":"AIDAALICE"},"Action":"sts:AssumeRole"}`), Allowed, "trust policy of EKSViewer"},
		{"a role named with its path", Subject{Principal: ci}, trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/ci/Runner"},"Action":"sts:AssumeRole"}`), Allowed, "trust policy of EKSViewer"},
		{"any session of the role", Subject{Principal: ci}, trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/Runner/*"},"Action":"sts:AssumeRole"}`), Allowed, "trust policy of EKSViewer"},
		{"one session of the role depends on its name", Subject{Principal: ci}, trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/Runner/deploy"},"Action":"sts:AssumeRole"}`), Conditional, "trust policy of EKSViewer"},
		{"everyone", Subject{Principal: alice}, trust(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`), Allowed, "trust policy of EKSViewer"},
		{"a wildcard principal", Subject{Principal: alice}, trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/a*"},"Action":"sts:AssumeRole"}`), Allowed, "trust policy of EKSViewer"},
		{"principals are case-sensitive", Subject{Principal: alice}, trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/ALICE"},"Action":"sts:AssumeRole"}`), NotAllowed, ""},
		{"a trust policy naming someone else", Subject{Principal: alice, Identity: []Policy{policy("p", allowAll)}}, trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"sts:AssumeRole"}`), NotAllowed, ""},
		{"another account's root", Subject{Principal: alice, Identity: []Policy{policy("p", allowAll)}}, trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sts:AssumeRole"}`), NotAllowed, ""},
		{"a service principal", Subject{Principal: alice, Identity: []Policy{policy("p", allowAll)}}, trust(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`), NotAllowed, ""},
		{"a trust policy for another action", Subject{Principal: alice, Identity: []Policy{policy("p", allowAll)}}, trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:TagSession"}`), NotAllowed, ""},
		{"an explicit deny in an identity policy wins over the trust policy", Subject{Principal: alice, Identity: []Policy{policy("p", allowRole), policy("deny", denyAssume)}}, trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}`), Denied, ""},
		{"an explicit deny in the trust policy", Subject{Principal: alice, Identity: []Policy{policy("p", allowRole)}}, trust(rootTrust, `{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}`), Denied, ""},
		{"a deny of the whole account", Subject{Principal: alice}, trust(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`, `{"Effect":"Deny","Principal":{"AWS":"123456789012"},"Action":"sts:*"}`), Denied, ""},
		{"NotPrincipal in a deny spares whom it names", Subject{Principal: alice, Identity: []Policy{policy("p", allowRole)}}, trust(rootTrust, `{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::123456789012:user/alice","arn:aws:iam::123456789012:root"]},"Action":"sts:AssumeRole"}`), Allowed, "trust policy of EKSViewer, p"},
		{"NotPrincipal in a deny takes in whom it does not name", Subject{Principal: alice, Identity: []Policy{policy("p", allowRole)}}, trust(rootTrust, `{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::123456789012:user/bob","arn:aws:iam::123456789012:root"]},"Action":"sts:AssumeRole"}`), Denied, ""},
		{"a condition in the identity policy", Subject{Principal: alice, Identity: []Policy{policy("p", `{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`)}}, trust(rootTrust), Conditional, "trust policy of EKSViewer, p"},
		{"a condition in the trust policy", Subject{Principal: alice, Identity: []Policy{policy("p", allowRole)}}, trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}`), Conditional, "trust policy of EKSViewer, p"},
		{"an empty condition is none", Subject{Principal: alice, Identity: []Policy{policy("p", allowRole)}}, trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{}}`), Allowed, "trust policy of EKSViewer, p"},
		{"a conditional deny makes a direct allow conditional", Subject{Principal: alice, Identity: []Policy{policy("p", `{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}`)}}, trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}`), Conditional, "trust policy of EKSViewer"},
		{"an unconditional path beats a conditional one", Subject{Principal: alice, Identity: []Policy{policy("p", allowRole)}}, trust(rootTrust, `{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}`), Allowed, "trust policy of EKSViewer, trust policy of EKSViewer, p"},
		{"the permissions boundary must allow too", Subject{Principal: alice, Identity: []Policy{policy("p", allowAll)}, Boundary: &Policy{Name: "boundary", Doc: doc(`{"Effect":"Allow","Action":"eks:*","Resource":"*"}`)}}, trust(rootTrust), NotAllowed, ""},
		{"even for a principal the trust policy names", Subject{Principal: alice, Boundary: &Policy{Name: "boundary", Doc: doc(`{"Effect":"Allow","Action":"eks:*","Resource":"*"}`)}}, trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}`), NotAllowed, ""},
		{"a boundary that allows", Subject{Principal: alice, Identity: []Policy{policy("p", allowRole)}, Boundary: &Policy{Name: "boundary", Doc: doc(`{"Effect":"Allow","Action":"sts:*","Resource":"*"}`)}}, trust(rootTrust), Allowed, "trust policy of EKSViewer, p, boundary"},
		{"a role's resource names another role", Subject{Principal: alice, Identity: []Policy{policy("p", `{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/EKSAdmin"}`)}}, trust(rootTrust), NotAllowed, ""},
		{"a resource wildcard", Subject{Principal: alice, Identity: []Policy{policy("p", `{"Effect":"Allow","Action":"sts:*","Resource":"arn:aws:iam::123456789012:role/EKS?iewer"}`)}}, trust(rootTrust), Allowed, "trust policy of EKSViewer, p"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := CanAssume(tc.subject, roleARN, tc.trust)
			if v.Decision != tc.want {
				t.Fatalf("decision %s, want %s (%+v)", v.Decision, tc.want, v)
			}
			var names []string
			if v.Decision == Allowed || v.Decision == Conditional {
				for _, m := range v.Allowing() {
					names = append(names, m.Policy)
				}
			}
			if got := strings.Join(names, ", "); got != tc.allowing {
				t.Errorf("allowing %q, want %q", got, tc.allowing)
			}
		})
	}
}

// TestParse: string-or-list elements, one statement or many, the
// URL-encoded form IAM's API returns, and errors that name the place.
func TestParse(t *testing.T) {
	d, err := Parse(url.PathEscape(`{"Version":"2012-10-17","Statement":{"Sid":"One","Effect":"Allow","Action":"sts:AssumeRole","Resource":["a","b"],"Principal":{"AWS":"x","Service":["s1","s2"]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	s := d.Statement[0]
	if len(d.Statement) != 1 || s.Sid != "One" || strings.Join(s.Action, ",") != "sts:AssumeRole" || strings.Join(s.Resource, ",") != "a,b" ||
		strings.Join(s.Principal["AWS"], ",") != "x" || strings.Join(s.Principal["Service"], ",") != "s1,s2" {
		t.Errorf("parsed %+v", d)
	}
	if d := MustParse(`{"Statement":[{"Effect":"Deny","Principal":"*","NotAction":[]}]}`); d.Statement[0].Principal["*"] == nil || d.Statement[0].NotAction == nil {
		t.Errorf("star principal and empty NotAction: %+v", d.Statement[0])
	}
	for _, tc := range []struct{ doc, want string }{
		{`not json`, "not JSON"},
		{`{"Statement":[{"Effect":"allow"}]}`, `statement 1: Effect must be Allow or Deny, not "allow"`},
		{`{"Statement":[{"Sid":"S","Effect":"Allow","Action":3}]}`, "expected a string or a list of strings"},
		{`{"Statement":[{"Sid":"S","Effect":"Allow","Principal":"alice"}]}`, `S: Principal: a principal given as a string must be "*", not "alice"`},
	} {
		if _, err := Parse(tc.doc); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%s): %v, want %q", tc.doc, err, tc.want)
		}
	}
}

// TestExternals: principals beyond the account's own users and roles.
func TestExternals(t *testing.T) {
	tr := trust(
		`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com","AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::210987654321:root"]},"Action":"sts:AssumeRole"}`,
		`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.example"},"Action":"sts:AssumeRoleWithWebIdentity"}`,
		`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}`,
		`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sts:AssumeRole"}`,
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}`)
	b, _ := json.Marshal(Externals(tr, "sts:AssumeRole", account))
	if want := `[{"type":"AWS","value":"*","decision":"conditional"},{"type":"Service","value":"ec2.amazonaws.com","decision":"allowed"}]`; string(b) != want {
		t.Errorf("externals %s, want %s", b, want)
	}
}

// TestGlob: the wildcards, and no blow-up on many stars.
func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true}, {"a*", "abc", true}, {"*c", "abc", true}, {"a?c", "abc", true}, {"a?c", "ac", false},
		{"a*b*c", "axxbyyc", true}, {"a*b*c", "axxbyy", false}, {"**", "x", true}, {"abc", "abd", false},
		{strings.Repeat("*a", 30) + "b", strings.Repeat("a", 60), false},
	} {
		if got := Glob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("Glob(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}
