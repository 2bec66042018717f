package types

import (
	"fmt"

	"github.com/aws/smithy-go"
)

// The OIDC service's errors carry OAuth's "error" and "error_description"
// members and no "message", so, as with the SDK, ErrorMessage is usually
// empty and the details are in Error_ and Error_description; each type also
// has an ErrorDescription method, which the SDK's types lack.

// AccessDeniedException mirrors the SDK's types.AccessDeniedException:
// you do not have sufficient access to perform this action.
type AccessDeniedException struct {
	Message *string `json:"-"`

	ErrorCodeOverride *string `json:"-"`

	Error_            *string                     `json:"error,omitempty"`
	Reason            AccessDeniedExceptionReason `json:"reason,omitempty"`
	Error_description *string                     `json:"error_description,omitempty"`
}

func (e *AccessDeniedException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *AccessDeniedException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *AccessDeniedException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "AccessDeniedException"
	}
	return *e.ErrorCodeOverride
}
func (e *AccessDeniedException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// ErrorDescription is the OAuth error_description (an eks-login addition).
func (e *AccessDeniedException) ErrorDescription() string {
	if e.Error_description == nil {
		return ""
	}
	return *e.Error_description
}

// AuthorizationPendingException mirrors the SDK's types.AuthorizationPendingException:
// the user has not yet approved the device authorization.
type AuthorizationPendingException struct {
	Message *string `json:"-"`

	ErrorCodeOverride *string `json:"-"`

	Error_            *string `json:"error,omitempty"`
	Error_description *string `json:"error_description,omitempty"`
}

func (e *AuthorizationPendingException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *AuthorizationPendingException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *AuthorizationPendingException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "AuthorizationPendingException"
	}
	return *e.ErrorCodeOverride
}
func (e *AuthorizationPendingException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// ErrorDescription is the OAuth error_description (an eks-login addition).
func (e *AuthorizationPendingException) ErrorDescription() string {
	if e.Error_description == nil {
		return ""
	}
	return *e.Error_description
}

// ExpiredTokenException mirrors the SDK's types.ExpiredTokenException:
// the token (here, the refresh token) has expired.
type ExpiredTokenException struct {
	Message *string `json:"-"`

	ErrorCodeOverride *string `json:"-"`

	Error_            *string `json:"error,omitempty"`
	Error_description *string `json:"error_description,omitempty"`
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

// ErrorDescription is the OAuth error_description (an eks-login addition).
func (e *ExpiredTokenException) ErrorDescription() string {
	if e.Error_description == nil {
		return ""
	}
	return *e.Error_description
}

// InternalServerException mirrors the SDK's types.InternalServerException:
// the service failed.
type InternalServerException struct {
	Message *string `json:"-"`

	ErrorCodeOverride *string `json:"-"`

	Error_            *string `json:"error,omitempty"`
	Error_description *string `json:"error_description,omitempty"`
}

func (e *InternalServerException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *InternalServerException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *InternalServerException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "InternalServerException"
	}
	return *e.ErrorCodeOverride
}
func (e *InternalServerException) ErrorFault() smithy.ErrorFault { return smithy.FaultServer }

// ErrorDescription is the OAuth error_description (an eks-login addition).
func (e *InternalServerException) ErrorDescription() string {
	if e.Error_description == nil {
		return ""
	}
	return *e.Error_description
}

// InvalidClientException mirrors the SDK's types.InvalidClientException:
// the client registration is invalid or has expired.
type InvalidClientException struct {
	Message *string `json:"-"`

	ErrorCodeOverride *string `json:"-"`

	Error_            *string `json:"error,omitempty"`
	Error_description *string `json:"error_description,omitempty"`
}

func (e *InvalidClientException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *InvalidClientException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *InvalidClientException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "InvalidClientException"
	}
	return *e.ErrorCodeOverride
}
func (e *InvalidClientException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// ErrorDescription is the OAuth error_description (an eks-login addition).
func (e *InvalidClientException) ErrorDescription() string {
	if e.Error_description == nil {
		return ""
	}
	return *e.Error_description
}

// InvalidGrantException mirrors the SDK's types.InvalidGrantException:
// the grant (here, the refresh token) is invalid or
// was revoked.
type InvalidGrantException struct {
	Message *string `json:"-"`

	ErrorCodeOverride *string `json:"-"`

	Error_            *string `json:"error,omitempty"`
	Error_description *string `json:"error_description,omitempty"`
}

func (e *InvalidGrantException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *InvalidGrantException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *InvalidGrantException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "InvalidGrantException"
	}
	return *e.ErrorCodeOverride
}
func (e *InvalidGrantException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// ErrorDescription is the OAuth error_description (an eks-login addition).
func (e *InvalidGrantException) ErrorDescription() string {
	if e.Error_description == nil {
		return ""
	}
	return *e.Error_description
}

// InvalidRequestException mirrors the SDK's types.InvalidRequestException:
// the request is malformed.
type InvalidRequestException struct {
	Message *string `json:"-"`

	ErrorCodeOverride *string `json:"-"`

	Error_            *string                       `json:"error,omitempty"`
	Reason            InvalidRequestExceptionReason `json:"reason,omitempty"`
	Error_description *string                       `json:"error_description,omitempty"`
}

func (e *InvalidRequestException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *InvalidRequestException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *InvalidRequestException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "InvalidRequestException"
	}
	return *e.ErrorCodeOverride
}
func (e *InvalidRequestException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// ErrorDescription is the OAuth error_description (an eks-login addition).
func (e *InvalidRequestException) ErrorDescription() string {
	if e.Error_description == nil {
		return ""
	}
	return *e.Error_description
}

// InvalidScopeException mirrors the SDK's types.InvalidScopeException:
// the scope is invalid.
type InvalidScopeException struct {
	Message *string `json:"-"`

	ErrorCodeOverride *string `json:"-"`

	Error_            *string `json:"error,omitempty"`
	Error_description *string `json:"error_description,omitempty"`
}

func (e *InvalidScopeException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *InvalidScopeException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *InvalidScopeException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "InvalidScopeException"
	}
	return *e.ErrorCodeOverride
}
func (e *InvalidScopeException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// ErrorDescription is the OAuth error_description (an eks-login addition).
func (e *InvalidScopeException) ErrorDescription() string {
	if e.Error_description == nil {
		return ""
	}
	return *e.Error_description
}

// SlowDownException mirrors the SDK's types.SlowDownException:
// the client polls too often.
type SlowDownException struct {
	Message *string `json:"-"`

	ErrorCodeOverride *string `json:"-"`

	Error_            *string `json:"error,omitempty"`
	Error_description *string `json:"error_description,omitempty"`
}

func (e *SlowDownException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *SlowDownException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *SlowDownException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "SlowDownException"
	}
	return *e.ErrorCodeOverride
}
func (e *SlowDownException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// ErrorDescription is the OAuth error_description (an eks-login addition).
func (e *SlowDownException) ErrorDescription() string {
	if e.Error_description == nil {
		return ""
	}
	return *e.Error_description
}

// UnauthorizedClientException mirrors the SDK's types.UnauthorizedClientException:
// the client may not use this grant type.
type UnauthorizedClientException struct {
	Message *string `json:"-"`

	ErrorCodeOverride *string `json:"-"`

	Error_            *string `json:"error,omitempty"`
	Error_description *string `json:"error_description,omitempty"`
}

func (e *UnauthorizedClientException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *UnauthorizedClientException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *UnauthorizedClientException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "UnauthorizedClientException"
	}
	return *e.ErrorCodeOverride
}
func (e *UnauthorizedClientException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// ErrorDescription is the OAuth error_description (an eks-login addition).
func (e *UnauthorizedClientException) ErrorDescription() string {
	if e.Error_description == nil {
		return ""
	}
	return *e.Error_description
}

// UnsupportedGrantTypeException mirrors the SDK's types.UnsupportedGrantTypeException:
// the grant type is not supported.
type UnsupportedGrantTypeException struct {
	Message *string `json:"-"`

	ErrorCodeOverride *string `json:"-"`

	Error_            *string `json:"error,omitempty"`
	Error_description *string `json:"error_description,omitempty"`
}

func (e *UnsupportedGrantTypeException) Error() string {
	return fmt.Sprintf("%s: %s", e.ErrorCode(), e.ErrorMessage())
}
func (e *UnsupportedGrantTypeException) ErrorMessage() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}
func (e *UnsupportedGrantTypeException) ErrorCode() string {
	if e == nil || e.ErrorCodeOverride == nil {
		return "UnsupportedGrantTypeException"
	}
	return *e.ErrorCodeOverride
}
func (e *UnsupportedGrantTypeException) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// ErrorDescription is the OAuth error_description (an eks-login addition).
func (e *UnsupportedGrantTypeException) ErrorDescription() string {
	if e.Error_description == nil {
		return ""
	}
	return *e.Error_description
}
