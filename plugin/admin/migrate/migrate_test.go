package migrate

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	usecase "github.com/eks-login/eks-login/pkg/usecases/migrate"
	"github.com/eks-login/eks-login/pkg/usecases/migrate/migratetest"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

func TestFlags(t *testing.T) {
	tests := []struct {
		args  []string
		check func(*Options) bool
		code  int    // exit code of a refusal
		msg   string // part of its message
	}{
		{args: []string{"--cluster", "my-example", "--dry-run"}, check: func(o *Options) bool { return o.Cluster == "my-example" && o.DryRun && o.Output == "table" }},
		{args: []string{"--to", "api", "--yes", "--cleanup", "--force", "-o", "json"}, check: func(o *Options) bool { return o.To == "api" && o.Yes && o.Cleanup && o.Force && o.Output == "json" }},
		{args: []string{"--rollback", "--profile", "admin", "--region", "ap-northeast-2", "--kubeconfig", "k", "--context", "c"},
			check: func(o *Options) bool {
				return o.Rollback && o.Profile == "admin" && o.Region == "ap-northeast-2" && o.Kubeconfig == "k" && o.Context == "c"
			}},
		{args: []string{"--strict"}, check: func(o *Options) bool { return o.Strict }},
		{args: []string{"--to", "API_AND_CONFIG_MAP"}, code: exitcode.Usage, msg: "--to takes only api"},
		{args: []string{"-o", "yaml"}, code: exitcode.Usage, msg: "-o must be table or json"},
		{args: []string{"--yes"}, code: exitcode.Usage, msg: "--yes confirms --to api"},
		{args: []string{"--cluster", "my cluster"}, code: exitcode.Usage, msg: "is not an EKS cluster name"},
		{args: []string{"my-example"}, code: exitcode.Usage, msg: "takes no arguments"},
		{args: []string{"--rollback", "--to", "api"}, msg: "if any flags in the group [rollback to] are set none of the others can be"},
		{args: []string{"--rollback", "--cleanup"}, msg: "[rollback cleanup]"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *Options
			cmd := NewCmd(&cmdutil.Factory{IOStreams: ios}, func(o *Options) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(ios.Out)
			cmd.SetErr(ios.ErrOut)
			err := cmd.Execute()
			if tt.msg != "" {
				if err == nil || !strings.Contains(err.Error(), tt.msg) || (tt.code != 0 && exitcode.Of(err) != tt.code) {
					t.Fatalf("err = %v (exit %d), want exit %d with %q", err, exitcode.Of(err), tt.code, tt.msg)
				}
				return
			}
			if err != nil || got == nil || !tt.check(got) {
				t.Fatalf("err = %v, options %+v", err, got)
			}
		})
	}
}

const refusedMapRoles = `- rolearn: ` + migratetest.ViewerRole + `
  username: developer
  groups:
  - developers
- rolearn: arn:aws:iam::` + migratetest.Account + `:role/Monitoring
  username: prometheus
  groups:
  - system:monitoring
`

// runWith runs the command's run function with the fake's clients.
func runWith(t *testing.T, f *migratetest.Fake, ios *iostreams.IOStreams, o Options) error {
	t.Helper()
	if o.Common == nil {
		o.Common = &adminflags.Common{}
	}
	o.IO, o.Cluster, o.Deps = ios, migratetest.Cluster, f.Deps(nil)
	if o.Output == "" {
		o.Output = "table"
	}
	return Run(context.Background(), &o)
}

// TestStrict: an entry that cannot be migrated is listed and, under
// --strict, an error (exit 3) before any change, dry run or not.
func TestStrict(t *testing.T) {
	for _, dry := range []bool{true, false} {
		f := migratetest.New(t, usecase.ModeConfigMap, refusedMapRoles)
		f.Roles["Monitoring"] = "arn:aws:iam::" + migratetest.Account + ":role/Monitoring"
		ios, _, out, _ := iostreams.Test()
		err := runWith(t, f, ios, Options{Common: &adminflags.Common{DryRun: dry}, Strict: true})
		if exitcode.Of(err) != exitcode.Input || !strings.Contains(err.Error(), "1 aws-auth entries cannot be migrated") || len(f.Writes()) != 0 {
			t.Fatalf("dry %v: err = %v, writes %v", dry, err, f.Writes())
		}
		if dry && !strings.Contains(out.String(), "system:monitoring: EKS refuses") {
			t.Errorf("the plan does not say why:\n%s", out)
		}
	}
	f := migratetest.New(t, usecase.ModeConfigMap, refusedMapRoles)
	f.Roles["Monitoring"] = "arn:aws:iam::" + migratetest.Account + ":role/Monitoring"
	ios, _, out, _ := iostreams.Test()
	if err := runWith(t, f, ios, Options{}); err != nil || !strings.Contains(out.String(), "Not migrated (1;") {
		t.Fatalf("without --strict: %v\n%s", err, out)
	}
}

// TestJSON: -o json prints the plan, or the report, as JSON, and the
// progress on stderr.
func TestJSON(t *testing.T) {
	f := migratetest.New(t, usecase.ModeConfigMap, refusedMapRoles)
	ios, _, out, errOut := iostreams.Test()
	if err := runWith(t, f, ios, Options{Common: &adminflags.Common{DryRun: true}, Output: "json"}); err != nil {
		t.Fatal(err)
	}
	var plan struct {
		Plan struct {
			AuthenticationMode string
			Entries            []struct{ PrincipalArn, Type, Action string }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &plan); err != nil || plan.Plan.AuthenticationMode != "CONFIG_MAP" || len(plan.Plan.Entries) != 1 || plan.Plan.Entries[0].Action != "create" {
		t.Fatalf("%v: %+v\n%s", err, plan, out)
	}
	out.Reset()
	if err := runWith(t, f, ios, Options{Output: "json"}); err != nil {
		t.Fatal(err)
	}
	var report struct {
		Report struct {
			AuthenticationMode string
			Results            []struct{ Outcome string }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &report); err != nil || report.Report.AuthenticationMode != "API_AND_CONFIG_MAP" || report.Report.Results[0].Outcome != "created" {
		t.Fatalf("%v: %+v\n%s", err, report, out)
	}
	if !strings.Contains(errOut.String(), "created access entry") {
		t.Errorf("no progress on stderr: %q", errOut)
	}
}

// TestConfirm: --to api at a terminal asks for the cluster's name; the
// wrong name changes nothing.
func TestConfirm(t *testing.T) {
	tests := []struct {
		typed string
		tty   bool
		code  int
		mode  string
	}{
		{typed: "my-example\n", tty: true, mode: usecase.ModeAPI},
		{typed: "yes\n", tty: true, code: exitcode.Conflict, mode: usecase.ModeConfigMap},
		{typed: "my-example\n", tty: false, code: exitcode.Conflict, mode: usecase.ModeConfigMap},
	}
	for _, tt := range tests {
		f := migratetest.New(t, usecase.ModeConfigMap, refusedMapRoles[:strings.Index(refusedMapRoles, "- rolearn: arn:aws:iam::"+migratetest.Account+":role/Monitoring")])
		ios, in, _, errOut := iostreams.Test()
		ios.SetStdinTTY(tt.tty)
		in.WriteString(tt.typed)
		err := runWith(t, f, ios, Options{To: "api"})
		if exitcode.Of(err) != tt.code || f.Mode != tt.mode {
			t.Errorf("typed %q (terminal %v): err = %v, mode %s\n%s", tt.typed, tt.tty, err, f.Mode, errOut)
		}
		if tt.tty && !strings.Contains(errOut.String(), "Type the cluster's name (my-example) to confirm") {
			t.Errorf("the question: %q", errOut)
		}
	}
}

// TestRollbackCommand deletes what a migration created.
func TestRollbackCommand(t *testing.T) {
	f := migratetest.New(t, usecase.ModeConfigMap, refusedMapRoles)
	ios, _, out, _ := iostreams.Test()
	if err := runWith(t, f, ios, Options{}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runWith(t, f, ios, Options{Rollback: true}); err != nil || len(f.Entries) != 0 || !strings.Contains(out.String(), "Deleted 1 access entries of cluster my-example; the authentication mode stays API_AND_CONFIG_MAP") {
		t.Fatalf("%v, entries %v\n%s", err, f.Entries, out)
	}
}
