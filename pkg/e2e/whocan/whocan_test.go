package whocan

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/world"
	"github.com/eks-login/eks-login/pkg/world/worldtest"
)

// admin is the world's cluster creator (worldtest.Admin).
type admin struct{ worldtest.Admin }

func newAdmin(t *testing.T) admin { return admin{suite.NewAdmin(t)} }

// person is someone with an IAM user of their own, as an AWS profile of
// their name (the admin's is "default").
type person struct {
	*world.Person
	arn, profile string
}

func arn(resource string) string { return "arn:aws:iam::" + world.AccountID + ":" + resource }

func newPerson(t *testing.T, name, credentials string) person {
	t.Helper()
	p, err := suite.World.NewPerson(t.TempDir(), name, suite.PluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.WriteFile(".aws/credentials", credentials); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteFile(".aws/config", "[profile "+name+"]\nregion = "+world.Region+"\n"); err != nil {
		t.Fatal(err)
	}
	return person{Person: p, arn: arn("user/" + name), profile: name}
}

// userByHand makes an IAM user with a key with the AWS CLI, as the admin
// would, and hands the key to the person.
func userByHand(ctx context.Context, t *testing.T, adm admin, name string) person {
	t.Helper()
	adm.MustRun(ctx, t, "aws", "iam", "create-user", "--user-name", name)
	key := strings.Fields(adm.MustRun(ctx, t, "aws", "iam", "create-access-key", "--user-name", name, "--query", "AccessKey.[AccessKeyId,SecretAccessKey]", "--output", "text"))
	if len(key) != 2 {
		t.Fatalf("the access key of %s has %d fields", name, len(key))
	}
	return newPerson(t, name, "["+name+"]\naws_access_key_id = "+key[0]+"\naws_secret_access_key = "+key[1]+"\n")
}

// principal is an IAM role or user that a mapping lets in.
type principal struct{ arn string }

func (m principal) isRole() bool { return strings.Contains(m.arn, ":role/") }

// secret is the object every trial reads: get, as who-can asks it.
const secret = "whocan-probe"

// try mints a token as p through m with the plugin's token command (p's
// profile, and AssumeRole of m when m is a role; p's own user otherwise),
// and reads the secret in kube-system with kubectl and that token alone.
// It reports whether both worked, and what failed.
func try(ctx context.Context, t *testing.T, p person, m principal) (bool, string) {
	t.Helper()
	switch {
	case m.isRole():
		return tryToken(ctx, t, p, []string{"--profile", p.profile, "--role-arn", m.arn})
	case m.arn == p.arn:
		return tryToken(ctx, t, p, []string{"--profile", p.profile})
	}
	return false, "no credentials of " + m.arn
}

// tryToken mints a token as p with the token command's flags, and reads
// the secret in kube-system with it.
func tryToken(ctx context.Context, t *testing.T, p person, flags []string, env ...string) (bool, string) {
	t.Helper()
	runner := *p.Person
	runner.Extra = append(append([]string{}, p.Extra...), env...)
	out, err := runner.Run(ctx, "kubectl-eks_login", append([]string{"token", "--cluster-name", world.ClusterName, "--region", world.Region, "--no-cache"}, flags...)...)
	if err != nil {
		return false, "token: " + out
	}
	var cred struct{ Status struct{ Token string } }
	if err := json.Unmarshal([]byte(out), &cred); err != nil || cred.Status.Token == "" {
		t.Fatalf("the token command's output is not an ExecCredential: %v", err)
	}
	out, err = p.Run(ctx, "kubectl", "--kubeconfig", tokenKubeconfig(t, cred.Status.Token), "get", "secret", secret, "-n", "kube-system", "-o", "name")
	if err != nil {
		if !strings.Contains(out, `cannot get resource "secrets"`) {
			t.Errorf("%s: kubectl failed otherwise than Forbidden: %v\n%s", p.Name, err, out)
		}
		return false, "kubectl: " + out
	}
	return true, ""
}

// tokenKubeconfig is a kubeconfig of the cluster with token as its only
// credential (the admin's own holds a client certificate), so that the
// token stays out of command lines and errors.
func tokenKubeconfig(t *testing.T, token string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	config := `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "` + suite.World.APIServerURL + `", certificate-authority: "` + suite.World.CAFile + `"}
users:
- name: u
  user: {token: "` + token + `"}
contexts:
- name: c
  context: {cluster: c, user: u}
current-context: c
`
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// trials tries every person through every principal: "PERSON -> PRINCIPAL"
// of the ways that work.
func trials(ctx context.Context, t *testing.T, people []person, principals []principal) []string {
	t.Helper()
	var out []string
	for _, p := range people {
		for _, m := range principals {
			if ok, _ := try(ctx, t, p, m); ok {
				out = append(out, p.arn+" -> "+m.arn)
			}
		}
	}
	slices.Sort(out)
	return out
}

// answer is who-can's JSON, as much as the test reads.
type answer struct {
	People []struct {
		Person    struct{ Kind, ARN string }
		Decision  string
		Principal string
	}
}

// whoCan runs who-can get secrets -n kube-system: "PERSON -> PRINCIPAL" of
// the allowed ways, and of the conditional ones.
func whoCan(ctx context.Context, t *testing.T, adm admin) (allowed, conditional []string) {
	t.Helper()
	var a answer
	out := adm.EKSLogin(ctx, t, "who-can", "get", "secrets", "-n", "kube-system", "-o", "json")
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("who-can -o json: %v\n%s", err, out)
	}
	for _, r := range a.People {
		way := r.Person.ARN + " -> " + r.Principal
		switch r.Decision {
		case "allowed":
			allowed = append(allowed, way)
		case "conditional":
			conditional = append(conditional, way)
		default:
			t.Errorf("who-can lists %s as %s", way, r.Decision)
		}
	}
	slices.Sort(allowed)
	slices.Sort(conditional)
	t.Logf("admin$ kubectl eks-login admin who-can get secrets -n kube-system\n%s", adm.EKSLogin(ctx, t, "who-can", "get", "secrets", "-n", "kube-system"))
	return allowed, conditional
}

func same(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestWhoCanGetSecretsInKubeSystem sets up people as an admin would, with
// eks-login's grant and map, the AWS CLI and kubectl:
//   - alice and dave in Platform, which may take EKSPlatformAdmin (aws-auth,
//     group platform-admins bound to cluster-admin);
//   - bob and carol in Developers, which may take EKSDeveloper (aws-auth,
//     view: no secrets), and a RoleBinding in kube-system of bob's session's
//     username, developers:eks-login-bob, which reads secrets;
//   - carol also in SecretReaders, which may take EKSSecretReader (an access
//     entry, group secret-readers bound to a Role that reads secrets in
//     kube-system);
//   - erin, who may take EKSAuditor only with MFA (an access entry with the
//     access policy AmazonEKSAdminPolicy in kube-system, and no group);
//   - frank, mapped as himself in aws-auth, bound by name in kube-system;
//   - the admin, whose policy allows everything, and so every role that
//     trusts the account.
//
// who-can must name exactly the ways that work when tried, as each person,
// through each principal; a Deny added to dave's user removes him, and
// erin's condition shows as conditional, which MFA meets.
func TestWhoCanGetSecretsInKubeSystem(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s := setUp(ctx, t)
	t.Run("who-can names exactly the people who can", func(t *testing.T) { s.check(ctx, t) })
	t.Run("a Deny in an identity policy removes a person", func(t *testing.T) {
		s.adm.MustRun(ctx, t, "aws", "iam", "put-user-policy", "--user-name", "dave", "--policy-name", "no-platform", "--policy-document",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"`+arn("role/EKSPlatformAdmin")+`"}]}`)
		s.want = slices.DeleteFunc(s.want, func(w string) bool { return strings.HasPrefix(w, arn("user/dave")+" ") })
		s.check(ctx, t)
	})
	t.Run("a condition shows as conditional, and MFA meets it", func(t *testing.T) { s.meetCondition(ctx, t) })
	t.Run("access-report's table agrees with the trials", func(t *testing.T) {
		out := s.adm.EKSLogin(ctx, t, "access-report")
		t.Logf("admin$ kubectl eks-login admin access-report\n%s", out)
		allowed, conditional := reportRows(t, out)
		same(t, "the report's allowed ways to get secrets in kube-system", allowed, shortWays(s.want))
		same(t, "the report's conditional ways", conditional, shortWays(s.conditional))
	})
}

// scene is the world as setUp leaves it: the people, the principals the
// mappings name, and the ways (PERSON -> PRINCIPAL) that should let each
// person read the secret, unconditionally or under a condition.
type scene struct {
	adm               admin
	erin, frank       person
	auditor           string
	people            []person
	principals        []principal
	want, conditional []string
}

func setUp(ctx context.Context, t *testing.T) *scene {
	t.Helper()
	s := &scene{adm: newAdmin(t), auditor: arn("role/EKSAuditor")}
	s.adm.MustRun(ctx, t, "aws", "eks", "update-cluster-config", "--name", world.ClusterName, "--access-config", "authenticationMode=API_AND_CONFIG_MAP")
	s.adm.MustRun(ctx, t, "kubectl", "create", "secret", "generic", secret, "-n", "kube-system", "--from-literal=key=value")
	s.adm.MustRun(ctx, t, "kubectl", "create", "clusterrole", "secret-reader", "--verb=get,list", "--resource=secrets")
	s.grant(ctx, t)
	s.auditorByHand(ctx, t)
	s.frank = userByHand(ctx, t, s.adm, "frank")
	s.adm.EKSLogin(ctx, t, "map", "--mode", "configmap", "--user-arn", s.frank.arn, "--username", "frank")
	s.adm.MustRun(ctx, t, "kubectl", "create", "rolebinding", "frank-secrets", "-n", "kube-system", "--clusterrole", "secret-reader", "--user", "frank")
	// One session's filled-in name: EKSDeveloper's username is
	// developers:{{SessionName}}, and eks-login names bob's sessions
	// eks-login-bob, so bob may read secrets through it and carol may not.
	s.adm.MustRun(ctx, t, "kubectl", "create", "rolebinding", "bob-session-secrets", "-n", "kube-system", "--clusterrole", "secret-reader", "--user", "developers:eks-login-bob")

	granted, err := os.ReadFile(s.adm.Path("people-credentials"))
	if err != nil {
		t.Fatal(err)
	}
	s.people = []person{{Person: s.adm.Person, arn: arn("user/admin"), profile: "default"}, s.erin, s.frank}
	for _, name := range []string{"alice", "bob", "carol", "dave"} {
		s.people = append(s.people, newPerson(t, name, string(granted)))
	}
	s.principals = []principal{{arn("role/EKSPlatformAdmin")}, {arn("role/EKSDeveloper")}, {arn("role/EKSSecretReader")}, {s.auditor}, {s.frank.arn}}
	s.want = []string{
		arn("user/admin") + " -> " + arn("role/EKSPlatformAdmin"),
		arn("user/admin") + " -> " + arn("role/EKSSecretReader"),
		arn("user/admin") + " -> " + s.auditor,
		arn("user/alice") + " -> " + arn("role/EKSPlatformAdmin"),
		arn("user/bob") + " -> " + arn("role/EKSDeveloper"),
		arn("user/carol") + " -> " + arn("role/EKSSecretReader"),
		arn("user/dave") + " -> " + arn("role/EKSPlatformAdmin"),
		s.frank.arn + " -> " + s.frank.arn,
	}
	slices.Sort(s.want)
	s.conditional = []string{s.erin.arn + " -> " + s.auditor}
	return s
}

// grant gives Platform, Developers and SecretReaders their roles with
// eks-login, the first two in aws-auth, the third as an access entry; the
// users' keys go to one file, which each of them gets.
func (s *scene) grant(ctx context.Context, t *testing.T) {
	keys := s.adm.Path("people-credentials")
	s.adm.EKSLogin(ctx, t, "grant", "--iam-group", "Platform", "--role", "EKSPlatformAdmin", "--k8s-group", "platform-admins", "--clusterrole", "cluster-admin",
		"--user", "alice", "--user", "dave", "--create-users", "--access-key-file", keys, "--mode", "configmap")
	s.adm.EKSLogin(ctx, t, "grant", "--iam-group", "Developers", "--role", "EKSDeveloper", "--k8s-group", "developers", "--clusterrole", "view",
		"--user", "bob", "--user", "carol", "--create-users", "--access-key-file", keys, "--mode", "configmap")
	s.adm.EKSLogin(ctx, t, "grant", "--iam-group", "SecretReaders", "--role", "EKSSecretReader", "--k8s-group", "secret-readers", "--clusterrole", "secret-reader",
		"-n", "kube-system", "--user", "carol", "--mode", "api")
}

// auditorByHand makes EKSAuditor and erin with the AWS CLI: an access entry
// with AmazonEKSAdminPolicy in kube-system, which erin may take with MFA.
func (s *scene) auditorByHand(ctx context.Context, t *testing.T) {
	s.erin = userByHand(ctx, t, s.adm, "erin")
	s.adm.MustRun(ctx, t, "aws", "iam", "create-role", "--role-name", "EKSAuditor", "--assume-role-policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+arn("root")+`"},"Action":"sts:AssumeRole"}]}`)
	s.adm.MustRun(ctx, t, "aws", "iam", "put-user-policy", "--user-name", "erin", "--policy-name", "audit-with-mfa", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"`+s.auditor+`","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`)
	s.adm.MustRun(ctx, t, "aws", "eks", "create-access-entry", "--cluster-name", world.ClusterName, "--principal-arn", s.auditor, "--username", "auditor:{{SessionName}}")
	s.adm.MustRun(ctx, t, "aws", "eks", "associate-access-policy", "--cluster-name", world.ClusterName, "--principal-arn", s.auditor,
		"--policy-arn", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy", "--access-scope", "type=namespace,namespaces=kube-system")
}

// check holds who-can's answer to the trials, and both to what the setup
// means.
func (s *scene) check(ctx context.Context, t *testing.T) {
	allowed, conditional := whoCan(ctx, t, s.adm)
	tried := trials(ctx, t, s.people, s.principals)
	same(t, "who-can's allowed ways", allowed, tried)
	same(t, "the ways that work", tried, s.want)
	same(t, "who-can's conditional ways", conditional, s.conditional)
}

// meetCondition: erin's conditional way is refused without MFA, and works
// with it (the AWS CLI's AssumeRole with a code, then a token of that
// session).
func (s *scene) meetCondition(ctx context.Context, t *testing.T) {
	if ok, why := try(ctx, t, s.erin, principal{s.auditor}); ok || !strings.Contains(why, "AccessDenied") {
		t.Errorf("erin without MFA: %v %s", ok, why)
	}
	serial := s.adm.MustRun(ctx, t, "aws", "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "erin", "--outfile", s.adm.Path("erin-mfa.png"),
		"--bootstrap-method", "QRCodePNG", "--query", "VirtualMFADevice.SerialNumber", "--output", "text")
	out, err := s.erin.Run(ctx, "aws", "sts", "assume-role", "--profile", "erin", "--role-arn", s.auditor, "--role-session-name", "erin",
		"--serial-number", strings.TrimSpace(serial), "--token-code", "123456", "--query", "Credentials.[AccessKeyId,SecretAccessKey,SessionToken]", "--output", "text")
	creds := strings.Fields(out)
	if err != nil || len(creds) != 3 {
		t.Fatalf("erin's AssumeRole with MFA: %v\n%s", err, out)
	}
	if ok, why := tryToken(ctx, t, s.erin, nil, "AWS_ACCESS_KEY_ID="+creds[0], "AWS_SECRET_ACCESS_KEY="+creds[1], "AWS_SESSION_TOKEN="+creds[2]); !ok {
		t.Errorf("erin's role session with MFA: %s", why)
	}
}

// shortWays are ways as the report's table names them, sorted.
func shortWays(ways []string) []string {
	var out []string
	for _, w := range ways {
		out = append(out, shortWay(w))
	}
	slices.Sort(out)
	return out
}

// shortWay is "PERSON -> PRINCIPAL" as the report's table names them.
func shortWay(way string) string {
	p, m, _ := strings.Cut(way, " -> ")
	cut := func(s string) string { return s[strings.LastIndex(s, ":")+1:] }
	return cut(p) + " -> " + cut(m)
}

// getSecrets finds "get" on "secrets in kube-system" in a row's sensitive
// access: "get,list secrets in kube-system; create pods/exec".
var getSecrets = regexp.MustCompile(`(^|; )([a-z]+,)*get(,[a-z]+)* secrets in kube-system($|;)`)

// reportRows reads access-report's table: "PERSON -> PRINCIPAL" of the rows
// that may get secrets in kube-system, allowed and conditional.
func reportRows(t *testing.T, table string) (allowed, conditional []string) {
	t.Helper()
	lines := strings.Split(table, "\n")
	columns := regexp.MustCompile(`\s{2,}`)
	if !strings.HasPrefix(lines[0], "CLUSTER") {
		t.Fatalf("no header:\n%s", table)
	}
	for _, l := range lines[1:] {
		if l == "" {
			break // the notes follow
		}
		f := columns.Split(l, -1)
		if len(f) != 6 {
			t.Fatalf("a row of %d columns: %q", len(f), l)
		}
		person, decision, way, access := f[1], f[2], f[3], f[5]
		if !getSecrets.MatchString(access) {
			continue
		}
		steps := strings.Split(way, " → ")
		principal := steps[len(steps)-1]
		if way == "mapped as itself" {
			principal = person
		}
		row := person + " -> " + principal
		switch decision {
		case "allowed":
			allowed = append(allowed, row)
		case "conditional":
			conditional = append(conditional, row)
		}
	}
	slices.Sort(allowed)
	slices.Sort(conditional)
	return allowed, conditional
}
