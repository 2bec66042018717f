package accessreport

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/usecases/audit/audittest"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags/adminflagstest"
)

func TestFlags(t *testing.T) {
	var got *Options
	err := adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(o *Options) error { got = o; return nil }),
		"--cluster", "a", "--sensitive", "get secrets; create pods/exec", "--sensitive", "get nodes", "-o", "dot", "--forward-session-name")
	if err != nil || strings.Join(got.Clusters, " ") != "a" || len(got.Sensitive) != 2 || got.Output != "dot" || !got.ForwardSessionName {
		t.Errorf("options %+v (%v)", got, err)
	}
	items, err := got.items()
	if err != nil || len(items) != 3 || items[1].String() != "create pods/exec" {
		t.Errorf("items %v (%v)", items, err)
	}
}

// TestOutputs: the default sensitive list as a table, JSON, YAML, and the
// graph in Graphviz's and Mermaid's languages.
func TestOutputs(t *testing.T) {
	for _, output := range []string{"table", "json", "yaml", "dot", "mermaid"} {
		t.Run(output, func(t *testing.T) {
			var out bytes.Buffer
			f := audittest.New(t)
			o := &Options{Common: adminflagstest.Common(f.Fake, &out, false), Clusters: []string{"my-example"}, Output: output}
			if err := run(context.Background(), o); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "access-report."+output, out.String())
		})
	}
}

// TestBadInput: a bad list or format is a usage error naming it, before
// anything is asked.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{Sensitive: []string{"get secrets; Get pods"}, Output: "table"}, `--sensitive: "Get pods": "Get" is not a verb`},
		{Options{Sensitive: []string{"get secrets within kube-system"}, Output: "table"}, `"within" is neither "in" nor "named"`},
		{Options{Sensitive: []string{"get"}, Output: "table"}, `"get": expected "VERB[,VERB...] RESOURCE`},
		{Options{Sensitive: []string{" ; "}, Output: "table"}, `--sensitive lists nothing to check`},
		{Options{Output: "svg"}, `-o must be table, json, yaml, dot or mermaid, not "svg"`},
	} {
		o := tc.o
		o.Common = adminflagstest.Common(nil, &bytes.Buffer{}, false)
		if err := run(context.Background(), &o); exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.want)
		}
	}
}

// TestTableShowsOddNames: a name's escape sequence or carriage return is
// shown as an escape in the table, never sent to the terminal.
func TestTableShowsOddNames(t *testing.T) {
	var out bytes.Buffer
	printTable(&out, audittest.OddAudit(audittest.Odd))
	if strings.ContainsAny(out.String(), "\x1b\r") || !strings.Contains(out.String(), `dev\x1b[2J\rforged`) {
		t.Errorf("%q", out.String())
	}
}
