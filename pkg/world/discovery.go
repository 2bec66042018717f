package world

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
)

// The world's side of discovery across regions and accounts (issue 16):
// EKS in every region the local AWS knows, the Account Management API's
// ListRegions, and IAM Identity Center assigning a user permission sets in
// several accounts.

// EKSRegions are the regions of the aws partition whose EKS endpoint
// (eks.REGION.amazonaws.com) the world answers: every one moto has EKS in.
// Newer regions (me-west-1, sa-west-1) are left out, so their host names do
// not resolve in the world, as an endpoint of a service not offered there.
var EKSRegions = []string{
	"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
	"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1",
	"eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
	"il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2",
	"us-west-1", "us-west-2",
}

// discoveryHostNames are the host names discovery needs beyond the
// per-region services of worldRegions: EKS in every region, and the Account
// Management API, which the aws partition serves from us-east-1 alone.
func discoveryHostNames() []string {
	names := []string{"account.us-east-1.amazonaws.com"}
	for _, r := range EKSRegions {
		if !slices.Contains(worldRegions, r) {
			names = append(names, "eks."+r+".amazonaws.com")
		}
	}
	return names
}

// AddCluster makes an EKS cluster in the account (empty: the world's) and
// region that DescribeCluster answers with the world's API server and CA.
// Every such cluster shares the one API server under its own name and ARN:
// enough for discovery, which reads what DescribeCluster says, and for
// kubectl, which reaches the same server through each context. (Tokens
// carry the cluster name in x-k8s-aws-id; the world's aws-iam-authenticator
// accepts ClusterName's alone.) It returns the cluster's ARN.
func (w *World) AddCluster(ctx context.Context, account, region, name string) (string, error) {
	return w.AWS.SetClusterARN(ctx, ClusterOverride{
		Account: account, Region: region, Name: name,
		Endpoint: w.APIServerURL, CAData: string(w.CAData), AuthenticationMode: "API_AND_CONFIG_MAP",
	})
}

// SetClusterARN is SetCluster that also returns the cluster's ARN.
func (a *LocalAWS) SetClusterARN(ctx context.Context, c ClusterOverride) (string, error) {
	var out struct {
		ARN string `json:"arn"`
	}
	if strings.HasPrefix(strings.TrimSpace(c.CAData), "-----BEGIN") {
		c.CAData = base64.StdEncoding.EncodeToString([]byte(c.CAData))
	}
	body, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	err = a.call(ctx, http.MethodPost, "/cluster", "application/json", body, &out)
	return out.ARN, err
}

// SSOAccount is an account IAM Identity Center assigns a user, with the
// names of the permission sets (or roles) the user may take there.
type SSOAccount struct {
	ID string `json:"accountId"`
	// Name and Email are what ListAccounts shows; empty ones get defaults.
	Name  string   `json:"accountName,omitempty"`
	Email string   `json:"emailAddress,omitempty"`
	Roles []string `json:"roles"`
}

// PermissionSet is an IAM Identity Center permission set provisioned into
// an account: an IAM role AWSReservedSSO_<Name>_<suffix> under the path
// /aws-reserved/sso.amazonaws.com/ (and Region/ when Region is not
// us-east-1), trusting the account's Identity Center SAML provider, with
// InlinePolicy as its inline policy AwsSSOInlinePolicy.
type PermissionSet struct {
	// Account defaults to the world's.
	Account string `json:"account,omitempty"`
	Name    string `json:"name"`
	// Region is the Identity Center instance's; empty means us-east-1.
	Region       string `json:"region,omitempty"`
	InlinePolicy string `json:"inlinePolicy,omitempty"`
}

// ProvisionedRole is the role a permission set became in an account.
type ProvisionedRole struct {
	RoleName string `json:"roleName"`
	RoleARN  string `json:"roleArn"`
	Path     string `json:"path"`
}

// SetPermissionSet provisions a permission set into its account (or
// replaces the inline policy of one provisioned before). GetRoleCredentials
// with the permission set's name as role name then gives a session of its
// role, in that account.
func (a *LocalAWS) SetPermissionSet(ctx context.Context, ps PermissionSet) (ProvisionedRole, error) {
	var out ProvisionedRole
	if ps.Name == "" {
		return out, errors.New("localaws: a permission set needs a Name")
	}
	body, err := json.Marshal(ps)
	if err != nil {
		return out, err
	}
	err = a.call(ctx, http.MethodPost, "/permission-set", "application/json", body, &out)
	return out, err
}

// SetRegionOptStatus sets an opt-in region's status for an account (empty:
// the world's) as ListRegions reports it: ENABLED, ENABLING, DISABLING or
// DISABLED (the default). Regions enabled by default cannot change.
func (a *LocalAWS) SetRegionOptStatus(ctx context.Context, account, region, status string) error {
	body, err := json.Marshal(map[string]string{"account": account, "region": region, "status": status})
	if err != nil {
		return err
	}
	return a.call(ctx, http.MethodPost, "/region-opt-status", "application/json", body, nil)
}
