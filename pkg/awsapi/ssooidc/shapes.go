package ssooidc

import "github.com/aws/smithy-go/middleware"

// CreateTokenInput mirrors the SDK's ssooidc.CreateTokenInput. ClientId,
// ClientSecret and GrantType are required; a refresh sets GrantType to
// "refresh_token" and RefreshToken.
type CreateTokenInput struct {
	ClientId     *string
	ClientSecret *string
	GrantType    *string
	Code         *string
	CodeVerifier *string
	DeviceCode   *string
	RedirectUri  *string
	RefreshToken *string
	Scope        []string
}

// CreateTokenOutput mirrors the SDK's ssooidc.CreateTokenOutput.
type CreateTokenOutput struct {
	AccessToken *string `json:"accessToken,omitempty"`
	// ExpiresIn is the access token's lifetime in seconds.
	ExpiresIn      int32               `json:"expiresIn,omitempty"`
	IdToken        *string             `json:"idToken,omitempty"`
	RefreshToken   *string             `json:"refreshToken,omitempty"`
	TokenType      *string             `json:"tokenType,omitempty"`
	ResultMetadata middleware.Metadata `json:"-"`
}
