package login

import (
	"errors"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
)

// explainAWS turns a failed AWS call into a sentence naming who asked, for
// what, and who can fix it. Nothing has been written when it is called.
func explainAWS(err error, r *resolved, what, role string) error {
	var ae *awserr.Error
	if !errors.As(err, &ae) {
		return exitcode.Errorf(exitcode.Failure, "cannot %s: %v; nothing was written", what, err)
	}
	in := r.in
	caller := ae.Caller
	if caller == "" {
		caller = "your identity (profile " + in.SourceProfile + ")"
	}
	switch ae.Kind {
	case awserr.AssumeRoleDenied:
		return exitcode.Errorf(exitcode.AccessDenied, "%s may not assume role %s (STS AssumeRole: AccessDenied); nothing was written. Ask an AWS administrator to add you to the IAM group that may assume the role (kubectl eks-login admin iam), and check that the role trusts your account", caller, role)
	case awserr.AccessDenied:
		if role != "" {
			return exitcode.Errorf(exitcode.AccessDenied, "role %s may not call eks:DescribeCluster on cluster %s (%s); nothing was written. Ask an AWS administrator to allow eks:DescribeCluster for the role (kubectl eks-login admin iam)", role, in.Cluster, ae.Message)
		}
		return exitcode.Errorf(exitcode.AccessDenied, "cannot %s: AWS denied it (%s); nothing was written", what, ae.Message)
	case awserr.NotFound:
		return exitcode.Errorf(exitcode.Usage, "there is no EKS cluster %s in region %s (%s); check --cluster and --region; nothing was written", in.Cluster, r.region, ae.Message)
	case awserr.BadConfig:
		return exitcode.Errorf(exitcode.Input, "cannot %s: %v; fix the file, then run login again; nothing was written", what, ae)
	case awserr.MFA:
		return exitcode.Errorf(exitcode.Credentials, "cannot %s: %v; nothing was written", what, ae)
	case awserr.ExpiredCredentials, awserr.InvalidCredentials, awserr.NoCredentials, awserr.SignIn:
		return exitcode.Errorf(exitcode.Credentials, "cannot %s: the credentials of profile %s do not work (%v); check them with 'aws sts get-caller-identity --profile %s'; nothing was written", what, in.SourceProfile, ae, in.SourceProfile)
	case awserr.Network:
		return exitcode.Errorf(exitcode.Network, "cannot %s: AWS could not be reached (%v); check your network, proxy and the region; nothing was written", what, ae.Err)
	}
	return exitcode.Errorf(exitcode.Failure, "cannot %s: %v; nothing was written", what, ae)
}
