package login

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/discovery"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/usecases/login"
	"github.com/eks-login/eks-login/pkg/usecases/login/logintest"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/cmdutiltest"
)

const account = "111122223333"

// discoveryRun is "kubectl eks-login --all --role-arn ROLE --source-profile
// dev1 --regions us-west-2,eu-west-1" in a world where my-example is found
// in both regions and jobs is denied.
func discoveryRun(t *testing.T, tty bool, mods ...func(*Options)) (*logintest.World, string, string, error) {
	w := logintest.New(t)
	f := &logintest.Finder{Result: &discovery.Result{
		Regions: []string{"us-west-2", "eu-west-1"}, RegionSource: discovery.RegionsGiven,
		Clusters: []discovery.Cluster{w.Found(account, "eu-west-1", "my-example", logintest.RoleDev), w.Found(account, "us-west-2", "my-example", logintest.RoleDev)},
		Problems: []discovery.Problem{{Kind: discovery.Denied, Operation: "DescribeCluster", Region: "us-west-2", Cluster: "jobs", Role: logintest.RoleDev, Err: errString("not authorized")}},
	}}
	io, _, out, errOut := iostreams.Test()
	io.SetStderrTTY(tty)
	o := &Options{
		IO: io, Env: w.Env(), Verify: "sample",
		Input:       login.Input{All: true, RoleARN: logintest.RoleDev, SourceProfile: "dev1", Regions: []string{"us-west-2", "eu-west-1"}, ExecAPIVersion: "v1beta1"},
		AWS:         w.AWS,
		Finder:      f,
		ExecCommand: w.Exe,
		LookPath:    func(string) (string, error) { return w.Exe, nil },
	}
	for _, m := range mods {
		m(o)
	}
	err := runDiscovery(context.Background(), o)
	return w, w.Normalize(out.String()), w.Normalize(errOut.String()), err
}

type errString string

func (e errString) Error() string { return string(e) }

// TestDiscoveryOutput: what --all prints, the denied cluster on stderr;
// progress only on a terminal.
func TestDiscoveryOutput(t *testing.T) {
	_, out, errOut, err := discoveryRun(t, false)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "all.out.golden", out+"--- stderr\n"+errOut)
	if strings.Contains(errOut, "Discovering") {
		t.Errorf("progress drawn on a stderr that is no terminal:\n%q", errOut)
	}
	_, _, errOut, err = discoveryRun(t, true)
	if err != nil || !strings.Contains(errOut, "\r\033[KDiscovering: regions 1/1, clusters 0/0\r\033[K") {
		t.Errorf("no progress on a terminal (%v):\n%q", err, errOut)
	}
}

func TestDiscoveryDryRun(t *testing.T) {
	w, out, _, err := discoveryRun(t, false, func(o *Options) { o.DryRun = true })
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"+[profile dev1-eks]\n", `+  name: "` + account + `/us-west-2/my-example"`, "Dry run: nothing was written.\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(w.Read(w.Config), "dev1-eks") || !strings.HasPrefix(w.Read(w.Kubeconfig), "<") {
		t.Error("the dry run wrote a file")
	}
}

// TestDiscoveryEveryClusterDenied: exit 5, the problems listed first.
func TestDiscoveryEveryClusterDenied(t *testing.T) {
	_, out, errOut, err := discoveryRun(t, false, func(o *Options) { o.Finder.(*logintest.Finder).Result.Clusters = nil })
	if exitcode.Of(err) != exitcode.AccessDenied || !strings.Contains(errOut, "warning: skipped cluster jobs in us-west-2") || out != "" {
		t.Errorf("exit %d (%v), stdout %q, stderr %q", exitcode.Of(err), err, out, errOut)
	}
}

// TestNewCmdDiscovery: the discovery flags fill the Options, and the rules
// between --cluster, --all, --sso-session and the role.
func TestNewCmdDiscovery(t *testing.T) {
	tests := []struct {
		args    string
		want    login.Input
		verify  string
		wantErr string
	}{
		{args: "--all --role viewer --regions us-west-2,eu-west-1 --context-template {{.Cluster}} --prune",
			want: login.Input{All: true, Role: "viewer", Regions: []string{"us-west-2", "eu-west-1"}, ContextTemplate: "{{.Cluster}}", Prune: true, ExecAPIVersion: "v1beta1"}, verify: "sample"},
		{args: "--sso-session corp --account 1*,Dev --role-name EKS* --profile-template {{.Role}} --verify all",
			want: login.Input{SSOSession: "corp", Accounts: []string{"1*", "Dev"}, RoleNames: []string{"EKS*"}, ProfileTemplate: "{{.Role}}", ExecAPIVersion: "v1beta1"}, verify: "all"},
		{args: "--all", wantErr: "name the IAM role with --role-arn ARN or --role NAME"},
		{args: "--all --cluster dev --role r", wantErr: "--cluster, --all and --sso-session each say which clusters"},
		{args: "--role r", wantErr: "--cluster is required"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			io, _, _, _ := iostreams.Test()
			got, err := cmdutiltest.ParseOptions(&cmdutil.Factory{IOStreams: io}, NewCmd, tt.args)
			if tt.wantErr != "" {
				cmdutiltest.WantRefusal(t, got, err, exitcode.Usage, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Input, tt.want) || got.Verify != tt.verify {
				t.Errorf("input %+v verify %q, want %+v %q", got.Input, got.Verify, tt.want, tt.verify)
			}
		})
	}
}

// TestReportShowsOddNames: what the discovery report prints from AWS or
// the cluster (a pruned profile's reason, a problem, the username and
// groups aws-auth gives) shows an escape sequence or carriage return as an
// escape, never sent to the terminal.
func TestReportShowsOddNames(t *testing.T) {
	const odd = "dev\x1b[2J\rforged"
	tests := []struct {
		name  string
		print func(*iostreams.IOStreams)
	}{
		{"pruned", func(s *iostreams.IOStreams) { printSearch(s, &login.Found{Pruned: []string{"profile " + odd}}, 0) }},
		{"problem", func(s *iostreams.IOStreams) {
			printSearch(s, &login.Found{Problems: []discovery.Problem{{Kind: discovery.Failed, Region: "us-east-2", Cluster: odd}}}, 0)
		}},
		{"username", func(s *iostreams.IOStreams) {
			reportVerified(s, []login.Verified{{Target: login.Target{Context: "c"}, User: &login.User{Username: odd}}})
		}},
		{"group", func(s *iostreams.IOStreams) {
			reportVerified(s, []login.Verified{{Target: login.Target{Context: "c"}, User: &login.User{Username: "u", Groups: []string{odd}}}})
		}},
	}
	for _, tt := range tests {
		s, _, out, errOut := iostreams.Test()
		tt.print(s)
		got := out.String() + errOut.String()
		if strings.ContainsAny(got, "\x1b\r") || !strings.Contains(got, `dev\x1b[2J\rforged`) {
			t.Errorf("%s: %q", tt.name, got)
		}
	}
}
