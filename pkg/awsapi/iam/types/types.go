// Package types holds the IAM shapes the lean client in pkg/awsapi/iam uses,
// with the field names, pointer-ness and enum values of
// aws-sdk-go-v2/service/iam/types, so that code moves between the two by
// changing import paths. As with the SDK, policy documents are returned
// exactly as IAM sends them: URL-encoded.
package types

import "time"

// Role mirrors the SDK's types.Role.
type Role struct {
	Arn                      *string
	CreateDate               *time.Time
	Path                     *string
	RoleId                   *string
	RoleName                 *string
	AssumeRolePolicyDocument *string
	Description              *string
	MaxSessionDuration       *int32
	PermissionsBoundary      *AttachedPermissionsBoundary
	RoleLastUsed             *RoleLastUsed
	Tags                     []Tag `xml:"Tags>member"`
}

// Group mirrors the SDK's types.Group.
type Group struct {
	Arn        *string
	CreateDate *time.Time
	GroupId    *string
	GroupName  *string
	Path       *string
}

// User mirrors the SDK's types.User.
type User struct {
	Arn                 *string
	CreateDate          *time.Time
	Path                *string
	UserId              *string
	UserName            *string
	PasswordLastUsed    *time.Time
	PermissionsBoundary *AttachedPermissionsBoundary
	Tags                []Tag `xml:"Tags>member"`
}

// AccessKey mirrors the SDK's types.AccessKey.
type AccessKey struct {
	AccessKeyId     *string
	SecretAccessKey *string
	Status          StatusType
	UserName        *string
	CreateDate      *time.Time
}

// AccessKeyMetadata mirrors the SDK's types.AccessKeyMetadata.
type AccessKeyMetadata struct {
	AccessKeyId *string
	CreateDate  *time.Time
	Status      StatusType
	UserName    *string
}

// AttachedPolicy mirrors the SDK's types.AttachedPolicy.
type AttachedPolicy struct {
	PolicyArn  *string
	PolicyName *string
}

// Policy mirrors the SDK's types.Policy.
type Policy struct {
	Arn                           *string
	AttachmentCount               *int32
	CreateDate                    *time.Time
	DefaultVersionId              *string
	Description                   *string
	IsAttachable                  bool
	Path                          *string
	PermissionsBoundaryUsageCount *int32
	PolicyId                      *string
	PolicyName                    *string
	Tags                          []Tag `xml:"Tags>member"`
	UpdateDate                    *time.Time
}

// Tag mirrors the SDK's types.Tag.
type Tag struct {
	Key   *string
	Value *string
}

// VirtualMFADevice mirrors the SDK's types.VirtualMFADevice.
type VirtualMFADevice struct {
	SerialNumber     *string
	Base32StringSeed []byte
	EnableDate       *time.Time
	QRCodePNG        []byte
	Tags             []Tag `xml:"Tags>member"`
	User             *User
}

// RoleLastUsed mirrors the SDK's types.RoleLastUsed.
type RoleLastUsed struct {
	LastUsedDate *time.Time
	Region       *string
}

// AttachedPermissionsBoundary mirrors the SDK's types.AttachedPermissionsBoundary.
type AttachedPermissionsBoundary struct {
	PermissionsBoundaryArn  *string
	PermissionsBoundaryType PermissionsBoundaryAttachmentType
}
