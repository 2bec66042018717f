// Package logout is "kubectl eks-login logout": it removes what login wrote,
// and only that. The context goes; its user and cluster go when no other
// context uses them; the AWS profile goes when login created it (it carries
// the "# managed by kubectl eks-login" line) and no other eks-login user
// still runs with it. Every other byte of both files stays as it was.
//
// Like login, it plans both edits first; --dry-run prints them as diffs.
package logout

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/tokencache"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/login"
)

// Options are the command's flags and what it takes from its surroundings.
type Options struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string

	Cluster    string
	Profile    string
	Alias      string
	Kubeconfig string
	DryRun     bool
}

// NewCmd builds the logout command.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	o := &Options{IO: f.IOStreams, Getenv: f.Env}
	fs := pflag.NewFlagSet("logout", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.StringVar(&o.Cluster, "cluster", "", "Name of the EKS cluster (required).")
	fs.StringVar(&o.Profile, "profile", "", "AWS profile login wrote; read from the context's user otherwise.")
	fs.StringVar(&o.Alias, "alias", "", "Name of the kubeconfig context; the cluster's name by default.")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", "", "Kubeconfig file; as kubectl chooses otherwise (KUBECONFIG, ~/.kube/config).")
	fs.BoolVar(&o.DryRun, "dry-run", false, "Print the changes to both files as diffs and write nothing.")
	cmd := &cobra.Command{
		Use:   "logout --cluster NAME [flags]",
		Short: "Remove what login wrote for a cluster: context, user, cluster, profile",
		Long: `Remove what "kubectl eks-login" wrote for a cluster.

The context (--alias, or the cluster's name) is removed, with its user and its
cluster entry when no other context (in any file of KUBECONFIG) uses them. If
it was the current context, the one that was current before login becomes
current again, when it still exists. The AWS profile is removed when login
created it and no other eks-login context still uses it; a profile you wrote
yourself is left alone. Nothing else in either file changes, and running it
again finishes what an interrupted logout left.

A context that eks-login did not write is refused: remove it with
'kubectl config delete-context'.`,
		Example: `  # Undo 'kubectl eks-login --cluster my-example ...'
  kubectl eks-login logout --cluster my-example

  # See what would be removed
  kubectl eks-login logout --cluster my-example --alias example --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return exitcode.Errorf(exitcode.Usage, "logout takes no arguments, got %q; name the cluster with --cluster", strings.Join(args, " "))
			}
			return runLogout(context.Background(), o)
		},
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().AddFlagSet(fs)
	return cmd
}

func (o *Options) env(k string) string {
	if o.Getenv == nil {
		return os.Getenv(k)
	}
	return o.Getenv(k)
}

func runLogout(_ context.Context, o *Options) error {
	switch {
	case o.Cluster == "":
		return exitcode.Errorf(exitcode.Usage, "--cluster is required: the name of the EKS cluster to log out of")
	case !login.ValidClusterName(o.Cluster):
		return exitcode.Errorf(exitcode.Usage, "--cluster %q is not an EKS cluster name", o.Cluster)
	}
	if o.Profile != "" {
		if err := awsconfig.ValidateProfileName(o.Profile); err != nil {
			return exitcode.Errorf(exitcode.Usage, "--profile: %v", err)
		}
	}
	if o.Alias == "" {
		o.Alias = o.Cluster
	}
	home := o.env("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return exitcode.Errorf(exitcode.Input, "cannot find your home folder (%v); set HOME", err)
		}
	}
	lockDir := kubeconfig.LockDir(o.env, home)
	// Another logout or login may write either file between our plan and
	// our write: plan again from what is there now, as login does. Each
	// plan is made from the files as they are, so it also finishes what an
	// interrupted logout left.
	for attempt := 0; ; attempt++ {
		p, err := o.plan(home)
		if err != nil {
			return err
		}
		if o.DryRun {
			o.printDryRun(p)
			return nil
		}
		err = p.apply(lockDir)
		if errors.Is(err, fileplan.ErrChangedMeanwhile) && attempt < 9 {
			continue
		}
		if err != nil {
			return err
		}
		return o.report(p)
	}
}

// plan is what one logout removes.
type plan struct {
	kube       *kubeconfig.Plan
	ini        *fileplan.File
	profile    string // the context's profile, "" when unknown
	configPath string
	notes      []string
}

// plan reads both files and plans the removal.
func (o *Options) plan(home string) (*plan, error) {
	loc, err := kubeconfig.Locate(o.Kubeconfig, o.env("KUBECONFIG"), home, func(f *kubeconfig.File) bool {
		_, ok := f.Context(o.Alias)
		return ok
	})
	if err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	p := &plan{configPath: awsconfig.ConfigPath(o.env, home)}
	if p.profile, err = o.contextProfile(loc.File, p); err != nil {
		return nil, err
	}
	others, err := loc.Others()
	if err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	if p.kube, err = loc.File.PlanRemove(o.Alias, others...); err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	if err := o.planProfile(loc, p); err != nil {
		return nil, err
	}
	return p, nil
}

// contextProfile checks that the context is login's for the cluster and
// returns the profile its user runs with (or --profile).
func (o *Options) contextProfile(kf *kubeconfig.File, p *plan) (string, error) {
	ctx, ok := kf.Context(o.Alias)
	if !ok {
		p.notes = append(p.notes, fmt.Sprintf("%s has no context %q.", kf.Path, o.Alias))
		return o.Profile, nil
	}
	u, _ := kf.User(ctx.User)
	if !ownedBy(u.Exec, o.Cluster) {
		return "", exitcode.Errorf(exitcode.Conflict, "context %q in %s was not written by eks-login for cluster %s (its user %q does not run 'kubectl-eks_login token --cluster-name %s'); nothing was removed. Remove it with 'kubectl config delete-context %s' if you mean to", o.Alias, kf.Path, o.Cluster, ctx.User, o.Cluster, o.Alias)
	}
	used := u.Exec.ArgValue("--profile")
	if o.Profile != "" && used != "" && used != o.Profile {
		return "", exitcode.Errorf(exitcode.Conflict, "context %q in %s uses profile %s, not %s; nothing was removed. Name the context of profile %s with --alias", o.Alias, kf.Path, used, o.Profile, o.Profile)
	}
	if o.Profile != "" {
		return o.Profile, nil
	}
	return used, nil
}

// planProfile plans the profile's removal: only when login made it and no
// eks-login user still runs with it.
func (o *Options) planProfile(loc *kubeconfig.Location, p *plan) error {
	cfgFile, err := awsconfig.Load(p.configPath, awsconfig.ConfigFile)
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	p.ini = &fileplan.File{Path: p.configPath, Old: cfgFile.Data, Existed: cfgFile.Exists, New: cfgFile.Data}
	if p.profile == "" {
		return nil
	}
	users, err := profileUsers(loc, p.kube, p.profile)
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	rp, err := cfgFile.PlanRemoveProfile(p.profile)
	switch {
	case err != nil:
		return exitcode.WithCode(exitcode.Input, err)
	case len(users) > 0:
		p.notes = append(p.notes, fmt.Sprintf("Profile %s is kept: %s still uses it.", p.profile, strings.Join(users, ", ")))
	case rp.Removed:
		p.ini = &rp.File
	case rp.Line > 0:
		p.notes = append(p.notes, fmt.Sprintf("Profile %s in %s (line %d) is kept: eks-login did not create it.", p.profile, p.configPath, rp.Line))
	default:
		p.notes = append(p.notes, fmt.Sprintf("%s has no profile %s.", p.configPath, p.profile))
	}
	return nil
}

// apply writes the plan: the profile first, the context last. The context
// is what tells a second run which profile to remove, so a logout that
// stops between the two leaves a state the next run finishes.
func (p *plan) apply(lockDir string) error {
	files := []*fileplan.File{p.ini, &p.kube.File}
	for _, f := range files {
		if err := f.CheckWritable(); err != nil {
			return exitcode.Errorf(exitcode.Input, "%w; nothing was written", err)
		}
	}
	for _, f := range files {
		err := f.Apply(lockDir)
		switch {
		case errors.Is(err, fileplan.ErrChangedMeanwhile):
			return exitcode.WithCode(exitcode.Conflict, err)
		case err != nil:
			return exitcode.WithCode(exitcode.Input, err)
		}
	}
	return nil
}

func (o *Options) printDryRun(p *plan) {
	printPlan(o.IO.Out, &p.kube.File)
	printPlan(o.IO.Out, p.ini)
	for _, n := range p.notes {
		fmt.Fprintln(o.IO.Out, n)
	}
	if n, _ := o.cache().Forget(o.Cluster, p.profile, true); n > 0 {
		fmt.Fprintf(o.IO.Out, "Would remove %d cached token(s) of cluster %s, profile %s.\n", n, o.Cluster, p.profile)
	}
	fmt.Fprintln(o.IO.Out, "Dry run: nothing was written.")
}

// report says what was removed, then clears the token cache: the entries of
// this cluster and profile, and, once the config file changed, the entries
// keyed on it as it was. The cache goes last, after the files, so a failure
// leaves no half state that the next token call could not repair (it would
// mint anew).
func (o *Options) report(p *plan) error {
	if p.kube.Changed() {
		fmt.Fprintf(o.IO.Out, "Removed from %s: %s.\n", p.kube.Path, strings.Join(p.kube.Changes, "; "))
	}
	if p.ini.Changed() {
		fmt.Fprintf(o.IO.Out, "Removed profile %s from %s.\n", p.profile, p.configPath)
	}
	for _, n := range p.notes {
		fmt.Fprintln(o.IO.Out, n)
	}
	cache := o.cache()
	removed, err := cache.Forget(o.Cluster, p.profile, false)
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	if removed > 0 {
		fmt.Fprintf(o.IO.Out, "Removed %d cached token(s) of cluster %s, profile %s.\n", removed, o.Cluster, p.profile)
	}
	if p.ini.Changed() {
		cache.Prune() // best effort: the entries are unreachable either way
	}
	if !p.kube.Changed() && !p.ini.Changed() && removed == 0 {
		fmt.Fprintf(o.IO.Out, "Nothing to remove for cluster %s.\n", o.Cluster)
	}
	return nil
}

// cache is the token cache logout clears; with no home folder there is
// none, and an empty Dir holds nothing.
func (o *Options) cache() *tokencache.Cache {
	dir, err := tokencache.DefaultDir(o.env)
	if err != nil {
		dir = ""
	}
	return &tokencache.Cache{Dir: dir}
}

// ownedBy tells an exec entry that login wrote for cluster: it runs the
// plugin's token command for that cluster.
func ownedBy(x *kubeconfig.Exec, cluster string) bool {
	if x == nil || len(x.Args) == 0 || x.Args[0] != "token" {
		return false
	}
	base := strings.TrimSuffix(filepath.Base(x.Command), ".exe")
	return base == "kubectl-eks_login" && x.ArgValue("--cluster-name") == cluster
}

// profileUsers lists the eks-login users, in every file of the kubeconfig
// list (the edited one as planned), that still run with profile.
func profileUsers(loc *kubeconfig.Location, plan *kubeconfig.Plan, profile string) ([]string, error) {
	var out []string
	for _, path := range loc.List {
		var f *kubeconfig.File
		var err error
		if path == loc.File.Path {
			f, err = kubeconfig.Parse(path, plan.New, true)
		} else {
			f, err = kubeconfig.Load(path)
		}
		if err != nil {
			return nil, err
		}
		for _, u := range f.Users() {
			x := u.Entry.Exec
			if x != nil && len(x.Args) > 0 && x.Args[0] == "token" && strings.HasPrefix(filepath.Base(x.Command), "kubectl-eks_login") && x.ArgValue("--profile") == profile {
				out = append(out, fmt.Sprintf("user %q in %s", u.Name, path))
			}
		}
	}
	return out, nil
}

func printPlan(w io.Writer, p *fileplan.File) {
	if d := p.Diff(); d != "" {
		fmt.Fprint(w, d)
	} else {
		fmt.Fprintf(w, "%s: no change\n", p.Path)
	}
}
