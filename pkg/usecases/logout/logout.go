// Package logout is the use case behind "kubectl eks-login logout": it
// removes what login wrote, and only that. The context goes; its user and
// cluster go when no other context uses them; the AWS profile goes when
// login created it (it carries the "# managed by kubectl eks-login" line) and
// no other eks-login user still runs with it. Every other byte of both files
// stays as it was.
//
// It mirrors login's stages: resolve (the input and the files), plan (both
// edits, as data), write (profile first, context last), and then clear the
// token cache. The command prints the plans for --dry-run.
package logout

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/env"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/pkg/tokencache"
	"github.com/eks-login/eks-login/pkg/usecases/login"
)

// Input is what to log out of: the values of logout's flags.
type Input struct {
	Cluster    string
	Profile    string // "" means the profile the context's user runs with
	Alias      string // "" means the cluster's name
	Kubeconfig string // "" means as kubectl chooses
}

// Logout logs out. Env is required.
type Logout struct {
	Env env.Env
}

// Plan is what one logout removes.
type Plan struct {
	// Input is the input with its defaults filled in.
	Input Input
	// Context is the kubeconfig's plan; Config the AWS config file's.
	Context *kubeconfig.Plan
	Config  *fileplan.File
	// Profile is the context's profile, "" when unknown.
	Profile string
	// Notes say what is kept, and why.
	Notes []string

	configPath string
}

// Files are both plans, the context's first, for printing as diffs.
func (p *Plan) Files() []*fileplan.File { return []*fileplan.File{&p.Context.File, p.Config} }

// resolved is the input made definite and where the files are.
type resolved struct {
	in            Input
	home, lockDir string
}

// resolve is the first stage: it checks in and finds the files.
func (u *Logout) resolve(in Input) (*resolved, error) {
	if !login.ValidClusterName(in.Cluster) {
		return nil, exitcode.Errorf(exitcode.Usage, "--cluster %q is not an EKS cluster name", in.Cluster)
	}
	if in.Profile != "" {
		if err := awsconfig.ValidateProfileName(in.Profile); err != nil {
			return nil, exitcode.Errorf(exitcode.Usage, "--profile: %v", err)
		}
	}
	if in.Alias == "" {
		in.Alias = in.Cluster
	}
	home := u.Env.Getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return nil, exitcode.Errorf(exitcode.Input, "cannot find your home folder (%v); set HOME", err)
		}
	}
	return &resolved{in: in, home: home, lockDir: kubeconfig.LockDir(u.Env.Getenv, home)}, nil
}

// Plan plans the removal from the files as they are; nothing is written.
func (u *Logout) Plan(in Input) (*Plan, error) {
	r, err := u.resolve(in)
	if err != nil {
		return nil, err
	}
	return u.plan(r)
}

// Remove plans and writes the removal. Another logout or login may write
// either file between the plan and the write: it plans again from what is
// there now, as login does. Each plan is made from the files as they are, so
// it also finishes what an interrupted logout left.
func (u *Logout) Remove(in Input) (*Plan, error) {
	r, err := u.resolve(in)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		p, err := u.plan(r)
		if err != nil {
			return nil, err
		}
		err = p.write(r.lockDir)
		if errors.Is(err, fileplan.ErrChangedMeanwhile) && attempt < 9 {
			continue
		}
		if err != nil {
			return nil, err
		}
		return p, nil
	}
}

// ForgetTokens is the last stage: it removes the token cache's entries of
// the cluster and profile (or, with dryRun, counts them) and, once the
// config file changed, the entries keyed on it as it was. It comes after
// the files, so a failure leaves no half state that the next token call
// could not repair (it would mint anew).
func (u *Logout) ForgetTokens(p *Plan, dryRun bool) (int, error) {
	cache := u.cache()
	removed, err := cache.Forget(p.Input.Cluster, p.Profile, dryRun)
	if err != nil {
		return 0, exitcode.WithCode(exitcode.Input, err)
	}
	if !dryRun && p.Config.Changed() {
		cache.Prune() // best effort: the entries are unreachable either way
	}
	return removed, nil
}

// cache is the token cache logout clears; with no home folder there is
// none, and an empty Dir holds nothing.
func (u *Logout) cache() *tokencache.Cache {
	dir, err := tokencache.DefaultDir(u.Env.Getenv)
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
	return base == login.ExecCommand && x.ArgValue("--cluster-name") == cluster
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
			if x != nil && len(x.Args) > 0 && x.Args[0] == "token" && strings.HasPrefix(filepath.Base(x.Command), login.ExecCommand) && x.ArgValue("--profile") == profile {
				out = append(out, fmt.Sprintf("user %q in %s", u.Name, path))
			}
		}
	}
	return out, nil
}
