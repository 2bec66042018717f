package accesscode

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/world"
	"github.com/eks-login/eks-login/pkg/world/worldtest"
)

// A person's access on a cluster is checked with kubectl auth can-i, as
// that person, for each of these.
type check struct{ verb, resource, namespace string }

var checks = []check{
	{"list", "pods", ""}, // every namespace
	{"create", "deployments", "default"},
	{"create", "deployments", "data"},
	{"create", "deployments", "data-staging"},
}

// allowed is, per person and cluster, the checks that must say yes; every
// other check must not.
type allowed map[string]map[string][]check

var (
	viewer   = []check{checks[0]}
	editor   = checks
	dataOnly = []check{checks[2]}
	dataBoth = []check{checks[2], checks[3]}
)

const mine, analytics = world.ClusterName, world.SecondClusterName

// step1 is what teams.yaml declares.
var step1 = allowed{
	"ac-dev1":  {mine: viewer, analytics: viewer},
	"ac-dev2":  {mine: viewer, analytics: viewer},
	"ac-ops1":  {mine: editor},
	"ac-data1": {analytics: dataOnly},
}

// step2 is what teams-changed.yaml declares: ac-dev2 left, operations gone,
// data-staging added.
var step2 = allowed{
	"ac-dev1":  {mine: viewer, analytics: viewer},
	"ac-data1": {analytics: dataBoth},
}

// people and the role of their team.
var people = map[string]string{"ac-dev1": "AcDeveloper", "ac-dev2": "AcDeveloper", "ac-ops1": "AcOperator", "ac-data1": "AcDataEditor"}

// TestAccessAsCode: a three-team access file across two clusters applied
// from nothing (while IAM is slow to show new roles to EKS), re-applied
// with no change, a hand change put back, then changed with --prune; after
// each step every person has exactly the declared access on each cluster.
// Export then diff shows no drift; a hand edit of aws-auth shows as drift,
// and apply --prune leaves it alone.
func TestAccessAsCode(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	w := suite.World
	admin := newAdmin(ctx, t)
	for _, ns := range []string{"data", "data-staging"} {
		admin.must(ctx, t, "kubectl", "--context", analytics, "create", "namespace", ns)
	}
	persons := newPeople(ctx, t)

	// IAM's eventual consistency: EKS sees a new role only 6 s later, longer
	// than the IAM half of the apply takes even on a loaded machine, so the
	// first access entry (the developers') meets it.
	if err := w.AWS.SetIAMPropagationDelay(ctx, 6*time.Second); err != nil {
		t.Fatal(err)
	}
	out := admin.apply(ctx, t, "teams.yaml")
	w.AWS.SetIAMPropagationDelay(ctx, 0)
	for _, want := range []string{"+ IAM role AcDeveloper", "+ IAM group AcData", "~ IAM group AcDevelopers (add member ac-dev2)",
		"+ EKS access entry " + roleARN("AcDataEditor") + " on cluster analytics", "+ RoleBinding data/ac-data-edit",
		"+ ClusterRoleBinding ac-operators-edit", "~ ConfigMap kube-system/aws-auth", "cluster analytics (ap-northeast-2, access-entry):\n", "EKS does not see role " + roleARN("AcDeveloper") + " yet"} {
		if !strings.Contains(out, want) {
			t.Errorf("the first apply's output lacks %q:\n%s", want, out)
		}
	}
	checkAccess(ctx, t, persons, step1)

	out = admin.apply(ctx, t, "teams.yaml")
	if !strings.Contains(out, "Plan: 0 to create, 0 to update, 0 to delete.") {
		t.Errorf("a second apply plans changes:\n%s", out)
	}

	// A binding changed by hand is put back.
	admin.must(ctx, t, "kubectl", "--context", mine, "patch", "clusterrolebinding", "ac-operators-edit", "--type", "json",
		"-p", `[{"op":"replace","path":"/subjects/0/name","value":"someone-else"}]`)
	out = admin.apply(ctx, t, "teams.yaml")
	if !strings.Contains(out, "~ ClusterRoleBinding ac-operators-edit") || !strings.Contains(out, "-  name: someone-else") {
		t.Errorf("apply does not put the binding back:\n%s", out)
	}
	checkAccess(ctx, t, persons, step1)

	out = admin.apply(ctx, t, "teams-changed.yaml", "--prune")
	for _, want := range []string{"- IAM role AcOperator", "- IAM group AcOperations", "- ClusterRoleBinding ac-operators-edit",
		"~ IAM group AcDevelopers (remove member ac-dev2", "+ RoleBinding data-staging/ac-data-edit"} {
		if !strings.Contains(out, want) {
			t.Errorf("the pruning apply's output lacks %q:\n%s", want, out)
		}
	}
	checkAccess(ctx, t, persons, step2)
	if _, err := iam.NewFromConfig(w.AdminAWSConfig()).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("AcOperator")}); err == nil {
		t.Error("the operations team's role outlived --prune")
	}
	if out := admin.apply(ctx, t, "teams-changed.yaml", "--prune"); !strings.Contains(out, "Plan: 0 to create, 0 to update, 0 to delete.") {
		t.Errorf("a second pruning apply plans changes:\n%s", out)
	}
	// One cluster of the file, through a context given on the command line.
	out = admin.apply(ctx, t, "teams-changed.yaml", "--cluster", world.SecondClusterARN, "--context", analytics, "--dry-run")
	if !strings.Contains(out, "cluster analytics (ap-northeast-2, access-entry): no changes") || strings.Contains(out, "cluster my-example") {
		t.Errorf("apply --cluster analytics:\n%s", out)
	}
	exportAndDiff(ctx, t, admin)
}

// exportAndDiff: the export of the clusters plans nothing and shows no
// drift; a mapping added to aws-auth by hand is drift (exit 1) that apply
// --prune leaves alone.
func exportAndDiff(ctx context.Context, t *testing.T, admin *person) {
	exported, err := admin.Run(ctx, "kubectl", "eks-login", "admin", "export", "-f", testdata("teams-changed.yaml"))
	if err != nil {
		t.Fatalf("export: %v\n%s", err, exported)
	}
	yaml, _, _ := strings.Cut(exported, "\nnote: ") // notes go to stderr, after the file
	if err := admin.WriteFile("exported.yaml", yaml); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{admin.Path("exported.yaml"), testdata("teams-changed.yaml")} {
		if out, err := admin.Run(ctx, "kubectl", "eks-login", "admin", "diff", "-f", f); err != nil || !strings.Contains(out, "No drift") {
			t.Errorf("diff -f %s: %v\n%s\nexported:\n%s", filepath.Base(f), err, out, exported)
		}
	}
	if out := admin.applyPath(ctx, t, admin.Path("exported.yaml"), "--prune", "--dry-run"); !strings.Contains(out, "Plan: 0 to create, 0 to update, 0 to delete.") {
		t.Errorf("applying the exported file plans changes:\n%s\nexported:\n%s", out, exported)
	}

	byHand := "arn:aws:iam::" + world.AccountID + ":role/AddedByHand"
	cm, err := suite.World.Kubectl(ctx, "get", "configmap", "aws-auth", "-n", "kube-system", "-o", "jsonpath={.data.mapRoles}")
	if err != nil {
		t.Fatal(err)
	}
	patch := fmt.Sprintf(`{"data":{"mapRoles":%q}}`, cm+"- rolearn: "+byHand+"\n  username: by-hand\n  groups:\n  - by-hand\n")
	if _, err := suite.World.Kubectl(ctx, "patch", "configmap", "aws-auth", "-n", "kube-system", "--type", "merge", "-p", patch); err != nil {
		t.Fatal(err)
	}
	out, err := admin.Run(ctx, "kubectl", "eks-login", "admin", "diff", "-f", testdata("teams-changed.yaml"))
	if code := worldtest.ExitCode(err); code != 1 || !strings.Contains(out, byHand) || !strings.Contains(out, "added by hand") {
		t.Errorf("diff after a hand edit of aws-auth: exit %d, want 1 and the mapping named:\n%s", code, out)
	}
	admin.apply(ctx, t, "teams-changed.yaml", "--prune")
	if cm, _ := suite.World.Kubectl(ctx, "get", "configmap", "aws-auth", "-n", "kube-system", "-o", "jsonpath={.data.mapRoles}"); !strings.Contains(cm, byHand) {
		t.Errorf("apply --prune removed a mapping added by hand:\n%s", cm)
	}
}

func roleARN(role string) string { return "arn:aws:iam::" + world.AccountID + ":role/" + role }

func testdata(name string) string {
	abs, _ := filepath.Abs(filepath.Join("testdata", name))
	return abs
}

// person is someone at a terminal in the world.
type person struct{ *world.Person }

func (p *person) must(ctx context.Context, t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := p.Run(ctx, name, args...)
	if err != nil {
		t.Fatalf("%s: %v\n%s", p.Name, err, out)
	}
	return out
}

func (p *person) apply(ctx context.Context, t *testing.T, file string, args ...string) string {
	t.Helper()
	return p.applyPath(ctx, t, testdata(file), args...)
}

func (p *person) applyPath(ctx context.Context, t *testing.T, file string, args ...string) string {
	t.Helper()
	start := time.Now()
	out := p.must(ctx, t, "kubectl", append([]string{"eks-login", "admin", "apply", "-f", file}, args...)...)
	t.Logf("admin apply -f %s %s: %v", filepath.Base(file), strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	return out
}

// newAdmin is the clusters' creator: the world's admin keys, and a
// kubeconfig whose contexts are named after the two clusters, as login
// names them, with system:masters access to each.
func newAdmin(ctx context.Context, t *testing.T) *person {
	w := suite.World
	p, err := w.NewAdmin(t.TempDir(), suite.PluginDir(t))
	if err != nil {
		t.Fatal(err)
	}
	var clusters, contexts strings.Builder
	for name, server := range map[string]string{mine: w.APIServerURL, analytics: w.SecondAPIServerURL()} {
		fmt.Fprintf(&clusters, "- name: %s\n  cluster:\n    server: %s\n    certificate-authority: %s\n", name, server, w.CAFile)
		fmt.Fprintf(&contexts, "- name: %s\n  context:\n    cluster: %s\n    user: admin\n", name, name)
	}
	kubeconfig := "apiVersion: v1\nkind: Config\nclusters:\n" + clusters.String() + "users:\n- name: admin\n  user:\n    client-certificate: " + w.AdminCertFile +
		"\n    client-key: " + w.AdminKeyFile + "\ncontexts:\n" + contexts.String() + "current-context: " + mine + "\n"
	if err := p.WriteFile(".kube/config", kubeconfig); err != nil {
		t.Fatal(err)
	}
	return &person{p}
}

// newPeople makes each person's IAM user with a key, a profile taking their
// team's role, and a kubeconfig with a context for each cluster whose
// token comes from eks-login without its cache, so that a change of IAM
// shows at once.
func newPeople(ctx context.Context, t *testing.T) map[string]*person {
	w := suite.World
	im := iam.NewFromConfig(w.AdminAWSConfig())
	out := map[string]*person{}
	for name, role := range people {
		if _, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
		key, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		p, err := w.NewPerson(t.TempDir(), name, suite.PluginDir(t))
		if err != nil {
			t.Fatal(err)
		}
		creds := fmt.Sprintf("[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n", name, aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey))
		config := fmt.Sprintf("[profile %s]\nregion = %s\n[profile %s-eks]\nrole_arn = %s\nsource_profile = %s\nregion = %s\n", name, world.Region, name, roleARN(role), name, world.Region)
		if err := errors.Join(p.WriteFile(".aws/credentials", creds), p.WriteFile(".aws/config", config), p.WriteFile(".kube/config", personKubeconfig(name))); err != nil {
			t.Fatal(err)
		}
		out[name] = &person{p}
	}
	return out
}

func personKubeconfig(name string) string {
	w := suite.World
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Config\nclusters:\n")
	servers := map[string]string{mine: w.APIServerURL, analytics: w.SecondAPIServerURL()}
	for _, c := range []string{mine, analytics} {
		fmt.Fprintf(&b, "- name: %s\n  cluster:\n    server: %s\n    certificate-authority: %s\n", c, servers[c], w.CAFile)
	}
	b.WriteString("users:\n")
	for _, c := range []string{mine, analytics} {
		fmt.Fprintf(&b, "- name: %s\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: kubectl-eks_login\n"+
			"      args: [token, --cluster-name, %s, --profile, %s-eks, --region, %s, --no-cache]\n      interactiveMode: Never\n", c, c, name, world.Region)
	}
	b.WriteString("contexts:\n")
	for _, c := range []string{mine, analytics} {
		fmt.Fprintf(&b, "- name: %s\n  context:\n    cluster: %s\n    user: %s\n", c, c, c)
	}
	return b.String()
}

// checkAccess asks, as every person on every cluster, each check, until
// the answers are exactly the declared ones (aws-iam-authenticator reads
// aws-auth through a watch, so a change reaches it a moment later) or
// fifteen seconds pass.
func checkAccess(ctx context.Context, t *testing.T, persons map[string]*person, want allowed) {
	t.Helper()
	for _, name := range slices.Sorted(mapsKeys(persons)) {
		p := persons[name]
		for _, cluster := range []string{mine, analytics} {
			out, err := worldtest.Eventually(ctx, func() (string, error) { return p.mismatches(ctx, cluster, want[name][cluster]) },
				func(err error) bool { return err == nil })
			if err != nil {
				t.Errorf("%s on %s: %v\n%s", name, cluster, err, out)
			}
		}
	}
}

// mismatches asks each check and reports those whose answer differs.
func (p *person) mismatches(ctx context.Context, cluster string, yes []check) (string, error) {
	var wrong []string
	var outs strings.Builder
	for _, c := range checks {
		args := []string{"--context", cluster, "auth", "can-i", c.verb, c.resource}
		if c.namespace == "" {
			args = append(args, "--all-namespaces")
		} else {
			args = append(args, "-n", c.namespace)
		}
		out, err := p.Run(ctx, "kubectl", args...)
		got := err == nil && strings.TrimSpace(out) == "yes"
		if want := slices.Contains(yes, c); got != want {
			wrong = append(wrong, fmt.Sprintf("%s %s in %q: got %v, want %v", c.verb, c.resource, c.namespace, got, want))
			fmt.Fprintf(&outs, "kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	if len(wrong) > 0 {
		return outs.String(), errors.New(strings.Join(wrong, "; "))
	}
	return "", nil
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
