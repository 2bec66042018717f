package login

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/discovery"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/pkg/rolesession"
	"github.com/eks-login/eks-login/pkg/usecases/gettoken"
	"github.com/eks-login/eks-login/pkg/usecases/login/logintest"
)

const account = "111122223333"

// denied is a problem as discovery reports a DescribeCluster refused.
func denied(region, name, role string) discovery.Problem {
	return discovery.Problem{Kind: discovery.Denied, Operation: "DescribeCluster", Region: region, Cluster: name, Role: role,
		Err: errors.New("User: ... is not authorized to perform: eks:DescribeCluster")}
}

// allInput is "--all --role-arn ROLE --source-profile dev1 --regions
// us-west-2,eu-west-1".
func allInput(mods ...func(*Input)) Input {
	in := Input{All: true, RoleARN: roleDev, SourceProfile: "dev1", Regions: []string{"us-west-2", "eu-west-1"}, ExecAPIVersion: "v1beta1"}
	for _, m := range mods {
		m(&in)
	}
	return in
}

// discoveryCase is a world whose finder finds my-example in two regions
// and is denied jobs: the scenario.
func discoveryCase(t *testing.T) (*logintest.World, *logintest.Finder, *Login) {
	w := logintest.New(t)
	f := &logintest.Finder{Result: &discovery.Result{
		Regions: []string{"us-west-2", "eu-west-1"}, RegionSource: discovery.RegionsGiven,
		Clusters: []discovery.Cluster{w.Found(account, "eu-west-1", "my-example", roleDev), w.Found(account, "us-west-2", "my-example", roleDev)},
		Problems: []discovery.Problem{denied("us-west-2", "jobs", roleDev)},
	}}
	uc := useCase(w)
	uc.Finder = f
	return w, f, uc
}

func plan(t *testing.T, uc *Login, in Input) (*Plan, *Written) {
	t.Helper()
	ctx := context.Background()
	p, err := uc.Plan(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	written, err := uc.Write(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	return p, written
}

// TestAllWritesEveryCluster: one role profile, tried before it is written
// (the discovery ran through the planned file); two contexts named apart
// since the clusters share a name; the denied cluster reported; both files
// written once; current-context left alone; the token cache primed for
// both clusters with the one role session; a sample verified, or all.
func TestAllWritesEveryCluster(t *testing.T) {
	w, f, uc := discoveryCase(t)
	w.Write(w.Kubeconfig, "apiVersion: v1\nkind: Config\ncurrent-context: elsewhere\n")
	w.AWS.Session = &rolesession.Assumed{CallerARN: "arn:aws:sts::111122223333:assumed-role/developer/eks-login-alice", RoleARN: roleDev}
	var primed []string
	uc.Prime = func(_ context.Context, in gettoken.Input, _ aws.Credentials, _ rolesession.Assumed) error {
		primed = append(primed, in.ClusterName+" "+in.Profile+" "+in.Region)
		return nil
	}
	before := w.Read(w.Config)
	p, written := plan(t, uc, allInput())
	if got := strings.Join(f.Calls, "; "); got != "Discover dev1-eks [us-west-2 eu-west-1]" || !strings.Contains(string(f.TriedConfig), "[profile dev1-eks]") {
		t.Errorf("finder calls %q, config tried:\n%s", got, f.TriedConfig)
	}
	if strings.Contains(before, "dev1-eks") || f.Options.Role != roleDev {
		t.Errorf("options %+v", f.Options)
	}
	var contexts []string
	for _, tg := range p.Targets {
		contexts = append(contexts, tg.Context)
	}
	if want := []string{account + "/eu-west-1/my-example", account + "/us-west-2/my-example"}; !slices.Equal(contexts, want) {
		t.Errorf("contexts %q, want %q", contexts, want)
	}
	if len(p.Found.Problems) != 1 || p.Found.Problems[0].Cluster != "jobs" {
		t.Errorf("problems %v", p.Found.Problems)
	}
	golden.Check(t, "all.config.golden", w.Read(w.Config))
	golden.Check(t, "all.kubeconfig.golden", w.Normalize(w.Read(w.Kubeconfig)))
	if want := []string{"my-example dev1-eks eu-west-1", "my-example dev1-eks us-west-2"}; !slices.Equal(primed, want) {
		t.Errorf("primed %q, want %q", primed, want)
	}
	for all, want := range map[bool]int{false: 1, true: 2} {
		results := uc.VerifyMany(context.Background(), written, all)
		if len(results) != want {
			t.Fatalf("all=%v: %d checked, want %d", all, len(results), want)
		}
		for _, v := range results {
			if v.Err != nil || v.User.Username != "developer" {
				t.Errorf("%s: %+v %v", v.Target.Context, v.User, v.Err)
			}
		}
	}

	// Again: nothing changes, not a byte.
	config, kc := w.Read(w.Config), w.Read(w.Kubeconfig)
	if _, again := plan(t, uc, allInput()); again.Config.Changed() || again.Context.Changed() || w.Read(w.Config) != config || w.Read(w.Kubeconfig) != kc {
		t.Error("a second identical discovery changed a file")
	}
}

// TestAllRefusals: what a discovery refuses, with its exit code, before
// anything is written.
func TestAllRefusals(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*logintest.World, *logintest.Finder)
		in    func(*Input)
		code  int
		want  []string
	}{
		{name: "every cluster denied", setup: func(w *logintest.World, f *logintest.Finder) {
			f.Result.Clusters = nil
		}, code: exitcode.AccessDenied, want: []string{"every cluster found was denied or skipped (1 problem(s)", "nothing was written"}},
		{name: "a template that collides", in: func(in *Input) { in.ContextTemplate = "{{.Cluster}}" },
			code: exitcode.Usage, want: []string{"--context-template", `"my-example" for cluster my-example in eu-west-1`, "and cluster my-example in us-west-2", "{{.Account}}/{{.Region}}/{{.Cluster}}/{{.Role}}"}},
		{name: "a template naming nothing", in: func(in *Input) { in.ContextTemplate = "{{.Nope}}" },
			code: exitcode.Usage, want: []string{`--context-template "{{.Nope}}" does not parse: {{.Nope}} is not a field`, "{{.AccountName}}"}},
		{name: "a name kubectl cannot take", in: func(in *Input) { in.ContextTemplate = " {{.Cluster}}" },
			code: exitcode.Usage, want: []string{"starts or ends with a blank"}},
		{name: "a template that does not parse", in: func(in *Input) { in.ContextTemplate = "{{.Cluster" },
			code: exitcode.Usage, want: []string{`--context-template "{{.Cluster" does not parse`}},
		{name: "contexts taken", setup: func(w *logintest.World, _ *logintest.Finder) {
			w.Write(w.Kubeconfig, "apiVersion: v1\nkind: Config\ncontexts:\n- name: "+account+"/us-west-2/my-example\n  context: {cluster: mine, user: me}\n- name: "+account+"/eu-west-1/my-example\n  context: {cluster: mine, user: me}\n")
		}, code: exitcode.Conflict, want: []string{`context "` + account + `/eu-west-1/my-example"`, `context "` + account + `/us-west-2/my-example"`, "--context-template"}},
		{name: "with --cluster", in: func(in *Input) { in.Cluster = "dev" }, code: exitcode.Usage, want: []string{"--cluster names one cluster"}},
		{name: "with --alias", in: func(in *Input) { in.Alias = "x" }, code: exitcode.Usage, want: []string{"--context-template"}},
		{name: "with --sso-session", in: func(in *Input) { in.SSOSession = "corp" }, code: exitcode.Usage, want: []string{"pass one of them"}},
		{name: "with --account", in: func(in *Input) { in.Accounts = []string{"1*"} }, code: exitcode.Usage, want: []string{"--account, --role-name and --profile-template"}},
		{name: "a bad region", in: func(in *Input) { in.Regions = []string{"mars-1"} }, code: exitcode.Usage, want: []string{"--regions:"}},
		{name: "no role", in: func(in *Input) { in.RoleARN = "" }, code: exitcode.Usage, want: []string{"--role-arn ARN or --role NAME"}},
		{name: "assume role denied", setup: func(_ *logintest.World, f *logintest.Finder) {
			f.Err = &awserr.Error{Kind: awserr.AssumeRoleDenied, Code: "AccessDenied", Caller: "arn:aws:iam::111122223333:user/alice"}
		}, code: exitcode.AccessDenied, want: []string{"arn:aws:iam::111122223333:user/alice may not assume role " + roleDev, "nothing was written"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, f, uc := discoveryCase(t)
			if tt.setup != nil {
				tt.setup(w, f)
			}
			in := allInput()
			if tt.in != nil {
				tt.in(&in)
			}
			checkRefused(t, w, uc, in, tt.code, tt.want)
		})
	}
}

// TestAllSkipsAnswersItCannotWrite: a cluster whose answer CheckCluster
// refuses is a problem, not a context.
func TestAllSkipsAnswersItCannotWrite(t *testing.T) {
	w, f, uc := discoveryCase(t)
	f.Result.Clusters[0].Endpoint = "http://evil.example"
	p, _ := plan(t, uc, allInput())
	if len(p.Targets) != 1 || p.Targets[0].Cluster.Region != "us-west-2" || p.Targets[0].Context != "my-example" {
		t.Errorf("targets %+v", p.Targets)
	}
	if got := fmt.Sprint(p.Found.Problems); !strings.Contains(got, "skipped cluster my-example in eu-west-1") || !strings.Contains(got, "not an https:// URL") {
		t.Errorf("problems %s", got)
	}
	if strings.Contains(w.Read(w.Kubeconfig), "evil") {
		t.Error("the refused endpoint was written")
	}
}

// TestAllSkipsNamesItCannotWrite: AWS's answers are untrusted input. A
// cluster whose name is not an EKS cluster name (it goes into the
// kubeconfig and the token's arguments) or whose ARN names another region
// or account than it was found in (the ARN names its cluster entry, which
// another cluster's could overwrite) is a problem, not a context, and the
// other clusters are still written.
func TestAllSkipsNamesItCannotWrite(t *testing.T) {
	tests := []struct {
		name, cluster, arn, want string
	}{
		{name: "line break", cluster: "evil\nname", want: "is not an EKS cluster name"},
		{name: "blank", cluster: "a b", want: "is not an EKS cluster name"},
		{name: "path", cluster: "../x", want: "is not an EKS cluster name"},
		{name: "ini signs", cluster: "x]#;", want: "is not an EKS cluster name"},
		{name: "too long", cluster: strings.Repeat("x", 101), want: "is not an EKS cluster name"},
		{name: "ARN of another region", cluster: "x", arn: "arn:aws:eks:us-west-2:" + account + ":cluster/x", want: "found in eu-west-1"},
		{name: "ARN of a bad account", cluster: "x", arn: "arn:aws:eks:eu-west-1:1234:cluster/x", want: "must be 12 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, f, uc := discoveryCase(t)
			odd := w.Found(account, "eu-west-1", tt.cluster, roleDev)
			if tt.arn != "" {
				odd.ARN = tt.arn
			}
			f.Result.Clusters = append(f.Result.Clusters[:1], odd)
			p, _ := plan(t, uc, allInput())
			if len(p.Targets) != 1 || p.Targets[0].Cluster.Name != "my-example" {
				t.Errorf("%d targets, want my-example alone", len(p.Targets))
			}
			if got := fmt.Sprint(p.Found.Problems); !strings.Contains(got, "skipped cluster") || !strings.Contains(got, tt.want) {
				t.Errorf("problems %s, want %q", got, tt.want)
			}
		})
	}
}

// TestAllPrune: a cluster deleted since the last run goes with --prune, its
// context, user and cluster entry, and nothing else: not the contexts of
// a login by hand, nor those of a region this run did not search, nor
// those of another discovery. The others keep their names, though the
// default template would now name my-example by its name alone.
func TestAllPrune(t *testing.T) {
	w, f, uc := discoveryCase(t)
	w.Write(w.Kubeconfig, "apiVersion: v1\nkind: Config\ncurrent-context: mine\ncontexts:\n- name: mine\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: 'https://c.example'}\nusers:\n- name: u\n  user: {token: t}\n")
	all := f.Result.Clusters
	f.Result.Clusters = append(all, w.Found(account, "ap-south-1", "far", roleDev))
	plan(t, uc, allInput(func(in *Input) { in.Regions = append(in.Regions, "ap-south-1") }))
	if _, err := login(w, false, func(in *Input) { in.Cluster, in.Alias = "dev", "by-hand" }); err != nil {
		t.Fatal(err)
	}
	beforeConfig, before := w.Read(w.Config), w.Read(w.Kubeconfig)

	// eu-west-1's my-example is deleted; ap-south-1 is not searched.
	f.Result.Clusters = all[1:]
	p, _ := plan(t, uc, allInput(func(in *Input) { in.Prune = true }))
	gone := account + "/eu-west-1/my-example"
	if want := []string{"context " + gone + ": cluster my-example is no longer in eu-west-1"}; !slices.Equal(p.Found.Pruned, want) {
		t.Errorf("pruned %q, want %q", p.Found.Pruned, want)
	}
	if w.Read(w.Config) != beforeConfig {
		t.Error("the prune of --all changed the config file")
	}
	kf, err := kubeconfig.Parse(w.Kubeconfig, []byte(before), true)
	if err != nil {
		t.Fatal(err)
	}
	want, err := kf.PlanRemove(gone)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.Read(w.Kubeconfig); got != string(want.New) {
		t.Errorf("after the prune:\n%s\nwant:\n%s", got, want.New)
	}

	// Without --prune, or as another discovery, nothing goes.
	f.Result.Clusters = nil
	f.Result.Problems = nil
	for _, in := range []Input{allInput(), allInput(func(in *Input) { in.Prune, in.Profile = true, "other-eks" })} {
		kc := w.Read(w.Kubeconfig)
		p, _ := plan(t, uc, in)
		if w.Read(w.Kubeconfig) != kc || len(p.Found.Pruned) != 0 {
			t.Errorf("%+v removed %q", in, p.Found.Pruned)
		}
	}
}

// checkRefused plans in and wants it refused with code, saying each of
// want, with the files as they were.
func checkRefused(t *testing.T, w *logintest.World, uc *Login, in Input, code int, want []string) {
	t.Helper()
	config, kc := w.Read(w.Config), w.Read(w.Kubeconfig)
	_, err := uc.Plan(context.Background(), in)
	if exitcode.Of(err) != code {
		t.Fatalf("exit code %d, want %d: %v", exitcode.Of(err), code, err)
	}
	for _, s := range want {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q lacks %q", err, s)
		}
	}
	if w.Read(w.Config) != config || w.Read(w.Kubeconfig) != kc {
		t.Error("a refused discovery changed a file")
	}
}
