// Package accessreport is "kubectl eks-login admin access-report": every
// way people get into the clusters (person → IAM group → role → cluster →
// Kubernetes identity) and what each way allows of a list of sensitive
// verbs, as a table, JSON, YAML, or a Graphviz or Mermaid graph.
package accessreport

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/usecases/audit"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

// Options are the flags of "admin access-report".
type Options struct {
	*adminflags.Common
	Clusters  []string
	Sensitive []string
	Output    string
	// ForwardSessionName: people's sessions are named as they are.
	ForwardSessionName bool
}

// NewCmd builds "admin access-report"; runF, when not nil, runs instead of
// the command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{Common: adminflags.New(f)}
	cmd := &cobra.Command{
		Use:   "access-report [--cluster NAME ...] [--sensitive LIST] [-o table|json|yaml|dot|mermaid] [flags]",
		Short: "Report every way people get into the clusters, and the sensitive things each allows",
		Long: `Report, for every IAM role or user that an aws-auth mapping or an access
entry lets into the clusters, who may become it (as "admin who-can"
finds it: IAM users through their groups' and their own policies, roles
in between, principals beyond the account that trust policies admit), the
Kubernetes identity it gets, and which of a list of sensitive verbs the
API server allows that identity (SubjectAccessReviews: RBAC and EKS access
policies both count).

The list is --sensitive, items separated by ";" or the flag repeated, each
"VERB[,VERB...] RESOURCE[.GROUP][/SUBRESOURCE] [named NAME] [in NAMESPACE]".
By default:
  ` + strings.Join(audit.DefaultSensitive, "\n  ") + `

-o dot and -o mermaid draw the graph person → IAM group → role → cluster →
Kubernetes identity → what it may do; conditional ways are dashed.
Render it with Graphviz (dot -Tsvg), or put the Mermaid text in a
` + "```mermaid" + ` block of a Markdown file. The command exits 0 whatever the
answer.`,
		Example: `  kubectl eks-login admin access-report --cluster my-example
  kubectl eks-login admin access-report --cluster prod=prod-admin --cluster staging=staging-admin -o dot | dot -Tsvg > access.svg
  kubectl eks-login admin access-report --sensitive 'get,list secrets in payments; create pods/exec in payments'`,
	}
	adminflags.Setup(cmd, o.Common, o, func(fs *pflag.FlagSet) {
		adminflags.AddClustersFlag(fs, &o.Clusters)
		adminflags.AddForwardSessionNameFlag(fs, &o.ForwardSessionName)
		fs.StringArrayVar(&o.Sensitive, "sensitive", nil, `What to check, items separated by ";": "VERB[,VERB...] RESOURCE[.GROUP][/SUBRESOURCE] [named NAME] [in NAMESPACE]" (default: see above).`)
		fs.StringVarP(&o.Output, "output", "o", "table", "Output format: table, json, yaml, dot or mermaid.")
	}, runF, run)
	adminflags.CompleteOutput(cmd, outputs)
	cmd.Flags().MarkHidden("dry-run") // it changes nothing anyway
	return cmd
}

// items reads the sensitive list.
func (o *Options) items() ([]audit.Item, error) {
	lines := audit.DefaultSensitive
	if len(o.Sensitive) > 0 {
		lines = nil
		for _, s := range o.Sensitive {
			lines = append(lines, strings.Split(s, ";")...)
		}
	}
	var items []audit.Item
	for _, l := range lines {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		it, err := audit.ParseItem(l)
		if err != nil {
			return nil, exitcode.Errorf(exitcode.Usage, "--sensitive: %w", err)
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil, exitcode.Errorf(exitcode.Usage, "--sensitive lists nothing to check")
	}
	return items, nil
}

// outputs are access-report's -o formats.
var outputs = []string{"table", "json", "yaml", "dot", "mermaid"}

func run(ctx context.Context, o *Options) error {
	items, err := o.items()
	if err != nil {
		return err
	}
	if err := adminflags.CheckOutput(o.Output, outputs...); err != nil {
		return err
	}
	var checks []audit.Check
	for _, it := range items {
		checks = append(checks, it.Checks()...)
	}
	auditor, err := o.Auditor(ctx, o.Clusters)
	if err != nil {
		return err
	}
	auditor.ForwardSessionName = o.ForwardSessionName
	a, err := auditor.Run(ctx, checks)
	if err != nil {
		return err
	}
	switch o.Output {
	case "dot":
		return a.WriteDot(o.IO.Out)
	case "mermaid":
		return a.WriteMermaid(o.IO.Out)
	case "json", "yaml":
		return adminflags.PrintData(o.IO.Out, o.Output, struct {
			Checks   []audit.Check   `json:"checks" yaml:"checks"`
			People   []audit.Reach   `json:"people" yaml:"people"`
			Clusters []audit.Cluster `json:"clusters" yaml:"clusters"`
			Problems []string        `json:"problems,omitempty" yaml:"problems,omitempty"`
		}{a.Checks, a.Reaches(), a.Clusters, a.Problems})
	}
	printTable(o.IO.Out, a)
	return nil
}

func printTable(w io.Writer, a *audit.Audit) {
	reaches := a.Reaches()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CLUSTER\tPERSON\tDECISION\tWAY\tKUBERNETES IDENTITY\tSENSITIVE ACCESS")
	for _, r := range reaches {
		person, decision := "-", "-"
		if r.Person != nil {
			person, decision = r.Person.Short(), r.Decision.String()
		}
		fmt.Fprint(tw, iostreams.Row(r.Cluster, person, decision, r.Way(), r.Identity.String(), sensitive(a, r)))
	}
	tw.Flush()
	adminflags.PrintNotes(w, a.Notes(reaches))
}

// sensitive is what the reach's identity may do, one object at a time.
func sensitive(a *audit.Audit, r audit.Reach) string {
	lines := audit.Compact(a.Checks, func(i int) bool { return slices.Contains(r.Allowed, a.Checks[i].String()) })
	if len(lines) == 0 {
		return "none"
	}
	return strings.Join(lines, "; ")
}
