package audit

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/iampolicy"
)

// TestGraphsHoldOddNames: names in the graphs come from aws-auth, access
// entries and IAM, and aws-auth takes any text. A quote, a bracket, a
// comment sign, a line break or a carriage return in a username, a group
// or an ARN stays inside its label: every line of the output is one of the
// lines the writer means to write, and there are as many as without them.
func TestGraphsHoldOddNames(t *testing.T) {
	odd := "x\"] n9[\"y\r\nz#;`<b>\\"
	audit := func(name string) *Audit {
		return &Audit{Clusters: []Cluster{{Name: "my-example", AuthenticationMode: "CONFIG_MAP", Principals: []Principal{{
			Kind: KindRole, ARN: "arn:aws:iam::123456789012:role/" + name, Source: "aws-auth",
			Identity: Identity{Username: name, Groups: []string{name, "g"}},
			Assumers: []Assumer{{Kind: KindUser, ARN: "arn:aws:iam::123456789012:user/" + name, Decision: iampolicy.Conditional, Groups: []string{name}}},
		}}}}}
	}
	quoted := `"([^"\\\r\n]|\\.)*"`
	for _, tt := range []struct {
		name  string
		write func(*Audit, *bytes.Buffer) error
		line  *regexp.Regexp
		shown string // the name's line break, as the label shows it
	}{
		{"dot", func(a *Audit, b *bytes.Buffer) error { return a.WriteDot(b) }, regexp.MustCompile(`^(digraph access \{|  rankdir=LR;|  (graph|node|edge) \[.*\];|  subgraph cluster_\d+ \{|    label=` + quoted + `;|    style=rounded;|  \}|\}|\s+n\d+ \[label=` + quoted + `, [a-z=, "#0-9]+\];|  n\d+ -> n\d+( \[style=dashed, label="conditional"\])?;)$`), `y\\r\\nz`},
		{"mermaid", func(a *Audit, b *bytes.Buffer) error { return a.WriteMermaid(b) }, regexp.MustCompile(`^(flowchart LR|  subgraph c\d+\["[^"\r\n]*"\]|  end|\s+n\d+[\[\(/]*"[^"\r\n]*"[\]\)/]*|  n\d+ (-->|-\. conditional \.->) n\d+)$`), `y\r\nz`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var plain, got bytes.Buffer
			if err := tt.write(audit("plain"), &plain); err != nil {
				t.Fatal(err)
			}
			if err := tt.write(audit(odd), &got); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(got.String(), "\n"), "\n")
			if want := strings.Count(plain.String(), "\n"); len(lines) != want {
				t.Errorf("%d lines, want %d:\n%s", len(lines), want, got.String())
			}
			for _, l := range lines {
				if !tt.line.MatchString(l) {
					t.Errorf("line %q is not one the writer means", l)
				}
			}
			if !strings.Contains(got.String(), tt.shown) {
				t.Errorf("the name's line break is not shown as %s:\n%s", tt.shown, got.String())
			}
		})
	}
}
