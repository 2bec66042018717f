package ssocreds

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/auth/bearer"

	"github.com/eks-login/eks-login/pkg/awsapi/ssooidc"
)

// RefreshBefore is how long before its expiry a cached SSO token is
// refreshed: the SDK's config.LoadDefaultConfig wraps its token provider in
// a bearer.TokenCache with RefreshBeforeExpires of five minutes.
const RefreshBefore = 5 * time.Minute

// CreateTokenAPIClient is the SSO OIDC client the SSOTokenProvider refreshes
// tokens with: *ssooidc.Client.
type CreateTokenAPIClient interface {
	CreateToken(context.Context, *ssooidc.CreateTokenInput, ...func(*ssooidc.Options)) (*ssooidc.CreateTokenOutput, error)
}

// SSOTokenProviderOptions configure an SSOTokenProvider.
type SSOTokenProviderOptions struct {
	// Client refreshes the token; it must be configured for the SSO
	// session's region (sso_region).
	Client CreateTokenAPIClient

	// ClientOptions are applied to every CreateToken call.
	ClientOptions []func(*ssooidc.Options)

	// CachedTokenFilepath is the token cache file, read and rewritten on
	// refresh; NewSSOTokenProvider sets it.
	CachedTokenFilepath string

	// Profile and SSOSession name the configuration in errors, which tell
	// the user to run `aws sso login --profile Profile`, or
	// `aws sso login --sso-session SSOSession` when Profile is empty.
	Profile, SSOSession string
}

// SSOTokenProvider reads the SSO access token that `aws sso login` cached,
// refreshing it through SSO OIDC when it has expired or expires within
// RefreshBefore, as the SDK's ssocreds.SSOTokenProvider does behind the
// SDK's token cache. It cannot sign in: without a usable token it returns
// an *InvalidTokenError naming the command that does. It is safe for
// concurrent use.
type SSOTokenProvider struct {
	options SSOTokenProviderOptions
	mu      sync.Mutex // one refresh at a time
}

var _ bearer.TokenProvider = (*SSOTokenProvider)(nil)

// NewSSOTokenProvider returns a provider of the token cached in
// cachedTokenFilepath, which it rewrites when it refreshes the token.
func NewSSOTokenProvider(client CreateTokenAPIClient, cachedTokenFilepath string, optFns ...func(*SSOTokenProviderOptions)) *SSOTokenProvider {
	o := SSOTokenProviderOptions{Client: client, CachedTokenFilepath: cachedTokenFilepath}
	for _, fn := range optFns {
		fn(&o)
	}
	return &SSOTokenProvider{options: o}
}

// RetrieveBearerToken returns the cached SSO access token, refreshed first
// when it has expired or is about to, and the refreshed token written back
// to the cache file.
//
// A refresh needs the cache's refreshToken, clientId and clientSecret and a
// client registration that has not expired (registrationExpiresAt). When a
// token that is still valid cannot be refreshed, it is returned as it is,
// as the AWS CLI does; an expired one is an *InvalidTokenError.
func (p *SSOTokenProvider) RetrieveBearerToken(ctx context.Context) (bearer.Token, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	path := p.options.CachedTokenFilepath
	t, err := readCachedToken(path)
	if err != nil {
		return bearer.Token{}, p.invalid(causeOf(err))
	}
	now := time.Now()
	if t.ExpiresAt.Sub(now) < RefreshBefore {
		var refreshErr error
		switch {
		case t.RefreshToken == "" || t.ClientID == "" || t.ClientSecret == "":
			refreshErr = errors.New("the cached token cannot be refreshed: it has no refreshToken, clientId and clientSecret")
		case !t.RegistrationExpiresAt.IsZero() && !now.Before(t.RegistrationExpiresAt):
			refreshErr = fmt.Errorf("the client registration expired at %s", t.RegistrationExpiresAt.UTC().Format(time.RFC3339))
		default:
			if refreshErr = p.refresh(ctx, t); refreshErr == nil {
				if err := t.write(path); err != nil {
					return bearer.Token{}, fmt.Errorf("the SSO token was refreshed but could not be saved to %s: %w", path, err)
				}
			}
		}
		if refreshErr != nil && !now.Before(t.ExpiresAt) {
			return bearer.Token{}, p.invalid(fmt.Errorf("the token expired at %s; %w", t.ExpiresAt.UTC().Format(time.RFC3339), refreshErr))
		}
	}
	return bearer.Token{Value: t.AccessToken, CanExpire: true, Expires: t.ExpiresAt}, nil
}

// refresh trades t's refresh token for a new access token and updates t. A
// response without a refresh token keeps the old one (RFC 6749, 6).
func (p *SSOTokenProvider) refresh(ctx context.Context, t *cachedToken) error {
	if p.options.Client == nil {
		return errors.New("no SSO OIDC client is configured to refresh the token")
	}
	out, err := p.options.Client.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId:     aws.String(t.ClientID),
		ClientSecret: aws.String(t.ClientSecret),
		RefreshToken: aws.String(t.RefreshToken),
		GrantType:    aws.String("refresh_token"),
	}, p.options.ClientOptions...)
	if err != nil {
		return &refreshError{err}
	}
	if aws.ToString(out.AccessToken) == "" {
		return errors.New("the refresh returned no access token")
	}
	t.AccessToken = aws.ToString(out.AccessToken)
	t.ExpiresAt = time.Now().Add(time.Duration(out.ExpiresIn) * time.Second).Truncate(time.Second)
	if rt := aws.ToString(out.RefreshToken); rt != "" {
		t.RefreshToken = rt
	}
	return nil
}

func (p *SSOTokenProvider) invalid(err error) *InvalidTokenError {
	return &InvalidTokenError{Err: err, CachedTokenFilepath: p.options.CachedTokenFilepath,
		Profile: p.options.Profile, SSOSession: p.options.SSOSession}
}

// causeOf drops the cause of a missing file: the message already says so.
func causeOf(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// refreshError is a failed CreateToken. SSO OIDC's errors say what is wrong
// in their OAuth error_description, not in the message the SDK's error text
// shows ("InvalidGrantException: "), so the description is added.
type refreshError struct{ err error }

func (e *refreshError) Unwrap() error { return e.err }

func (e *refreshError) Error() string {
	msg := "the refresh failed: " + strings.TrimRight(e.err.Error(), ": ")
	var described interface{ ErrorDescription() string }
	if errors.As(e.err, &described) && described.ErrorDescription() != "" {
		msg += ": " + described.ErrorDescription()
	}
	return msg
}
