// Package login is the use case behind "kubectl eks-login" (the default
// command): it writes an AWS profile that assumes the user's EKS role and a
// kubeconfig context whose user runs "kubectl-eks_login token", then checks
// with the API server who the cluster takes the user for.
//
// It is one use case in stages, each a function of its own: resolve (the
// input, the files, the source profile, the region, the role), plan the
// profile, try it (DescribeCluster through the planned profile, from a
// temporary copy of the planned config file), plan the context, write both
// files, verify. The command calls Plan, Write and Verify and prints between
// them; --dry-run prints the plans as unified diffs, so it cannot show
// anything but what a real run would write, and a failure before Write
// leaves both files as they were.
package login

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/awsprofile"
	"github.com/eks-login/eks-login/pkg/discovery"
	"github.com/eks-login/eks-login/pkg/env"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/pkg/rolesession"
	"github.com/eks-login/eks-login/pkg/usecases/gettoken"
)

// ExecCommand is the command kubeconfig users run for tokens. It is the
// plugin's name, found on PATH as kubectl finds the plugin itself, rather
// than this binary's path, which changes with every upgrade or install.
const ExecCommand = "kubectl-eks_login"

// Input is what to log in to, and how: the values of login's flags.
type Input struct {
	Cluster        string
	RoleARN        string
	Role           string // a role name in the source profile's account, instead of RoleARN
	SourceProfile  string // "" means AWS_PROFILE, then default
	Profile        string // "" means SOURCE-eks
	Region         string // "" means the source profile's, AWS_REGION, AWS_DEFAULT_REGION
	MFASerial      string
	Alias          string // "" means the cluster's name
	Namespace      string
	Kubeconfig     string // "" means as kubectl chooses
	ExecAPIVersion string // v1 or v1beta1 ("" means v1beta1)
	Yes            bool   // replace a profile or context that holds other values

	// Discovery (issue 16): All writes a context for every cluster the
	// role can see, SSOSession one role profile for every account and role
	// of that sso-session and a context for each of their clusters.
	// Cluster and Alias are not used then.
	All        bool
	SSOSession string
	// Regions to search; none means every region enabled for the account.
	Regions []string
	// Accounts and RoleNames select the SSO session's accounts (ID or
	// name) and roles by glob patterns; none selects all.
	Accounts, RoleNames []string
	// ContextTemplate and ProfileTemplate name the contexts and the SSO
	// role profiles ("" means discovery's defaults).
	ContextTemplate, ProfileTemplate string
	// Prune removes what an earlier discovery of the same kind wrote whose
	// cluster or role is gone.
	Prune bool
}

// discovering tells a discovery from a login to one cluster.
func (in Input) discovering() bool { return in.All || in.SSOSession != "" }

// AWS is what login asks of AWS; *awsprofile.SDK is the real one.
type AWS interface {
	// CallerIdentity is STS GetCallerIdentity as profile p.
	CallerIdentity(ctx context.Context, p awsprofile.Ref) (awsprofile.Identity, error)
	// DescribeCluster is EKS DescribeCluster as profile p.
	DescribeCluster(ctx context.Context, p awsprofile.Ref, name string) (awsprofile.Cluster, error)
	// RoleSession is the temporary credentials DescribeCluster used for
	// profile, for the token cache; false when there are none.
	RoleSession(profile string) (aws.Credentials, rolesession.Assumed, bool)
}

// Finder finds clusters for --all and --sso-session; *awsprofile.SDK is
// the real one.
type Finder interface {
	// Discover finds every cluster profile p can see.
	Discover(ctx context.Context, p awsprofile.Ref, opts discovery.Options) (*discovery.Result, error)
	// WalkSSO finds every cluster of every account and role of an SSO
	// sign-in; p names the files the SDK reads its settings from.
	WalkSSO(ctx context.Context, p awsprofile.Ref, s discovery.SSOSession, opts discovery.SSOOptions) (*discovery.SSOResult, error)
}

// Login logs in. Env and AWS are required.
type Login struct {
	Env env.Env
	Log env.Logf
	AWS AWS
	// ExecCommand is written into the kubeconfig user; "" means ExecCommand.
	ExecCommand string
	// LookPath finds a command on PATH (exec.LookPath), to warn when the
	// exec command is not there; nil skips the check.
	LookPath func(string) (string, error)
	// Prime hands role credentials to the token cache; nil means the token
	// use case's own Prime, with Env.
	Prime func(context.Context, gettoken.Input, aws.Credentials, rolesession.Assumed) error
	// Finder finds clusters for a discovery; required for --all and
	// --sso-session.
	Finder Finder
	// Progress, when set, is told how far discovery is (on a terminal, the
	// command draws it).
	Progress func(discovery.Progress)
	// Parallel bounds discovery's and verification's calls in flight; 0
	// means discovery.DefaultParallel.
	Parallel int
}

// Plan is what a login will write, tried and checked: every profile in one
// plan of the config file, every context in one plan of the kubeconfig.
type Plan struct {
	// Input is the input with its defaults filled in.
	Input Input
	// Config is the plan of the config file; Profile its first profile's
	// step (login's role profile; for --sso-session, the first role's).
	Config  *awsconfig.ProfilesPlan
	Profile *awsconfig.Plan
	Context *kubeconfig.Plan
	// Targets are the contexts written, in order.
	Targets []Target
	// Found tells what a discovery searched and skipped; nil for a login
	// to one cluster.
	Found *Found

	r        *resolved
	profiles []awsconfig.ProfileEdit
	prune    pruned
	searches map[string]*search // by profile, for --prune
	loc      *kubeconfig.Location
	edit     kubeconfig.Edit
}

// Target is one context a plan writes: a cluster, through a profile.
type Target struct {
	Cluster discovery.Cluster
	Profile string
	// Role is the role's ARN (login, --all) or name (--sso-session).
	Role    string
	Context string
}

// Found is what a discovery searched and what it skipped.
type Found struct {
	Regions      []string
	RegionSource discovery.RegionSource
	// RegionsErr says why account:ListRegions was not used.
	RegionsErr error
	// Roles are the SSO roles walked (none for --all).
	Roles    []discovery.RoleTarget
	Problems []discovery.Problem
	// Pruned describes what --prune removes, one line each.
	Pruned []string
}

// Files are both plans, the config file's first, for printing as diffs.
func (p *Plan) Files() []*fileplan.File { return []*fileplan.File{&p.Config.File, &p.Context.File} }

// Plan resolves in, plans the profiles, tries them (DescribeCluster, or a
// discovery through the planned profile) and plans the contexts. Nothing
// is written; an error that refuses a conflict is a *RefusedError, whose
// Diff shows what would have changed.
func (l *Login) Plan(ctx context.Context, in Input) (*Plan, error) {
	r, err := l.resolve(ctx, in)
	if err != nil {
		return nil, err
	}
	p := &Plan{Input: r.in, r: r}
	if r.in.SSOSession != "" {
		err = l.walkSSO(ctx, p)
	} else {
		err = l.planRoleProfile(p)
		if err == nil {
			err = l.try(ctx, p)
		}
	}
	if err != nil {
		return nil, err
	}
	if err := l.planContexts(p); err != nil {
		return nil, err
	}
	return p, nil
}

// RefusedError is a plan refused without --yes; Diff shows the change.
type RefusedError struct {
	Err  error
	Diff string
}

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }
