package adminflags

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/accessfile"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/plan"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// AccessFlags are the flags of apply and diff.
type AccessFlags struct {
	File     string
	Cluster  string
	Parallel int
}

// AddAccessFlags adds -f, --cluster and --parallel.
func AddAccessFlags(fs *pflag.FlagSet, a *AccessFlags) {
	fs.StringVarP(&a.File, "filename", "f", "", "The access file (apiVersion eks-login/v1alpha1, kind Access).")
	fs.StringVar(&a.Cluster, "cluster", "", "Work on this cluster of the file only (its name, or its ARN); --kubeconfig and --context then reach it.")
	fs.IntVar(&a.Parallel, "parallel", 4, "How many clusters to work on at once.")
}

// AccessFileExts are the endings of access files (YAML, or JSON, which YAML
// reads too), which the shell completes -f with.
var AccessFileExts = []string{"yaml", "yml", "json"}

// CompleteAccessFile makes the shell complete -f with access files.
func CompleteAccessFile(cmd *cobra.Command) {
	cmdutil.CompleteFiles(cmd, "filename", AccessFileExts...)
}

// Spec loads the access file and makes the spec of apply or diff.
func (a *AccessFlags) Spec(c *Common, prune bool) (admin.AccessSpec, error) {
	if a.Parallel < 1 {
		return admin.AccessSpec{}, exitcode.Errorf(exitcode.Usage, "--parallel must be at least 1, not %d", a.Parallel)
	}
	f, err := accessfile.Load(a.File)
	if err != nil {
		return admin.AccessSpec{}, exitcode.WithCode(exitcode.Input, err)
	}
	return admin.AccessSpec{File: f, Only: a.Cluster, Kubeconfig: c.Kubeconfig, Context: c.Context, Prune: prune, Parallel: a.Parallel}, nil
}

// PrintAccessPlan writes the plan as Terraform writes one: each layer (IAM,
// then each cluster), its changes with a sign and a diff, the mappings
// made by hand, and the totals. It returns the totals.
func PrintAccessPlan(w io.Writer, p *admin.AccessPlan) plan.Counts {
	var total plan.Counts
	section := func(title string, sp *plan.Plan) {
		c := sp.Counts()
		total.Add(c)
		if c.Total() == 0 {
			fmt.Fprintf(w, "%s: no changes\n", title)
			return
		}
		fmt.Fprintf(w, "%s:\n", title)
		sp.PrintChanges(w, "  ")
	}
	section("IAM (account "+p.Account+")", p.IAM)
	for _, cp := range p.Clusters {
		title := fmt.Sprintf("cluster %s (%s, %s)", cp.Name, cp.Region, cp.Mapping)
		if cp.Context != "" && cp.Context != cp.Name {
			title = fmt.Sprintf("cluster %s (%s, %s, context %s)", cp.Name, cp.Region, cp.Mapping, cp.Context)
		}
		if cp.Err != nil {
			fmt.Fprintf(w, "cluster %s (%s): cannot plan: %v\n", cp.Name, cp.Region, cp.Err)
			continue
		}
		section(title, cp.Plan)
		for _, u := range cp.Unmanaged {
			fmt.Fprintf(w, "  ! %s\n", u)
		}
	}
	fmt.Fprintf(w, "\nPlan: %d to create, %d to update, %d to delete.\n", total.Create, total.Update, total.Delete)
	return total
}

// Progress draws which clusters are being applied on a terminal's stderr,
// one line rewritten in place; elsewhere it draws nothing (logs and scripts
// see the result only).
type Progress struct {
	io      *iostreams.IOStreams
	total   int
	mu      sync.Mutex
	done    int
	running map[string]bool
}

// NewProgress is the display of n clusters.
func NewProgress(s *iostreams.IOStreams, n int) *Progress {
	return &Progress{io: s, total: n, running: map[string]bool{}}
}

// Started and Finished are admin.ApplyRun's callbacks.
func (p *Progress) Started(cp *admin.ClusterPlan) { p.update(cp.Name, true) }

func (p *Progress) Finished(cp *admin.ClusterPlan) { p.update(cp.Name, false) }

func (p *Progress) update(name string, start bool) {
	if !p.io.ProgressEnabled() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if start {
		p.running[name] = true
	} else {
		delete(p.running, name)
		p.done++
	}
	names := make([]string, 0, len(p.running))
	for n := range p.running {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(p.io.ErrOut, "\r\033[Kapplying: %d/%d clusters done; running: %s", p.done, p.total, strings.Join(names, ", "))
}

// End clears the line.
func (p *Progress) End() {
	if p.io.ProgressEnabled() {
		fmt.Fprint(p.io.ErrOut, "\r\033[K")
	}
}
