package stscreds

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/eks-login/eks-login/pkg/awsapi/internal/awsclient"
	"github.com/eks-login/eks-login/pkg/awsapi/sts"
	"github.com/eks-login/eks-login/pkg/awsapi/sts/types"
)

// WebIdentityProviderName is the Source of the credentials
// WebIdentityRoleProvider returns.
const WebIdentityProviderName = "WebIdentityCredentials"

// AssumeRoleWithWebIdentityAPIClient is the part of the STS client
// WebIdentityRoleProvider calls; *sts.Client is one.
type AssumeRoleWithWebIdentityAPIClient interface {
	AssumeRoleWithWebIdentity(ctx context.Context, params *sts.AssumeRoleWithWebIdentityInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error)
}

// IdentityTokenRetriever supplies the OIDC token to trade for credentials.
type IdentityTokenRetriever interface {
	GetIdentityToken() ([]byte, error)
}

// IdentityTokenFile is an IdentityTokenRetriever that reads the token from
// a file on every call, because the files it stands for (EKS pod identity,
// IRSA, CI runners) are rotated in place.
type IdentityTokenFile string

// GetIdentityToken reads the file.
func (f IdentityTokenFile) GetIdentityToken() ([]byte, error) {
	b, err := os.ReadFile(string(f))
	if err != nil {
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err // it would name the file a second time
		}
		return nil, fmt.Errorf("could not read the web identity token file %s: %w", string(f), err)
	}
	return b, nil
}

// WebIdentityRoleOptions mirror the SDK's stscreds.WebIdentityRoleOptions.
type WebIdentityRoleOptions struct {
	// Client calls AssumeRoleWithWebIdentity.
	Client AssumeRoleWithWebIdentityAPIClient

	// TokenRetriever supplies the token on every Retrieve.
	TokenRetriever IdentityTokenRetriever

	// RoleARN is the role to assume.
	RoleARN string

	// RoleSessionName names the session; the default is the time of the
	// call in nanoseconds since the epoch, as with the SDK.
	RoleSessionName string

	// Duration is how long the credentials last; STS's default (an hour)
	// when zero.
	Duration time.Duration

	// Policy and PolicyARNs are session policies that narrow the role.
	Policy     *string
	PolicyARNs []types.PolicyDescriptorType
}

// WebIdentityRoleProvider is an aws.CredentialsProvider that trades a web
// identity token for a role's credentials.
type WebIdentityRoleProvider struct {
	options WebIdentityRoleOptions
}

// NewWebIdentityRoleProvider returns a provider that assumes roleARN through
// client with the tokens tokenRetriever supplies.
func NewWebIdentityRoleProvider(client AssumeRoleWithWebIdentityAPIClient, roleARN string, tokenRetriever IdentityTokenRetriever, optFns ...func(*WebIdentityRoleOptions)) *WebIdentityRoleProvider {
	o := WebIdentityRoleOptions{Client: client, RoleARN: roleARN, TokenRetriever: tokenRetriever}
	for _, fn := range optFns {
		fn(&o)
	}
	return &WebIdentityRoleProvider{options: o}
}

// Retrieve reads the token and assumes the role with it.
//
// As the SDK's provider does, it also retries InvalidIdentityToken, which
// STS answers when the identity provider's keys have rotated under it; the
// client itself retries IDPCommunicationError.
func (p *WebIdentityRoleProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	o := p.options
	token, err := o.TokenRetriever.GetIdentityToken()
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("could not get the web identity token for the role %s: %w", o.RoleARN, err)
	}
	session := o.RoleSessionName
	if session == "" {
		session = strconv.FormatInt(time.Now().UnixNano(), 10)
	}
	in := &sts.AssumeRoleWithWebIdentityInput{
		PolicyArns:       o.PolicyARNs,
		Policy:           o.Policy,
		RoleArn:          aws.String(o.RoleARN),
		RoleSessionName:  aws.String(session),
		WebIdentityToken: aws.String(string(token)),
	}
	if o.Duration != 0 {
		in.DurationSeconds = aws.Int32(int32(o.Duration / time.Second))
	}
	out, err := o.Client.AssumeRoleWithWebIdentity(ctx, in, func(so *sts.Options) {
		so.Retryer = awsclient.RetryCodes(so.Retryer, "InvalidIdentityToken")
	})
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("could not assume the role %s with a web identity token: %w", o.RoleARN, err)
	}
	creds, err := credentials(out.Credentials, out.AssumedRoleUser, WebIdentityProviderName, o.RoleARN)
	if err != nil {
		return aws.Credentials{}, err
	}
	return creds, nil
}
