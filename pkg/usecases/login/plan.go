package login

import (
	"context"
	"fmt"
	"strings"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/awsprofile"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
)

// planProfile is the second stage: the role profile's plan, refused
// without --yes when it changes what an existing profile means, before
// anything is asked of AWS.
func (l *Login) planProfile(r *resolved) (*Plan, error) {
	in := r.in
	p := &Plan{Input: in, r: r, settings: []awsconfig.Setting{
		{Key: "role_arn", Value: r.role, Defining: true},
		{Key: "source_profile", Value: in.SourceProfile},
		{Key: "region", Value: r.region},
		{Key: "output", Value: "json", KeepExisting: true},
	}}
	if in.MFASerial != "" {
		p.settings = append(p.settings, awsconfig.Setting{Key: "mfa_serial", Value: in.MFASerial})
	}
	var err error
	if p.Profile, err = r.cfgFile.PlanSetProfile(in.Profile, p.settings); err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	if err := refuseProfileConflicts(p.Profile, r); err != nil {
		return nil, &RefusedError{Err: err, Diff: p.Profile.Diff()}
	}
	return p, nil
}

// refuseProfileConflicts refuses, without --yes, a plan that changes what an
// existing profile means: one that replaces values of the user's, or one
// that turns a profile with keys of its own in the credentials file into a
// role profile (the config file's role_arn wins over the credentials
// file's keys, for every tool).
func refuseProfileConflicts(plan *awsconfig.Plan, r *resolved) error {
	in := r.in
	if in.Yes {
		return nil
	}
	var why []string
	if len(plan.Conflicts()) > 0 {
		why = append(why, plan.ConflictSummary())
	}
	if p, ok := r.credFile.Profile(in.Profile); ok && plan.Added {
		why = append(why, fmt.Sprintf("profile %s already exists in the credentials file %s (line %d), and every tool using profile %s would assume role %s once the config file gives it a role_arn", in.Profile, r.credFile.Path, p.Line, in.Profile, r.role))
	}
	if len(why) == 0 {
		return nil
	}
	return exitcode.Errorf(exitcode.Conflict, "%s; nothing was written. Run again with --yes to write the change shown above, or choose another profile name with --profile", strings.Join(why, "; "))
}

// try is the third stage: DescribeCluster as the planned role profile, read
// from a private temporary copy of the planned config file.
func (l *Login) try(ctx context.Context, p *Plan) (awsprofile.Cluster, error) {
	r, in := p.r, p.Input
	planned, err := writePlannedConfig(p.Profile.New, r.files.config)
	if err != nil {
		return awsprofile.Cluster{}, err
	}
	defer planned.Remove()
	ref := awsprofile.Ref{Name: in.Profile, Region: r.region, ConfigFile: planned.Path, CredentialsFile: r.files.credentials}
	l.Log.Printf("DescribeCluster %s in %s as profile %s (role %s), before writing", in.Cluster, r.region, in.Profile, r.role)
	c, err := l.AWS.DescribeCluster(ctx, ref, in.Cluster)
	if err != nil {
		return awsprofile.Cluster{}, explainAWS(err, r, fmt.Sprintf("describe cluster %s in %s as role %s", in.Cluster, r.region, r.role), r.role)
	}
	if err := checkCluster(c, in.Cluster, r.region); err != nil {
		return awsprofile.Cluster{}, exitcode.WithCode(exitcode.Failure, fmt.Errorf("%w; nothing was written", err))
	}
	l.Log.Printf("cluster %s: %s, Kubernetes %s, %s", c.ARN, c.Status, c.Version, c.Endpoint)
	return c, nil
}

// planContext is the fourth stage: the kubeconfig's cluster, user and
// context, in the file of the KUBECONFIG list that holds the cluster
// already, refused without --yes when it replaces a context of that name.
func (l *Login) planContext(p *Plan) error {
	in, c := p.Input, p.cluster
	loc, err := kubeconfig.Locate(in.Kubeconfig, l.Env.Getenv("KUBECONFIG"), p.r.files.home, func(f *kubeconfig.File) bool {
		_, ok := f.Cluster(c.ARN)
		return ok
	})
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	p.loc, p.login = loc, l.kubeLogin(p)
	if p.Context, err = loc.File.PlanLogin(p.login); err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	if err := refuseContextConflicts(p.Context, loc, p.login, in.Yes); err != nil {
		return &RefusedError{Err: err, Diff: p.Context.Diff()}
	}
	return nil
}

// kubeLogin is the kubeconfig entries of p.
func (l *Login) kubeLogin(p *Plan) kubeconfig.Login {
	in, c := p.Input, p.cluster
	exec := l.ExecCommand
	if exec == "" {
		exec = ExecCommand
	}
	return kubeconfig.Login{
		ClusterName: c.ARN,
		Server:      c.Endpoint,
		CAData:      c.CAData,
		UserName:    kubeconfig.UserName(in.Profile, c.ARN),
		Exec: kubeconfig.Exec{
			APIVersion: in.ExecAPIVersion,
			Command:    exec,
			// The profile is an argument, never AWS_PROFILE in env: an env
			// entry would be overridden by, or leak into, the user's own
			// environment (aws-cli issue 7794).
			Args:            []string{"token", "--cluster-name", in.Cluster, "--profile", in.Profile, "--region", p.r.region},
			InteractiveMode: "IfAvailable",
		},
		Context:   in.Alias,
		Namespace: in.Namespace,
	}
}

// refuseContextConflicts refuses, without --yes, a context that would
// replace one of the same name, in the file written or in any other file
// of the KUBECONFIG list.
func refuseContextConflicts(plan *kubeconfig.Plan, loc *kubeconfig.Location, kl kubeconfig.Login, yes bool) error {
	if yes {
		return nil
	}
	others, err := loc.Conflicts(kl.Context, kl.ClusterName, kl.UserName)
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	why := append(append([]string{}, plan.Conflicts...), others...)
	if len(why) == 0 {
		return nil
	}
	return exitcode.Errorf(exitcode.Conflict, "%s; nothing was written. Run again with --yes to write the change shown above, or choose another context name with --alias", strings.Join(why, "; "))
}
