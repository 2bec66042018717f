package sts

import (
	"github.com/aws/smithy-go/middleware"

	"github.com/eks-login/eks-login/pkg/awsapi/sts/types"
)

// GetCallerIdentityInput mirrors the SDK's sts.GetCallerIdentityInput.
type GetCallerIdentityInput struct{}

// GetCallerIdentityOutput mirrors the SDK's sts.GetCallerIdentityOutput.
type GetCallerIdentityOutput struct {
	Account        *string
	Arn            *string
	UserId         *string
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// AssumeRoleInput mirrors the SDK's sts.AssumeRoleInput.
type AssumeRoleInput struct {
	RoleArn                 *string
	RoleSessionName         *string
	DurationSeconds         *int32
	ExternalId              *string
	MinimumSessionTokenSize *int32
	Policy                  *string
	PolicyArns              []types.PolicyDescriptorType
	ProvidedContexts        []types.ProvidedContext
	SerialNumber            *string
	SourceIdentity          *string
	Tags                    []types.Tag
	TokenCode               *string
	TransitiveTagKeys       []string
}

// AssumeRoleOutput mirrors the SDK's sts.AssumeRoleOutput.
type AssumeRoleOutput struct {
	AssumedRoleUser         *types.AssumedRoleUser
	Credentials             *types.Credentials
	PackedPolicySize        *int32
	SessionTokenSize        *int32
	SessionTokenUtilization *int32
	SourceIdentity          *string
	ResultMetadata          middleware.Metadata `json:"-" xml:"-"`
}

// AssumeRoleWithWebIdentityInput mirrors the SDK's
// sts.AssumeRoleWithWebIdentityInput.
type AssumeRoleWithWebIdentityInput struct {
	RoleArn                 *string
	RoleSessionName         *string
	WebIdentityToken        *string
	DurationSeconds         *int32
	MinimumSessionTokenSize *int32
	Policy                  *string
	PolicyArns              []types.PolicyDescriptorType
	ProviderId              *string
}

// AssumeRoleWithWebIdentityOutput mirrors the SDK's
// sts.AssumeRoleWithWebIdentityOutput.
type AssumeRoleWithWebIdentityOutput struct {
	AssumedRoleUser             *types.AssumedRoleUser
	Audience                    *string
	Credentials                 *types.Credentials
	PackedPolicySize            *int32
	Provider                    *string
	SessionTokenSize            *int32
	SessionTokenUtilization     *int32
	SourceIdentity              *string
	SubjectFromWebIdentityToken *string
	ResultMetadata              middleware.Metadata `json:"-" xml:"-"`
}
