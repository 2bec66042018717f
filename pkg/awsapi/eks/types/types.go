// Package types holds the EKS shapes the lean client in pkg/awsapi/eks
// uses, with the field names, pointer-ness and enum values of
// aws-sdk-go-v2/service/eks/types, so that code moves between the two by
// changing import paths. Fields of shapes eks-login never reads are left out.
package types

import (
	"encoding/json"
	"time"
)

// Cluster mirrors the SDK's types.Cluster.
type Cluster struct {
	AccessConfig         *AccessConfigResponse `json:"accessConfig,omitempty"`
	Arn                  *string               `json:"arn,omitempty"`
	CertificateAuthority *Certificate          `json:"certificateAuthority,omitempty"`
	ClientRequestToken   *string               `json:"clientRequestToken,omitempty"`
	CreatedAt            *time.Time            `json:"createdAt,omitempty"`
	DeletionProtection   *bool                 `json:"deletionProtection,omitempty"`
	Endpoint             *string               `json:"endpoint,omitempty"`
	Id                   *string               `json:"id,omitempty"`
	Identity             *Identity             `json:"identity,omitempty"`
	Name                 *string               `json:"name,omitempty"`
	PlatformVersion      *string               `json:"platformVersion,omitempty"`
	ResourcesVpcConfig   *VpcConfigResponse    `json:"resourcesVpcConfig,omitempty"`
	RoleArn              *string               `json:"roleArn,omitempty"`
	Status               ClusterStatus         `json:"status,omitempty"`
	Tags                 map[string]string     `json:"tags,omitempty"`
	Version              *string               `json:"version,omitempty"`
}

// UnmarshalJSON reads timestamps as EKS sends them: epoch seconds.
func (v *Cluster) UnmarshalJSON(data []byte) error {
	type plain Cluster
	aux := struct {
		*plain
		CreatedAt *epochTime `json:"createdAt,omitempty"`
	}{plain: (*plain)(v)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	v.CreatedAt = aux.CreatedAt.time()
	return nil
}

// AccessConfigResponse mirrors the SDK's types.AccessConfigResponse.
type AccessConfigResponse struct {
	AuthenticationMode                      AuthenticationMode `json:"authenticationMode,omitempty"`
	BootstrapClusterCreatorAdminPermissions *bool              `json:"bootstrapClusterCreatorAdminPermissions,omitempty"`
}

// Certificate mirrors the SDK's types.Certificate.
type Certificate struct {
	Data *string `json:"data,omitempty"`
}

// Identity mirrors the SDK's types.Identity.
type Identity struct {
	Oidc *OIDC `json:"oidc,omitempty"`
}

// OIDC mirrors the SDK's types.OIDC.
type OIDC struct {
	Issuer *string `json:"issuer,omitempty"`
}

// VpcConfigResponse mirrors the SDK's types.VpcConfigResponse.
type VpcConfigResponse struct {
	ClusterSecurityGroupId *string  `json:"clusterSecurityGroupId,omitempty"`
	EndpointPrivateAccess  bool     `json:"endpointPrivateAccess,omitempty"`
	EndpointPublicAccess   bool     `json:"endpointPublicAccess,omitempty"`
	PublicAccessCidrs      []string `json:"publicAccessCidrs,omitempty"`
	SecurityGroupIds       []string `json:"securityGroupIds,omitempty"`
	SubnetIds              []string `json:"subnetIds,omitempty"`
	VpcId                  *string  `json:"vpcId,omitempty"`
}

// AccessEntry mirrors the SDK's types.AccessEntry.
type AccessEntry struct {
	AccessEntryArn   *string           `json:"accessEntryArn,omitempty"`
	ClusterName      *string           `json:"clusterName,omitempty"`
	CreatedAt        *time.Time        `json:"createdAt,omitempty"`
	KubernetesGroups []string          `json:"kubernetesGroups,omitempty"`
	ModifiedAt       *time.Time        `json:"modifiedAt,omitempty"`
	PrincipalArn     *string           `json:"principalArn,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
	Type             *string           `json:"type,omitempty"`
	Username         *string           `json:"username,omitempty"`
}

// UnmarshalJSON reads timestamps as EKS sends them: epoch seconds.
func (v *AccessEntry) UnmarshalJSON(data []byte) error {
	type plain AccessEntry
	aux := struct {
		*plain
		CreatedAt  *epochTime `json:"createdAt,omitempty"`
		ModifiedAt *epochTime `json:"modifiedAt,omitempty"`
	}{plain: (*plain)(v)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	v.CreatedAt = aux.CreatedAt.time()
	v.ModifiedAt = aux.ModifiedAt.time()
	return nil
}

// AccessScope mirrors the SDK's types.AccessScope.
type AccessScope struct {
	Namespaces []string        `json:"namespaces,omitempty"`
	Type       AccessScopeType `json:"type,omitempty"`
}

// AssociatedAccessPolicy mirrors the SDK's types.AssociatedAccessPolicy.
type AssociatedAccessPolicy struct {
	AccessScope  *AccessScope `json:"accessScope,omitempty"`
	AssociatedAt *time.Time   `json:"associatedAt,omitempty"`
	ModifiedAt   *time.Time   `json:"modifiedAt,omitempty"`
	PolicyArn    *string      `json:"policyArn,omitempty"`
}

// UnmarshalJSON reads timestamps as EKS sends them: epoch seconds.
func (v *AssociatedAccessPolicy) UnmarshalJSON(data []byte) error {
	type plain AssociatedAccessPolicy
	aux := struct {
		*plain
		AssociatedAt *epochTime `json:"associatedAt,omitempty"`
		ModifiedAt   *epochTime `json:"modifiedAt,omitempty"`
	}{plain: (*plain)(v)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	v.AssociatedAt = aux.AssociatedAt.time()
	v.ModifiedAt = aux.ModifiedAt.time()
	return nil
}

// UpdateAccessConfigRequest mirrors the SDK's types.UpdateAccessConfigRequest.
type UpdateAccessConfigRequest struct {
	AuthenticationMode AuthenticationMode `json:"authenticationMode,omitempty"`
}

// Update mirrors the SDK's types.Update.
type Update struct {
	CreatedAt *time.Time    `json:"createdAt,omitempty"`
	Errors    []ErrorDetail `json:"errors,omitempty"`
	Id        *string       `json:"id,omitempty"`
	Params    []UpdateParam `json:"params,omitempty"`
	Status    UpdateStatus  `json:"status,omitempty"`
	Type      UpdateType    `json:"type,omitempty"`
}

// UnmarshalJSON reads timestamps as EKS sends them: epoch seconds.
func (v *Update) UnmarshalJSON(data []byte) error {
	type plain Update
	aux := struct {
		*plain
		CreatedAt *epochTime `json:"createdAt,omitempty"`
	}{plain: (*plain)(v)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	v.CreatedAt = aux.CreatedAt.time()
	return nil
}

// UpdateParam mirrors the SDK's types.UpdateParam.
type UpdateParam struct {
	Type  UpdateParamType `json:"type,omitempty"`
	Value *string         `json:"value,omitempty"`
}

// ErrorDetail mirrors the SDK's types.ErrorDetail.
type ErrorDetail struct {
	ErrorCode    ErrorCode `json:"errorCode,omitempty"`
	ErrorMessage *string   `json:"errorMessage,omitempty"`
	ResourceIds  []string  `json:"resourceIds,omitempty"`
}
