// Package awserr is the one place that sorts AWS failures by what the person
// must do about them, and gives each kind its exit code and advice: token,
// login, doctor and admin word their messages for their own situation, but
// agree here on what a failure is. It sorts with the SDK's own types
// (smithy.APIError and OperationError, the config package's errors) and
// eks-login's (awsclient's, the MFA prompt's, the config parser's).
package awserr

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/exitcode"
)

// Kind is what an AWS failure asks of the person.
type Kind int

const (
	// Other is any other failure, or one that is not AWS's.
	Other Kind = iota
	// AccessDenied: the identity may not do this; an administrator must allow it.
	AccessDenied
	// AssumeRoleDenied: STS refused to let the identity assume the role.
	AssumeRoleDenied
	// ExpiredCredentials: the credentials were good but have run out.
	ExpiredCredentials
	// InvalidCredentials: AWS does not know or accept the key or signature.
	InvalidCredentials
	// NoCredentials: no credentials could be found.
	NoCredentials
	// SignIn: the IAM Identity Center sign-in has expired or is missing.
	SignIn
	// MFA: no MFA code could be had, or AWS refused the one given.
	MFA
	// BadConfig: a shared config or credentials file, or a profile in it, is wrong.
	BadConfig
	// NotFound: the named resource does not exist (cluster, IAM entity).
	NotFound
	// Network: AWS could not be reached.
	Network
)

// ExitCode is the process exit code for the kind, as the README lists them.
func (k Kind) ExitCode() int {
	switch k {
	case AccessDenied, AssumeRoleDenied:
		return exitcode.AccessDenied
	case ExpiredCredentials, InvalidCredentials, NoCredentials, SignIn, MFA:
		return exitcode.Credentials
	case BadConfig:
		return exitcode.Input
	case Network:
		return exitcode.Network
	}
	return exitcode.Failure
}

// IsCredentials tells the kinds that new or other credentials fix.
func (k Kind) IsCredentials() bool { return k.ExitCode() == exitcode.Credentials }

// Error is a sorted failure.
type Error struct {
	Kind Kind
	// Code and Message are AWS's, when it answered.
	Code, Message string
	// Caller is the identity AWS named in an AccessDenied message, if any.
	Caller string
	Err    error
}

func (e *Error) Error() string {
	switch {
	case e.Code != "":
		return e.Code + ": " + e.Message
	case e.Message != "":
		return e.Message
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Classify sorts err; an *Error in the chain is returned as it is.
func Classify(err error) *Error {
	var done *Error
	if errors.As(err, &done) {
		return done
	}
	e := &Error{Err: err}
	var api smithy.APIError
	if errors.As(err, &api) {
		e.Code, e.Message = api.ErrorCode(), api.ErrorMessage()
		e.Caller = CallerInMessage(e.Message)
	}
	if k, ours := kindOfOurs(err); k != Other {
		// The message is the error eks-login made, without the SDK's wrapping.
		e.Kind, e.Message = k, ours.Error()
		return e
	}
	e.Kind = kindOf(err, e.Code, e.Message)
	return e
}

func kindOf(err error, code, msg string) Kind {
	switch k := KindOfCode(code); {
	case strings.Contains(msg, "MultiFactorAuthentication"):
		return MFA
	case k == AccessDenied && inAssumeRole(err):
		return AssumeRoleDenied
	case k != Other:
		return k
	case code == "" && isNetwork(err):
		return Network
	case code == "" && httpStatus(err) == http.StatusForbidden:
		return AccessDenied
	}
	return Other
}

// kindOfOurs sorts the failures that are not AWS answers: the files, the
// sign-in, the prompt, credentials that cannot be had; and returns the error
// in the chain that says so.
func kindOfOurs(err error) (Kind, error) {
	var parse *awsconfig.ParseError
	var notExist config.SharedConfigProfileNotExistError
	var assumeMissing config.SharedConfigAssumeRoleError
	var signIn *awsclient.SignInError
	var ssoToken *ssocreds.InvalidTokenError
	var expired *awsclient.ExpiredError
	var mfa *awsclient.MFAError
	var badConfig *awsclient.ConfigError
	switch {
	case errors.As(err, &mfa):
		return MFA, mfa
	case errors.As(err, &signIn):
		return SignIn, signIn
	case errors.As(err, &ssoToken):
		return SignIn, ssoToken
	case errors.As(err, &expired):
		return ExpiredCredentials, expired
	case errors.As(err, &parse):
		return BadConfig, parse
	case errors.As(err, &notExist):
		return BadConfig, notExist
	case errors.As(err, &assumeMissing):
		return BadConfig, assumeMissing
	case errors.As(err, &badConfig):
		return BadConfig, badConfig
	}
	return Other, nil
}

// inAssumeRole says whether err failed in an STS AssumeRole: a refused
// AssumeRole reaches a command wrapped in the call that needed the
// credentials (EKS DescribeCluster: get identity: ... STS AssumeRole).
func inAssumeRole(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		var op *smithy.OperationError
		if errors.As(e, &op) && op.ServiceID == "STS" && strings.HasPrefix(op.OperationName, "AssumeRole") {
			return true
		}
	}
	return false
}

func isNetwork(err error) bool {
	var dns *net.DNSError
	var op *net.OpError
	return errors.As(err, &dns) || errors.As(err, &op) || errors.Is(err, context.DeadlineExceeded)
}

func httpStatus(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// KindOf sorts err by its AWS error code.
func KindOf(err error) Kind { return Classify(err).Kind }

// KindOfCode sorts an AWS error code.
func KindOfCode(code string) Kind {
	switch code {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation":
		return AccessDenied
	case "ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired":
		return ExpiredCredentials
	case "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "IncompleteSignature", "InvalidAccessKeyId":
		return InvalidCredentials
	case "ResourceNotFoundException", "NoSuchEntity":
		return NotFound
	}
	return Other
}

// Explain is err for a command that was doing something, with the exit code
// of its kind and the advice that goes with it. An error that already has
// an exit code keeps it.
func Explain(err error, doing string) error {
	if err == nil {
		return nil
	}
	var coded *exitcode.Error
	if errors.As(err, &coded) {
		return err
	}
	e := Classify(err)
	advice := ""
	switch e.Kind {
	case AccessDenied, AssumeRoleDenied:
		advice = "AWS denied it; the profile's identity needs that permission: "
	case ExpiredCredentials, InvalidCredentials, NoCredentials:
		advice = "the AWS credentials are not valid: "
	case Network:
		advice = "AWS could not be reached; check your network, proxy and DNS, and the region: "
	}
	return exitcode.Errorf(e.Kind.ExitCode(), "%s: %s%w", doing, advice, err)
}

// CallerInMessage finds the caller's ARN in AWS's refusal message, "User:
// ARN is not authorized to perform: ACTION on resource: ...".
func CallerInMessage(msg string) string {
	_, rest, ok := strings.Cut(msg, "User: ")
	if !ok {
		return ""
	}
	arn, _, ok := strings.Cut(rest, " is not authorized")
	if !ok || !strings.HasPrefix(arn, "arn:") || strings.ContainsAny(arn, " \t\n") {
		return ""
	}
	return arn
}
