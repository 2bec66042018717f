package iam

import "context"

// GetRole calls the IAM action of that name.
func (c *Client) GetRole(ctx context.Context, params *GetRoleInput, optFns ...func(*Options)) (*GetRoleOutput, error) {
	if params == nil {
		params = &GetRoleInput{}
	}
	out := &GetRoleOutput{}
	if err := c.invoke(ctx, "GetRole", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateRole calls the IAM action of that name.
func (c *Client) CreateRole(ctx context.Context, params *CreateRoleInput, optFns ...func(*Options)) (*CreateRoleOutput, error) {
	if params == nil {
		params = &CreateRoleInput{}
	}
	out := &CreateRoleOutput{}
	if err := c.invoke(ctx, "CreateRole", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteRole calls the IAM action of that name.
func (c *Client) DeleteRole(ctx context.Context, params *DeleteRoleInput, optFns ...func(*Options)) (*DeleteRoleOutput, error) {
	if params == nil {
		params = &DeleteRoleInput{}
	}
	out := &DeleteRoleOutput{}
	if err := c.invoke(ctx, "DeleteRole", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateAssumeRolePolicy calls the IAM action of that name.
func (c *Client) UpdateAssumeRolePolicy(ctx context.Context, params *UpdateAssumeRolePolicyInput, optFns ...func(*Options)) (*UpdateAssumeRolePolicyOutput, error) {
	if params == nil {
		params = &UpdateAssumeRolePolicyInput{}
	}
	out := &UpdateAssumeRolePolicyOutput{}
	if err := c.invoke(ctx, "UpdateAssumeRolePolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// GetRolePolicy calls the IAM action of that name.
func (c *Client) GetRolePolicy(ctx context.Context, params *GetRolePolicyInput, optFns ...func(*Options)) (*GetRolePolicyOutput, error) {
	if params == nil {
		params = &GetRolePolicyInput{}
	}
	out := &GetRolePolicyOutput{}
	if err := c.invoke(ctx, "GetRolePolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// PutRolePolicy calls the IAM action of that name.
func (c *Client) PutRolePolicy(ctx context.Context, params *PutRolePolicyInput, optFns ...func(*Options)) (*PutRolePolicyOutput, error) {
	if params == nil {
		params = &PutRolePolicyInput{}
	}
	out := &PutRolePolicyOutput{}
	if err := c.invoke(ctx, "PutRolePolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteRolePolicy calls the IAM action of that name.
func (c *Client) DeleteRolePolicy(ctx context.Context, params *DeleteRolePolicyInput, optFns ...func(*Options)) (*DeleteRolePolicyOutput, error) {
	if params == nil {
		params = &DeleteRolePolicyInput{}
	}
	out := &DeleteRolePolicyOutput{}
	if err := c.invoke(ctx, "DeleteRolePolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// ListRolePolicies calls the IAM action of that name.
func (c *Client) ListRolePolicies(ctx context.Context, params *ListRolePoliciesInput, optFns ...func(*Options)) (*ListRolePoliciesOutput, error) {
	if params == nil {
		params = &ListRolePoliciesInput{}
	}
	out := &ListRolePoliciesOutput{}
	if err := c.invoke(ctx, "ListRolePolicies", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// ListAttachedRolePolicies calls the IAM action of that name.
func (c *Client) ListAttachedRolePolicies(ctx context.Context, params *ListAttachedRolePoliciesInput, optFns ...func(*Options)) (*ListAttachedRolePoliciesOutput, error) {
	if params == nil {
		params = &ListAttachedRolePoliciesInput{}
	}
	out := &ListAttachedRolePoliciesOutput{}
	if err := c.invoke(ctx, "ListAttachedRolePolicies", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// AttachRolePolicy calls the IAM action of that name.
func (c *Client) AttachRolePolicy(ctx context.Context, params *AttachRolePolicyInput, optFns ...func(*Options)) (*AttachRolePolicyOutput, error) {
	if params == nil {
		params = &AttachRolePolicyInput{}
	}
	out := &AttachRolePolicyOutput{}
	if err := c.invoke(ctx, "AttachRolePolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// DetachRolePolicy calls the IAM action of that name.
func (c *Client) DetachRolePolicy(ctx context.Context, params *DetachRolePolicyInput, optFns ...func(*Options)) (*DetachRolePolicyOutput, error) {
	if params == nil {
		params = &DetachRolePolicyInput{}
	}
	out := &DetachRolePolicyOutput{}
	if err := c.invoke(ctx, "DetachRolePolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// CreatePolicy calls the IAM action of that name.
func (c *Client) CreatePolicy(ctx context.Context, params *CreatePolicyInput, optFns ...func(*Options)) (*CreatePolicyOutput, error) {
	if params == nil {
		params = &CreatePolicyInput{}
	}
	out := &CreatePolicyOutput{}
	if err := c.invoke(ctx, "CreatePolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// GetPolicy calls the IAM action of that name.
func (c *Client) GetPolicy(ctx context.Context, params *GetPolicyInput, optFns ...func(*Options)) (*GetPolicyOutput, error) {
	if params == nil {
		params = &GetPolicyInput{}
	}
	out := &GetPolicyOutput{}
	if err := c.invoke(ctx, "GetPolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// DeletePolicy calls the IAM action of that name.
func (c *Client) DeletePolicy(ctx context.Context, params *DeletePolicyInput, optFns ...func(*Options)) (*DeletePolicyOutput, error) {
	if params == nil {
		params = &DeletePolicyInput{}
	}
	out := &DeletePolicyOutput{}
	if err := c.invoke(ctx, "DeletePolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// GetGroup calls the IAM action of that name.
func (c *Client) GetGroup(ctx context.Context, params *GetGroupInput, optFns ...func(*Options)) (*GetGroupOutput, error) {
	if params == nil {
		params = &GetGroupInput{}
	}
	out := &GetGroupOutput{}
	if err := c.invoke(ctx, "GetGroup", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateGroup calls the IAM action of that name.
func (c *Client) CreateGroup(ctx context.Context, params *CreateGroupInput, optFns ...func(*Options)) (*CreateGroupOutput, error) {
	if params == nil {
		params = &CreateGroupInput{}
	}
	out := &CreateGroupOutput{}
	if err := c.invoke(ctx, "CreateGroup", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteGroup calls the IAM action of that name.
func (c *Client) DeleteGroup(ctx context.Context, params *DeleteGroupInput, optFns ...func(*Options)) (*DeleteGroupOutput, error) {
	if params == nil {
		params = &DeleteGroupInput{}
	}
	out := &DeleteGroupOutput{}
	if err := c.invoke(ctx, "DeleteGroup", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// GetGroupPolicy calls the IAM action of that name.
func (c *Client) GetGroupPolicy(ctx context.Context, params *GetGroupPolicyInput, optFns ...func(*Options)) (*GetGroupPolicyOutput, error) {
	if params == nil {
		params = &GetGroupPolicyInput{}
	}
	out := &GetGroupPolicyOutput{}
	if err := c.invoke(ctx, "GetGroupPolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// PutGroupPolicy calls the IAM action of that name.
func (c *Client) PutGroupPolicy(ctx context.Context, params *PutGroupPolicyInput, optFns ...func(*Options)) (*PutGroupPolicyOutput, error) {
	if params == nil {
		params = &PutGroupPolicyInput{}
	}
	out := &PutGroupPolicyOutput{}
	if err := c.invoke(ctx, "PutGroupPolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteGroupPolicy calls the IAM action of that name.
func (c *Client) DeleteGroupPolicy(ctx context.Context, params *DeleteGroupPolicyInput, optFns ...func(*Options)) (*DeleteGroupPolicyOutput, error) {
	if params == nil {
		params = &DeleteGroupPolicyInput{}
	}
	out := &DeleteGroupPolicyOutput{}
	if err := c.invoke(ctx, "DeleteGroupPolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// ListGroupPolicies calls the IAM action of that name.
func (c *Client) ListGroupPolicies(ctx context.Context, params *ListGroupPoliciesInput, optFns ...func(*Options)) (*ListGroupPoliciesOutput, error) {
	if params == nil {
		params = &ListGroupPoliciesInput{}
	}
	out := &ListGroupPoliciesOutput{}
	if err := c.invoke(ctx, "ListGroupPolicies", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// ListAttachedGroupPolicies calls the IAM action of that name.
func (c *Client) ListAttachedGroupPolicies(ctx context.Context, params *ListAttachedGroupPoliciesInput, optFns ...func(*Options)) (*ListAttachedGroupPoliciesOutput, error) {
	if params == nil {
		params = &ListAttachedGroupPoliciesInput{}
	}
	out := &ListAttachedGroupPoliciesOutput{}
	if err := c.invoke(ctx, "ListAttachedGroupPolicies", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// AttachGroupPolicy calls the IAM action of that name.
func (c *Client) AttachGroupPolicy(ctx context.Context, params *AttachGroupPolicyInput, optFns ...func(*Options)) (*AttachGroupPolicyOutput, error) {
	if params == nil {
		params = &AttachGroupPolicyInput{}
	}
	out := &AttachGroupPolicyOutput{}
	if err := c.invoke(ctx, "AttachGroupPolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// DetachGroupPolicy calls the IAM action of that name.
func (c *Client) DetachGroupPolicy(ctx context.Context, params *DetachGroupPolicyInput, optFns ...func(*Options)) (*DetachGroupPolicyOutput, error) {
	if params == nil {
		params = &DetachGroupPolicyInput{}
	}
	out := &DetachGroupPolicyOutput{}
	if err := c.invoke(ctx, "DetachGroupPolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// GetUser calls the IAM action of that name.
func (c *Client) GetUser(ctx context.Context, params *GetUserInput, optFns ...func(*Options)) (*GetUserOutput, error) {
	if params == nil {
		params = &GetUserInput{}
	}
	out := &GetUserOutput{}
	if err := c.invoke(ctx, "GetUser", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateUser calls the IAM action of that name.
func (c *Client) CreateUser(ctx context.Context, params *CreateUserInput, optFns ...func(*Options)) (*CreateUserOutput, error) {
	if params == nil {
		params = &CreateUserInput{}
	}
	out := &CreateUserOutput{}
	if err := c.invoke(ctx, "CreateUser", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteUser calls the IAM action of that name.
func (c *Client) DeleteUser(ctx context.Context, params *DeleteUserInput, optFns ...func(*Options)) (*DeleteUserOutput, error) {
	if params == nil {
		params = &DeleteUserInput{}
	}
	out := &DeleteUserOutput{}
	if err := c.invoke(ctx, "DeleteUser", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// AddUserToGroup calls the IAM action of that name.
func (c *Client) AddUserToGroup(ctx context.Context, params *AddUserToGroupInput, optFns ...func(*Options)) (*AddUserToGroupOutput, error) {
	if params == nil {
		params = &AddUserToGroupInput{}
	}
	out := &AddUserToGroupOutput{}
	if err := c.invoke(ctx, "AddUserToGroup", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// RemoveUserFromGroup calls the IAM action of that name.
func (c *Client) RemoveUserFromGroup(ctx context.Context, params *RemoveUserFromGroupInput, optFns ...func(*Options)) (*RemoveUserFromGroupOutput, error) {
	if params == nil {
		params = &RemoveUserFromGroupInput{}
	}
	out := &RemoveUserFromGroupOutput{}
	if err := c.invoke(ctx, "RemoveUserFromGroup", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// ListGroupsForUser calls the IAM action of that name.
func (c *Client) ListGroupsForUser(ctx context.Context, params *ListGroupsForUserInput, optFns ...func(*Options)) (*ListGroupsForUserOutput, error) {
	if params == nil {
		params = &ListGroupsForUserInput{}
	}
	out := &ListGroupsForUserOutput{}
	if err := c.invoke(ctx, "ListGroupsForUser", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// ListUserPolicies calls the IAM action of that name.
func (c *Client) ListUserPolicies(ctx context.Context, params *ListUserPoliciesInput, optFns ...func(*Options)) (*ListUserPoliciesOutput, error) {
	if params == nil {
		params = &ListUserPoliciesInput{}
	}
	out := &ListUserPoliciesOutput{}
	if err := c.invoke(ctx, "ListUserPolicies", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// ListAttachedUserPolicies calls the IAM action of that name.
func (c *Client) ListAttachedUserPolicies(ctx context.Context, params *ListAttachedUserPoliciesInput, optFns ...func(*Options)) (*ListAttachedUserPoliciesOutput, error) {
	if params == nil {
		params = &ListAttachedUserPoliciesInput{}
	}
	out := &ListAttachedUserPoliciesOutput{}
	if err := c.invoke(ctx, "ListAttachedUserPolicies", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateAccessKey calls the IAM action of that name.
func (c *Client) CreateAccessKey(ctx context.Context, params *CreateAccessKeyInput, optFns ...func(*Options)) (*CreateAccessKeyOutput, error) {
	if params == nil {
		params = &CreateAccessKeyInput{}
	}
	out := &CreateAccessKeyOutput{}
	if err := c.invoke(ctx, "CreateAccessKey", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// ListAccessKeys calls the IAM action of that name.
func (c *Client) ListAccessKeys(ctx context.Context, params *ListAccessKeysInput, optFns ...func(*Options)) (*ListAccessKeysOutput, error) {
	if params == nil {
		params = &ListAccessKeysInput{}
	}
	out := &ListAccessKeysOutput{}
	if err := c.invoke(ctx, "ListAccessKeys", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteAccessKey calls the IAM action of that name.
func (c *Client) DeleteAccessKey(ctx context.Context, params *DeleteAccessKeyInput, optFns ...func(*Options)) (*DeleteAccessKeyOutput, error) {
	if params == nil {
		params = &DeleteAccessKeyInput{}
	}
	out := &DeleteAccessKeyOutput{}
	if err := c.invoke(ctx, "DeleteAccessKey", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// ListRoles calls the IAM action of that name.
func (c *Client) ListRoles(ctx context.Context, params *ListRolesInput, optFns ...func(*Options)) (*ListRolesOutput, error) {
	if params == nil {
		params = &ListRolesInput{}
	}
	out := &ListRolesOutput{}
	if err := c.invoke(ctx, "ListRoles", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// ListUsers calls the IAM action of that name.
func (c *Client) ListUsers(ctx context.Context, params *ListUsersInput, optFns ...func(*Options)) (*ListUsersOutput, error) {
	if params == nil {
		params = &ListUsersInput{}
	}
	out := &ListUsersOutput{}
	if err := c.invoke(ctx, "ListUsers", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// ListGroups calls the IAM action of that name.
func (c *Client) ListGroups(ctx context.Context, params *ListGroupsInput, optFns ...func(*Options)) (*ListGroupsOutput, error) {
	if params == nil {
		params = &ListGroupsInput{}
	}
	out := &ListGroupsOutput{}
	if err := c.invoke(ctx, "ListGroups", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateVirtualMFADevice calls the IAM action of that name.
func (c *Client) CreateVirtualMFADevice(ctx context.Context, params *CreateVirtualMFADeviceInput, optFns ...func(*Options)) (*CreateVirtualMFADeviceOutput, error) {
	if params == nil {
		params = &CreateVirtualMFADeviceInput{}
	}
	out := &CreateVirtualMFADeviceOutput{}
	if err := c.invoke(ctx, "CreateVirtualMFADevice", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// PutUserPolicy calls the IAM action of that name.
func (c *Client) PutUserPolicy(ctx context.Context, params *PutUserPolicyInput, optFns ...func(*Options)) (*PutUserPolicyOutput, error) {
	if params == nil {
		params = &PutUserPolicyInput{}
	}
	out := &PutUserPolicyOutput{}
	if err := c.invoke(ctx, "PutUserPolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// GetUserPolicy calls the IAM action of that name.
func (c *Client) GetUserPolicy(ctx context.Context, params *GetUserPolicyInput, optFns ...func(*Options)) (*GetUserPolicyOutput, error) {
	if params == nil {
		params = &GetUserPolicyInput{}
	}
	out := &GetUserPolicyOutput{}
	if err := c.invoke(ctx, "GetUserPolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteUserPolicy calls the IAM action of that name.
func (c *Client) DeleteUserPolicy(ctx context.Context, params *DeleteUserPolicyInput, optFns ...func(*Options)) (*DeleteUserPolicyOutput, error) {
	if params == nil {
		params = &DeleteUserPolicyInput{}
	}
	out := &DeleteUserPolicyOutput{}
	if err := c.invoke(ctx, "DeleteUserPolicy", params, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}
