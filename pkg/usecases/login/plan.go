package login

import (
	"context"
	"fmt"
	"strings"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/awsprofile"
	"github.com/eks-login/eks-login/pkg/discovery"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
)

// planRoleProfile is the second stage of a login with a role (one
// cluster, or --all): the role profile's plan, refused without --yes when
// it changes what an existing profile means, before anything is asked of
// AWS.
func (l *Login) planRoleProfile(p *Plan) error {
	in, r := p.Input, p.r
	settings := []awsconfig.Setting{
		{Key: "role_arn", Value: r.role, Defining: true},
		{Key: "source_profile", Value: in.SourceProfile},
		{Key: "region", Value: r.region},
		{Key: "output", Value: "json", KeepExisting: true},
	}
	if in.MFASerial != "" {
		settings = append(settings, awsconfig.Setting{Key: "mfa_serial", Value: in.MFASerial})
	}
	p.profiles = []awsconfig.ProfileEdit{{Name: in.Profile, Settings: settings}}
	return l.planProfiles(p)
}

// planProfiles plans every profile of p, and the removal of those --prune
// removes, as one plan of the config file.
func (l *Login) planProfiles(p *Plan) error {
	r := p.r
	cp, err := r.cfgFile.PlanProfiles(p.profiles, p.prune.profiles)
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	p.Config = cp
	if len(cp.Steps) > 0 {
		p.Profile = cp.Steps[0]
	}
	if err := refuseProfileConflicts(cp, r); err != nil {
		return &RefusedError{Err: err, Diff: cp.Diff()}
	}
	return nil
}

// refuseProfileConflicts refuses, without --yes, a plan that changes what an
// existing profile means: one that replaces values of the user's, or one
// that turns a profile with keys of its own in the credentials file into a
// role profile (the config file's role_arn wins over the credentials
// file's keys, for every tool).
func refuseProfileConflicts(cp *awsconfig.ProfilesPlan, r *resolved) error {
	if r.in.Yes {
		return nil
	}
	var why []string
	for _, plan := range cp.Steps {
		if len(plan.Conflicts()) > 0 {
			why = append(why, plan.ConflictSummary())
		}
		if p, ok := r.credFile.Profile(plan.Profile); ok && plan.Added {
			role := "the role of the config file's profile"
			if r.role != "" {
				role = "role " + r.role
			}
			why = append(why, fmt.Sprintf("profile %s already exists in the credentials file %s (line %d), and every tool using profile %s would assume %s once the config file gives it a role", plan.Profile, r.credFile.Path, p.Line, plan.Profile, role))
		}
	}
	if len(why) == 0 {
		return nil
	}
	other := "choose another profile name with --profile"
	if r.in.SSOSession != "" {
		other = "name the profiles otherwise with --profile-template"
	}
	return exitcode.Errorf(exitcode.Conflict, "%s; nothing was written. Run again with --yes to write the change shown above, or %s", strings.Join(why, "; "), other)
}

// try is the third stage: DescribeCluster (or, for --all, a discovery) as
// the planned role profile, read from a private temporary copy of the
// planned config file.
func (l *Login) try(ctx context.Context, p *Plan) error {
	r, in := p.r, p.Input
	planned, err := writePlannedConfig(p.Config.New, r.files.config)
	if err != nil {
		return err
	}
	defer planned.Remove()
	ref := awsprofile.Ref{Name: in.Profile, Region: r.region, ConfigFile: planned.Path, CredentialsFile: r.files.credentials}
	if in.All {
		return l.discover(ctx, p, ref)
	}
	l.Log.Printf("DescribeCluster %s in %s as profile %s (role %s), before writing", in.Cluster, r.region, in.Profile, r.role)
	c, err := l.AWS.DescribeCluster(ctx, ref, in.Cluster)
	if err != nil {
		return explainAWS(err, r, fmt.Sprintf("describe cluster %s in %s as role %s", in.Cluster, r.region, r.role), r.role)
	}
	found := fromProfile(c, r.region)
	if err := discovery.CheckCluster(found, in.Cluster); err != nil {
		return exitcode.WithCode(exitcode.Failure, fmt.Errorf("%w; nothing was written", err))
	}
	l.Log.Printf("cluster %s: %s, Kubernetes %s, %s", c.ARN, c.Status, c.Version, c.Endpoint)
	p.Targets = []Target{{Cluster: found, Profile: in.Profile, Role: r.role, Context: in.Alias}}
	return nil
}

// fromProfile is DescribeCluster's answer as discovery has it.
func fromProfile(c awsprofile.Cluster, region string) discovery.Cluster {
	found := discovery.Cluster{Name: c.Name, Region: region, ARN: c.ARN, Endpoint: c.Endpoint, CAData: c.CAData, AuthMode: c.AuthMode, Status: c.Status, Version: c.Version}
	if parts := strings.Split(c.ARN, ":"); len(parts) > 4 {
		found.Account = parts[4]
	}
	return found
}

// planContexts is the fourth stage: the kubeconfig's clusters, users and
// contexts of every target (and the removals of --prune) as one plan, in
// the file of the KUBECONFIG list that holds one of the clusters already,
// refused without --yes when it replaces a context of the same name.
func (l *Login) planContexts(p *Plan) error {
	in := p.Input
	arns := map[string]bool{}
	for _, t := range p.Targets {
		arns[t.Cluster.ARN] = true
	}
	loc, err := kubeconfig.Locate(in.Kubeconfig, l.Env.Getenv("KUBECONFIG"), p.r.files.home, func(f *kubeconfig.File) bool {
		for arn := range arns {
			if _, ok := f.Cluster(arn); ok {
				return true
			}
		}
		for _, c := range f.Contexts() {
			if p.r.scope != "" && f.DiscoveryMark(c.Name) == p.r.scope {
				return true
			}
		}
		return false
	})
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	p.loc = loc
	if err := keepNames(p); err != nil {
		return err
	}
	if err := l.planPrune(p); err != nil {
		return err
	}
	p.edit = kubeconfig.Edit{Remove: p.prune.contexts}
	for _, t := range p.Targets {
		p.edit.Logins = append(p.edit.Logins, l.kubeLogin(p, t))
	}
	if !in.discovering() {
		p.edit.Current = in.Alias
	}
	if p.edit.Others, err = loc.Others(); err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	if p.Context, err = loc.File.PlanEdit(p.edit); err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	if err := refuseContextConflicts(p.Context, loc, p.edit.Logins, in); err != nil {
		return &RefusedError{Err: err, Diff: p.Context.Diff()}
	}
	return nil
}

// kubeLogin is the kubeconfig entries of target t.
func (l *Login) kubeLogin(p *Plan, t Target) kubeconfig.Login {
	exec := l.ExecCommand
	if exec == "" {
		exec = ExecCommand
	}
	return kubeconfig.Login{
		ClusterName: t.Cluster.ARN,
		Server:      t.Cluster.Endpoint,
		CAData:      t.Cluster.CAData,
		UserName:    kubeconfig.UserName(t.Profile, t.Cluster.ARN),
		Exec: kubeconfig.Exec{
			APIVersion: p.Input.ExecAPIVersion,
			Command:    exec,
			// The profile is an argument, never AWS_PROFILE in env: an env
			// entry would be overridden by, or leak into, the user's own
			// environment (aws-cli issue 7794).
			Args:            []string{"token", "--cluster-name", t.Cluster.Name, "--profile", t.Profile, "--region", t.Cluster.Region},
			InteractiveMode: "IfAvailable",
		},
		Context:   t.Context,
		Namespace: p.Input.Namespace,
		Discovery: p.r.scope,
	}
}

// refuseContextConflicts refuses, without --yes, contexts that would
// replace ones of the same name, in the file written or in any other file
// of the KUBECONFIG list, listing them all.
func refuseContextConflicts(plan *kubeconfig.Plan, loc *kubeconfig.Location, logins []kubeconfig.Login, in Input) error {
	if in.Yes {
		return nil
	}
	why := append([]string{}, plan.Conflicts...)
	for _, kl := range logins {
		others, err := loc.Conflicts(kl.Context, kl.ClusterName, kl.UserName)
		if err != nil {
			return exitcode.WithCode(exitcode.Input, err)
		}
		why = append(why, others...)
	}
	if len(why) == 0 {
		return nil
	}
	other := "choose another context name with --alias"
	if in.discovering() {
		other = "name the contexts otherwise with --context-template"
	}
	return exitcode.Errorf(exitcode.Conflict, "%s; nothing was written. Run again with --yes to write the change shown above, or %s", strings.Join(why, "; "), other)
}

// keepNames gives each target of a discovery named by the default template
// the name of the context the same discovery wrote before for its cluster
// and profile: a context keeps its name while its cluster is there, even
// when the default would now name it otherwise (a second cluster of the
// same name found elsewhere, or one gone). Names that then collide are
// refused.
func keepNames(p *Plan) error {
	if p.r.scope == "" || p.Input.ContextTemplate != "" {
		return nil
	}
	f := p.loc.File
	old := map[string]string{}
	for _, c := range f.Contexts() {
		if f.DiscoveryMark(c.Name) == p.r.scope {
			old[c.Entry.Cluster+"\x00"+c.Entry.User] = c.Name
		}
	}
	seen := map[string]Target{}
	var dups []string
	for i, t := range p.Targets {
		if name, ok := old[t.Cluster.ARN+"\x00"+kubeconfig.UserName(t.Profile, t.Cluster.ARN)]; ok {
			p.Targets[i].Context = name
		}
		if o, ok := seen[p.Targets[i].Context]; ok {
			dups = append(dups, fmt.Sprintf("%q for cluster %s and cluster %s", p.Targets[i].Context, o.Cluster.ARN, t.Cluster.ARN))
		}
		seen[p.Targets[i].Context] = p.Targets[i]
	}
	if len(dups) > 0 {
		return usage("the contexts written before and the default names of the new ones collide: %s; name them all with --context-template", strings.Join(dups, "; "))
	}
	return nil
}
