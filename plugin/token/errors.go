package token

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/eks-login/eks-login/pkg/awsapi/config"
	"github.com/eks-login/eks-login/pkg/awsapi/ssocreds"
	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/awserr"

	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// assumeRoleError remembers which role was refused to whom.
type assumeRoleError struct {
	Role   string
	Caller string // may be empty when unknown
	Err    error
}

func (e *assumeRoleError) Error() string { return "assume role " + e.Role + ": " + e.Err.Error() }
func (e *assumeRoleError) Unwrap() error { return e.Err }

func isAccessDenied(err error) bool { return awserr.KindOf(err) == awserr.AccessDenied }

func callerInMessage(err error) string {
	_, msg, _ := awserr.Code(err)
	return awserr.CallerInMessage(msg)
}

// explain turns an error from the SDK into one line a person can act on,
// with the exit code for its kind. It never includes a secret: SDK errors
// carry codes, messages and URLs without query strings.
func (m *minter) explain(err error, profile string) error {
	var coded *cmdutil.CodedError
	if errors.As(err, &coded) {
		// Ours already (the MFA prompt), wrapped by the SDK: drop the wrapping.
		return coded
	}
	who := "the AWS credentials"
	if profile != "" {
		who = fmt.Sprintf("the credentials of profile %q", profile)
	}

	var notExist config.SharedConfigProfileNotExistError
	if errors.As(err, &notExist) {
		return cmdutil.Errorf(cmdutil.ExitInput, "AWS profile %q does not exist in %s or %s; run 'kubectl eks-login' to write it, or fix --profile / AWS_PROFILE", notExist.Profile, m.configFile, m.credentialsFile)
	}
	var signIn *ssocreds.InvalidTokenError
	if errors.As(err, &signIn) {
		// Whatever the portal or OIDC answered, the person's next step is
		// to sign in again, which the error names; said before the AWS
		// error codes below would turn it into "AWS answered ...".
		return cmdutil.Errorf(cmdutil.ExitCredentials, "%v", signIn)
	}
	var badProfile *config.ProfileError
	var assumeMissing config.SharedConfigAssumeRoleError
	var parse *awsconfig.ParseError
	if errors.As(err, &badProfile) || errors.As(err, &assumeMissing) || errors.As(err, &parse) {
		// The message names the file and line to fix.
		return cmdutil.Errorf(cmdutil.ExitInput, "%v", err)
	}
	var ar *assumeRoleError
	if _, msg, _ := awserr.Code(err); isAccessDenied(err) && strings.Contains(msg, "MultiFactorAuthentication") {
		return cmdutil.Errorf(cmdutil.ExitCredentials, "AWS did not accept the MFA code; run the command again with the code your device shows now")
	}
	if errors.As(err, &ar) && isAccessDenied(err) {
		caller := ar.Caller
		if caller == "" {
			caller = "your identity"
		}
		return cmdutil.Errorf(cmdutil.ExitAccessDenied,
			"%s may not assume role %s (AccessDenied); an AWS administrator must allow it, usually by adding you to the IAM group whose policy allows sts:AssumeRole on that role (kubectl eks-login admin iam ...), and the role must trust your account",
			caller, ar.Role)
	}
	if host, ok := networkHost(err); ok {
		return cmdutil.Errorf(cmdutil.ExitNetwork, "cannot reach AWS at %s: %s; check your network, proxy and DNS, and the region", host, rootCause(err))
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return cmdutil.Errorf(cmdutil.ExitNetwork, "AWS did not answer in time: %v", err)
	}
	if code, msg, ok := awserr.Code(err); ok {
		switch awserr.KindOfCode(code) {
		case awserr.ExpiredCredentials:
			return cmdutil.Errorf(cmdutil.ExitCredentials, "%s have expired (%s); get new ones (aws sso login, or new keys with aws configure) and try again", who, code)
		case awserr.InvalidCredentials:
			return cmdutil.Errorf(cmdutil.ExitCredentials, "AWS does not accept %s (%s: %s); check the access key and secret, or get new ones", who, code, msg)
		case awserr.AccessDenied:
			return cmdutil.Errorf(cmdutil.ExitAccessDenied, "AWS denied the request (%s: %s)", code, msg)
		default:
			return cmdutil.Errorf(cmdutil.ExitFailure, "AWS answered %s: %s", code, msg)
		}
	}
	if ar != nil {
		return cmdutil.Errorf(cmdutil.ExitFailure, "cannot assume role %s: %v", ar.Role, ar.Err)
	}
	return cmdutil.Errorf(cmdutil.ExitCredentials, "cannot get AWS credentials for the token (%s): %v", strings.TrimPrefix(who, "the "), err)
}

// noCredentials is the error for a machine with no AWS credentials at all.
func (m *minter) noCredentials(profile string) error {
	if profile != "" {
		return cmdutil.Errorf(cmdutil.ExitCredentials, "profile %q in %s has no credentials; add keys with 'aws configure --profile %s', or a role_arn and source_profile", profile, m.configFile, profile)
	}
	return cmdutil.Errorf(cmdutil.ExitCredentials, "no AWS credentials found: pass --profile (or set AWS_PROFILE) naming a profile in %s, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run 'aws configure'", m.configFile)
}

// networkHost finds a failure to reach a host, and the host.
func networkHost(err error) (string, bool) {
	var ue *url.Error
	if errors.As(err, &ue) {
		var dns *net.DNSError
		var op *net.OpError
		if errors.As(err, &dns) || errors.As(err, &op) || errors.Is(err, context.DeadlineExceeded) {
			if u, perr := url.Parse(ue.URL); perr == nil {
				return u.Host, true
			}
			return ue.URL, true
		}
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.Name, true
	}
	return "", false
}

// rootCause is the innermost error's text: "connection refused", "no such
// host", rather than the SDK's chain of wrappings.
func rootCause(err error) string {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return "no such host " + dns.Name
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}
