package login

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"slices"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/awsprofile"
	"github.com/eks-login/eks-login/pkg/discovery"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/token"
)

// normalizeDiscovery checks the input of --all and --sso-session and fills
// its defaults, before any file is read.
func normalizeDiscovery(in Input, awsProfile string) (Input, error) {
	switch {
	case in.All && in.SSOSession != "":
		return Input{}, usage("--all and --sso-session both say what to discover; pass one of them")
	case in.Cluster != "":
		return Input{}, usage("--cluster names one cluster, and --all and --sso-session find them all; pass one or the other")
	case in.Alias != "":
		return Input{}, usage("--alias names one context; name a discovery's contexts with --context-template")
	}
	var err error
	if in.SSOSession != "" {
		err = checkSSOInput(in)
	} else {
		err = checkAllInput(&in, awsProfile)
	}
	if err != nil {
		return Input{}, err
	}
	if err := checkDiscoveryFlags(in); err != nil {
		return Input{}, err
	}
	if in.ExecAPIVersion, err = execAPIVersion(in.ExecAPIVersion); err != nil {
		return Input{}, err
	}
	return in, checkOtherNames(in)
}

// checkSSOInput: an SSO session's roles and credentials come from IAM
// Identity Center, not from flags.
func checkSSOInput(in Input) error {
	if in.RoleARN != "" || in.Role != "" || in.SourceProfile != "" || in.Profile != "" || in.MFASerial != "" {
		return usage("--sso-session takes its roles and credentials from IAM Identity Center; --role, --role-arn, --source-profile, --profile and --mfa-serial do not go with it")
	}
	if err := awsconfig.ValidateProfileName(in.SSOSession); err != nil {
		return usage("--sso-session: %v", err)
	}
	return nil
}

// checkAllInput checks the role of --all and fills its profiles' defaults.
func checkAllInput(in *Input, awsProfile string) error {
	if err := checkRoleFlags(*in); err != nil {
		return err
	}
	if len(in.Accounts) > 0 || len(in.RoleNames) > 0 || in.ProfileTemplate != "" {
		return usage("--account, --role-name and --profile-template select and name the roles of an --sso-session; --all uses the one role of --role or --role-arn")
	}
	if in.SourceProfile == "" {
		in.SourceProfile = awsProfile
	}
	if in.SourceProfile == "" {
		in.SourceProfile = "default"
	}
	if in.Profile == "" {
		in.Profile = in.SourceProfile + "-eks"
	}
	return checkProfileNames(*in)
}

// checkDiscoveryFlags checks the regions, the patterns and the templates.
func checkDiscoveryFlags(in Input) error {
	for _, r := range in.Regions {
		if _, err := token.PartitionOf(r); err != nil {
			return usage("--regions: %v", err)
		}
	}
	for _, p := range slices.Concat(in.Accounts, in.RoleNames) {
		if _, err := path.Match(p, ""); err != nil {
			return usage("the pattern %q of --account or --role-name is not a valid glob (*, ? and [...] may be used)", p)
		}
	}
	for flag, t := range map[string]string{"--context-template": in.ContextTemplate, "--profile-template": in.ProfileTemplate} {
		if err := discovery.CheckTemplate(t); err != nil {
			return usage("%s %q does not parse: %v", flag, t, err)
		}
	}
	return nil
}

// discover is the try of --all: a discovery as the planned role profile.
func (l *Login) discover(ctx context.Context, p *Plan, ref awsprofile.Ref) error {
	r, in := p.r, p.Input
	l.Log.Printf("discovering the clusters role %s can see, as profile %s, before writing", r.role, in.Profile)
	res, err := l.Finder.Discover(ctx, ref, discovery.Options{Regions: in.Regions, Parallel: l.Parallel, Progress: l.Progress, Role: r.role})
	if err != nil {
		return explainAWS(err, r, "discover the clusters of role "+r.role, r.role)
	}
	p.Found = &Found{Regions: res.Regions, RegionSource: res.RegionSource, RegionsErr: res.RegionsErr, Problems: res.Problems}
	p.searches = map[string]*search{in.Profile: newSearch(res)}
	return l.name(p, res.Clusters, func(discovery.Cluster) string { return in.Profile })
}

// walkSSO is the try of --sso-session: the accounts and roles of the
// sign-in, their clusters, and then their profiles' plan.
func (l *Login) walkSSO(ctx context.Context, p *Plan) error {
	r, in := p.r, p.Input
	opts := discovery.SSOOptions{Accounts: in.Accounts, Roles: in.RoleNames, TokenFile: ssoTokenFile(r.files.home, r.sso.Name),
		Discover: discovery.Options{Regions: in.Regions, Parallel: l.Parallel, Progress: l.Progress}}
	ref := awsprofile.Ref{Region: r.sso.Region, ConfigFile: r.files.config, CredentialsFile: r.files.credentials}
	l.Log.Printf("walking the accounts and roles of sso-session %s", r.sso.Name)
	res, err := l.Finder.WalkSSO(ctx, ref, r.sso, opts)
	if signedOut := (*discovery.SignedOutError)(nil); errors.As(err, &signedOut) {
		return exitcode.Errorf(exitcode.Credentials, "%v; nothing was written", signedOut)
	}
	if err != nil {
		return exitcode.Errorf(awsCode(err), "cannot walk the accounts and roles of sso-session %s: %v; nothing was written", r.sso.Name, err)
	}
	p.Found = &Found{Problems: res.Problems}
	if err := l.planSSOProfiles(p, res); err != nil {
		return err
	}
	profileOf := map[string]string{}
	for i, rr := range res.Roles {
		profileOf[rr.Target.AccountID+"/"+rr.Target.RoleName] = p.profiles[i].Name
	}
	var clusters []discovery.Cluster
	for _, c := range res.Clusters {
		if profileOf[c.Account+"/"+c.Role] != "" { // always: each cluster comes from a role walked
			clusters = append(clusters, c)
		}
	}
	return l.name(p, clusters, func(c discovery.Cluster) string { return profileOf[c.Account+"/"+c.Role] })
}

// ssoTokenFile is the token cache `aws sso login --sso-session NAME`
// writes, under the home folder of the environment given.
func ssoTokenFile(home, session string) string {
	sum := sha1.Sum([]byte(session))
	return filepath.Join(home, ".aws", "sso", "cache", hex.EncodeToString(sum[:])+".json")
}

// planSSOProfiles names a profile for each role the walk found and plans
// them, with the removal of those --prune removes.
func (l *Login) planSSOProfiles(p *Plan, res *discovery.SSOResult) error {
	r, in := p.r, p.Input
	targets := make([]discovery.RoleTarget, len(res.Roles))
	p.searches = map[string]*search{}
	for i, rr := range res.Roles {
		targets[i] = rr.Target
		p.Found.Roles = append(p.Found.Roles, rr.Target)
		if rr.Err != nil {
			p.Found.Problems = append(p.Found.Problems, roleProblem(rr))
		}
	}
	names, err := discovery.ProfileNames(targets, in.ProfileTemplate)
	if err != nil {
		return exitcode.WithCode(exitcode.Usage, fmt.Errorf("--profile-template: %w", err))
	}
	for i, t := range targets {
		p.profiles = append(p.profiles, awsconfig.ProfileEdit{Name: names[i], Discovery: r.scope, Settings: []awsconfig.Setting{
			{Key: "sso_session", Value: r.sso.Name, Defining: true},
			{Key: "sso_account_id", Value: t.AccountID, Defining: true},
			{Key: "sso_role_name", Value: t.RoleName, Defining: true},
			{Key: "region", Value: r.region},
			{Key: "output", Value: "json", KeepExisting: true},
		}})
		if res.Roles[i].Result != nil {
			p.searches[names[i]] = newSearch(res.Roles[i].Result)
		}
	}
	p.prune.profiles = l.goneProfiles(p, targets, names)
	return l.planProfiles(p)
}

// roleProblem reports a role whose credentials the portal refused.
func roleProblem(rr discovery.RoleResult) discovery.Problem {
	kind := discovery.Failed
	if e := awserr.Classify(rr.Err); e.Kind == awserr.AccessDenied || e.Code == "ForbiddenException" {
		kind = discovery.Denied // the portal's word for a role not assigned
	}
	return discovery.Problem{Kind: kind, Operation: "GetRoleCredentials", Account: rr.Target.AccountID, Role: rr.Target.RoleName, Err: rr.Err}
}

// name checks every cluster found, names its context and makes it a
// target through the profile profileOf gives it. With nothing to write and
// a denial among the problems, discovery fails with AccessDenied.
func (l *Login) name(p *Plan, found []discovery.Cluster, profileOf func(discovery.Cluster) string) error {
	var ok []discovery.Cluster
	for _, c := range found {
		if err := discovery.CheckCluster(c, c.Name); err != nil {
			p.Found.Problems = append(p.Found.Problems, discovery.Problem{Kind: discovery.Refused, Operation: "DescribeCluster", Account: c.Account, Region: c.Region, Cluster: c.Name, Role: c.Role, Err: err})
			continue
		}
		ok = append(ok, c)
	}
	names, err := discovery.ContextNames(ok, p.Input.ContextTemplate)
	if err != nil {
		return exitcode.WithCode(exitcode.Usage, fmt.Errorf("--context-template: %w", err))
	}
	for i, c := range ok {
		p.Targets = append(p.Targets, Target{Cluster: c, Profile: profileOf(c), Role: c.Role, Context: names[i]})
	}
	if len(p.Targets) == 0 {
		return nothingFound(p)
	}
	return nil
}

// nothingFound is the error of a discovery that found nothing to write:
// AccessDenied when AWS denied something, none when there was nothing to
// find (--prune may still have work).
func nothingFound(p *Plan) error {
	for _, pr := range p.Found.Problems {
		if pr.Kind == discovery.Denied {
			return exitcode.WithCode(exitcode.AccessDenied, &NothingFoundError{Problems: p.Found.Problems})
		}
	}
	return nil
}

// NothingFoundError is a discovery whose every cluster (or role, or region)
// was denied: nothing is written, and the exit code is AccessDenied. The
// command prints the problems before it.
type NothingFoundError struct {
	Problems []discovery.Problem
}

func (e *NothingFoundError) Error() string {
	return fmt.Sprintf("every cluster found was denied or skipped (%d problem(s), listed above); nothing was written. Ask an AWS administrator for eks:ListClusters and eks:DescribeCluster (kubectl eks-login admin iam)", len(e.Problems))
}

// awsCode is the exit code of an AWS error.
func awsCode(err error) int {
	switch awserr.Classify(err).Kind {
	case awserr.AccessDenied, awserr.AssumeRoleDenied:
		return exitcode.AccessDenied
	case awserr.Network:
		return exitcode.Network
	case awserr.ExpiredCredentials, awserr.InvalidCredentials, awserr.NoCredentials, awserr.SignIn:
		return exitcode.Credentials
	case awserr.BadConfig:
		return exitcode.Input
	}
	return exitcode.Failure
}
