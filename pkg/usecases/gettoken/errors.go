package gettoken

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/rolesession"
)

// explain turns an error from the SDK into one line a person can act on,
// with the exit code awserr gives its kind. It never includes a secret:
// awsclient redacts what the SDK reports of the files, and SDK errors carry
// codes, messages and URLs without query strings.
func (m *minter) explain(err error, profile string) error {
	var coded *exitcode.Error
	if errors.As(err, &coded) {
		return coded
	}
	e := awserr.Classify(err)
	code := e.Kind.ExitCode()
	var ar *rolesession.AssumeRoleError
	errors.As(err, &ar)
	if msg := m.explainKnown(err, e, ar); msg != "" {
		return exitcode.Errorf(code, "%s", msg)
	}
	who := "the AWS credentials"
	if profile != "" {
		who = fmt.Sprintf("the credentials of profile %q", profile)
	}
	switch {
	case e.Kind == awserr.ExpiredCredentials:
		return exitcode.Errorf(code, "%s have expired (%s); get new ones (aws sso login, or new keys with aws configure) and try again", who, e.Code)
	case e.Kind == awserr.InvalidCredentials:
		return exitcode.Errorf(code, "AWS does not accept %s (%s: %s); check the access key and secret, or get new ones", who, e.Code, e.Message)
	case e.Kind == awserr.AccessDenied:
		return exitcode.Errorf(code, "AWS denied the request (%s: %s)", e.Code, e.Message)
	case e.Code != "":
		return exitcode.Errorf(code, "AWS answered %s: %s", e.Code, e.Message)
	case ar != nil:
		return exitcode.Errorf(code, "cannot assume role %s: %v", ar.Role, ar.Err)
	}
	return exitcode.Errorf(exitcode.Credentials, "cannot get AWS credentials for the token (%s): %v", strings.TrimPrefix(who, "the "), err)
}

// explainKnown is the message of the failures that say what to do whatever
// the profile: a missing profile, a refused MFA code or AssumeRole, the
// network, and eks-login's own errors (the files, the prompt, expired
// credentials). "" for the others.
func (m *minter) explainKnown(err error, e *awserr.Error, ar *rolesession.AssumeRoleError) string {
	var notExist config.SharedConfigProfileNotExistError
	switch {
	case errors.As(err, &notExist):
		return fmt.Sprintf("AWS profile %q does not exist in %s or %s; run 'kubectl eks-login' to write it, or fix --profile / AWS_PROFILE", notExist.Profile, m.configFile, m.credentialsFile)
	case e.Kind == awserr.MFA && e.Code != "":
		return "AWS did not accept the MFA code; run the command again with the code your device shows now"
	case e.Kind == awserr.AssumeRoleDenied || (ar != nil && e.Kind == awserr.AccessDenied):
		caller, role := e.Caller, "the profile's role"
		if ar != nil {
			caller, role = firstOf(ar.Caller, e.Caller), ar.Role
		}
		return fmt.Sprintf("%s may not assume role %s (AccessDenied); an AWS administrator must allow it, usually by adding you to the IAM group whose policy allows sts:AssumeRole on that role (kubectl eks-login admin iam ...), and the role must trust your account",
			orDefault(caller, "your identity"), role)
	case e.Kind == awserr.Network:
		if host, ok := networkHost(err); ok {
			return fmt.Sprintf("cannot reach AWS at %s: %s; check your network, proxy and DNS, and the region", host, rootCause(err))
		}
		return fmt.Sprintf("AWS did not answer in time: %v", err)
	case e.Code == "" && e.Kind != awserr.Other:
		// Ours: the files, the prompt, expired credentials; the message says what to fix.
		return e.Error()
	}
	return ""
}

// noCredentials is the error for a machine with no AWS credentials at all.
func (m *minter) noCredentials(profile string) error {
	if profile != "" {
		return exitcode.Errorf(exitcode.Credentials, "profile %q in %s has no credentials; add keys with 'aws configure --profile %s', or a role_arn and source_profile", profile, m.configFile, profile)
	}
	return exitcode.Errorf(exitcode.Credentials, "no AWS credentials found: pass --profile (or set AWS_PROFILE) naming a profile in %s, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run 'aws configure'", m.configFile)
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

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
