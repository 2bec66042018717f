package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/plugin/cmdutil"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	yaml "go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/kube"
)

// ListOptions are the flags of "admin list".
type ListOptions struct {
	*Common
	Cluster string
	Output  string
}

// Entry is one identity mapping, from aws-auth or from an access entry.
type Entry struct {
	Source         string   `json:"source" yaml:"source"` // "aws-auth" or "access-entry"
	ARN            string   `json:"arn,omitempty" yaml:"arn,omitempty"`
	Account        string   `json:"account,omitempty" yaml:"account,omitempty"` // mapAccounts
	Username       string   `json:"username,omitempty" yaml:"username,omitempty"`
	Groups         []string `json:"groups,omitempty" yaml:"groups,omitempty"`
	AccessPolicies []string `json:"accessPolicies,omitempty" yaml:"accessPolicies,omitempty"`
}

func newListCmd(f *cmdutil.Factory) *cobra.Command {
	o := &ListOptions{Common: newCommon(f)}
	fs := pflag.NewFlagSet("list", pflag.ContinueOnError)
	fs.StringVar(&o.Cluster, "cluster", "", "The EKS cluster's name, to list its access entries (default: from the kubeconfig context).")
	fs.StringVarP(&o.Output, "output", "o", "table", "Output format: table, json or yaml.")
	o.addFlags(fs)
	cmd := &cobra.Command{
		Use:     "list [-o table|json|yaml] [flags]",
		Short:   "List the identity mappings of aws-auth and the access entries",
		Example: "  kubectl eks-login admin list --cluster my-example\n  kubectl eks-login admin list -o yaml",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			return runList(ctx, o)
		},
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().AddFlagSet(fs)
	return cmd
}

func runList(ctx context.Context, o *ListOptions) error {
	switch o.Output {
	case "table", "json", "yaml":
	default:
		return exitcode.Errorf(exitcode.Usage, "-o must be table, json or yaml, not %q", o.Output)
	}
	entries, err := awsAuthEntries(ctx, o.Common)
	if err != nil {
		return err
	}
	more, err := accessEntries(ctx, o)
	if err != nil {
		return err
	}
	entries = append(entries, more...)
	switch o.Output {
	case "json":
		b, _ := json.MarshalIndent(map[string]any{"entries": entries}, "", "  ")
		fmt.Fprintln(o.IO.Out, string(b))
	case "yaml":
		b, _ := yaml.Marshal(map[string]any{"entries": entries})
		fmt.Fprint(o.IO.Out, string(b))
	default:
		tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SOURCE\tIDENTITY\tUSERNAME\tGROUPS\tACCESS POLICIES")
		for _, e := range entries {
			id := e.ARN
			if id == "" {
				id = "account " + e.Account
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Source, id, dash(e.Username), dash(strings.Join(e.Groups, ",")), dash(strings.Join(e.AccessPolicies, ",")))
		}
		tw.Flush()
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func awsAuthEntries(ctx context.Context, c *Common) ([]Entry, error) {
	k, err := c.kube()
	if err != nil {
		return nil, err
	}
	var cm corev1.ConfigMap
	err = k.Get(ctx, kube.ConfigMaps, awsAuthNamespace, awsAuthConfigMap, &cm)
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, kubeErr(err, "cannot read "+awsAuthName)
	}
	doc, err := awsauth.Parse(cm.Data)
	if err != nil {
		return nil, inputErr(err)
	}
	var out []Entry
	for _, m := range doc.Mappings() {
		out = append(out, Entry{Source: "aws-auth", ARN: m.ARN, Username: m.Username, Groups: m.Groups})
	}
	for _, a := range doc.Accounts() {
		out = append(out, Entry{Source: "aws-auth", Account: a})
	}
	return out, nil
}

// accessEntries lists the cluster's access entries when its name is known
// and its authentication mode has them.
func accessEntries(ctx context.Context, o *ListOptions) ([]Entry, error) {
	mo := &MapOptions{Common: o.Common, Cluster: o.Cluster, Mode: ModeAuto}
	if name, _ := o.clusterFromKubeconfig(); o.Cluster == "" && name == "" {
		return nil, nil // no cluster name: aws-auth is all we can show
	}
	mode, c, err := resolveMode(ctx, mo)
	if err != nil || mode != ModeAPI {
		return nil, err
	}
	ek, err := o.eksClient(ctx, c.Region)
	if err != nil {
		return nil, err
	}
	var out []Entry
	in := &eks.ListAccessEntriesInput{ClusterName: aws.String(c.Name)}
	for more := true; more; more = in.NextToken != nil {
		page, err := ek.ListAccessEntries(ctx, in)
		if err != nil {
			return nil, awserr.Explain(err, "cannot list the access entries of cluster "+c.Name+" (eks:ListAccessEntries)")
		}
		in.NextToken = page.NextToken
		for _, principal := range page.AccessEntries {
			e := Entry{Source: "access-entry", ARN: principal}
			d, err := ek.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String(c.Name), PrincipalArn: aws.String(principal)})
			if err != nil {
				return nil, awserr.Explain(err, "cannot read the access entry of "+principal+" (eks:DescribeAccessEntry)")
			}
			e.Username, e.Groups = aws.ToString(d.AccessEntry.Username), d.AccessEntry.KubernetesGroups
			pol, err := ek.ListAssociatedAccessPolicies(ctx, &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String(c.Name), PrincipalArn: aws.String(principal)})
			if err != nil {
				return nil, awserr.Explain(err, "cannot list the access policies of "+principal+" (eks:ListAssociatedAccessPolicies)")
			}
			for _, ap := range pol.AssociatedAccessPolicies {
				e.AccessPolicies = append(e.AccessPolicies, policyShort(ap))
			}
			out = append(out, e)
		}
	}
	return out, nil
}

func policyShort(ap ekstypes.AssociatedAccessPolicy) string {
	arn := aws.ToString(ap.PolicyArn)
	name := arn[strings.LastIndex(arn, "/")+1:]
	if ap.AccessScope != nil && ap.AccessScope.Type == ekstypes.AccessScopeTypeNamespace {
		return name + "(" + strings.Join(ap.AccessScope.Namespaces, ",") + ")"
	}
	return name
}
