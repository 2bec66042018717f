package eks

import (
	"github.com/aws/smithy-go/middleware"

	"github.com/eks-login/eks-login/pkg/awsapi/eks/types"
)

// DescribeClusterInput mirrors the SDK's eks.DescribeClusterInput.
type DescribeClusterInput struct {
	Name *string
}

// DescribeClusterOutput mirrors the SDK's eks.DescribeClusterOutput.
type DescribeClusterOutput struct {
	Cluster        *types.Cluster      `json:"cluster,omitempty"`
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// ListClustersInput mirrors the SDK's eks.ListClustersInput.
type ListClustersInput struct {
	Include    []string
	MaxResults *int32
	NextToken  *string
}

// ListClustersOutput mirrors the SDK's eks.ListClustersOutput.
type ListClustersOutput struct {
	Clusters       []string            `json:"clusters,omitempty"`
	NextToken      *string             `json:"nextToken,omitempty"`
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// CreateAccessEntryInput mirrors the SDK's eks.CreateAccessEntryInput.
type CreateAccessEntryInput struct {
	ClusterName        *string
	PrincipalArn       *string
	ClientRequestToken *string
	KubernetesGroups   []string
	Tags               map[string]string
	Type               *string
	Username           *string
}

// CreateAccessEntryOutput mirrors the SDK's eks.CreateAccessEntryOutput.
type CreateAccessEntryOutput struct {
	AccessEntry    *types.AccessEntry  `json:"accessEntry,omitempty"`
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// DescribeAccessEntryInput mirrors the SDK's eks.DescribeAccessEntryInput.
type DescribeAccessEntryInput struct {
	ClusterName  *string
	PrincipalArn *string
}

// DescribeAccessEntryOutput mirrors the SDK's eks.DescribeAccessEntryOutput.
type DescribeAccessEntryOutput struct {
	AccessEntry    *types.AccessEntry  `json:"accessEntry,omitempty"`
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// UpdateAccessEntryInput mirrors the SDK's eks.UpdateAccessEntryInput.
type UpdateAccessEntryInput struct {
	ClusterName        *string
	PrincipalArn       *string
	ClientRequestToken *string
	KubernetesGroups   []string
	Username           *string
}

// UpdateAccessEntryOutput mirrors the SDK's eks.UpdateAccessEntryOutput.
type UpdateAccessEntryOutput struct {
	AccessEntry    *types.AccessEntry  `json:"accessEntry,omitempty"`
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// DeleteAccessEntryInput mirrors the SDK's eks.DeleteAccessEntryInput.
type DeleteAccessEntryInput struct {
	ClusterName  *string
	PrincipalArn *string
}

// DeleteAccessEntryOutput mirrors the SDK's eks.DeleteAccessEntryOutput.
type DeleteAccessEntryOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// ListAccessEntriesInput mirrors the SDK's eks.ListAccessEntriesInput.
type ListAccessEntriesInput struct {
	ClusterName         *string
	AssociatedPolicyArn *string
	MaxResults          *int32
	NextToken           *string
}

// ListAccessEntriesOutput mirrors the SDK's eks.ListAccessEntriesOutput.
type ListAccessEntriesOutput struct {
	AccessEntries  []string            `json:"accessEntries,omitempty"`
	NextToken      *string             `json:"nextToken,omitempty"`
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// AssociateAccessPolicyInput mirrors the SDK's eks.AssociateAccessPolicyInput.
type AssociateAccessPolicyInput struct {
	AccessScope  *types.AccessScope
	ClusterName  *string
	PolicyArn    *string
	PrincipalArn *string
}

// AssociateAccessPolicyOutput mirrors the SDK's eks.AssociateAccessPolicyOutput.
type AssociateAccessPolicyOutput struct {
	AssociatedAccessPolicy *types.AssociatedAccessPolicy `json:"associatedAccessPolicy,omitempty"`
	ClusterName            *string                       `json:"clusterName,omitempty"`
	PrincipalArn           *string                       `json:"principalArn,omitempty"`
	ResultMetadata         middleware.Metadata           `json:"-" xml:"-"`
}

// DisassociateAccessPolicyInput mirrors the SDK's eks.DisassociateAccessPolicyInput.
type DisassociateAccessPolicyInput struct {
	ClusterName  *string
	PolicyArn    *string
	PrincipalArn *string
}

// DisassociateAccessPolicyOutput mirrors the SDK's eks.DisassociateAccessPolicyOutput.
type DisassociateAccessPolicyOutput struct {
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}

// ListAssociatedAccessPoliciesInput mirrors the SDK's eks.ListAssociatedAccessPoliciesInput.
type ListAssociatedAccessPoliciesInput struct {
	ClusterName  *string
	PrincipalArn *string
	MaxResults   *int32
	NextToken    *string
}

// ListAssociatedAccessPoliciesOutput mirrors the SDK's eks.ListAssociatedAccessPoliciesOutput.
type ListAssociatedAccessPoliciesOutput struct {
	AssociatedAccessPolicies []types.AssociatedAccessPolicy `json:"associatedAccessPolicies,omitempty"`
	ClusterName              *string                        `json:"clusterName,omitempty"`
	NextToken                *string                        `json:"nextToken,omitempty"`
	PrincipalArn             *string                        `json:"principalArn,omitempty"`
	ResultMetadata           middleware.Metadata            `json:"-" xml:"-"`
}

// UpdateClusterConfigInput mirrors the SDK's eks.UpdateClusterConfigInput.
type UpdateClusterConfigInput struct {
	Name               *string
	AccessConfig       *types.UpdateAccessConfigRequest
	ClientRequestToken *string
	DeletionProtection *bool
}

// UpdateClusterConfigOutput mirrors the SDK's eks.UpdateClusterConfigOutput.
type UpdateClusterConfigOutput struct {
	Update         *types.Update       `json:"update,omitempty"`
	ResultMetadata middleware.Metadata `json:"-" xml:"-"`
}
