package iam

import (
	"github.com/aws/smithy-go/middleware"

	"github.com/eks-login/eks-login/pkg/awsapi/iam/types"
)

// GetRoleInput mirrors the SDK's iam.GetRoleInput.
type GetRoleInput struct {
	RoleName *string
}

// GetRoleOutput mirrors the SDK's iam.GetRoleOutput.
type GetRoleOutput struct {
	Role           *types.Role
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// CreateRoleInput mirrors the SDK's iam.CreateRoleInput.
type CreateRoleInput struct {
	AssumeRolePolicyDocument *string
	RoleName                 *string
	Description              *string
	MaxSessionDuration       *int32
	Path                     *string
	PermissionsBoundary      *string
	Tags                     []types.Tag
}

// CreateRoleOutput mirrors the SDK's iam.CreateRoleOutput.
type CreateRoleOutput struct {
	Role           *types.Role
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// DeleteRoleInput mirrors the SDK's iam.DeleteRoleInput.
type DeleteRoleInput struct {
	RoleName *string
}

// DeleteRoleOutput mirrors the SDK's iam.DeleteRoleOutput.
type DeleteRoleOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// UpdateAssumeRolePolicyInput mirrors the SDK's iam.UpdateAssumeRolePolicyInput.
type UpdateAssumeRolePolicyInput struct {
	PolicyDocument *string
	RoleName       *string
}

// UpdateAssumeRolePolicyOutput mirrors the SDK's iam.UpdateAssumeRolePolicyOutput.
type UpdateAssumeRolePolicyOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// GetRolePolicyInput mirrors the SDK's iam.GetRolePolicyInput.
type GetRolePolicyInput struct {
	PolicyName *string
	RoleName   *string
}

// GetRolePolicyOutput mirrors the SDK's iam.GetRolePolicyOutput.
type GetRolePolicyOutput struct {
	PolicyDocument *string
	PolicyName     *string
	RoleName       *string
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// PutRolePolicyInput mirrors the SDK's iam.PutRolePolicyInput.
type PutRolePolicyInput struct {
	PolicyDocument *string
	PolicyName     *string
	RoleName       *string
}

// PutRolePolicyOutput mirrors the SDK's iam.PutRolePolicyOutput.
type PutRolePolicyOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// DeleteRolePolicyInput mirrors the SDK's iam.DeleteRolePolicyInput.
type DeleteRolePolicyInput struct {
	PolicyName *string
	RoleName   *string
}

// DeleteRolePolicyOutput mirrors the SDK's iam.DeleteRolePolicyOutput.
type DeleteRolePolicyOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// ListRolePoliciesInput mirrors the SDK's iam.ListRolePoliciesInput.
type ListRolePoliciesInput struct {
	RoleName *string
	Marker   *string
	MaxItems *int32
}

// ListRolePoliciesOutput mirrors the SDK's iam.ListRolePoliciesOutput.
type ListRolePoliciesOutput struct {
	PolicyNames    []string `xml:"PolicyNames>member"`
	IsTruncated    bool
	Marker         *string
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// ListAttachedRolePoliciesInput mirrors the SDK's iam.ListAttachedRolePoliciesInput.
type ListAttachedRolePoliciesInput struct {
	RoleName   *string
	Marker     *string
	MaxItems   *int32
	PathPrefix *string
}

// ListAttachedRolePoliciesOutput mirrors the SDK's iam.ListAttachedRolePoliciesOutput.
type ListAttachedRolePoliciesOutput struct {
	AttachedPolicies []types.AttachedPolicy `xml:"AttachedPolicies>member"`
	IsTruncated      bool
	Marker           *string
	ResultMetadata   middleware.Metadata `json:"-" xml:"-"`
}

// AttachRolePolicyInput mirrors the SDK's iam.AttachRolePolicyInput.
type AttachRolePolicyInput struct {
	PolicyArn *string
	RoleName  *string
}

// AttachRolePolicyOutput mirrors the SDK's iam.AttachRolePolicyOutput.
type AttachRolePolicyOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// DetachRolePolicyInput mirrors the SDK's iam.DetachRolePolicyInput.
type DetachRolePolicyInput struct {
	PolicyArn *string
	RoleName  *string
}

// DetachRolePolicyOutput mirrors the SDK's iam.DetachRolePolicyOutput.
type DetachRolePolicyOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// CreatePolicyInput mirrors the SDK's iam.CreatePolicyInput.
type CreatePolicyInput struct {
	PolicyDocument *string
	PolicyName     *string
	Description    *string
	Path           *string
	Tags           []types.Tag
}

// CreatePolicyOutput mirrors the SDK's iam.CreatePolicyOutput.
type CreatePolicyOutput struct {
	Policy         *types.Policy
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// GetPolicyInput mirrors the SDK's iam.GetPolicyInput.
type GetPolicyInput struct {
	PolicyArn *string
}

// GetPolicyOutput mirrors the SDK's iam.GetPolicyOutput.
type GetPolicyOutput struct {
	Policy         *types.Policy
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// DeletePolicyInput mirrors the SDK's iam.DeletePolicyInput.
type DeletePolicyInput struct {
	PolicyArn *string
}

// DeletePolicyOutput mirrors the SDK's iam.DeletePolicyOutput.
type DeletePolicyOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// GetGroupInput mirrors the SDK's iam.GetGroupInput.
type GetGroupInput struct {
	GroupName *string
	Marker    *string
	MaxItems  *int32
}

// GetGroupOutput mirrors the SDK's iam.GetGroupOutput.
type GetGroupOutput struct {
	Group          *types.Group
	Users          []types.User `xml:"Users>member"`
	IsTruncated    bool
	Marker         *string
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// CreateGroupInput mirrors the SDK's iam.CreateGroupInput.
type CreateGroupInput struct {
	GroupName *string
	Path      *string
}

// CreateGroupOutput mirrors the SDK's iam.CreateGroupOutput.
type CreateGroupOutput struct {
	Group          *types.Group
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// DeleteGroupInput mirrors the SDK's iam.DeleteGroupInput.
type DeleteGroupInput struct {
	GroupName *string
}

// DeleteGroupOutput mirrors the SDK's iam.DeleteGroupOutput.
type DeleteGroupOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// GetGroupPolicyInput mirrors the SDK's iam.GetGroupPolicyInput.
type GetGroupPolicyInput struct {
	GroupName  *string
	PolicyName *string
}

// GetGroupPolicyOutput mirrors the SDK's iam.GetGroupPolicyOutput.
type GetGroupPolicyOutput struct {
	GroupName      *string
	PolicyDocument *string
	PolicyName     *string
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// PutGroupPolicyInput mirrors the SDK's iam.PutGroupPolicyInput.
type PutGroupPolicyInput struct {
	GroupName      *string
	PolicyDocument *string
	PolicyName     *string
}

// PutGroupPolicyOutput mirrors the SDK's iam.PutGroupPolicyOutput.
type PutGroupPolicyOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// DeleteGroupPolicyInput mirrors the SDK's iam.DeleteGroupPolicyInput.
type DeleteGroupPolicyInput struct {
	GroupName  *string
	PolicyName *string
}

// DeleteGroupPolicyOutput mirrors the SDK's iam.DeleteGroupPolicyOutput.
type DeleteGroupPolicyOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// ListGroupPoliciesInput mirrors the SDK's iam.ListGroupPoliciesInput.
type ListGroupPoliciesInput struct {
	GroupName *string
	Marker    *string
	MaxItems  *int32
}

// ListGroupPoliciesOutput mirrors the SDK's iam.ListGroupPoliciesOutput.
type ListGroupPoliciesOutput struct {
	PolicyNames    []string `xml:"PolicyNames>member"`
	IsTruncated    bool
	Marker         *string
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// ListAttachedGroupPoliciesInput mirrors the SDK's iam.ListAttachedGroupPoliciesInput.
type ListAttachedGroupPoliciesInput struct {
	GroupName  *string
	Marker     *string
	MaxItems   *int32
	PathPrefix *string
}

// ListAttachedGroupPoliciesOutput mirrors the SDK's iam.ListAttachedGroupPoliciesOutput.
type ListAttachedGroupPoliciesOutput struct {
	AttachedPolicies []types.AttachedPolicy `xml:"AttachedPolicies>member"`
	IsTruncated      bool
	Marker           *string
	ResultMetadata   middleware.Metadata `json:"-" xml:"-"`
}

// AttachGroupPolicyInput mirrors the SDK's iam.AttachGroupPolicyInput.
type AttachGroupPolicyInput struct {
	GroupName *string
	PolicyArn *string
}

// AttachGroupPolicyOutput mirrors the SDK's iam.AttachGroupPolicyOutput.
type AttachGroupPolicyOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// DetachGroupPolicyInput mirrors the SDK's iam.DetachGroupPolicyInput.
type DetachGroupPolicyInput struct {
	GroupName *string
	PolicyArn *string
}

// DetachGroupPolicyOutput mirrors the SDK's iam.DetachGroupPolicyOutput.
type DetachGroupPolicyOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// GetUserInput mirrors the SDK's iam.GetUserInput.
type GetUserInput struct {
	UserName *string
}

// GetUserOutput mirrors the SDK's iam.GetUserOutput.
type GetUserOutput struct {
	User           *types.User
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// CreateUserInput mirrors the SDK's iam.CreateUserInput.
type CreateUserInput struct {
	UserName            *string
	Path                *string
	PermissionsBoundary *string
	Tags                []types.Tag
}

// CreateUserOutput mirrors the SDK's iam.CreateUserOutput.
type CreateUserOutput struct {
	User           *types.User
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// DeleteUserInput mirrors the SDK's iam.DeleteUserInput.
type DeleteUserInput struct {
	UserName *string
}

// DeleteUserOutput mirrors the SDK's iam.DeleteUserOutput.
type DeleteUserOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// AddUserToGroupInput mirrors the SDK's iam.AddUserToGroupInput.
type AddUserToGroupInput struct {
	GroupName *string
	UserName  *string
}

// AddUserToGroupOutput mirrors the SDK's iam.AddUserToGroupOutput.
type AddUserToGroupOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// RemoveUserFromGroupInput mirrors the SDK's iam.RemoveUserFromGroupInput.
type RemoveUserFromGroupInput struct {
	GroupName *string
	UserName  *string
}

// RemoveUserFromGroupOutput mirrors the SDK's iam.RemoveUserFromGroupOutput.
type RemoveUserFromGroupOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// ListGroupsForUserInput mirrors the SDK's iam.ListGroupsForUserInput.
type ListGroupsForUserInput struct {
	UserName *string
	Marker   *string
	MaxItems *int32
}

// ListGroupsForUserOutput mirrors the SDK's iam.ListGroupsForUserOutput.
type ListGroupsForUserOutput struct {
	Groups         []types.Group `xml:"Groups>member"`
	IsTruncated    bool
	Marker         *string
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// ListUserPoliciesInput mirrors the SDK's iam.ListUserPoliciesInput.
type ListUserPoliciesInput struct {
	UserName *string
	Marker   *string
	MaxItems *int32
}

// ListUserPoliciesOutput mirrors the SDK's iam.ListUserPoliciesOutput.
type ListUserPoliciesOutput struct {
	PolicyNames    []string `xml:"PolicyNames>member"`
	IsTruncated    bool
	Marker         *string
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// ListAttachedUserPoliciesInput mirrors the SDK's iam.ListAttachedUserPoliciesInput.
type ListAttachedUserPoliciesInput struct {
	UserName   *string
	Marker     *string
	MaxItems   *int32
	PathPrefix *string
}

// ListAttachedUserPoliciesOutput mirrors the SDK's iam.ListAttachedUserPoliciesOutput.
type ListAttachedUserPoliciesOutput struct {
	AttachedPolicies []types.AttachedPolicy `xml:"AttachedPolicies>member"`
	IsTruncated      bool
	Marker           *string
	ResultMetadata   middleware.Metadata `json:"-" xml:"-"`
}

// CreateAccessKeyInput mirrors the SDK's iam.CreateAccessKeyInput.
type CreateAccessKeyInput struct {
	UserName *string
}

// CreateAccessKeyOutput mirrors the SDK's iam.CreateAccessKeyOutput.
type CreateAccessKeyOutput struct {
	AccessKey      *types.AccessKey
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// ListAccessKeysInput mirrors the SDK's iam.ListAccessKeysInput.
type ListAccessKeysInput struct {
	Marker   *string
	MaxItems *int32
	UserName *string
}

// ListAccessKeysOutput mirrors the SDK's iam.ListAccessKeysOutput.
type ListAccessKeysOutput struct {
	AccessKeyMetadata []types.AccessKeyMetadata `xml:"AccessKeyMetadata>member"`
	IsTruncated       bool
	Marker            *string
	ResultMetadata    middleware.Metadata `json:"-" xml:"-"`
}

// DeleteAccessKeyInput mirrors the SDK's iam.DeleteAccessKeyInput.
type DeleteAccessKeyInput struct {
	AccessKeyId *string
	UserName    *string
}

// DeleteAccessKeyOutput mirrors the SDK's iam.DeleteAccessKeyOutput.
type DeleteAccessKeyOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// ListRolesInput mirrors the SDK's iam.ListRolesInput.
type ListRolesInput struct {
	Marker     *string
	MaxItems   *int32
	PathPrefix *string
}

// ListRolesOutput mirrors the SDK's iam.ListRolesOutput.
type ListRolesOutput struct {
	Roles          []types.Role `xml:"Roles>member"`
	IsTruncated    bool
	Marker         *string
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// ListUsersInput mirrors the SDK's iam.ListUsersInput.
type ListUsersInput struct {
	Marker     *string
	MaxItems   *int32
	PathPrefix *string
}

// ListUsersOutput mirrors the SDK's iam.ListUsersOutput.
type ListUsersOutput struct {
	Users          []types.User `xml:"Users>member"`
	IsTruncated    bool
	Marker         *string
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// ListGroupsInput mirrors the SDK's iam.ListGroupsInput.
type ListGroupsInput struct {
	Marker     *string
	MaxItems   *int32
	PathPrefix *string
}

// ListGroupsOutput mirrors the SDK's iam.ListGroupsOutput.
type ListGroupsOutput struct {
	Groups         []types.Group `xml:"Groups>member"`
	IsTruncated    bool
	Marker         *string
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// CreateVirtualMFADeviceInput mirrors the SDK's iam.CreateVirtualMFADeviceInput.
type CreateVirtualMFADeviceInput struct {
	VirtualMFADeviceName *string
	Path                 *string
	Tags                 []types.Tag
}

// CreateVirtualMFADeviceOutput mirrors the SDK's iam.CreateVirtualMFADeviceOutput.
type CreateVirtualMFADeviceOutput struct {
	VirtualMFADevice *types.VirtualMFADevice
	ResultMetadata   middleware.Metadata `json:"-" xml:"-"`
}

// PutUserPolicyInput mirrors the SDK's iam.PutUserPolicyInput.
type PutUserPolicyInput struct {
	PolicyDocument *string
	PolicyName     *string
	UserName       *string
}

// PutUserPolicyOutput mirrors the SDK's iam.PutUserPolicyOutput.
type PutUserPolicyOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// GetUserPolicyInput mirrors the SDK's iam.GetUserPolicyInput.
type GetUserPolicyInput struct {
	PolicyName *string
	UserName   *string
}

// GetUserPolicyOutput mirrors the SDK's iam.GetUserPolicyOutput.
type GetUserPolicyOutput struct {
	PolicyDocument *string
	PolicyName     *string
	UserName       *string
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// DeleteUserPolicyInput mirrors the SDK's iam.DeleteUserPolicyInput.
type DeleteUserPolicyInput struct {
	PolicyName *string
	UserName   *string
}

// DeleteUserPolicyOutput mirrors the SDK's iam.DeleteUserPolicyOutput.
type DeleteUserPolicyOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}
