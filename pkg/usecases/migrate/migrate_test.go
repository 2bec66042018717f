package migrate_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/usecases/migrate"
	"github.com/eks-login/eks-login/pkg/usecases/migrate/migratetest"
)

const (
	account    = migratetest.Account
	cluster    = migratetest.Cluster
	nodeRole   = migratetest.NodeRole
	viewerRole = migratetest.ViewerRole
	awsAuthAt  = migratetest.AWSAuthAt
)

// seedMapRoles is aws-auth after the seed's manual recipe: the node role and
// the developers' role.
const seedMapRoles = `- groups:
  - system:bootstrappers
  - system:nodes
  rolearn: ` + nodeRole + `
  username: system:node:{{EC2PrivateDNSName}}
- groups:
  - developers
  rolearn: ` + viewerRole + `
  username: developer
`

const (
	ssoRole    = "arn:aws:iam::" + account + ":role/aws-reserved/sso.amazonaws.com/ap-northeast-2/AWSReservedSSO_Admins_0123456789abcdef"
	adminsRole = "arn:aws:iam::" + account + ":role/Admins"
)

// edgeMapRoles has every sharp edge aws-auth can hold.
const edgeMapRoles = seedMapRoles + `- rolearn: arn:aws:iam::` + account + `:role/AWSReservedSSO_Admins_0123456789abcdef
  username: sso-admin:{{SessionName}}
  groups:
  - system:masters
- rolearn: ` + adminsRole + `
  username: admin
  groups:
  - system:masters
- rolearn: arn:aws:iam::` + account + `:role/WindowsNodes
  username: system:node:{{EC2PrivateDNSName}}
  groups:
  - system:bootstrappers
  - system:nodes
  - eks:kube-proxy-windows
- rolearn: arn:aws:iam::` + account + `:role/FargatePods
  username: system:node:{{SessionName}}
  groups:
  - system:bootstrappers
  - system:nodes
  - system:node-proxier
- rolearn: arn:aws:iam::` + account + `:role/Monitoring
  username: prometheus
  groups:
  - system:monitoring
- rolearn: arn:aws:iam::` + account + `:role/Keys
  username: key:{{AccessKeyID}}
- rolearn: arn:aws:iam::` + account + `:role/teams/Platform
  username: platform
- rolearn: arn:aws:iam::` + account + `:role/Gone
  username: gone
- rolearn: arn:aws:iam::210987654321:role/Partner
  username: partner
- rolearn: arn:aws:iam::` + account + `:role/Dev*
  username: dev
- rolearn: arn:aws:iam::` + account + `:role/Twice
  username: first
- rolearn: arn:aws:iam::` + account + `:role/Twice
  username: second
`

func edgeFake(t *testing.T, mode string) *migratetest.Fake {
	f := migratetest.New(t, mode, edgeMapRoles)
	for _, name := range []string{"Admins", "WindowsNodes", "FargatePods", "Monitoring", "Keys", "Twice"} {
		f.Roles[name] = "arn:aws:iam::" + account + ":role/" + name
	}
	f.Roles["AWSReservedSSO_Admins_0123456789abcdef"] = ssoRole
	f.Users["alice"] = "arn:aws:iam::" + account + ":user/alice"
	obj := f.Kube.Object(awsAuthAt)
	obj["data"].(map[string]any)["mapUsers"] = "- userarn: arn:aws:iam::" + account + ":user/alice\n  username: alice\n  groups:\n  - developers\n" +
		"- userarn: arn:aws:iam::" + account + ":user/team lead\n  username: lead\n" +
		"- userarn: arn:aws:iam::" + account + ":user/on call/bob\n  username: bob\n"
	obj["data"].(map[string]any)["mapAccounts"] = "- \"210987654321\"\n"
	f.Kube.Put(awsAuthAt, obj)
	return f
}

func TestPlanGolden(t *testing.T) {
	tests := []struct {
		name string
		fake func(*testing.T) *migratetest.Fake
		req  migrate.Request
	}{
		{name: "seed", fake: func(t *testing.T) *migratetest.Fake { return migratetest.New(t, migrate.ModeConfigMap, seedMapRoles) }},
		{name: "seed-cleanup-to-api", fake: func(t *testing.T) *migratetest.Fake { return migratetest.New(t, migrate.ModeConfigMap, seedMapRoles) }, req: migrate.Request{Cleanup: true, ToAPI: true}},
		{name: "edges", fake: func(t *testing.T) *migratetest.Fake { return edgeFake(t, migrate.ModeConfigMap) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.fake(t)
			tt.req.Cluster = cluster
			p, err := migrate.Build(context.Background(), f.Deps(nil), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			p.Print(&out)
			golden.Check(t, "plan-"+tt.name+".golden", out.String())
			if w := f.Writes(); len(w) > 0 {
				t.Errorf("planning wrote %v", w)
			}
		})
	}
}

// run plans and applies req against f.
func run(t *testing.T, f *migratetest.Fake, req migrate.Request, confirm func(string) (bool, error)) (*migrate.Report, string, error) {
	t.Helper()
	var log strings.Builder
	d := f.Deps(&log)
	d.Confirm = confirm
	req.Cluster = cluster
	p, err := migrate.Build(context.Background(), d, req)
	if err != nil {
		t.Fatal(err)
	}
	r, err := migrate.Run(context.Background(), d, p)
	var out bytes.Buffer
	r.Print(&out)
	return r, log.String() + out.String(), err
}

func yes(string) (bool, error) { return true, nil }

// TestRunSeed migrates the seed's aws-auth: the switch, two tagged entries,
// a token check of the developers' role (before and after) and a described
// check of the node role; a second run finds everything done.
func TestRunSeed(t *testing.T) {
	f := migratetest.New(t, migrate.ModeConfigMap, seedMapRoles)
	r, out, err := run(t, f, migrate.Request{}, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	golden.Check(t, "run-seed.golden", out)
	want := []string{"UpdateClusterConfig", "CreateAccessEntry " + nodeRole, "CreateAccessEntry " + viewerRole}
	if got := f.Writes(); !slices.Equal(got, want) {
		t.Errorf("writes %q, want %q", got, want)
	}
	if e := f.Entries[nodeRole]; e == nil || e.Type != migrate.TypeEC2Linux || e.Tags[migrate.CreatedByTag] != migrate.CreatedByValue {
		t.Errorf("node entry %+v", e)
	}
	if c := r.Results[1].Check; c.Kind != "token" || c.Before == nil || c.After == nil || !c.OK {
		t.Errorf("the developers' check: %+v", c)
	}
	if f.AWSAuth() != seedMapRoles {
		t.Errorf("aws-auth changed without --cleanup:\n%s", f.AWSAuth())
	}
	before := len(f.Writes())
	r, out, err = run(t, f, migrate.Request{}, nil)
	if w := f.Writes()[before:]; err != nil || len(w) != 0 || r.Results[0].Outcome != migrate.OutDone || r.Results[1].Outcome != migrate.OutDone {
		t.Fatalf("second run: %v, writes %v\n%s", err, w, out)
	}
}

// TestRunHalfWay: a run that fails at the second entry leaves the first, and
// the next run finishes, finding the first done.
func TestRunHalfWay(t *testing.T) {
	f := migratetest.New(t, migrate.ModeConfigMap, seedMapRoles)
	f.FailOnce("CreateAccessEntry", viewerRole)
	_, out, err := run(t, f, migrate.Request{}, nil)
	if err == nil || f.Mode != migrate.ModeBoth || f.Entries[nodeRole] == nil || f.Entries[viewerRole] != nil {
		t.Fatalf("first run: %v, mode %s, entries %v\n%s", err, f.Mode, f.Entries, out)
	}
	r, out, err := run(t, f, migrate.Request{}, nil)
	if err != nil || r.Results[0].Outcome != migrate.OutDone || r.Results[1].Outcome != migrate.OutCreated || !r.Results[1].Check.OK {
		t.Fatalf("second run: %v\n%s", err, out)
	}
}

// TestRunCheckFails: when the cluster takes a migrated role for someone
// else, the entry made for it is removed again and nothing else happens.
func TestRunCheckFails(t *testing.T) {
	f := migratetest.New(t, migrate.ModeConfigMap, seedMapRoles)
	f.Twist = func(principal, name string, groups []string) (string, []string) {
		if principal == viewerRole && f.Entries[viewerRole] != nil {
			return name, append(groups, "intruders")
		}
		return name, groups
	}
	r, out, err := run(t, f, migrate.Request{Cleanup: true, ToAPI: true}, yes)
	if exitcode.Of(err) != exitcode.Failure || !strings.Contains(err.Error(), "are removed again") {
		t.Fatalf("err = %v\n%s", err, out)
	}
	if f.Entries[viewerRole] != nil || r.Results[1].Outcome != migrate.OutRemovedAgain || f.Mode != migrate.ModeBoth || f.AWSAuth() != seedMapRoles {
		t.Errorf("after a failed check: entries %v, mode %s, aws-auth:\n%s\n%s", f.Entries, f.Mode, f.AWSAuth(), out)
	}
	golden.Check(t, "run-check-fails.golden", out)
}

// TestRunCleanupToAPI removes the migrated mappings, checks again, switches
// to API after the confirmation, and checks in API mode.
func TestRunCleanupToAPI(t *testing.T) {
	f := migratetest.New(t, migrate.ModeConfigMap, seedMapRoles)
	r, out, err := run(t, f, migrate.Request{Cleanup: true, ToAPI: true}, yes)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	golden.Check(t, "run-cleanup-to-api.golden", out)
	if f.Mode != migrate.ModeAPI || strings.TrimSpace(f.AWSAuth()) != "[]" || r.Results[1].Check.InAPI == nil || r.Results[1].Check.AfterCleanup == nil {
		t.Errorf("mode %s, aws-auth %q, check %+v", f.Mode, f.AWSAuth(), r.Results[1].Check)
	}
	if f.Kube.Object(awsAuthAt) == nil {
		t.Error("aws-auth was deleted")
	}
}

// TestRunRefusals: what is refused before any change, with its exit code.
func TestRunRefusals(t *testing.T) {
	no := func(string) (bool, error) { return false, nil }
	tests := []struct {
		name    string
		fake    func(*testing.T) *migratetest.Fake
		req     migrate.Request
		confirm func(string) (bool, error)
		code    int
		msg     string
	}{
		{name: "no one to confirm", fake: seedFake, req: migrate.Request{ToAPI: true}, code: exitcode.Conflict, msg: "pass --yes"},
		{name: "not confirmed", fake: seedFake, req: migrate.Request{ToAPI: true}, confirm: no, code: exitcode.Conflict, msg: "was not confirmed"},
		{name: "api with entries left behind", fake: func(t *testing.T) *migratetest.Fake { return edgeFake(t, migrate.ModeConfigMap) }, req: migrate.Request{ToAPI: true}, confirm: yes, code: exitcode.Conflict, msg: "API mode would shut them out"},
		{name: "a differing entry", fake: conflictFake, code: exitcode.Conflict, msg: "pass --force"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.fake(t)
			before := len(f.Writes())
			_, out, err := run(t, f, tt.req, tt.confirm)
			if exitcode.Of(err) != tt.code || !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), "nothing was changed") {
				t.Fatalf("err = %v (exit %d), want exit %d with %q\n%s", err, exitcode.Of(err), tt.code, tt.msg, out)
			}
			if w := f.Writes(); len(w) != before {
				t.Errorf("refused, yet wrote %v", w[before:])
			}
		})
	}
}

func seedFake(t *testing.T) *migratetest.Fake {
	return migratetest.New(t, migrate.ModeConfigMap, seedMapRoles)
}

// conflictFake has an access entry for the developers' role that differs
// from its aws-auth mapping, made by someone else.
func conflictFake(t *testing.T) *migratetest.Fake {
	f := migratetest.New(t, migrate.ModeBoth, seedMapRoles)
	f.Entries[viewerRole] = &migratetest.Entry{Type: migrate.TypeStandard, Username: "someone", Groups: []string{"developers"}, Tags: map[string]string{},
		Policies: []string{"arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"}}
	return f
}

// TestRunForce makes a differing entry equal aws-auth's mapping: username,
// groups, and the access policies (the extra one goes); it keeps no tag, so
// rollback leaves it.
func TestRunForce(t *testing.T) {
	f := conflictFake(t)
	var plan bytes.Buffer
	p, err := migrate.Build(context.Background(), f.Deps(nil), migrate.Request{Cluster: cluster, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	p.Print(&plan)
	golden.Check(t, "plan-force.golden", plan.String())
	r, out, err := run(t, f, migrate.Request{Force: true}, nil)
	e := f.Entries[viewerRole]
	if err != nil || r.Results[1].Outcome != migrate.OutUpdated || e.Username != "developer" || len(e.Policies) != 0 || e.Tags[migrate.CreatedByTag] != "" {
		t.Fatalf("%v: %+v\n%s", err, e, out)
	}
}

// TestMastersBecomeClusterAdmin: a system:masters role gets the cluster
// admin policy, and its check asks the cluster for every right.
func TestMastersBecomeClusterAdmin(t *testing.T) {
	f := migratetest.New(t, migrate.ModeBoth, "- rolearn: "+adminsRole+"\n  username: admin\n  groups:\n  - system:masters\n")
	f.Roles["Admins"] = adminsRole
	r, out, err := run(t, f, migrate.Request{}, nil)
	if err != nil || !r.Results[0].Check.OK || !slices.Contains(f.Entries[adminsRole].Policies, "arn:aws:eks::aws:cluster-access-policy/"+migrate.ClusterAdminPolicy) {
		t.Fatalf("%v\n%s", err, out)
	}
	// The same, with the association failing once: the run stops with the
	// entry made and without the policy, and the next run associates it.
	f = migratetest.New(t, migrate.ModeBoth, "- rolearn: "+adminsRole+"\n  username: admin\n  groups:\n  - system:masters\n")
	f.Roles["Admins"] = adminsRole
	f.FailOnce("AssociateAccessPolicy", adminsRole)
	r, out, err = run(t, f, migrate.Request{}, nil)
	if err == nil || r.Results[0].Outcome != migrate.OutCreated || len(f.Entries[adminsRole].Policies) != 0 {
		t.Fatalf("a failed association: %v\n%s", err, out)
	}
	_, out, err = run(t, f, migrate.Request{}, nil) // the second run associates it
	if err != nil || !strings.Contains(out, migrate.OutAssociated) {
		t.Fatalf("second run: %v\n%s", err, out)
	}
}

// TestCannotAssume: a role the admin may not assume is checked from its
// entry as EKS describes it, and the report says why.
func TestCannotAssume(t *testing.T) {
	f := migratetest.New(t, migrate.ModeConfigMap, seedMapRoles)
	f.DenyAssume(viewerRole)
	r, out, err := run(t, f, migrate.Request{}, nil)
	c := r.Results[1].Check
	if err != nil || c.Kind != "described" || !strings.Contains(c.Why, "AccessDenied") || !c.OK {
		t.Fatalf("%v: %+v\n%s", err, c, out)
	}
}

func TestRollback(t *testing.T) {
	ctx := context.Background()
	f := migratetest.New(t, migrate.ModeConfigMap, seedMapRoles)
	if _, out, err := run(t, f, migrate.Request{}, nil); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	other := "arn:aws:iam::" + account + ":role/Other"
	f.Entries[other] = &migratetest.Entry{Type: migrate.TypeStandard, Username: "other", Tags: map[string]string{}}
	d := f.Deps(nil)
	rb, err := migrate.BuildRollback(ctx, d, cluster, false)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rb.Print(&out)
	golden.Check(t, "rollback.golden", out.String())
	if err := migrate.RunRollback(ctx, d, rb); err != nil {
		t.Fatal(err)
	}
	if len(f.Entries) != 1 || f.Entries[other] == nil || f.Mode != migrate.ModeBoth {
		t.Errorf("after the rollback: entries %v, mode %s", f.Entries, f.Mode)
	}
}

// TestRollbackShutsOut: after the cleanup, or in API mode, deleting the
// entries would leave their principals no way in: refused without force.
func TestRollbackShutsOut(t *testing.T) {
	ctx := context.Background()
	f := migratetest.New(t, migrate.ModeConfigMap, seedMapRoles)
	if _, out, err := run(t, f, migrate.Request{Cleanup: true}, nil); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	d := f.Deps(nil)
	rb, err := migrate.BuildRollback(ctx, d, cluster, false)
	if err != nil {
		t.Fatal(err)
	}
	err = migrate.RunRollback(ctx, d, rb)
	if exitcode.Of(err) != exitcode.Conflict || !strings.Contains(err.Error(), "aws-auth no longer maps it") || len(f.Entries) != 2 {
		t.Fatalf("err = %v, entries %v", err, f.Entries)
	}
	rb.Force = true
	if err := migrate.RunRollback(ctx, d, rb); err != nil || len(f.Entries) != 0 {
		t.Fatalf("forced: %v, entries %v", err, f.Entries)
	}
}

// TestPrintShowsOddNames: aws-auth's usernames, groups and ARNs are free
// text; an escape sequence or carriage return in one is shown in the plan
// (its table, notes, refusals and diffs) as an escape, never sent to the
// terminal.
func TestPrintShowsOddNames(t *testing.T) {
	const odd = "dev\x1b[2J\rforged"
	entry := func(w migrate.Want) *migrate.Entry {
		return &migrate.Entry{Source: migrate.Source{Key: "mapRoles", Line: 1, ARN: viewerRole}, PrincipalARN: viewerRole, Want: w, Action: migrate.ActCreate, Check: "token"}
	}
	for _, p := range []*migrate.Plan{
		{Entries: []*migrate.Entry{entry(migrate.Want{Type: migrate.TypeStandard, Username: odd})}},
		{Entries: []*migrate.Entry{entry(migrate.Want{Type: migrate.TypeStandard, Username: "u", Groups: []string{odd}})}},
		{Entries: []*migrate.Entry{entry(migrate.Want{Type: migrate.TypeStandard, Username: "u", Notes: []string{"group " + odd}})}},
		{NotMigrated: []migrate.Refusal{{What: "mapRoles line 3", ARN: "arn:aws:iam::" + account + ":role/" + odd, Reason: "aws-auth maps arn:aws:iam::" + account + ":role/" + odd + " twice"}}},
	} {
		p.Cluster, p.Mode = cluster, migrate.ModeBoth
		var out bytes.Buffer
		p.Print(&out)
		if strings.ContainsAny(out.String(), "\x1b\r") || !strings.Contains(out.String(), `dev\x1b[2J\rforged`) {
			t.Errorf("%q", out.String())
		}
	}
}
