package login

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/discovery"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/usecases/login/logintest"
)

const otherAccount = "210987654321"

const ssoConfig = "# my profiles\n[profile dev1]\nregion = eu-west-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n"

// ssoCase is a world with the sso-session corp, two accounts and two roles
// in each: EKSViewer finds my-example in its account, EKSAuditor is denied
// it.
func ssoCase(t *testing.T) (*logintest.World, *logintest.Finder, *Login) {
	w := logintest.New(t)
	w.Write(w.Config, ssoConfig)
	res := &discovery.SSOResult{}
	for _, a := range []struct{ id, name string }{{account, "Development"}, {otherAccount, "Production"}} {
		for _, role := range []string{"EKSAuditor", "EKSViewer"} {
			rr := discovery.RoleResult{Target: discovery.RoleTarget{AccountID: a.id, AccountName: a.name, RoleName: role}, Result: &discovery.Result{Regions: []string{"us-east-2"}}}
			if role == "EKSViewer" {
				c := w.Found(a.id, "us-east-2", "my-example", role)
				c.AccountName = a.name
				rr.Result.Clusters = []discovery.Cluster{c}
				res.Clusters = append(res.Clusters, c)
			} else {
				pr := denied("us-east-2", "my-example", role)
				pr.Account = a.id
				rr.Result.Problems = []discovery.Problem{pr}
				res.Problems = append(res.Problems, pr)
			}
			res.Roles = append(res.Roles, rr)
		}
	}
	f := &logintest.Finder{SSO: res}
	uc := useCase(w)
	uc.Finder = f
	return w, f, uc
}

func ssoInput(mods ...func(*Input)) Input {
	in := Input{SSOSession: "corp", Regions: []string{"us-east-2"}, ExecAPIVersion: "v1beta1"}
	for _, m := range mods {
		m(&in)
	}
	return in
}

// TestSSOSessionWritesEveryRole: a profile for each of the four account
// roles (sso_session, sso_account_id, sso_role_name, region), marked as
// this session's; a context for each cluster found through its role's
// profile; the denials reported; a sample (one context per profile)
// verified through each profile.
func TestSSOSessionWritesEveryRole(t *testing.T) {
	w, f, uc := ssoCase(t)
	p, written := plan(t, uc, ssoInput(func(in *Input) { in.Accounts, in.RoleNames = []string{"*"}, []string{"EKS*"} }))
	if got := strings.Join(f.Calls, "; "); got != "WalkSSO corp https://corp.awsapps.com/start eu-west-1 [*] [EKS*]" {
		t.Errorf("finder calls %q", got)
	}
	if f.TokenFile != w.Home+"/.aws/sso/cache/"+"ee0bfd2552fbd840c02cc48b6e823320543c450f.json" || !slices.Equal(f.Options.Regions, []string{"us-east-2"}) {
		t.Errorf("token file %s, options %+v", f.TokenFile, f.Options)
	}
	golden.Check(t, "sso.config.golden", w.Read(w.Config))
	golden.Check(t, "sso.kubeconfig.golden", w.Normalize(w.Read(w.Kubeconfig)))
	var contexts []string
	for _, tg := range p.Targets {
		contexts = append(contexts, tg.Context+" "+tg.Profile)
	}
	if want := []string{account + "/us-east-2/my-example " + account + "-EKSViewer", otherAccount + "/us-east-2/my-example " + otherAccount + "-EKSViewer"}; !slices.Equal(contexts, want) {
		t.Errorf("contexts %q, want %q", contexts, want)
	}
	if len(p.Found.Problems) != 2 || len(p.Found.Roles) != 4 {
		t.Errorf("problems %v, roles %v", p.Found.Problems, p.Found.Roles)
	}
	results := uc.VerifyMany(context.Background(), written, false)
	if len(results) != 2 {
		t.Fatalf("%d checked, want one per profile", len(results))
	}
	for _, v := range results {
		if v.Err != nil || v.User.Username != "viewer" {
			t.Errorf("%s: %+v %v", v.Target.Context, v.User, v.Err)
		}
	}
}

// TestSSOSessionOneClusterTwoRoles: a cluster found through two roles gets
// a context for each, named by account, region, cluster and role.
func TestSSOSessionOneClusterTwoRoles(t *testing.T) {
	w, f, uc := ssoCase(t)
	c := w.Found(account, "us-east-2", "my-example", "EKSAuditor")
	f.SSO.Clusters = append(f.SSO.Clusters[:1], c)
	f.SSO.Roles[0].Result.Clusters = []discovery.Cluster{c}
	p, _ := plan(t, uc, ssoInput())
	var contexts []string
	for _, tg := range p.Targets {
		contexts = append(contexts, tg.Context+" "+tg.Profile)
	}
	want := []string{account + "/us-east-2/my-example/EKSViewer " + account + "-EKSViewer", account + "/us-east-2/my-example/EKSAuditor " + account + "-EKSAuditor"}
	slices.Sort(contexts)
	slices.Sort(want)
	if !slices.Equal(contexts, want) {
		t.Errorf("contexts %q, want %q", contexts, want)
	}
}

// TestSSOSessionPrune: a role no longer assigned loses its profile and its
// contexts with --prune, and so does a profile whose name a changed
// --profile-template no longer gives (its role still assigned, under its
// new name); the other profiles, the user's own profile and the session
// stay byte for byte.
func TestSSOSessionPrune(t *testing.T) {
	section := "\n[profile " + otherAccount + "-EKSViewer]\n# managed by kubectl eks-login\n# discovered by kubectl eks-login: sso-session corp\nsso_session = corp\nsso_account_id = " + otherAccount + "\nsso_role_name = EKSViewer\nregion = eu-west-1\noutput = json\n"
	tests := []struct {
		name   string
		change func(*logintest.Finder, *Input)
		want   []string
		// goneFromKubeconfig is what the kubeconfig holds no more.
		goneFromKubeconfig string
	}{
		{name: "role unassigned", change: func(f *logintest.Finder, in *Input) {
			f.SSO.Roles = slices.Delete(f.SSO.Roles, 3, 4) // Production's EKSViewer
			f.SSO.Clusters = f.SSO.Clusters[:1]
		}, want: []string{"profile " + otherAccount + "-EKSViewer: role EKSViewer of account " + otherAccount + " is no longer assigned",
			"context " + otherAccount + "/us-east-2/my-example: its role's profile " + otherAccount + "-EKSViewer is gone"}, goneFromKubeconfig: otherAccount},
		{name: "profile template changed", change: func(f *logintest.Finder, in *Input) {
			f.SSO.Roles = slices.Delete(f.SSO.Roles, 0, 3) // only Production's EKSViewer
			f.SSO.Clusters = f.SSO.Clusters[1:]
			in.Accounts = []string{otherAccount}
			in.RoleNames = []string{"EKSViewer"}
			in.ProfileTemplate = "prod-{{.Role}}"
		}, want: []string{"profile " + otherAccount + "-EKSViewer: its name no longer matches --profile-template; role EKSViewer of account " + otherAccount + " is still assigned, now as profile prod-EKSViewer",
			"context " + otherAccount + "/us-east-2/my-example: its role's profile " + otherAccount + "-EKSViewer is gone"}, goneFromKubeconfig: otherAccount + "-EKSViewer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, f, uc := ssoCase(t)
			plan(t, uc, ssoInput())
			before := w.Read(w.Config)
			in := ssoInput(func(in *Input) { in.Prune = true })
			tt.change(f, &in)
			p, _ := plan(t, uc, in)
			if !slices.Equal(p.Found.Pruned, tt.want) {
				t.Errorf("pruned %q, want %q", p.Found.Pruned, tt.want)
			}
			if !strings.Contains(before, section) || !strings.Contains(w.Read(w.Config), strings.Replace(before, section, "", 1)) {
				t.Errorf("config after the prune:\n%s", w.Read(w.Config))
			}
			if strings.Contains(w.Read(w.Kubeconfig), tt.goneFromKubeconfig) {
				t.Errorf("kubeconfig after the prune:\n%s", w.Read(w.Kubeconfig))
			}
		})
	}
}

// TestSSOSessionRefusals: a session signed out, or missing from the config
// file, and flags that do not go with --sso-session.
func TestSSOSessionRefusals(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*logintest.World, *logintest.Finder)
		in    func(*Input)
		code  int
		want  []string
	}{
		{name: "signed out", setup: func(_ *logintest.World, f *logintest.Finder) {
			f.Err = &discovery.SignedOutError{Session: "corp", Err: errors.New("the SSO session has expired or is invalid")}
		}, code: exitcode.Credentials, want: []string{"run: aws sso login --sso-session corp", "nothing was written"}},
		{name: "no such session", in: func(in *Input) { in.SSOSession = "other" },
			code: exitcode.Input, want: []string{"has no [sso-session other] section", "aws configure sso-session"}},
		{name: "session without a start URL", setup: func(w *logintest.World, _ *logintest.Finder) {
			w.Write(w.Config, "[sso-session corp]\nsso_region = eu-west-1\n")
		}, code: exitcode.Input, want: []string{"line 1: [sso-session corp] has no sso_start_url"}},
		{name: "with --role", in: func(in *Input) { in.Role = "x" }, code: exitcode.Usage, want: []string{"--sso-session takes its roles"}},
		{name: "a bad pattern", in: func(in *Input) { in.Accounts = []string{"[a"} }, code: exitcode.Usage, want: []string{`the pattern "[a"`}},
		{name: "profile names that collide", in: func(in *Input) { in.ProfileTemplate = "{{.Role}}" },
			code: exitcode.Usage, want: []string{"--profile-template", `"EKSViewer" for role EKSViewer in account ` + account}},
		{name: "a profile taken", setup: func(w *logintest.World, _ *logintest.Finder) {
			w.Write(w.Config, ssoConfig+"\n[profile "+account+"-EKSViewer]\nrole_arn = arn:aws:iam::"+account+":role/mine\n")
		}, code: exitcode.Conflict, want: []string{"profile " + account + "-EKSViewer", "--profile-template"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, f, uc := ssoCase(t)
			if tt.setup != nil {
				tt.setup(w, f)
			}
			in := ssoInput()
			if tt.in != nil {
				tt.in(&in)
			}
			checkRefused(t, w, uc, in, tt.code, tt.want)
		})
	}
}
