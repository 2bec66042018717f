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
}

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
}

// Plan is what a login will write, tried and checked.
type Plan struct {
	// Input is the input with its defaults filled in.
	Input   Input
	Profile *awsconfig.Plan
	Context *kubeconfig.Plan

	r        *resolved
	settings []awsconfig.Setting
	cluster  awsprofile.Cluster
	loc      *kubeconfig.Location
	login    kubeconfig.Login
}

// Files are both plans, the profile's first, for printing as diffs.
func (p *Plan) Files() []*fileplan.File { return []*fileplan.File{&p.Profile.File, &p.Context.File} }

// Plan resolves in, plans the profile, tries it and plans the context.
// Nothing is written; an error that refuses a conflict is a *RefusedError,
// whose Diff shows what would have changed.
func (l *Login) Plan(ctx context.Context, in Input) (*Plan, error) {
	r, err := l.resolve(ctx, in)
	if err != nil {
		return nil, err
	}
	p, err := l.planProfile(r)
	if err != nil {
		return nil, err
	}
	if p.cluster, err = l.try(ctx, p); err != nil {
		return nil, err
	}
	if err := l.planContext(p); err != nil {
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
