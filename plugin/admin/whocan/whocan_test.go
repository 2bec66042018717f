package whocan

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/usecases/audit"
	"github.com/eks-login/eks-login/pkg/usecases/audit/audittest"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags/adminflagstest"
)

func TestFlags(t *testing.T) {
	var got *Options
	parse := func(args ...string) error {
		return adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(o *Options) error { got = o; return nil }), args...)
	}
	err := parse("get", "secrets", "-n", "kube-system", "--subresource", "x", "--cluster", "a", "--cluster", "b=ctx", "-o", "json", "--forward-session-name")
	if err != nil || got.Verb != "get" || got.Resource != "secrets" || got.Namespace != "kube-system" || got.Subresource != "x" ||
		strings.Join(got.Clusters, " ") != "a b=ctx" || got.Output != "json" || !got.ForwardSessionName {
		t.Errorf("options %+v (%v)", got, err)
	}
	if err := parse("get"); exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "takes a verb and a resource") {
		t.Errorf("one argument: %v", err)
	}
}

func TestOutputs(t *testing.T) {
	for _, output := range []string{"table", "json", "yaml"} {
		t.Run(output, func(t *testing.T) {
			var out bytes.Buffer
			f := audittest.New(t)
			o := &Options{Common: adminflagstest.Common(f.Fake, &out, false), Verb: "get", Resource: "secrets", Namespace: "kube-system", Clusters: []string{"my-example"}, Output: output}
			if err := run(context.Background(), o); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "who-can."+output, out.String())
		})
	}
}

// TestForwardSessionName: --forward-session-name reaches the audit, which
// fills {{SessionName}} with the user's name as it is.
func TestForwardSessionName(t *testing.T) {
	for _, tc := range []struct {
		forward bool
		want    string
	}{{false, "platform:eks-login-alice"}, {true, "platform:alice"}} {
		var out bytes.Buffer
		f := audittest.New(t)
		o := &Options{Common: adminflagstest.Common(f.Fake, &out, false), Verb: "get", Resource: "secrets", Namespace: "kube-system", Clusters: []string{"my-example"}, Output: "table", ForwardSessionName: tc.forward}
		if err := run(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "  "+tc.want+" (platform-admins)") {
			t.Errorf("forward %v: alice's identity is not %s:\n%s", tc.forward, tc.want, out.String())
		}
	}
}

// TestNoOne: a check no one passes says so, and bad input is a usage
// error before anything is asked.
func TestNoOne(t *testing.T) {
	var out bytes.Buffer
	f := audittest.New(t)
	o := &Options{Common: adminflagstest.Common(f.Fake, &out, false), Verb: "delete", Resource: "nodes", Clusters: []string{"my-example"}, Output: "table"}
	if err := run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "No one may delete nodes through an IAM mapping of my-example.\n") {
		t.Errorf("output:\n%s", out.String())
	}
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{Verb: "Get", Resource: "secrets", Output: "table"}, `"Get" is not a verb`},
		{Options{Verb: "get", Resource: "Secrets", Output: "table"}, `"Secrets" is not a resource`},
		{Options{Verb: "get", Resource: "secrets", Namespace: "Kube_System", Output: "table"}, `namespace "Kube_System" is not a Kubernetes namespace name`},
		{Options{Verb: "get", Resource: "secrets", Output: "wide"}, `-o must be table, json or yaml, not "wide"`},
	} {
		o := tc.o
		o.Common = adminflagstest.Common(nil, &out, false)
		if err := run(context.Background(), &o); exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.want)
		}
	}
}

// TestTableShowsOddNames: a name's escape sequence or carriage return is
// shown as an escape in the table, never sent to the terminal.
func TestTableShowsOddNames(t *testing.T) {
	a := audittest.OddAudit(audittest.Odd)
	var out bytes.Buffer
	printTable(&out, a, audit.Check{Verb: "get", Resource: "secrets"}, a.Reaches())
	if strings.ContainsAny(out.String(), "\x1b\r") || !strings.Contains(out.String(), `dev\x1b[2J\rforged`) {
		t.Errorf("%q", out.String())
	}
}
