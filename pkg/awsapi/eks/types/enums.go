package types

type ClusterStatus string

// Enum values for ClusterStatus
const (
	ClusterStatusCreating ClusterStatus = "CREATING"
	ClusterStatusActive   ClusterStatus = "ACTIVE"
	ClusterStatusDeleting ClusterStatus = "DELETING"
	ClusterStatusFailed   ClusterStatus = "FAILED"
	ClusterStatusUpdating ClusterStatus = "UPDATING"
	ClusterStatusPending  ClusterStatus = "PENDING"
)

// Values returns all known values for ClusterStatus. Note that this can be
// expanded in the future, and so it is only as up to date as the client.
//
// The ordering of this slice is not guaranteed to be stable across updates.
func (ClusterStatus) Values() []ClusterStatus {
	return []ClusterStatus{
		"CREATING",
		"ACTIVE",
		"DELETING",
		"FAILED",
		"UPDATING",
		"PENDING",
	}
}

type AuthenticationMode string

// Enum values for AuthenticationMode
const (
	AuthenticationModeApi             AuthenticationMode = "API"
	AuthenticationModeApiAndConfigMap AuthenticationMode = "API_AND_CONFIG_MAP"
	AuthenticationModeConfigMap       AuthenticationMode = "CONFIG_MAP"
)

// Values returns all known values for AuthenticationMode. Note that this can be
// expanded in the future, and so it is only as up to date as the client.
//
// The ordering of this slice is not guaranteed to be stable across updates.
func (AuthenticationMode) Values() []AuthenticationMode {
	return []AuthenticationMode{
		"API",
		"API_AND_CONFIG_MAP",
		"CONFIG_MAP",
	}
}

type AccessScopeType string

// Enum values for AccessScopeType
const (
	AccessScopeTypeCluster   AccessScopeType = "cluster"
	AccessScopeTypeNamespace AccessScopeType = "namespace"
)

// Values returns all known values for AccessScopeType. Note that this can be
// expanded in the future, and so it is only as up to date as the client.
//
// The ordering of this slice is not guaranteed to be stable across updates.
func (AccessScopeType) Values() []AccessScopeType {
	return []AccessScopeType{
		"cluster",
		"namespace",
	}
}

type UpdateStatus string

// Enum values for UpdateStatus
const (
	UpdateStatusInProgress UpdateStatus = "InProgress"
	UpdateStatusFailed     UpdateStatus = "Failed"
	UpdateStatusCancelled  UpdateStatus = "Cancelled"
	UpdateStatusSuccessful UpdateStatus = "Successful"
)

// Values returns all known values for UpdateStatus. Note that this can be
// expanded in the future, and so it is only as up to date as the client.
//
// The ordering of this slice is not guaranteed to be stable across updates.
func (UpdateStatus) Values() []UpdateStatus {
	return []UpdateStatus{
		"InProgress",
		"Failed",
		"Cancelled",
		"Successful",
	}
}

type UpdateType string

// Enum values for UpdateType
const (
	UpdateTypeVersionUpdate                      UpdateType = "VersionUpdate"
	UpdateTypeEndpointAccessUpdate               UpdateType = "EndpointAccessUpdate"
	UpdateTypeLoggingUpdate                      UpdateType = "LoggingUpdate"
	UpdateTypeConfigUpdate                       UpdateType = "ConfigUpdate"
	UpdateTypeAssociateIdentityProviderConfig    UpdateType = "AssociateIdentityProviderConfig"
	UpdateTypeDisassociateIdentityProviderConfig UpdateType = "DisassociateIdentityProviderConfig"
	UpdateTypeAssociateEncryptionConfig          UpdateType = "AssociateEncryptionConfig"
	UpdateTypeAddonUpdate                        UpdateType = "AddonUpdate"
	UpdateTypeVpcConfigUpdate                    UpdateType = "VpcConfigUpdate"
	UpdateTypeAccessConfigUpdate                 UpdateType = "AccessConfigUpdate"
	UpdateTypeUpgradePolicyUpdate                UpdateType = "UpgradePolicyUpdate"
	UpdateTypeZonalShiftConfigUpdate             UpdateType = "ZonalShiftConfigUpdate"
	UpdateTypeAutoModeUpdate                     UpdateType = "AutoModeUpdate"
	UpdateTypeRemoteNetworkConfigUpdate          UpdateType = "RemoteNetworkConfigUpdate"
	UpdateTypeDeletionProtectionUpdate           UpdateType = "DeletionProtectionUpdate"
	UpdateTypeCapabilityUpdate                   UpdateType = "CapabilityUpdate"
	UpdateTypeControlPlaneScalingConfigUpdate    UpdateType = "ControlPlaneScalingConfigUpdate"
	UpdateTypeVendedLogsUpdate                   UpdateType = "VendedLogsUpdate"
	UpdateTypeControlPlaneEgressUpdate           UpdateType = "ControlPlaneEgressUpdate"
	UpdateTypeVersionRollback                    UpdateType = "VersionRollback"
	UpdateTypeControlPlaneComponentConfigUpdate  UpdateType = "ControlPlaneComponentConfigUpdate"
	UpdateTypeCertificateAuthorityUpdate         UpdateType = "CertificateAuthorityUpdate"
)

// Values returns all known values for UpdateType. Note that this can be expanded
// in the future, and so it is only as up to date as the client.
//
// The ordering of this slice is not guaranteed to be stable across updates.
func (UpdateType) Values() []UpdateType {
	return []UpdateType{
		"VersionUpdate",
		"EndpointAccessUpdate",
		"LoggingUpdate",
		"ConfigUpdate",
		"AssociateIdentityProviderConfig",
		"DisassociateIdentityProviderConfig",
		"AssociateEncryptionConfig",
		"AddonUpdate",
		"VpcConfigUpdate",
		"AccessConfigUpdate",
		"UpgradePolicyUpdate",
		"ZonalShiftConfigUpdate",
		"AutoModeUpdate",
		"RemoteNetworkConfigUpdate",
		"DeletionProtectionUpdate",
		"CapabilityUpdate",
		"ControlPlaneScalingConfigUpdate",
		"VendedLogsUpdate",
		"ControlPlaneEgressUpdate",
		"VersionRollback",
		"ControlPlaneComponentConfigUpdate",
		"CertificateAuthorityUpdate",
	}
}

type UpdateParamType string

// Enum values for UpdateParamType
const (
	UpdateParamTypeVersion                          UpdateParamType = "Version"
	UpdateParamTypePlatformVersion                  UpdateParamType = "PlatformVersion"
	UpdateParamTypeEndpointPrivateAccess            UpdateParamType = "EndpointPrivateAccess"
	UpdateParamTypeEndpointPublicAccess             UpdateParamType = "EndpointPublicAccess"
	UpdateParamTypeClusterLogging                   UpdateParamType = "ClusterLogging"
	UpdateParamTypeDesiredSize                      UpdateParamType = "DesiredSize"
	UpdateParamTypeLabelsToAdd                      UpdateParamType = "LabelsToAdd"
	UpdateParamTypeLabelsToRemove                   UpdateParamType = "LabelsToRemove"
	UpdateParamTypeTaintsToAdd                      UpdateParamType = "TaintsToAdd"
	UpdateParamTypeTaintsToRemove                   UpdateParamType = "TaintsToRemove"
	UpdateParamTypeMaxSize                          UpdateParamType = "MaxSize"
	UpdateParamTypeMinSize                          UpdateParamType = "MinSize"
	UpdateParamTypeReleaseVersion                   UpdateParamType = "ReleaseVersion"
	UpdateParamTypePublicAccessCidrs                UpdateParamType = "PublicAccessCidrs"
	UpdateParamTypeLaunchTemplateName               UpdateParamType = "LaunchTemplateName"
	UpdateParamTypeLaunchTemplateVersion            UpdateParamType = "LaunchTemplateVersion"
	UpdateParamTypeIdentityProviderConfig           UpdateParamType = "IdentityProviderConfig"
	UpdateParamTypeEncryptionConfig                 UpdateParamType = "EncryptionConfig"
	UpdateParamTypeAddonVersion                     UpdateParamType = "AddonVersion"
	UpdateParamTypeServiceAccountRoleArn            UpdateParamType = "ServiceAccountRoleArn"
	UpdateParamTypeResolveConflicts                 UpdateParamType = "ResolveConflicts"
	UpdateParamTypeMaxUnavailable                   UpdateParamType = "MaxUnavailable"
	UpdateParamTypeMaxUnavailablePercentage         UpdateParamType = "MaxUnavailablePercentage"
	UpdateParamTypeNodeRepairEnabled                UpdateParamType = "NodeRepairEnabled"
	UpdateParamTypeUpdateStrategy                   UpdateParamType = "UpdateStrategy"
	UpdateParamTypeConfigurationValues              UpdateParamType = "ConfigurationValues"
	UpdateParamTypeSecurityGroups                   UpdateParamType = "SecurityGroups"
	UpdateParamTypeSubnets                          UpdateParamType = "Subnets"
	UpdateParamTypeAuthenticationMode               UpdateParamType = "AuthenticationMode"
	UpdateParamTypePodIdentityAssociations          UpdateParamType = "PodIdentityAssociations"
	UpdateParamTypeUpgradePolicy                    UpdateParamType = "UpgradePolicy"
	UpdateParamTypeZonalShiftConfig                 UpdateParamType = "ZonalShiftConfig"
	UpdateParamTypeComputeConfig                    UpdateParamType = "ComputeConfig"
	UpdateParamTypeStorageConfig                    UpdateParamType = "StorageConfig"
	UpdateParamTypeKubernetesNetworkConfig          UpdateParamType = "KubernetesNetworkConfig"
	UpdateParamTypeRemoteNetworkConfig              UpdateParamType = "RemoteNetworkConfig"
	UpdateParamTypeDeletionProtection               UpdateParamType = "DeletionProtection"
	UpdateParamTypeNodeRepairConfig                 UpdateParamType = "NodeRepairConfig"
	UpdateParamTypeRoleArn                          UpdateParamType = "RoleArn"
	UpdateParamTypeRoleMappingsToAddOrUpdate        UpdateParamType = "RoleMappingsToAddOrUpdate"
	UpdateParamTypeRoleMappingsToRemove             UpdateParamType = "RoleMappingsToRemove"
	UpdateParamTypeNetworkAccess                    UpdateParamType = "NetworkAccess"
	UpdateParamTypeVendedLogs                       UpdateParamType = "VendedLogs"
	UpdateParamTypeUpdatedTier                      UpdateParamType = "UpdatedTier"
	UpdateParamTypePreviousTier                     UpdateParamType = "PreviousTier"
	UpdateParamTypeEnableCrossNamespace             UpdateParamType = "EnableCrossNamespace"
	UpdateParamTypeDisabledServices                 UpdateParamType = "DisabledServices"
	UpdateParamTypeWarmPoolEnabled                  UpdateParamType = "WarmPoolEnabled"
	UpdateParamTypeWarmPoolMaxGroupPreparedCapacity UpdateParamType = "WarmPoolMaxGroupPreparedCapacity"
	UpdateParamTypeWarmPoolMinSize                  UpdateParamType = "WarmPoolMinSize"
	UpdateParamTypeWarmPoolState                    UpdateParamType = "WarmPoolState"
	UpdateParamTypeWarmPoolReuseOnScaleIn           UpdateParamType = "WarmPoolReuseOnScaleIn"
	UpdateParamTypeControlPlaneEgressMode           UpdateParamType = "ControlPlaneEgressMode"
	UpdateParamTypeKubeApiServerConfig              UpdateParamType = "KubeApiServerConfig"
	UpdateParamTypeKubeSchedulerConfig              UpdateParamType = "KubeSchedulerConfig"
	UpdateParamTypeKubeControllerManagerConfig      UpdateParamType = "KubeControllerManagerConfig"
	UpdateParamTypeActiveCertificateAuthority       UpdateParamType = "ActiveCertificateAuthority"
	UpdateParamTypeTrustedCertificateAuthorities    UpdateParamType = "TrustedCertificateAuthorities"
	UpdateParamTypeCertificateAuthorityId           UpdateParamType = "CertificateAuthorityId"
	UpdateParamTypeSigningStatus                    UpdateParamType = "SigningStatus"
)

// Values returns all known values for UpdateParamType. Note that this can be
// expanded in the future, and so it is only as up to date as the client.
//
// The ordering of this slice is not guaranteed to be stable across updates.
func (UpdateParamType) Values() []UpdateParamType {
	return []UpdateParamType{
		"Version",
		"PlatformVersion",
		"EndpointPrivateAccess",
		"EndpointPublicAccess",
		"ClusterLogging",
		"DesiredSize",
		"LabelsToAdd",
		"LabelsToRemove",
		"TaintsToAdd",
		"TaintsToRemove",
		"MaxSize",
		"MinSize",
		"ReleaseVersion",
		"PublicAccessCidrs",
		"LaunchTemplateName",
		"LaunchTemplateVersion",
		"IdentityProviderConfig",
		"EncryptionConfig",
		"AddonVersion",
		"ServiceAccountRoleArn",
		"ResolveConflicts",
		"MaxUnavailable",
		"MaxUnavailablePercentage",
		"NodeRepairEnabled",
		"UpdateStrategy",
		"ConfigurationValues",
		"SecurityGroups",
		"Subnets",
		"AuthenticationMode",
		"PodIdentityAssociations",
		"UpgradePolicy",
		"ZonalShiftConfig",
		"ComputeConfig",
		"StorageConfig",
		"KubernetesNetworkConfig",
		"RemoteNetworkConfig",
		"DeletionProtection",
		"NodeRepairConfig",
		"RoleArn",
		"RoleMappingsToAddOrUpdate",
		"RoleMappingsToRemove",
		"NetworkAccess",
		"VendedLogs",
		"UpdatedTier",
		"PreviousTier",
		"EnableCrossNamespace",
		"DisabledServices",
		"WarmPoolEnabled",
		"WarmPoolMaxGroupPreparedCapacity",
		"WarmPoolMinSize",
		"WarmPoolState",
		"WarmPoolReuseOnScaleIn",
		"ControlPlaneEgressMode",
		"KubeApiServerConfig",
		"KubeSchedulerConfig",
		"KubeControllerManagerConfig",
		"ActiveCertificateAuthority",
		"TrustedCertificateAuthorities",
		"CertificateAuthorityId",
		"SigningStatus",
	}
}

type ErrorCode string

// Enum values for ErrorCode
const (
	ErrorCodeSubnetNotFound               ErrorCode = "SubnetNotFound"
	ErrorCodeSecurityGroupNotFound        ErrorCode = "SecurityGroupNotFound"
	ErrorCodeEniLimitReached              ErrorCode = "EniLimitReached"
	ErrorCodeIpNotAvailable               ErrorCode = "IpNotAvailable"
	ErrorCodeAccessDenied                 ErrorCode = "AccessDenied"
	ErrorCodeOperationNotPermitted        ErrorCode = "OperationNotPermitted"
	ErrorCodeVpcIdNotFound                ErrorCode = "VpcIdNotFound"
	ErrorCodeUnknown                      ErrorCode = "Unknown"
	ErrorCodeNodeCreationFailure          ErrorCode = "NodeCreationFailure"
	ErrorCodePodEvictionFailure           ErrorCode = "PodEvictionFailure"
	ErrorCodeInsufficientFreeAddresses    ErrorCode = "InsufficientFreeAddresses"
	ErrorCodeClusterUnreachable           ErrorCode = "ClusterUnreachable"
	ErrorCodeInsufficientNumberOfReplicas ErrorCode = "InsufficientNumberOfReplicas"
	ErrorCodeConfigurationConflict        ErrorCode = "ConfigurationConflict"
	ErrorCodeAdmissionRequestDenied       ErrorCode = "AdmissionRequestDenied"
	ErrorCodeUnsupportedAddonModification ErrorCode = "UnsupportedAddonModification"
	ErrorCodeK8sResourceNotFound          ErrorCode = "K8sResourceNotFound"
)

// Values returns all known values for ErrorCode. Note that this can be expanded
// in the future, and so it is only as up to date as the client.
//
// The ordering of this slice is not guaranteed to be stable across updates.
func (ErrorCode) Values() []ErrorCode {
	return []ErrorCode{
		"SubnetNotFound",
		"SecurityGroupNotFound",
		"EniLimitReached",
		"IpNotAvailable",
		"AccessDenied",
		"OperationNotPermitted",
		"VpcIdNotFound",
		"Unknown",
		"NodeCreationFailure",
		"PodEvictionFailure",
		"InsufficientFreeAddresses",
		"ClusterUnreachable",
		"InsufficientNumberOfReplicas",
		"ConfigurationConflict",
		"AdmissionRequestDenied",
		"UnsupportedAddonModification",
		"K8sResourceNotFound",
	}
}
