// Package awserr sorts AWS API errors by what the person must do about them.
// The token, login, doctor and admin commands word their messages for their
// own situation, but they agree here on which codes mean a refusal and which
// mean bad credentials. It is linked into the token path, so it holds no
// maps or regular expressions built at start-up.
package awserr

import (
	"errors"
	"strings"

	"github.com/aws/smithy-go"
)

// Kind is what an AWS error asks of the person.
type Kind int

const (
	// Other is any other error, or one that is not an AWS API error.
	Other Kind = iota
	// AccessDenied: the identity may not do this; an administrator must allow it.
	AccessDenied
	// ExpiredCredentials: the credentials were good but have run out.
	ExpiredCredentials
	// InvalidCredentials: AWS does not know or accept the key or signature.
	InvalidCredentials
	// NotFound: the named resource does not exist (cluster, IAM entity).
	NotFound
)

// Code returns the AWS error code and message in err's chain.
func Code(err error) (code, message string, ok bool) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), ae.ErrorMessage(), true
	}
	return "", "", false
}

// KindOf sorts err by its AWS error code.
func KindOf(err error) Kind {
	code, _, ok := Code(err)
	if !ok {
		return Other
	}
	return KindOfCode(code)
}

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

// IsCredentials tells the two credential kinds.
func (k Kind) IsCredentials() bool { return k == ExpiredCredentials || k == InvalidCredentials }

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
