package logout

import (
	"errors"
	"fmt"
	"strings"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
)

// plan is the second stage: it reads both files and plans the removal.
func (u *Logout) plan(r *resolved) (*Plan, error) {
	in := r.in
	loc, err := kubeconfig.Locate(in.Kubeconfig, u.Env.Getenv("KUBECONFIG"), r.home, func(f *kubeconfig.File) bool {
		_, ok := f.Context(in.Alias)
		return ok
	})
	if err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	p := &Plan{Input: in, configPath: awsconfig.ConfigPath(u.Env.Getenv, r.home)}
	if p.Profile, err = contextProfile(loc.File, p); err != nil {
		return nil, err
	}
	others, err := loc.Others()
	if err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	if p.Context, err = loc.File.PlanRemove(in.Alias, others...); err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	if err := planProfile(loc, p); err != nil {
		return nil, err
	}
	return p, nil
}

// contextProfile checks that the context is login's for the cluster and
// returns the profile its user runs with (or --profile).
func contextProfile(kf *kubeconfig.File, p *Plan) (string, error) {
	in := p.Input
	ctx, ok := kf.Context(in.Alias)
	if !ok {
		p.Notes = append(p.Notes, fmt.Sprintf("%s has no context %q.", kf.Path, in.Alias))
		return in.Profile, nil
	}
	u, _ := kf.User(ctx.User)
	if !ownedBy(u.Exec, in.Cluster) {
		return "", exitcode.Errorf(exitcode.Conflict, "context %q in %s was not written by eks-login for cluster %s (its user %q does not run 'kubectl-eks_login token --cluster-name %s'); nothing was removed. Remove it with 'kubectl config delete-context %s' if you mean to", in.Alias, kf.Path, in.Cluster, ctx.User, in.Cluster, in.Alias)
	}
	used := u.Exec.ArgValue("--profile")
	if in.Profile != "" && used != "" && used != in.Profile {
		return "", exitcode.Errorf(exitcode.Conflict, "context %q in %s uses profile %s, not %s; nothing was removed. Name the context of profile %s with --alias", in.Alias, kf.Path, used, in.Profile, in.Profile)
	}
	if in.Profile != "" {
		return in.Profile, nil
	}
	return used, nil
}

// planProfile plans the profile's removal: only when login made it and no
// eks-login user still runs with it.
func planProfile(loc *kubeconfig.Location, p *Plan) error {
	cfgFile, err := awsconfig.Load(p.configPath, awsconfig.ConfigFile)
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	p.Config = &fileplan.File{Path: p.configPath, Old: cfgFile.Data, Existed: cfgFile.Exists, New: cfgFile.Data}
	if p.Profile == "" {
		return nil
	}
	users, err := profileUsers(loc, p.Context, p.Profile)
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	rp, err := cfgFile.PlanRemoveProfile(p.Profile)
	switch {
	case err != nil:
		return exitcode.WithCode(exitcode.Input, err)
	case len(users) > 0:
		p.Notes = append(p.Notes, fmt.Sprintf("Profile %s is kept: %s still uses it.", p.Profile, strings.Join(users, ", ")))
	case rp.Removed:
		p.Config = &rp.File
	case rp.Line > 0:
		p.Notes = append(p.Notes, fmt.Sprintf("Profile %s in %s (line %d) is kept: eks-login did not create it.", p.Profile, p.configPath, rp.Line))
	default:
		p.Notes = append(p.Notes, fmt.Sprintf("%s has no profile %s.", p.configPath, p.Profile))
	}
	return nil
}

// write is the third stage: the profile first, the context last. The
// context is what tells a second run which profile to remove, so a logout
// that stops between the two leaves a state the next run finishes.
func (p *Plan) write(lockDir string) error {
	files := []*fileplan.File{p.Config, &p.Context.File}
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
