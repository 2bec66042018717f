// Package ssocreds provides AWS credentials from IAM Identity Center (SSO)
// with the API of aws-sdk-go-v2/credentials/ssocreds, on the lean clients in
// pkg/awsapi/sso and pkg/awsapi/ssooidc, so that the plugin binary does not
// link the SDK's service packages. It reads the token cache `aws sso login`
// writes (~/.aws/sso/cache), in the SDK's format, refreshes the token when
// it can, and exchanges it for role credentials.
package ssocreds

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/eks-login/eks-login/pkg/awsapi/sso"
	"github.com/eks-login/eks-login/pkg/awsapi/sso/types"
)

// ProviderName is the Source of the credentials, as with the SDK.
const ProviderName = "SSOProvider"

// GetRoleCredentialsAPIClient is the SSO portal client the Provider gets
// role credentials with: *sso.Client.
type GetRoleCredentialsAPIClient interface {
	GetRoleCredentials(context.Context, *sso.GetRoleCredentialsInput, ...func(*sso.Options)) (*sso.GetRoleCredentialsOutput, error)
}

// Options configure a Provider.
type Options struct {
	// Client gets the role credentials; it must be configured for the
	// region of the SSO portal (sso_region).
	Client GetRoleCredentialsAPIClient

	// AccountID and RoleName are the role (sso_account_id, sso_role_name).
	AccountID string
	RoleName  string

	// StartURL is the SSO portal's start URL (sso_start_url). Without a
	// token provider or CachedTokenFilepath it names the cache file.
	StartURL string

	// CachedTokenFilepath is the token cache file read when there is no
	// SSOTokenProvider; empty means StandardCachedTokenFilepath(StartURL).
	CachedTokenFilepath string

	// SSOTokenProvider, for a profile with an sso_session, supplies (and
	// refreshes) the token instead of the cache file being read directly.
	SSOTokenProvider *SSOTokenProvider

	// Profile and SSOSession name the configuration in errors, which tell
	// the user to run `aws sso login --profile Profile`, or
	// `aws sso login --sso-session SSOSession` when Profile is empty.
	Profile, SSOSession string

	// CredentialSources are reported by ProviderSources, as with the SDK.
	CredentialSources []aws.CredentialSource
}

// Provider gets role credentials from the SSO portal with a cached SSO
// token. Wrap it in an aws.CredentialsCache (the lean clients do) so that
// the portal is called once per set of credentials. It is safe for
// concurrent use.
type Provider struct {
	options Options
}

// New returns a provider of the credentials of roleName in accountID, with
// a token for the SSO portal at startURL.
func New(client GetRoleCredentialsAPIClient, accountID, roleName, startURL string, optFns ...func(*Options)) *Provider {
	o := Options{Client: client, AccountID: accountID, RoleName: roleName, StartURL: startURL}
	for _, fn := range optFns {
		fn(&o)
	}
	return &Provider{options: o}
}

// Retrieve gets the SSO token (from the SSOTokenProvider, or else straight
// from the cache file, which must not have expired) and exchanges it for
// the role's credentials. A missing, expired or rejected token is an
// *InvalidTokenError saying how to sign in again.
func (p *Provider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	var accessToken, tokenFile string
	if tp := p.options.SSOTokenProvider; tp != nil {
		tokenFile = tp.options.CachedTokenFilepath
		tok, err := tp.RetrieveBearerToken(ctx)
		if err != nil {
			return aws.Credentials{}, p.named(err)
		}
		accessToken = tok.Value
	} else {
		tokenFile = p.options.CachedTokenFilepath
		if tokenFile == "" {
			path, err := StandardCachedTokenFilepath(p.options.StartURL)
			if err != nil {
				return aws.Credentials{}, p.invalid("", err)
			}
			tokenFile = path
		}
		t, err := readCachedToken(tokenFile)
		if err != nil {
			return aws.Credentials{}, p.invalid(tokenFile, causeOf(err))
		}
		if !time.Now().Before(t.ExpiresAt) {
			return aws.Credentials{}, p.invalid(tokenFile, nil)
		}
		accessToken = t.AccessToken
	}
	if p.options.Client == nil {
		return aws.Credentials{}, errors.New("no SSO portal client is configured")
	}
	out, err := p.options.Client.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{
		AccessToken: aws.String(accessToken),
		AccountId:   aws.String(p.options.AccountID),
		RoleName:    aws.String(p.options.RoleName),
	})
	if err != nil {
		// The portal no longer knows the token: signed out, or revoked.
		if errors.As(err, new(*types.UnauthorizedException)) {
			return aws.Credentials{}, p.invalid(tokenFile, err)
		}
		return aws.Credentials{}, err
	}
	rc := out.RoleCredentials
	if rc == nil {
		rc = &types.RoleCredentials{}
	}
	return aws.Credentials{
		AccessKeyID:     aws.ToString(rc.AccessKeyId),
		SecretAccessKey: aws.ToString(rc.SecretAccessKey),
		SessionToken:    aws.ToString(rc.SessionToken),
		CanExpire:       true,
		Expires:         time.UnixMilli(rc.Expiration).UTC(),
		Source:          ProviderName,
		AccountID:       p.options.AccountID,
	}, nil
}

// ProviderSources returns the credential chain that built this provider,
// for reporting, as with the SDK.
func (p *Provider) ProviderSources() []aws.CredentialSource {
	if p.options.CredentialSources == nil {
		return []aws.CredentialSource{aws.CredentialSourceSSO}
	}
	return p.options.CredentialSources
}

func (p *Provider) invalid(file string, err error) *InvalidTokenError {
	return &InvalidTokenError{Err: err, CachedTokenFilepath: file, Profile: p.options.Profile, SSOSession: p.options.SSOSession}
}

// named fills the provider's profile into a token provider's error that
// names none, so that the message gives the command for this profile.
func (p *Provider) named(err error) error {
	var invalid *InvalidTokenError
	if !errors.As(err, &invalid) || invalid.Profile != "" || p.options.Profile == "" {
		return err
	}
	named := *invalid
	named.Profile = p.options.Profile
	if named.SSOSession == "" {
		named.SSOSession = p.options.SSOSession
	}
	return &named
}
