// Package whocan is "kubectl eks-login admin who-can VERB RESOURCE": the
// people who may do something on the clusters, from the IAM user to the
// Kubernetes verb, through every aws-auth mapping and access entry that
// counts under the cluster's authentication mode.
package whocan

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/usecases/audit"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

// Options are the arguments and flags of "admin who-can".
type Options struct {
	*adminflags.Common
	Verb, Resource string
	Namespace      string
	Subresource    string
	Clusters       []string
	Output         string
	// ForwardSessionName: people's sessions are named as they are.
	ForwardSessionName bool
}

// NewCmd builds "admin who-can"; runF, when not nil, runs instead of the
// command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{Common: adminflags.New(f)}
	cmd := &cobra.Command{
		Use:   "who-can VERB RESOURCE[.GROUP][/NAME] [-n NAMESPACE] [--subresource S] [--cluster NAME ...] [flags]",
		Short: "Name the people who may do VERB on RESOURCE, from their IAM user to Kubernetes' answer",
		Long: `Name the people who may do VERB on RESOURCE in the cluster, and how: for
every IAM role or user that an aws-auth mapping or an access entry lets in
(the ones "admin list" marks active under the cluster's authentication
mode), who may become it (its trust policy and the identity policies of
the account's users, their groups and other roles, with Deny, NotAction,
NotResource and wildcards evaluated, read with
iam:GetAccountAuthorizationDetails), the Kubernetes user and groups it gets,
and whether Kubernetes allows that user VERB on RESOURCE. That last answer
is the API server's own, to a SubjectAccessReview carrying the user's extra
as aws-iam-authenticator sets it, so RBAC and EKS access policies both
count. A username or group naming the session ({{SessionName}}) is asked
about for each IAM user as eks-login names that user's sessions
(eks-login-NAME, or NAME with --forward-session-name); sessions named
otherwise are asked about as written, and a note says so.

A way that rests on a policy Condition is shown as conditional: conditions
are never guessed. Only IAM principals mapped by aws-auth or access entries
are audited; client certificates, service accounts and other
authenticators are not. The command exits 0 whatever the answer.`,
		Example: `  kubectl eks-login admin who-can get secrets -n kube-system --cluster my-example
  kubectl eks-login admin who-can create pods --subresource exec --cluster prod --cluster staging
  kubectl eks-login admin who-can update configmaps/aws-auth -n kube-system -o json`,
	}
	adminflags.Setup(cmd, o.Common, o, func(fs *pflag.FlagSet) {
		fs.StringVarP(&o.Namespace, "namespace", "n", "", "The namespace; none asks about every namespace at once (or a cluster-wide resource).")
		fs.StringVar(&o.Subresource, "subresource", "", "The subresource, such as exec or log.")
		adminflags.AddClustersFlag(fs, &o.Clusters)
		adminflags.AddForwardSessionNameFlag(fs, &o.ForwardSessionName)
		fs.StringVarP(&o.Output, "output", "o", "table", "Output format: table, json or yaml.")
	}, runF, run)
	adminflags.CompleteOutput(cmd, outputs)
	cmd.Flags().MarkHidden("dry-run") // it changes nothing anyway
	// The two positional arguments go into the options as the flags do.
	cmd.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) != 2 {
			return exitcode.Errorf(exitcode.Usage, "%s takes a verb and a resource, such as: who-can get secrets -n kube-system (got %d arguments: %q)", cmd.CommandPath(), len(args), args)
		}
		o.Verb, o.Resource = args[0], args[1]
		return nil
	}
	return cmd
}

// outputs are who-can's -o formats.
var outputs = []string{"table", "json", "yaml"}

func run(ctx context.Context, o *Options) error {
	check, err := audit.NewCheck(o.Verb, o.Resource, o.Subresource, o.Namespace)
	if err != nil {
		return exitcode.WithCode(exitcode.Usage, err)
	}
	if err := adminflags.CheckOutput(o.Output, outputs...); err != nil {
		return err
	}
	auditor, err := o.Auditor(ctx, o.Clusters)
	if err != nil {
		return err
	}
	auditor.ForwardSessionName = o.ForwardSessionName
	a, err := auditor.Run(ctx, []audit.Check{check})
	if err != nil {
		return err
	}
	view := struct {
		Check    audit.Check     `json:"check" yaml:"check"`
		People   []audit.Reach   `json:"people" yaml:"people"`
		Clusters []audit.Cluster `json:"clusters" yaml:"clusters"`
		Problems []string        `json:"problems,omitempty" yaml:"problems,omitempty"`
	}{check, a.Who(0), a.Clusters, a.Problems}
	if view.People == nil {
		view.People = []audit.Reach{}
	}
	if o.Output != "table" {
		return adminflags.PrintData(o.IO.Out, o.Output, view)
	}
	printTable(o.IO.Out, a, check, view.People)
	return nil
}

func printTable(w io.Writer, a *audit.Audit, check audit.Check, people []audit.Reach) {
	if len(people) == 0 {
		iostreams.Linef(w, "No one may %s through an IAM mapping of %s.", check, clusterNames(a))
	} else {
		fmt.Fprintf(w, "Who may %s:\n\n", check)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CLUSTER\tPERSON\tDECISION\tWAY\tKUBERNETES IDENTITY\tALLOWED BY")
		for _, r := range people {
			fmt.Fprint(tw, iostreams.Row(r.Cluster, r.Person.Short(), r.Decision.String(), r.Way(), r.Identity.String(), reason(a, r, check)))
		}
		tw.Flush()
	}
	adminflags.PrintNotes(w, a.Notes(people))
}

// reason is the authorizer's reason for the reach's identity.
func reason(a *audit.Audit, r audit.Reach, check audit.Check) string {
	for _, ans := range a.Answers(r) {
		if ans.Check == check.String() {
			return ans.Reason
		}
	}
	return ""
}

func clusterNames(a *audit.Audit) string {
	s := ""
	for i, c := range a.Clusters {
		if i > 0 {
			s += ", "
		}
		s += c.Name
	}
	return s
}
