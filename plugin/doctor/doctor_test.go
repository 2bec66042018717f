package doctor

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/usecases/doctor"
	"github.com/eks-login/eks-login/pkg/usecases/doctor/doctortest"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/cmdutiltest"
)

// run is doctor in s's world through the run function, printing as
// output says on streams io; it returns stdout, home as $HOME.
func run(t *testing.T, s doctortest.Setup, io *iostreams.IOStreams, output string) (string, error) {
	t.Helper()
	d, in, home := s.Doctor(t)
	var out bytes.Buffer
	io.Out = &out
	err := runDoctor(context.Background(), &Options{IO: io, Input: in, Output: output, Doctor: d})
	return strings.ReplaceAll(out.String(), home, "$HOME"), err
}

func TestJSONGolden(t *testing.T) {
	s := doctortest.Healthy()
	s.Kube.WhoErr = apierrors.NewUnauthorized("Unauthorized")
	io, _, _, _ := iostreams.Test()
	out, err := run(t, s, io, "json")
	if exitcode.Of(err) != exitcode.Unauthorized {
		t.Errorf("exit code %d, want %d", exitcode.Of(err), exitcode.Unauthorized)
	}
	golden.Check(t, "unmapped.json", out)
}

// TestText: the findings as text, marked with symbols on a terminal that
// takes them and with words otherwise; the table and the fixes beneath.
func TestText(t *testing.T) {
	tests := []struct {
		name             string
		stdoutTTY, noCol bool
		want, notWant    []string
	}{
		{"terminal", true, false, []string{"✓ credentials ", "✗ authorization "}, []string{"ok   credentials"}},
		{"pipe", false, false, []string{"ok   credentials ", "FAIL authorization ", "       fix: a cluster administrator binds the group"}, []string{"✓", "✗"}},
		{"terminal with NO_COLOR", true, true, []string{"ok   credentials ", "FAIL authorization "}, []string{"✓", "✗"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := doctortest.Healthy()
			s.Kube.Allowed = nil
			env := map[string]string{}
			if tt.noCol {
				env["NO_COLOR"] = "1"
			}
			io := iostreams.System(func(k string) string { return env[k] })
			io.SetStdoutTTY(tt.stdoutTTY)
			out, err := run(t, s, io, "")
			if exitcode.Of(err) != exitcode.Forbidden {
				t.Errorf("exit code %d (%v), want %d", exitcode.Of(err), err, exitcode.Forbidden)
			}
			if !strings.HasPrefix(out, `Context "my-example" in $HOME/.kube/config: cluster my-example, profile dev1-eks, region ap-northeast-2`+"\n") {
				t.Errorf("no header:\n%s", out)
			}
			if !strings.Contains(out, fmt.Sprintf("       %-40s no\n", "list pods (all namespaces)")) {
				t.Errorf("no table of what RBAC allows:\n%s", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out, w) {
					t.Errorf("output holds %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestMarks(t *testing.T) {
	for _, tt := range []struct {
		s            doctor.Status
		fancy, plain string
	}{
		{doctor.StatusOK, "✓", "ok  "}, {doctor.StatusFail, "✗", "FAIL"}, {doctor.StatusWarn, "!", "warn"}, {doctor.StatusSkip, "-", "skip"},
	} {
		if got := mark(tt.s, true); got != tt.fancy {
			t.Errorf("mark(%s, fancy) = %q, want %q", tt.s, got, tt.fancy)
		}
		if got := mark(tt.s, false); got != tt.plain {
			t.Errorf("mark(%s) = %q, want %q", tt.s, got, tt.plain)
		}
	}
}

func TestNewCmd(t *testing.T) {
	tests := []struct {
		args    string
		want    doctor.Input
		output  string
		wantErr string
		code    int
	}{
		{args: "--context c --kubeconfig k --cluster my-example --profile dev1-eks --region ap-northeast-2 -o json",
			want: doctor.Input{Context: "c", Kubeconfig: "k", Cluster: "my-example", Profile: "dev1-eks", Region: "ap-northeast-2"}, output: "json"},
		{args: "c", wantErr: `doctor takes no arguments, got ["c"]; name the context with --context`, code: exitcode.Usage},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			io, _, _, _ := iostreams.Test()
			got, err := cmdutiltest.ParseOptions(&cmdutil.Factory{IOStreams: io}, NewCmd, tt.args)
			if tt.wantErr != "" {
				cmdutiltest.WantRefusal(t, got, err, tt.code, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Input != tt.want || got.Output != tt.output || got.Doctor == nil || got.Doctor.AWS == nil || got.Doctor.LookPath == nil {
				t.Errorf("options %+v, output %q, doctor %+v; want %+v, %q and the SDK", got.Input, got.Output, got.Doctor, tt.want, tt.output)
			}
		})
	}
}

func TestBadOutput(t *testing.T) {
	io, _, out, _ := iostreams.Test()
	err := runDoctor(context.Background(), &Options{IO: io, Output: "yaml"})
	if exitcode.Of(err) != exitcode.Usage || !strings.Contains(fmt.Sprint(err), `--output "yaml" is not json or text`) || out.Len() != 0 {
		t.Errorf("got %v, output %q", err, out.String())
	}
}

// TestTextShowsOddNames: a finding names what it found in AWS or
// aws-auth (free text); an escape sequence or carriage return there is
// shown as an escape, never sent to the terminal.
func TestTextShowsOddNames(t *testing.T) {
	const odd = "dev\x1b[2J\rforged"
	for _, r := range []doctor.Report{
		{Header: "context " + odd},
		{Findings: []doctor.Finding{{Link: "aws-auth", Status: doctor.StatusFail, Detail: "mapped as " + odd}}},
		{Findings: []doctor.Finding{{Link: "aws-auth", Status: doctor.StatusFail, Fix: "map " + odd}}},
		{Findings: []doctor.Finding{{Link: "authorization", Status: doctor.StatusOK, Table: []doctor.AccessRow{{What: odd}}}}},
	} {
		ios, _, out, _ := iostreams.Test()
		if err := (&Options{IO: ios}).print(&r); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(out.String(), "\x1b\r") || !strings.Contains(out.String(), `dev\x1b[2J\rforged`) {
			t.Errorf("%+v: %q", r, out.String())
		}
	}
}
