// Package list is "kubectl eks-login admin list": the identity mappings of
// aws-auth and the cluster's access entries, each marked with whether it
// wins under the cluster's authentication mode.
package list

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	yaml "go.yaml.in/yaml/v3"

	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

// Options are the flags of "admin list".
type Options struct {
	*adminflags.Common
	Cluster string
	Output  string
}

// NewCmd builds "admin list"; runF, when not nil, runs instead of the
// command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{Common: adminflags.New(f)}
	cmd := &cobra.Command{
		Use:   "list [-o table|json|yaml] [flags]",
		Short: "List the identity mappings of aws-auth and the access entries, and which one wins",
		Long: `List the mappings of kube-system/aws-auth and the cluster's EKS access
entries. Each is marked with what it does under the cluster's authentication
mode: active (it decides who its principal is), shadowed (another mapping of
the same principal wins: in API_AND_CONFIG_MAP an access entry wins over
aws-auth) or ignored (API mode reads no aws-auth, and aws-auth never matches
a role named with its path).`,
		Example: "  kubectl eks-login admin list --cluster my-example\n  kubectl eks-login admin list -o yaml",
	}
	adminflags.Setup(cmd, o.Common, o, func(fs *pflag.FlagSet) {
		fs.StringVar(&o.Cluster, "cluster", "", "The EKS cluster's name, to list its access entries (default: from the kubeconfig context).")
		fs.StringVarP(&o.Output, "output", "o", "table", "Output format: table, json or yaml.")
	}, runF, run)
	adminflags.CompleteOutput(cmd, outputs)
	return cmd
}

// outputs are list's -o formats.
var outputs = []string{"table", "json", "yaml"}

func run(ctx context.Context, o *Options) error {
	if err := adminflags.CheckOutput(o.Output, outputs...); err != nil {
		return err
	}
	l, err := o.Admin().List(ctx, o.Cluster)
	if err != nil {
		return err
	}
	switch o.Output {
	case "json":
		b, _ := json.MarshalIndent(l, "", "  ")
		fmt.Fprintln(o.IO.Out, string(b))
	case "yaml":
		b, _ := yaml.Marshal(l)
		fmt.Fprint(o.IO.Out, string(b))
	default:
		printTable(o.IO.Out, l)
	}
	return nil
}

func printTable(w io.Writer, l *admin.Listing) {
	if l.AuthenticationMode != "" {
		iostreams.Linef(w, "Cluster %s, authentication mode %s: %s.", l.Cluster, l.AuthenticationMode, admin.ModeRule(l.AuthenticationMode))
		fmt.Fprintln(w)
	} else {
		fmt.Fprintf(w, "The kubeconfig context does not name the EKS cluster (pass --cluster): its access entries, and which mapping wins, are not shown.\n\n")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tIDENTITY\tUSERNAME\tGROUPS\tACCESS POLICIES\tSTATUS")
	for _, e := range l.Entries {
		id := e.ARN
		if id == "" {
			id = "account " + e.Account
		}
		status := e.Status
		if e.Reason != "" {
			status += ": " + e.Reason
		}
		fmt.Fprint(tw, iostreams.Row(e.Source, id, dash(e.Username), dash(strings.Join(e.Groups, ",")), dash(strings.Join(e.AccessPolicies, ",")), dash(status)))
	}
	tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
