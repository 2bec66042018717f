package login

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/pkg/tokencache"
	"github.com/eks-login/eks-login/pkg/usecases/gettoken"
)

// Written is what Write wrote (the plans as applied) and what the user
// should know about it.
type Written struct {
	Input    Input
	Config   *awsconfig.ProfilesPlan
	Profile  *awsconfig.Plan
	Context  *kubeconfig.Plan
	Targets  []Target
	Found    *Found
	Warnings []string

	plan *Plan
}

// Write is the fifth stage: it writes both files, each in one write under
// its lock, then clears the token cache of what the edit made unreachable
// and hands the role's credentials to it. Both files are checked before
// either is written, so a folder that cannot be written does not leave the
// profiles without their contexts.
func (l *Login) Write(ctx context.Context, p *Plan) (*Written, error) {
	for _, f := range p.Files() {
		if err := f.CheckWritable(); err != nil {
			return nil, exitcode.Errorf(exitcode.Input, "%w; nothing was written", err)
		}
	}
	if err := l.writeProfiles(p); err != nil {
		return nil, err
	}
	if err := l.writeContexts(p); err != nil {
		if p.Config.Changed() {
			return nil, fmt.Errorf("%w (the profiles were written to %s; running the command again is safe)", err, p.r.files.config)
		}
		return nil, err
	}
	w := &Written{Input: p.Input, Config: p.Config, Profile: p.Profile, Context: p.Context, Targets: p.Targets, Found: p.Found, Warnings: l.warnings(p), plan: p}
	if p.Config.Changed() {
		l.pruneTokenCache()
	}
	l.primeTokenCache(ctx, p)
	return w, nil
}

// writeProfiles writes the profiles. Another login (for another cluster,
// say) may write the file between our plan and our write: it plans again
// from what is there now, with the same checks, rather than fail.
func (l *Login) writeProfiles(p *Plan) error {
	r := p.r
	return applyReplanning(&p.Config.File, r.files.lockDir, func() (*fileplan.File, error) {
		cf, err := awsconfig.Load(r.files.config, awsconfig.ConfigFile)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, err)
		}
		np, err := cf.PlanProfiles(p.profiles, p.prune.profiles)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, err)
		}
		if err := refuseProfileConflicts(np, r); err != nil {
			return nil, err
		}
		p.Config = np
		if len(np.Steps) > 0 {
			p.Profile = np.Steps[0]
		}
		return &np.File, nil
	})
}

// writeContexts writes the kubeconfig entries, planning again as
// writeProfiles does.
func (l *Login) writeContexts(p *Plan) error {
	return applyReplanning(&p.Context.File, p.r.files.lockDir, func() (*fileplan.File, error) {
		kf, err := kubeconfig.Load(p.Context.Path)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, err)
		}
		np, err := kf.PlanEdit(p.edit)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, err)
		}
		if err := refuseContextConflicts(np, p.loc, p.edit.Logins, p.Input); err != nil {
			return nil, err
		}
		p.Context = np
		return &np.File, nil
	})
}

// applyReplanning applies p; when the file changed meanwhile it asks replan
// for a plan made from the file's new content and tries again, a few times.
func applyReplanning(p *fileplan.File, lockDir string, replan func() (*fileplan.File, error)) error {
	for attempt := 0; ; attempt++ {
		err := apply(p, lockDir)
		if err == nil || attempt == 9 || !errors.Is(err, fileplan.ErrChangedMeanwhile) {
			return err
		}
		if p, err = replan(); err != nil {
			return err
		}
	}
}

// apply writes a plan, sorting its failures: a file changed meanwhile can be
// retried, an unwritable folder is the user's to fix.
func apply(p *fileplan.File, lockDir string) error {
	err := p.Apply(lockDir)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fileplan.ErrChangedMeanwhile):
		return exitcode.WithCode(exitcode.Conflict, err)
	}
	return exitcode.WithCode(exitcode.Input, err)
}

// warnings are what may keep kubectl from using the contexts: entries of
// the same names earlier in the KUBECONFIG list, and an exec command that
// is not on PATH. A discovery does not switch the current context, so an
// earlier file's current-context is no warning for it.
func (l *Login) warnings(p *Plan) []string {
	var out []string
	for _, kl := range p.edit.Logins {
		shadows, err := p.loc.Shadows(kl.ClusterName, kl.UserName, kl.Context)
		if err != nil {
			continue
		}
		for _, s := range shadows {
			if !slices.Contains(out, s) && (!p.Input.discovering() || !strings.Contains(s, "sets current-context")) {
				out = append(out, s)
			}
		}
	}
	if len(p.edit.Logins) == 0 {
		return out
	}
	exec := p.edit.Logins[0].Exec.Command
	if l.LookPath != nil && !filepath.IsAbs(exec) {
		if _, err := l.LookPath(exec); err != nil {
			out = append(out, fmt.Sprintf("%s is not on your PATH, so kubectl cannot run it for tokens; put the folder that holds it on PATH", exec))
		}
	}
	return out
}

// pruneTokenCache removes the cache entries that the edit of the config
// file made unreachable: each was keyed on the file as it was, and keeps
// live role credentials that no call would use again.
func (l *Login) pruneTokenCache() {
	dir, err := tokencache.DefaultDir(l.Env.Getenv)
	if err != nil {
		return
	}
	if n, err := (&tokencache.Cache{Dir: dir}).Prune(); err != nil {
		l.Log.Printf("cannot prune the token cache: %v", err)
	} else if n > 0 {
		l.Log.Printf("removed %d cached token(s) that no call can use since the config file changed", n)
	}
}

// primeTokenCache hands the role credentials that DescribeCluster (or the
// discovery) got to the token cache, under the key each exec entry will
// compute now that the files are written. With an MFA profile the code is
// then asked once: neither the check below nor the first kubectl call
// asks again. A failure only costs that second prompt, so it is logged,
// not returned. (An SSO walk's role credentials are not kept: the first
// token call of each role asks the portal, once for all its clusters.)
func (l *Login) primeTokenCache(ctx context.Context, p *Plan) {
	creds, who, ok := l.AWS.RoleSession(p.Input.Profile)
	if !ok || p.Input.SSOSession != "" {
		return
	}
	prime := l.Prime
	if prime == nil {
		prime = (&gettoken.GetToken{Env: l.Env}).Prime
	}
	for _, t := range p.Targets {
		in := gettoken.Input{ClusterName: t.Cluster.Name, Profile: t.Profile, Region: t.Cluster.Region}
		if err := prime(ctx, in, creds, who); err != nil {
			l.Log.Printf("cannot cache the role's credentials for the token command (%v); its first run will assume the role again", err)
			return
		}
	}
	l.Log.Printf("cached the role's credentials for the token command (session %s), for %d cluster(s)", who.CallerARN, len(p.Targets))
}
