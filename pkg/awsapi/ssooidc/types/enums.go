package types

// AccessDeniedExceptionReason mirrors the SDK's enum of that name.
type AccessDeniedExceptionReason string

// Enum values for AccessDeniedExceptionReason.
const (
	AccessDeniedExceptionReasonKmsAccessDenied AccessDeniedExceptionReason = "KMS_AccessDeniedException"
)

// InvalidRequestExceptionReason mirrors the SDK's enum of that name.
type InvalidRequestExceptionReason string

// Enum values for InvalidRequestExceptionReason.
const (
	InvalidRequestExceptionReasonKmsKeyNotFound     InvalidRequestExceptionReason = "KMS_NotFoundException"
	InvalidRequestExceptionReasonKmsInvalidKeyUsage InvalidRequestExceptionReason = "KMS_InvalidKeyUsageException"
	InvalidRequestExceptionReasonKmsInvalidState    InvalidRequestExceptionReason = "KMS_InvalidStateException"
	InvalidRequestExceptionReasonKmsDisabledKey     InvalidRequestExceptionReason = "KMS_DisabledException"
)
