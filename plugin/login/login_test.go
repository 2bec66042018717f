package login

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/usecases/login"
	"github.com/eks-login/eks-login/pkg/usecases/login/logintest"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/cmdutiltest"
)

// TestMain doubles as "kubectl-eks_login token" for the entries written.
func TestMain(m *testing.M) {
	logintest.RunTokenCommand()
	os.Exit(m.Run())
}

// run is one "kubectl eks-login --cluster dev --role-arn ROLE
// --source-profile dev1" in w, through the run function, as the flag layer
// would fill the options.
type run struct {
	w           *logintest.World
	out, errOut bytes.Buffer
}

func (r *run) login(mods ...func(*Options)) error {
	r.out.Reset()
	r.errOut.Reset()
	w := r.w
	o := &Options{
		IO:          &iostreams.IOStreams{In: strings.NewReader(""), Out: &r.out, ErrOut: &r.errOut},
		Env:         w.Env(),
		Input:       login.Input{Cluster: "dev", RoleARN: logintest.RoleDev, SourceProfile: "dev1", ExecAPIVersion: "v1beta1"},
		AWS:         w.AWS,
		ExecCommand: w.Exe,
		LookPath:    func(string) (string, error) { return w.Exe, nil },
	}
	for _, m := range mods {
		m(o)
	}
	return runLogin(context.Background(), o)
}

func TestLoginWritesBothFilesAndVerifies(t *testing.T) {
	w := logintest.New(t)
	r := &run{w: w}
	if err := r.login(); err != nil {
		t.Fatalf("%v\n%s", err, r.errOut.String())
	}
	golden.Check(t, "login.out.golden", w.Normalize(r.out.String()))
	golden.Check(t, "login.config.golden", w.Read(w.Config))
	golden.Check(t, "login.kubeconfig.golden", w.Normalize(w.Read(w.Kubeconfig)))
	if !strings.Contains(r.out.String(), "Logged in to dev as developer (groups: developers, system:authenticated)\n") {
		t.Errorf("output:\n%s", r.out.String())
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(w.Kubeconfig); fi.Mode().Perm() != 0o600 {
			t.Errorf("new kubeconfig mode %v", fi.Mode().Perm())
		}
	}

	// Again: nothing changes, not a byte.
	config, kc := w.Read(w.Config), w.Read(w.Kubeconfig)
	if err := r.login(); err != nil {
		t.Fatal(err)
	}
	if w.Read(w.Config) != config || w.Read(w.Kubeconfig) != kc {
		t.Error("a second identical login changed a file")
	}
	for _, want := range []string{"Profile dev1-eks in " + w.Config + " is up to date.\n", `Context "dev" in ` + w.Kubeconfig + " is up to date.\n"} {
		if !strings.Contains(r.out.String(), want) {
			t.Errorf("second run output lacks %q:\n%s", want, r.out.String())
		}
	}
	checkRealTools(t, w)
}

// checkRealTools has the AWS CLI read the profile and kubectl the context.
func checkRealTools(t *testing.T, w *logintest.World) {
	if aws, err := exec.LookPath("aws"); err == nil {
		cmd := exec.Command(aws, "configure", "get", "role_arn", "--profile", "dev1-eks")
		cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE="+w.Config, "AWS_SHARED_CREDENTIALS_FILE="+w.Creds)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != logintest.RoleDev {
			t.Errorf("aws configure get role_arn: %q %v", out, err)
		}
	}
	if kubectl, err := exec.LookPath("kubectl"); err == nil {
		cmd := exec.Command(kubectl, "config", "current-context", "--kubeconfig", w.Kubeconfig)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "dev" {
			t.Errorf("kubectl config current-context: %q %v", out, err)
		}
		cmd = exec.Command(kubectl, "config", "view", "--kubeconfig", w.Kubeconfig, "-o", "jsonpath={.users[0].user.exec.args}")
		out, err = cmd.CombinedOutput()
		if err != nil || string(out) != `["token","--cluster-name","dev","--profile","dev1-eks","--region","eu-west-1"]` {
			t.Errorf("kubectl config view: %q %v", out, err)
		}
	}
}

func TestDryRunPrintsDiffsAndWritesNothing(t *testing.T) {
	w := logintest.New(t)
	r := &run{w: w}
	config := w.Read(w.Config)
	if err := r.login(func(o *Options) { o.DryRun = true; o.Namespace = "team-a" }); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "dry-run.out.golden", w.Normalize(r.out.String()))
	if w.Read(w.Config) != config {
		t.Error("--dry-run changed the config file")
	}
	if _, err := os.Stat(w.Kubeconfig); !os.IsNotExist(err) {
		t.Errorf("--dry-run created the kubeconfig: %v", err)
	}
	// A real run writes exactly what the dry run showed.
	shown := r.out.String()
	if err := r.login(func(o *Options) { o.Namespace = "team-a"; o.NoVerify = true }); err != nil {
		t.Fatal(err)
	}
	added := 0
	for _, line := range strings.Split(shown, "\n") {
		if strings.HasPrefix(line, "+") && !strings.HasPrefix(line, "+++") {
			added++
			if !strings.Contains(w.Read(w.Config)+w.Read(w.Kubeconfig), line[1:]) {
				t.Errorf("the dry run showed %q, which the real run did not write", line)
			}
		}
	}
	if added == 0 {
		t.Errorf("the dry run showed no added line:\n%s", shown)
	}
}

// TestRefusalShowsTheDiff: a refused change is shown on stderr, with the
// error, and nothing is written.
func TestRefusalShowsTheDiff(t *testing.T) {
	w := logintest.New(t)
	r := &run{w: w}
	w.Write(w.Config, "[profile dev1]\nregion = eu-west-1\n\n[profile dev1-eks]\nrole_arn = arn:aws:iam::111122223333:role/admin\nsource_profile = dev1\n")
	before := w.Read(w.Config)
	err := r.login()
	if exitcode.Of(err) != exitcode.Conflict || !strings.Contains(fmt.Sprint(err), "--yes") {
		t.Fatalf("want a conflict, got %v", err)
	}
	if !strings.Contains(r.errOut.String(), "-role_arn = arn:aws:iam::111122223333:role/admin\n+role_arn = "+logintest.RoleDev) {
		t.Errorf("the refusal must show the diff:\n%s", r.errOut.String())
	}
	if w.Read(w.Config) != before || r.out.Len() != 0 {
		t.Errorf("the refused login wrote a file or printed %q", r.out.String())
	}
}

// TestWarningsAndVerbose: warnings and the --verbose log go to stderr.
func TestWarningsAndVerbose(t *testing.T) {
	w := logintest.New(t)
	r := &run{w: w}
	const serial = "arn:aws:iam::111122223333:mfa/alice"
	err := r.login(func(o *Options) {
		o.MFASerial = serial
		o.Verbose = true
		o.NoVerify = true
		o.ExecCommand = ""
		o.LookPath = func(string) (string, error) { return "", exec.ErrNotFound }
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.Read(w.Config), "mfa_serial = "+serial+"\n") || !bytes.Contains(w.AWS.TriedConfig, []byte("mfa_serial = "+serial)) {
		t.Errorf("config:\n%s", w.Read(w.Config))
	}
	for _, s := range []string{"eks-login: region eu-west-1 (from profile dev1 in", "eks-login: DescribeCluster dev in eu-west-1 as profile dev1-eks", "warning: kubectl-eks_login is not on your PATH"} {
		if !strings.Contains(r.errOut.String(), s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.errOut.String())
		}
	}
	if strings.Contains(r.out.String(), "eks-login:") {
		t.Errorf("the --verbose log went to stdout:\n%s", r.out.String())
	}
}

// TestNewCmd: the flags fill the Options; the static rules between them
// are cobra's, in login's words, with exit code 2.
func TestNewCmd(t *testing.T) {
	tests := []struct {
		args    string
		want    login.Input
		wantErr string
	}{
		{args: "--cluster dev --role viewer --source-profile dev1 --profile p --region eu-west-1 --mfa-serial m --alias a --namespace ns --kubeconfig k --exec-api-version v1 --yes",
			want: login.Input{Cluster: "dev", Role: "viewer", SourceProfile: "dev1", Profile: "p", Region: "eu-west-1", MFASerial: "m", Alias: "a", Namespace: "ns", Kubeconfig: "k", ExecAPIVersion: "v1", Yes: true}},
		{args: "--cluster dev --role-arn " + logintest.RoleDev, want: login.Input{Cluster: "dev", RoleARN: logintest.RoleDev, ExecAPIVersion: "v1beta1"}},
		{args: "--role viewer", wantErr: "--cluster is required: the name of the EKS cluster"},
		{args: "--cluster dev", wantErr: "name the IAM role with --role-arn ARN or --role NAME"},
		{args: "--cluster dev --role r --role-arn " + logintest.RoleDev, wantErr: "--role-arn and --role both name the role; pass one of them"},
		{args: "--cluster dev --role viewer extra", wantErr: `login takes no arguments, got ["extra"]; name the cluster with --cluster`},
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
			if !reflect.DeepEqual(got.Input, tt.want) {
				t.Errorf("input %+v, want %+v", got.Input, tt.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	io, _, _, _ := iostreams.Test()
	cmd := NewCmd(&cmdutil.Factory{IOStreams: io}, nil)
	var help bytes.Buffer
	cmd.SetOut(&help)
	if err := cmd.Help(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--role-arn", "PROFILE@CLUSTER-ARN", "Examples:", "my-example"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}
