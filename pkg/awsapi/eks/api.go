package eks

import (
	"context"
	"net/http"

	"github.com/eks-login/eks-login/pkg/awsapi/eks/types"
)

// DescribeCluster returns a cluster's endpoint, CA, status and access
// configuration.
func (c *Client) DescribeCluster(ctx context.Context, params *DescribeClusterInput, optFns ...func(*Options)) (*DescribeClusterOutput, error) {
	const op = "DescribeCluster"
	if params == nil {
		params = &DescribeClusterInput{}
	}
	if m := required("Name", params.Name); m != nil {
		return nil, missing(op, m...)
	}
	return call[DescribeClusterOutput](ctx, c, request{op: op, method: http.MethodGet, path: "/clusters/" + label(*params.Name)}, optFns)
}

// ListClusters returns one page of the region's cluster names.
func (c *Client) ListClusters(ctx context.Context, params *ListClustersInput, optFns ...func(*Options)) (*ListClustersOutput, error) {
	if params == nil {
		params = &ListClustersInput{}
	}
	q := pageQuery(params.MaxResults, params.NextToken)
	for _, v := range params.Include {
		q.Add("include", v)
	}
	return call[ListClustersOutput](ctx, c, request{op: "ListClusters", method: http.MethodGet, path: "/clusters", query: q}, optFns)
}

// CreateAccessEntry lets an IAM principal into a cluster.
func (c *Client) CreateAccessEntry(ctx context.Context, params *CreateAccessEntryInput, optFns ...func(*Options)) (*CreateAccessEntryOutput, error) {
	const op = "CreateAccessEntry"
	if params == nil {
		params = &CreateAccessEntryInput{}
	}
	if m := required("ClusterName", params.ClusterName, "PrincipalArn", params.PrincipalArn); m != nil {
		return nil, missing(op, m...)
	}
	body := struct {
		PrincipalArn       *string           `json:"principalArn"`
		KubernetesGroups   []string          `json:"kubernetesGroups,omitempty"`
		Tags               map[string]string `json:"tags,omitempty"`
		ClientRequestToken *string           `json:"clientRequestToken,omitempty"`
		Username           *string           `json:"username,omitempty"`
		Type               *string           `json:"type,omitempty"`
	}{params.PrincipalArn, params.KubernetesGroups, params.Tags, params.ClientRequestToken, params.Username, params.Type}
	return call[CreateAccessEntryOutput](ctx, c, request{op: op, method: http.MethodPost,
		path: "/clusters/" + label(*params.ClusterName) + "/access-entries", body: body}, optFns)
}

// DescribeAccessEntry returns one principal's access entry.
func (c *Client) DescribeAccessEntry(ctx context.Context, params *DescribeAccessEntryInput, optFns ...func(*Options)) (*DescribeAccessEntryOutput, error) {
	const op = "DescribeAccessEntry"
	if params == nil {
		params = &DescribeAccessEntryInput{}
	}
	if m := required("ClusterName", params.ClusterName, "PrincipalArn", params.PrincipalArn); m != nil {
		return nil, missing(op, m...)
	}
	return call[DescribeAccessEntryOutput](ctx, c, request{op: op, method: http.MethodGet, path: entryPath(params.ClusterName, params.PrincipalArn)}, optFns)
}

// UpdateAccessEntry changes an entry's Kubernetes groups or user name.
func (c *Client) UpdateAccessEntry(ctx context.Context, params *UpdateAccessEntryInput, optFns ...func(*Options)) (*UpdateAccessEntryOutput, error) {
	const op = "UpdateAccessEntry"
	if params == nil {
		params = &UpdateAccessEntryInput{}
	}
	if m := required("ClusterName", params.ClusterName, "PrincipalArn", params.PrincipalArn); m != nil {
		return nil, missing(op, m...)
	}
	body := struct {
		KubernetesGroups   []string `json:"kubernetesGroups,omitempty"`
		ClientRequestToken *string  `json:"clientRequestToken,omitempty"`
		Username           *string  `json:"username,omitempty"`
	}{params.KubernetesGroups, params.ClientRequestToken, params.Username}
	return call[UpdateAccessEntryOutput](ctx, c, request{op: op, method: http.MethodPost, path: entryPath(params.ClusterName, params.PrincipalArn), body: body}, optFns)
}

// DeleteAccessEntry removes a principal's access entry and its policies.
func (c *Client) DeleteAccessEntry(ctx context.Context, params *DeleteAccessEntryInput, optFns ...func(*Options)) (*DeleteAccessEntryOutput, error) {
	const op = "DeleteAccessEntry"
	if params == nil {
		params = &DeleteAccessEntryInput{}
	}
	if m := required("ClusterName", params.ClusterName, "PrincipalArn", params.PrincipalArn); m != nil {
		return nil, missing(op, m...)
	}
	return call[DeleteAccessEntryOutput](ctx, c, request{op: op, method: http.MethodDelete, path: entryPath(params.ClusterName, params.PrincipalArn)}, optFns)
}

// ListAccessEntries returns one page of a cluster's principal ARNs.
func (c *Client) ListAccessEntries(ctx context.Context, params *ListAccessEntriesInput, optFns ...func(*Options)) (*ListAccessEntriesOutput, error) {
	const op = "ListAccessEntries"
	if params == nil {
		params = &ListAccessEntriesInput{}
	}
	if m := required("ClusterName", params.ClusterName); m != nil {
		return nil, missing(op, m...)
	}
	q := pageQuery(params.MaxResults, params.NextToken)
	if params.AssociatedPolicyArn != nil {
		q.Set("associatedPolicyArn", *params.AssociatedPolicyArn)
	}
	return call[ListAccessEntriesOutput](ctx, c, request{op: op, method: http.MethodGet,
		path: "/clusters/" + label(*params.ClusterName) + "/access-entries", query: q}, optFns)
}

// AssociateAccessPolicy grants an access entry an EKS access policy.
func (c *Client) AssociateAccessPolicy(ctx context.Context, params *AssociateAccessPolicyInput, optFns ...func(*Options)) (*AssociateAccessPolicyOutput, error) {
	const op = "AssociateAccessPolicy"
	if params == nil {
		params = &AssociateAccessPolicyInput{}
	}
	if m := required("ClusterName", params.ClusterName, "PrincipalArn", params.PrincipalArn, "PolicyArn", params.PolicyArn,
		"AccessScope", nilIfNil(params.AccessScope)); m != nil {
		return nil, missing(op, m...)
	}
	body := struct {
		PolicyArn   *string            `json:"policyArn"`
		AccessScope *types.AccessScope `json:"accessScope"`
	}{params.PolicyArn, params.AccessScope}
	return call[AssociateAccessPolicyOutput](ctx, c, request{op: op, method: http.MethodPost,
		path: entryPath(params.ClusterName, params.PrincipalArn) + "/access-policies", body: body}, optFns)
}

// DisassociateAccessPolicy takes an access policy away from an entry.
func (c *Client) DisassociateAccessPolicy(ctx context.Context, params *DisassociateAccessPolicyInput, optFns ...func(*Options)) (*DisassociateAccessPolicyOutput, error) {
	const op = "DisassociateAccessPolicy"
	if params == nil {
		params = &DisassociateAccessPolicyInput{}
	}
	if m := required("ClusterName", params.ClusterName, "PrincipalArn", params.PrincipalArn, "PolicyArn", params.PolicyArn); m != nil {
		return nil, missing(op, m...)
	}
	return call[DisassociateAccessPolicyOutput](ctx, c, request{op: op, method: http.MethodDelete,
		path: entryPath(params.ClusterName, params.PrincipalArn) + "/access-policies/" + label(*params.PolicyArn)}, optFns)
}

// ListAssociatedAccessPolicies returns one page of an entry's policies.
func (c *Client) ListAssociatedAccessPolicies(ctx context.Context, params *ListAssociatedAccessPoliciesInput, optFns ...func(*Options)) (*ListAssociatedAccessPoliciesOutput, error) {
	const op = "ListAssociatedAccessPolicies"
	if params == nil {
		params = &ListAssociatedAccessPoliciesInput{}
	}
	if m := required("ClusterName", params.ClusterName, "PrincipalArn", params.PrincipalArn); m != nil {
		return nil, missing(op, m...)
	}
	return call[ListAssociatedAccessPoliciesOutput](ctx, c, request{op: op, method: http.MethodGet,
		path:  entryPath(params.ClusterName, params.PrincipalArn) + "/access-policies",
		query: pageQuery(params.MaxResults, params.NextToken)}, optFns)
}

// UpdateClusterConfig changes a cluster's configuration; of the SDK's
// settings only accessConfig (the authentication mode) and
// deletionProtection are carried.
func (c *Client) UpdateClusterConfig(ctx context.Context, params *UpdateClusterConfigInput, optFns ...func(*Options)) (*UpdateClusterConfigOutput, error) {
	const op = "UpdateClusterConfig"
	if params == nil {
		params = &UpdateClusterConfigInput{}
	}
	if m := required("Name", params.Name); m != nil {
		return nil, missing(op, m...)
	}
	body := struct {
		AccessConfig       *types.UpdateAccessConfigRequest `json:"accessConfig,omitempty"`
		ClientRequestToken *string                          `json:"clientRequestToken,omitempty"`
		DeletionProtection *bool                            `json:"deletionProtection,omitempty"`
	}{params.AccessConfig, params.ClientRequestToken, params.DeletionProtection}
	return call[UpdateClusterConfigOutput](ctx, c, request{op: op, method: http.MethodPost,
		path: "/clusters/" + label(*params.Name) + "/update-config", body: body}, optFns)
}

func entryPath(cluster, principal *string) string {
	return "/clusters/" + label(*cluster) + "/access-entries/" + label(*principal)
}

// nilIfNil turns a typed nil pointer into an untyped nil for required.
func nilIfNil[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}

// call sends r and decodes the response into a new T; on error the output
// is nil, as with the SDK.
func call[T any](ctx context.Context, c *Client, r request, optFns []func(*Options)) (*T, error) {
	out := new(T)
	if err := c.invoke(ctx, r, out, optFns); err != nil {
		return nil, err
	}
	return out, nil
}
