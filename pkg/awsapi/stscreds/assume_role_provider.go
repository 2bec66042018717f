// Package stscreds is the SDK's credentials/stscreds on the lean STS client
// in pkg/awsapi/sts: credentials providers that assume a role, with a
// session from other credentials or from a web identity token. It has the
// SDK's API and behaviour, so code moves between the two by changing import
// paths, without linking the SDK's sts package into the plugin.
package stscreds

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/eks-login/eks-login/pkg/awsapi/sts"
	"github.com/eks-login/eks-login/pkg/awsapi/sts/types"
)

// ProviderName is the Source of the credentials AssumeRoleProvider returns.
const ProviderName = "AssumeRoleProvider"

// DefaultDuration is how long assumed-role credentials last when
// AssumeRoleOptions.Duration is zero, as with the SDK.
var DefaultDuration = 15 * time.Minute

// AssumeRoleAPIClient is the part of the STS client AssumeRoleProvider
// calls; *sts.Client is one.
type AssumeRoleAPIClient interface {
	AssumeRole(ctx context.Context, params *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

// AssumeRoleOptions mirror the SDK's stscreds.AssumeRoleOptions.
type AssumeRoleOptions struct {
	// Client calls AssumeRole.
	Client AssumeRoleAPIClient

	// RoleARN is the role to assume.
	RoleARN string

	// RoleSessionName names the session; the default is
	// "aws-go-sdk-<nanoseconds since the epoch>", as with the SDK.
	RoleSessionName string

	// Duration is how long the credentials last; DefaultDuration when zero.
	Duration time.Duration

	// ExternalID is the value the role's trust policy may require.
	ExternalID *string

	// Policy and PolicyARNs are session policies that narrow the role.
	Policy     *string
	PolicyARNs []types.PolicyDescriptorType

	// SerialNumber is the MFA device the role requires; TokenProvider must
	// then supply its current code.
	SerialNumber  *string
	TokenProvider func() (string, error)

	// SourceIdentity is recorded with the session and kept along chains.
	SourceIdentity *string

	// Tags and TransitiveTagKeys are session tags.
	Tags              []types.Tag
	TransitiveTagKeys []string
}

// AssumeRoleProvider is an aws.CredentialsProvider that assumes a role.
// Wrap it in aws.NewCredentialsCache, as the SDK's config does, so that the
// role is assumed once per session rather than once per request.
type AssumeRoleProvider struct {
	options AssumeRoleOptions
}

// NewAssumeRoleProvider returns a provider that assumes roleARN through
// client.
//
// The defaults are settled here, after optFns, where the SDK settles them
// on the first Retrieve: the result is the same, and Retrieve does not
// write to the provider, so it is safe to call concurrently.
func NewAssumeRoleProvider(client AssumeRoleAPIClient, roleARN string, optFns ...func(*AssumeRoleOptions)) *AssumeRoleProvider {
	o := AssumeRoleOptions{Client: client, RoleARN: roleARN}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.RoleSessionName == "" {
		o.RoleSessionName = fmt.Sprintf("aws-go-sdk-%d", time.Now().UTC().UnixNano())
	}
	if o.Duration == 0 {
		o.Duration = DefaultDuration
	}
	return &AssumeRoleProvider{options: o}
}

// Retrieve assumes the role and returns its credentials, which expire.
// Errors from STS are returned as they are, as the SDK returns them, so that
// callers can tell them apart with errors.As.
func (p *AssumeRoleProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	o := p.options
	in := &sts.AssumeRoleInput{
		DurationSeconds:   aws.Int32(int32(o.Duration / time.Second)),
		PolicyArns:        o.PolicyARNs,
		RoleArn:           aws.String(o.RoleARN),
		RoleSessionName:   aws.String(o.RoleSessionName),
		ExternalId:        o.ExternalID,
		Policy:            o.Policy,
		SourceIdentity:    o.SourceIdentity,
		Tags:              o.Tags,
		TransitiveTagKeys: o.TransitiveTagKeys,
	}
	if o.SerialNumber != nil {
		if o.TokenProvider == nil {
			return aws.Credentials{}, fmt.Errorf("assuming the role %s needs an MFA code from the device %s, but no TokenProvider is set to ask for one", o.RoleARN, *o.SerialNumber)
		}
		code, err := o.TokenProvider()
		if err != nil {
			return aws.Credentials{}, fmt.Errorf("could not get an MFA code to assume the role %s: %w", o.RoleARN, err)
		}
		in.SerialNumber, in.TokenCode = o.SerialNumber, aws.String(code)
	}
	out, err := o.Client.AssumeRole(ctx, in)
	if err != nil {
		return aws.Credentials{Source: ProviderName}, err
	}
	return credentials(out.Credentials, out.AssumedRoleUser, ProviderName, o.RoleARN)
}

// credentials turns an STS answer into aws.Credentials, with the account
// taken from the assumed role's ARN as the SDK takes it.
func credentials(c *types.Credentials, user *types.AssumedRoleUser, source, role string) (aws.Credentials, error) {
	if c == nil {
		return aws.Credentials{Source: source}, fmt.Errorf("STS answered without credentials for the role %s", role)
	}
	var account string
	if user != nil {
		// arn:aws:sts::123456789012:assumed-role/name/session
		if parts := strings.Split(aws.ToString(user.Arn), ":"); len(parts) >= 5 {
			account = parts[4]
		}
	}
	return aws.Credentials{
		AccessKeyID:     aws.ToString(c.AccessKeyId),
		SecretAccessKey: aws.ToString(c.SecretAccessKey),
		SessionToken:    aws.ToString(c.SessionToken),
		Source:          source,
		CanExpire:       true,
		Expires:         aws.ToTime(c.Expiration),
		AccountID:       account,
	}, nil
}
