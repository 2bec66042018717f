package plan

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

func steps(applied *[]string, failAt string) *Plan {
	step := func(verb, object string) *Step {
		s := &Step{Verb: verb, Object: object}
		if verb != Keep {
			s.Apply = func(context.Context) error {
				if object == failAt {
					return errors.New("cannot " + verb + " " + object)
				}
				*applied = append(*applied, object)
				return nil
			}
		}
		return s
	}
	p := &Plan{}
	p.Add(step(Keep, "IAM role R"), step(Create, "IAM group G"))
	p.Append(&Plan{Steps: []*Step{step(Update, "ConfigMap kube-system/aws-auth"), step(Delete, "ClusterRoleBinding b")}})
	p.Steps[0].Note = "left alone"
	p.Steps[1].Diff = "--- /dev/null\n+++ g\n@@ -0,0 +1 @@\n+g" // no final newline
	return p
}

// TestPrintAndApply: a dry run says what is found as a fact and the rest as
// what would be, with diffs, and applies nothing; a real run applies the
// steps in order, saying each when done, and stops at the first failure.
func TestPrintAndApply(t *testing.T) {
	var applied []string
	var out bytes.Buffer
	p := steps(&applied, "")
	if err := p.Run(context.Background(), &out, true); err != nil || len(applied) != 0 {
		t.Fatalf("dry run: %v, applied %v", err, applied)
	}
	want := `found IAM role R (left alone)
would create IAM group G
    --- /dev/null
    +++ g
    @@ -0,0 +1 @@
    +g
would update ConfigMap kube-system/aws-auth
would delete ClusterRoleBinding b
dry run: nothing was changed
`
	if out.String() != want {
		t.Errorf("dry run printed:\n%s\nwant:\n%s", out.String(), want)
	}

	out.Reset()
	p = steps(&applied, "ConfigMap kube-system/aws-auth")
	err := p.Run(context.Background(), &out, false)
	if err == nil || err.Error() != "cannot update ConfigMap kube-system/aws-auth" {
		t.Errorf("apply: %v", err)
	}
	if want := "found IAM role R (left alone)\ncreated IAM group G\n"; out.String() != want || len(applied) != 1 {
		t.Errorf("apply printed %q and applied %v; want %q and the group alone", out.String(), applied, want)
	}

	out.Reset()
	(&Plan{Steps: []*Step{{Verb: Keep, Object: "x"}}}).Print(&out)
	if out.String() != "found x\nnothing to change\n" {
		t.Errorf("a plan without changes printed %q", out.String())
	}
}
