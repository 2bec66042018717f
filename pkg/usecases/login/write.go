package login

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

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
	Profile  *awsconfig.Plan
	Context  *kubeconfig.Plan
	Warnings []string

	plan *Plan
}

// Write is the fifth stage: it writes both files, then clears the token
// cache of what the edit made unreachable and hands the role's credentials
// to it. Both files are checked before either is written, so a folder that
// cannot be written does not leave the profile without its context.
func (l *Login) Write(ctx context.Context, p *Plan) (*Written, error) {
	for _, f := range p.Files() {
		if err := f.CheckWritable(); err != nil {
			return nil, exitcode.Errorf(exitcode.Input, "%w; nothing was written", err)
		}
	}
	if err := l.writeProfile(p); err != nil {
		return nil, err
	}
	if err := l.writeContext(p); err != nil {
		if p.Profile.Changed() {
			return nil, fmt.Errorf("%w (profile %s was written to %s; running the command again is safe)", err, p.Input.Profile, p.r.files.config)
		}
		return nil, err
	}
	w := &Written{Input: p.Input, Profile: p.Profile, Context: p.Context, Warnings: l.warnings(p), plan: p}
	if p.Profile.Changed() {
		l.pruneTokenCache()
	}
	l.primeTokenCache(ctx, p)
	return w, nil
}

// writeProfile writes the profile. Another login (for another cluster, say)
// may write the file between our plan and our write: it plans again from
// what is there now, with the same checks, rather than fail.
func (l *Login) writeProfile(p *Plan) error {
	r := p.r
	return applyReplanning(&p.Profile.File, r.files.lockDir, func() (*fileplan.File, error) {
		cf, err := awsconfig.Load(r.files.config, awsconfig.ConfigFile)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, err)
		}
		np, err := cf.PlanSetProfile(p.Input.Profile, p.settings)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, err)
		}
		if err := refuseProfileConflicts(np, r); err != nil {
			return nil, err
		}
		p.Profile = np
		return &np.File, nil
	})
}

// writeContext writes the kubeconfig entries, planning again as
// writeProfile does.
func (l *Login) writeContext(p *Plan) error {
	return applyReplanning(&p.Context.File, p.r.files.lockDir, func() (*fileplan.File, error) {
		kf, err := kubeconfig.Load(p.Context.Path)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, err)
		}
		np, err := kf.PlanLogin(p.login)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, err)
		}
		if err := refuseContextConflicts(np, p.loc, p.login, p.Input.Yes); err != nil {
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

// warnings are what may keep kubectl from using the context: entries of
// the same names earlier in the KUBECONFIG list, and an exec command that
// is not on PATH.
func (l *Login) warnings(p *Plan) []string {
	var out []string
	if shadows, err := p.loc.Shadows(p.cluster.ARN, p.login.UserName, p.Input.Alias); err == nil {
		out = append(out, shadows...)
	}
	exec := p.login.Exec.Command
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

// primeTokenCache hands the role credentials that DescribeCluster got to
// the token cache, under the key its exec entry will compute now that the
// files are written. With an MFA profile the code is then asked once:
// neither the check below nor the first kubectl call asks again. A failure
// only costs that second prompt, so it is logged, not returned.
func (l *Login) primeTokenCache(ctx context.Context, p *Plan) {
	creds, who, ok := l.AWS.RoleSession(p.Input.Profile)
	if !ok {
		return
	}
	prime := l.Prime
	if prime == nil {
		prime = (&gettoken.GetToken{Env: l.Env}).Prime
	}
	in := gettoken.Input{ClusterName: p.Input.Cluster, Profile: p.Input.Profile, Region: p.r.region}
	if err := prime(ctx, in, creds, who); err != nil {
		l.Log.Printf("cannot cache the role's credentials for the token command (%v); its first run will assume the role again", err)
		return
	}
	l.Log.Printf("cached the role's credentials for the token command (session %s)", who.CallerARN)
}
