// Package export is "kubectl eks-login admin export": an access file
// written from what one or more clusters and IAM have now, so that an
// existing setup can be adopted by 'admin apply'.
package export

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/accessfile"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/names"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

// Options are the flags of "admin export".
type Options struct {
	*adminflags.Common
	Clusters []string
	File     string
}

// NewCmd builds "admin export"; runF, when not nil, runs instead of the
// command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{Common: adminflags.New(f)}
	cmd := &cobra.Command{
		Use:   "export (--cluster NAME|ARN ... | -f FILE) [flags]",
		Short: "Write the clusters' current access as an access file, to adopt it with apply",
		Long: `Read one or more clusters and IAM and write what they have as an access file
on standard output: each IAM role mapped on a cluster (in aws-auth or an
access entry) becomes a team, with the Kubernetes user and groups it maps to,
the ClusterRoles those groups are bound to (cluster-wide or per namespace),
and, where IAM can be read, the group allowed to assume the role, its
members, and whether the role asks for MFA. Applying the file it writes
plans nothing. Notes on standard error say what a file cannot declare (node
roles, system: groups, mappings without a binding, roles no group may take).

-f FILE exports the clusters of an access file (with their contexts).`,
		Example: `  kubectl eks-login admin export --cluster my-example --region ap-northeast-2 > access.yaml
  kubectl eks-login admin export --cluster arn:aws:eks:ap-northeast-2:123456789012:cluster/analytics --context admin@analytics
  kubectl eks-login admin export -f access.yaml > current.yaml`,
	}
	adminflags.Setup(cmd, o.Common, o, func(fs *pflag.FlagSet) {
		fs.StringArrayVar(&o.Clusters, "cluster", nil, "A cluster to export, by name (with --region) or ARN (repeatable).")
		fs.StringVarP(&o.File, "filename", "f", "", "Export the clusters of this access file.")
	}, runF, run)
	adminflags.CompleteAccessFile(cmd)
	cmd.MarkFlagsOneRequired("cluster", "filename")
	cmd.MarkFlagsMutuallyExclusive("cluster", "filename")
	cmd.Flags().MarkHidden("dry-run") // export changes nothing
	return cmd
}

func run(ctx context.Context, o *Options) error {
	clusters, err := o.clusters()
	if err != nil {
		return err
	}
	if o.Context != "" && len(clusters) > 1 {
		return exitcode.Errorf(exitcode.Usage, "--context reaches one cluster; export one --cluster at a time with it")
	}
	f, notes, err := o.Admin().ExportAccess(ctx, admin.ExportSpec{Clusters: clusters, Kubeconfig: o.Kubeconfig, Context: o.Context})
	if err != nil {
		return err
	}
	var from []string
	for _, c := range clusters {
		from = append(from, c.Name)
	}
	data, err := accessfile.Marshal(f, []string{"Exported by 'kubectl eks-login admin export' from " + strings.Join(from, ", ") + "."})
	if err != nil {
		return err
	}
	if _, err := accessfile.Parse("the exported file", data); err != nil {
		return fmt.Errorf("the exported file does not read back (a bug; please report it): %w", err)
	}
	fmt.Fprint(o.IO.Out, string(data))
	for _, n := range notes {
		fmt.Fprintln(o.IO.ErrOut, "note: "+n)
	}
	return nil
}

// clusters are the clusters to export: the file's, or the --cluster ones.
func (o *Options) clusters() ([]accessfile.Cluster, error) {
	if o.File != "" {
		f, err := accessfile.Load(o.File)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, err)
		}
		return f.Clusters, nil
	}
	var out []accessfile.Cluster
	for _, c := range o.Clusters {
		if strings.HasPrefix(c, "arn:") {
			a, err := names.ParseClusterARN("--cluster", c)
			if err != nil {
				return nil, exitcode.WithCode(exitcode.Usage, err)
			}
			out = append(out, accessfile.Cluster{ARN: c, Name: a.Name, Region: a.Region, Mapping: accessfile.MappingAuto})
			continue
		}
		if !names.Cluster(c) {
			return nil, exitcode.Errorf(exitcode.Usage, "--cluster %q is not an EKS cluster name or ARN", c)
		}
		if o.Region == "" {
			return nil, exitcode.Errorf(exitcode.Usage, "--cluster %s needs --region (or give the cluster's ARN)", c)
		}
		out = append(out, accessfile.Cluster{Name: c, Region: o.Region, Mapping: accessfile.MappingAuto})
	}
	return out, nil
}
