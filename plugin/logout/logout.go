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
	"github.com/eks-login/eks-login/pkg/tokencache"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/login"
)

// Options are the command's flags and what it takes from its surroundings.
type Options struct {
	IO     cmdutil.IOStreams
	Getenv func(string) string

	Cluster    string
	Profile    string
	Alias      string
	Kubeconfig string
	DryRun     bool
}

// NewCmd builds the logout command.
func NewCmd(f *cmdutil.Factory) *cmdutil.Command {
	o := &Options{IO: f.IO, Getenv: f.Env}
	fs := pflag.NewFlagSet("logout", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.StringVar(&o.Cluster, "cluster", "", "Name of the EKS cluster (required).")
	fs.StringVar(&o.Profile, "profile", "", "AWS profile login wrote; read from the context's user otherwise.")
	fs.StringVar(&o.Alias, "alias", "", "Name of the kubeconfig context; the cluster's name by default.")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", "", "Kubeconfig file; as kubectl chooses otherwise (KUBECONFIG, ~/.kube/config).")
	fs.BoolVar(&o.DryRun, "dry-run", false, "Print the changes to both files as diffs and write nothing.")
	return &cmdutil.Command{
		Name:  "logout",
		Short: "Remove what login wrote for a cluster: context, user, cluster, profile",
		Usage: "kubectl eks-login logout --cluster NAME [flags]",
		Long: `Remove what "kubectl eks-login" wrote for a cluster.

The context (--alias, or the cluster's name) is removed, with its user and its
cluster entry when no other context uses them, and the current context is
unset if it was this one. The AWS profile is removed when login created it
and no other eks-login context still uses it; a profile you wrote yourself is
left alone. Nothing else in either file changes.

A context that eks-login did not write is refused: remove it with
'kubectl config delete-context'.`,
		Examples: `  # Undo 'kubectl eks-login --cluster my-example ...'
  kubectl eks-login logout --cluster my-example

  # See what would be removed
  kubectl eks-login logout --cluster my-example --alias example --dry-run`,
		Flags: fs,
		Run: func(args []string) error {
			if len(args) > 0 {
				return cmdutil.Errorf(cmdutil.ExitUsage, "logout takes no arguments, got %q; name the cluster with --cluster", strings.Join(args, " "))
			}
			return runLogout(context.Background(), o)
		},
	}
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
		return cmdutil.Errorf(cmdutil.ExitUsage, "--cluster is required: the name of the EKS cluster to log out of")
	case !login.ValidClusterName(o.Cluster):
		return cmdutil.Errorf(cmdutil.ExitUsage, "--cluster %q is not an EKS cluster name", o.Cluster)
	}
	if o.Profile != "" {
		if err := awsconfig.ValidateProfileName(o.Profile); err != nil {
			return cmdutil.Errorf(cmdutil.ExitUsage, "--profile: %v", err)
		}
	}
	if o.Alias == "" {
		o.Alias = o.Cluster
	}
	home := o.env("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return cmdutil.Errorf(cmdutil.ExitInput, "cannot find your home folder (%v); set HOME", err)
		}
	}
	lockDir := kubeconfig.LockDir(o.env, home)

	loc, err := kubeconfig.Locate(o.Kubeconfig, o.env("KUBECONFIG"), home, func(f *kubeconfig.File) bool {
		_, ok := f.Context(o.Alias)
		return ok
	})
	if err != nil {
		return cmdutil.WithCode(cmdutil.ExitInput, err)
	}
	kf := loc.File
	var notes []string

	profile := o.Profile
	ctx, hasContext := kf.Context(o.Alias)
	if hasContext {
		u, _ := kf.User(ctx.User)
		if !ownedBy(u.Exec, o.Cluster) {
			return cmdutil.Errorf(cmdutil.ExitConflict, "context %q in %s was not written by eks-login for cluster %s (its user %q does not run 'kubectl-eks_login token --cluster-name %s'); nothing was removed. Remove it with 'kubectl config delete-context %s' if you mean to", o.Alias, kf.Path, o.Cluster, ctx.User, o.Cluster, o.Alias)
		}
		used := u.Exec.ArgValue("--profile")
		if profile != "" && used != "" && used != profile {
			return cmdutil.Errorf(cmdutil.ExitConflict, "context %q in %s uses profile %s, not %s; nothing was removed. Name the context of profile %s with --alias", o.Alias, kf.Path, used, profile, profile)
		}
		if profile == "" {
			profile = used
		}
	} else {
		notes = append(notes, fmt.Sprintf("%s has no context %q.", kf.Path, o.Alias))
	}
	others, err := loc.Others()
	if err != nil {
		return cmdutil.WithCode(cmdutil.ExitInput, err)
	}
	kPlan, err := kf.PlanRemove(o.Alias, others...)
	if err != nil {
		return cmdutil.WithCode(cmdutil.ExitInput, err)
	}

	// The profile goes only when login made it and nothing still uses it.
	configPath := awsconfig.ConfigPath(o.env, home)
	cfgFile, err := awsconfig.Load(configPath, awsconfig.ConfigFile)
	if err != nil {
		return cmdutil.WithCode(cmdutil.ExitInput, err)
	}
	iniPlan := &fileplan.File{Path: configPath, Old: cfgFile.Data, Existed: cfgFile.Exists, New: cfgFile.Data}
	if profile != "" {
		users, err := profileUsers(loc, kPlan, profile)
		if err != nil {
			return cmdutil.WithCode(cmdutil.ExitInput, err)
		}
		p, err := cfgFile.PlanRemoveProfile(profile)
		switch {
		case err != nil:
			return cmdutil.WithCode(cmdutil.ExitInput, err)
		case len(users) > 0:
			notes = append(notes, fmt.Sprintf("Profile %s is kept: %s still uses it.", profile, strings.Join(users, ", ")))
		case p.Removed:
			iniPlan = &p.File
		case p.Line > 0:
			notes = append(notes, fmt.Sprintf("Profile %s in %s (line %d) is kept: eks-login did not create it.", profile, configPath, p.Line))
		default:
			notes = append(notes, fmt.Sprintf("%s has no profile %s.", configPath, profile))
		}
	}

	// The token cache: entries of this cluster and profile. Logout removes
	// them last, after the files, so a failure leaves no half state that
	// the next token call could not repair (it would mint anew).
	forget := func(dryRun bool) (int, error) {
		dir, err := tokencache.DefaultDir(o.env)
		if err != nil {
			return 0, nil // no home folder: no cache to clear
		}
		return (&tokencache.Cache{Dir: dir}).Forget(o.Cluster, profile, dryRun)
	}
	if o.DryRun {
		printPlan(o.IO.Out, &kPlan.File)
		printPlan(o.IO.Out, iniPlan)
		for _, n := range notes {
			fmt.Fprintln(o.IO.Out, n)
		}
		if n, _ := forget(true); n > 0 {
			fmt.Fprintf(o.IO.Out, "Would remove %d cached token(s) of cluster %s, profile %s.\n", n, o.Cluster, profile)
		}
		fmt.Fprintln(o.IO.Out, "Dry run: nothing was written.")
		return nil
	}
	for _, p := range []*fileplan.File{&kPlan.File, iniPlan} {
		if err := p.CheckWritable(); err != nil {
			return cmdutil.Errorf(cmdutil.ExitInput, "%w; nothing was written", err)
		}
	}
	for _, p := range []*fileplan.File{&kPlan.File, iniPlan} {
		if err := p.Apply(lockDir); err != nil {
			if errors.Is(err, fileplan.ErrChangedMeanwhile) {
				return cmdutil.WithCode(cmdutil.ExitConflict, err)
			}
			return cmdutil.WithCode(cmdutil.ExitInput, err)
		}
	}
	if kPlan.Changed() {
		fmt.Fprintf(o.IO.Out, "Removed from %s: %s.\n", kPlan.Path, strings.Join(kPlan.Changes, "; "))
	}
	if iniPlan.Changed() {
		fmt.Fprintf(o.IO.Out, "Removed profile %s from %s.\n", profile, configPath)
	}
	for _, n := range notes {
		fmt.Fprintln(o.IO.Out, n)
	}
	removed, err := forget(false)
	if err != nil {
		return cmdutil.WithCode(cmdutil.ExitInput, err)
	}
	if removed > 0 {
		fmt.Fprintf(o.IO.Out, "Removed %d cached token(s) of cluster %s, profile %s.\n", removed, o.Cluster, profile)
	}
	if !kPlan.Changed() && !iniPlan.Changed() && removed == 0 {
		fmt.Fprintf(o.IO.Out, "Nothing to remove for cluster %s.\n", o.Cluster)
	}
	return nil
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
