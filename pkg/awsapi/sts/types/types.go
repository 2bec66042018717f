// Package types holds the STS shapes the lean client in pkg/awsapi/sts uses,
// with the field names and pointer-ness of aws-sdk-go-v2/service/sts/types,
// so that code moves between the two by changing import paths.
package types

import "time"

// Credentials mirrors the SDK's types.Credentials: temporary credentials
// that stop working at Expiration.
type Credentials struct {
	AccessKeyId     *string
	Expiration      *time.Time
	SecretAccessKey *string
	SessionToken    *string
}

// AssumedRoleUser mirrors the SDK's types.AssumedRoleUser.
type AssumedRoleUser struct {
	Arn           *string
	AssumedRoleId *string
}

// PolicyDescriptorType mirrors the SDK's types.PolicyDescriptorType. The
// model names its member "arn", and the Query protocol sends it so.
type PolicyDescriptorType struct {
	Arn *string `query:"arn"`
}

// ProvidedContext mirrors the SDK's types.ProvidedContext.
type ProvidedContext struct {
	ContextAssertion *string
	ProviderArn      *string
}

// Tag mirrors the SDK's types.Tag: a session tag.
type Tag struct {
	Key   *string
	Value *string
}
