// Package accessentry reads an EKS access entry as the admin commands and
// admin migrate show it: the entry, and its access policies by short name.
package accessentry

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/eks-login/eks-login/pkg/awserr"
)

// Reader is the part of EKS Read calls; *eks.Client is one.
type Reader interface {
	DescribeAccessEntry(context.Context, *eks.DescribeAccessEntryInput, ...func(*eks.Options)) (*eks.DescribeAccessEntryOutput, error)
	ListAssociatedAccessPolicies(context.Context, *eks.ListAssociatedAccessPoliciesInput, ...func(*eks.Options)) (*eks.ListAssociatedAccessPoliciesOutput, error)
}

// Read is principal's access entry on cluster with its access policies
// (PolicyName). Its errors say what failed and wrap EKS's: a
// *ekstypes.ResourceNotFoundException when there is no such entry.
func Read(ctx context.Context, api Reader, cluster, principal string) (*ekstypes.AccessEntry, []string, error) {
	out, err := api.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(principal)})
	if err != nil {
		return nil, nil, awserr.Explain(err, "cannot read the access entry of "+principal+" (eks:DescribeAccessEntry)")
	}
	pol, err := api.ListAssociatedAccessPolicies(ctx, &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(principal)})
	if err != nil {
		return nil, nil, awserr.Explain(err, "cannot list the access policies of "+principal+" (eks:ListAssociatedAccessPolicies)")
	}
	var policies []string
	for _, ap := range pol.AssociatedAccessPolicies {
		policies = append(policies, PolicyName(ap))
	}
	return out.AccessEntry, policies, nil
}

// PolicyName is an association as plans and listings show it: the policy's
// name, with its namespaces when it is scoped to some.
func PolicyName(ap ekstypes.AssociatedAccessPolicy) string {
	arn := aws.ToString(ap.PolicyArn)
	name := arn[strings.LastIndex(arn, "/")+1:]
	if ap.AccessScope != nil && ap.AccessScope.Type == ekstypes.AccessScopeTypeNamespace {
		return name + "(" + strings.Join(ap.AccessScope.Namespaces, ",") + ")"
	}
	return name
}
