// Package types holds the SSO portal shapes the lean client in pkg/awsapi/sso
// uses, with the field names and pointer-ness of
// aws-sdk-go-v2/service/sso/types, so that code moves between the two by
// changing import paths.
package types

// RoleCredentials mirrors the SDK's types.RoleCredentials.
type RoleCredentials struct {
	AccessKeyId *string `json:"accessKeyId,omitempty"`
	// Expiration is when the credentials expire, in milliseconds since the
	// Unix epoch.
	Expiration      int64   `json:"expiration,omitempty"`
	SecretAccessKey *string `json:"secretAccessKey,omitempty"`
	SessionToken    *string `json:"sessionToken,omitempty"`
}
