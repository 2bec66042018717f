package logout

import (
	"bytes"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/usecases/logout"
	"github.com/eks-login/eks-login/pkg/usecases/logout/logouttest"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/cmdutiltest"
)

// run is "kubectl eks-login logout --cluster dev" in w, through the run
// function, with its output.
func run(w *logouttest.World, mod func(*Options)) (string, error) {
	var out bytes.Buffer
	o := &Options{IO: &iostreams.IOStreams{Out: &out, ErrOut: &out}, Env: w.Env(), Input: logout.Input{Cluster: "dev"}}
	if mod != nil {
		mod(o)
	}
	err := runLogout(o)
	return strings.ReplaceAll(out.String(), w.Home, "$HOME"), err
}

func TestLogoutRestoresFiles(t *testing.T) {
	w := logouttest.New(t)
	w.Login("dev1-eks", "dev", "dev")
	out, err := run(w, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.Read(w.Config); got != logouttest.UserConfig {
		t.Errorf("config after logout:\n%q\nwant\n%q", got, logouttest.UserConfig)
	}
	// With the context current before login current again.
	if got := w.Read(w.Kubeconfig); got != logouttest.KubectlWritten {
		t.Errorf("kubeconfig after logout:\n%s\nwant\n%s", got, logouttest.KubectlWritten)
	}
	golden.Check(t, "logout.out.golden", out)

	// Again: nothing left to do, and that is not an error.
	out, err = run(w, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out != "$HOME/.kube/config has no context \"dev\".\nNothing to remove for cluster dev.\n" {
		t.Errorf("second logout:\n%s", out)
	}
}

func TestLogoutDryRun(t *testing.T) {
	w := logouttest.New(t)
	w.Login("dev1-eks", "dev", "dev")
	config, kc := w.Read(w.Config), w.Read(w.Kubeconfig)
	out, err := run(w, func(o *Options) { o.DryRun = true })
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "dry-run.out.golden", out)
	if w.Read(w.Config) != config || w.Read(w.Kubeconfig) != kc {
		t.Error("--dry-run wrote a file")
	}
}

// TestNotesPrinted: what logout keeps, it says.
func TestNotesPrinted(t *testing.T) {
	w := logouttest.New(t)
	w.Login("dev1-eks", "dev", "dev")
	w.Login("dev1-eks", "prod", "prod")
	out, err := run(w, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Profile dev1-eks is kept: user \"dev1-eks@arn:aws:eks:eu-west-1:111122223333:cluster/prod\"") {
		t.Errorf("output:\n%s", out)
	}
}

func TestNewCmd(t *testing.T) {
	tests := []struct {
		args    string
		want    logout.Input
		dryRun  bool
		wantErr string
	}{
		{args: "--cluster dev --profile p --alias a --kubeconfig k --dry-run", want: logout.Input{Cluster: "dev", Profile: "p", Alias: "a", Kubeconfig: "k"}, dryRun: true},
		{args: "--alias a", wantErr: "--cluster is required: the name of the EKS cluster to log out of"},
		{args: "--cluster dev extra", wantErr: `logout takes no arguments, got ["extra"]; name the cluster with --cluster`},
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
			if got.Input != tt.want || got.DryRun != tt.dryRun {
				t.Errorf("options %+v (dry run %v), want %+v (%v)", got.Input, got.DryRun, tt.want, tt.dryRun)
			}
		})
	}
}
