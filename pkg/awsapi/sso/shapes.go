package sso

import (
	"github.com/aws/smithy-go/middleware"

	"github.com/eks-login/eks-login/pkg/awsapi/sso/types"
)

// GetRoleCredentialsInput mirrors the SDK's sso.GetRoleCredentialsInput.
type GetRoleCredentialsInput struct {
	// AccessToken is the SSO access token from the token cache
	// (~/.aws/sso/cache); required.
	AccessToken *string
	// AccountId is the account the role is in; required.
	AccountId *string
	// RoleName is the role (permission set) assigned to the user; required.
	RoleName *string
}

// GetRoleCredentialsOutput mirrors the SDK's sso.GetRoleCredentialsOutput.
type GetRoleCredentialsOutput struct {
	RoleCredentials *types.RoleCredentials `json:"roleCredentials,omitempty"`
	ResultMetadata  middleware.Metadata    `json:"-"`
}
