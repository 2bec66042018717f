package types

import (
	"fmt"

	"github.com/aws/smithy-go"
)

// ExpiredTokenException mirrors the SDK's types.ExpiredTokenException, code
// "ExpiredTokenException": the web identity token, or the credentials signing
// the request, have expired.
type ExpiredTokenException struct {
	Message *string

	ErrorCodeOverride *string
}

func (e *ExpiredTokenException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *ExpiredTokenException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *ExpiredTokenException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "ExpiredTokenException"
	}
	return *e.ErrorCodeOverride
}
func (e *ExpiredTokenException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// IDPCommunicationErrorException mirrors the SDK's
// types.IDPCommunicationErrorException, code "IDPCommunicationError": STS
// could not reach the identity provider to verify the web identity token; it
// is often transient, and the client retries it.
type IDPCommunicationErrorException struct {
	Message *string

	ErrorCodeOverride *string
}

func (e *IDPCommunicationErrorException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *IDPCommunicationErrorException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *IDPCommunicationErrorException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "IDPCommunicationError"
	}
	return *e.ErrorCodeOverride
}
func (e *IDPCommunicationErrorException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// IDPRejectedClaimException mirrors the SDK's
// types.IDPRejectedClaimException, code "IDPRejectedClaim": the identity
// provider rejected the claims in the web identity token.
type IDPRejectedClaimException struct {
	Message *string

	ErrorCodeOverride *string
}

func (e *IDPRejectedClaimException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *IDPRejectedClaimException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *IDPRejectedClaimException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "IDPRejectedClaim"
	}
	return *e.ErrorCodeOverride
}
func (e *IDPRejectedClaimException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// InvalidIdentityTokenException mirrors the SDK's
// types.InvalidIdentityTokenException, code "InvalidIdentityToken": the web
// identity token is not valid for STS.
type InvalidIdentityTokenException struct {
	Message *string

	ErrorCodeOverride *string
}

func (e *InvalidIdentityTokenException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *InvalidIdentityTokenException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *InvalidIdentityTokenException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "InvalidIdentityToken"
	}
	return *e.ErrorCodeOverride
}
func (e *InvalidIdentityTokenException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// MalformedPolicyDocumentException mirrors the SDK's
// types.MalformedPolicyDocumentException, code "MalformedPolicyDocument": a
// session policy is not valid JSON or not a valid policy.
type MalformedPolicyDocumentException struct {
	Message *string

	ErrorCodeOverride *string
}

func (e *MalformedPolicyDocumentException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *MalformedPolicyDocumentException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *MalformedPolicyDocumentException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "MalformedPolicyDocument"
	}
	return *e.ErrorCodeOverride
}
func (e *MalformedPolicyDocumentException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// PackedPolicyTooLargeException mirrors the SDK's
// types.PackedPolicyTooLargeException, code "PackedPolicyTooLarge": the
// session policies and tags, packed, exceed STS's limit.
type PackedPolicyTooLargeException struct {
	Message *string

	ErrorCodeOverride *string
}

func (e *PackedPolicyTooLargeException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *PackedPolicyTooLargeException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *PackedPolicyTooLargeException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "PackedPolicyTooLarge"
	}
	return *e.ErrorCodeOverride
}
func (e *PackedPolicyTooLargeException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// RegionDisabledException mirrors the SDK's types.RegionDisabledException,
// code "RegionDisabledException": STS is not activated in the region for the
// account.
type RegionDisabledException struct {
	Message *string

	ErrorCodeOverride *string
}

func (e *RegionDisabledException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *RegionDisabledException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *RegionDisabledException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "RegionDisabledException"
	}
	return *e.ErrorCodeOverride
}
func (e *RegionDisabledException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }
