package sts

import "context"

// GetCallerIdentity calls the STS action of that name: who the credentials
// belong to. It needs no permission.
func (c *Client) GetCallerIdentity(ctx context.Context, params *GetCallerIdentityInput, optFns ...func(*Options)) (*GetCallerIdentityOutput, error) {
	if params == nil {
		params = &GetCallerIdentityInput{}
	}
	out := &GetCallerIdentityOutput{}
	if err := c.invoke(ctx, "GetCallerIdentity", params, out, false, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// AssumeRole calls the STS action of that name: temporary credentials for
// a role, signed by the client's credentials.
func (c *Client) AssumeRole(ctx context.Context, params *AssumeRoleInput, optFns ...func(*Options)) (*AssumeRoleOutput, error) {
	if params == nil {
		params = &AssumeRoleInput{}
	}
	out := &AssumeRoleOutput{}
	if err := c.invoke(ctx, "AssumeRole", params, out, false, optFns); err != nil {
		return nil, err
	}
	return out, nil
}

// AssumeRoleWithWebIdentity calls the STS action of that name: temporary
// credentials for a role in exchange for an OIDC token. It is sent unsigned,
// as the SDK sends it, so it works with no AWS credentials at all.
func (c *Client) AssumeRoleWithWebIdentity(ctx context.Context, params *AssumeRoleWithWebIdentityInput, optFns ...func(*Options)) (*AssumeRoleWithWebIdentityOutput, error) {
	if params == nil {
		params = &AssumeRoleWithWebIdentityInput{}
	}
	out := &AssumeRoleWithWebIdentityOutput{}
	if err := c.invoke(ctx, "AssumeRoleWithWebIdentity", params, out, true, optFns); err != nil {
		return nil, err
	}
	return out, nil
}
