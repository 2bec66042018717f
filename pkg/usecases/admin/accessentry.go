package admin

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/plan"
)

// accessEntry is the one access entry of a principal on a cluster.
type accessEntry struct {
	eks       EKSAPI
	cluster   string
	principal string
}

func (e accessEntry) title() string {
	return fmt.Sprintf("EKS access entry %s on cluster %s", e.principal, e.cluster)
}

func (e accessEntry) diffName() string { return "access-entry/" + e.principal }

// describe reads the entry; nil when there is none.
func (e accessEntry) describe(ctx context.Context) (*ekstypes.AccessEntry, error) {
	cur, err := e.eks.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String(e.cluster), PrincipalArn: aws.String(e.principal)})
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, awserr.Explain(err, "cannot read the "+e.title()+" (eks:DescribeAccessEntry)")
	}
	return cur.AccessEntry, nil
}

// readAccessEntry reads principal's entry on cluster c; nil when there is
// none.
func (a *Admin) readAccessEntry(ctx context.Context, principal string, c *clusterInfo) (accessEntry, *ekstypes.AccessEntry, error) {
	ek, err := a.eksClient(ctx, c.Region)
	if err != nil {
		return accessEntry{}, nil, err
	}
	e := accessEntry{eks: ek, cluster: c.Name, principal: principal}
	cur, err := e.describe(ctx)
	return e, cur, err
}

// entryView is an access entry as diffs show it.
func entryView(principal, username string, groups []string) map[string]any {
	v := map[string]any{"principalArn": principal, "username": username}
	if len(groups) > 0 {
		v["kubernetesGroups"] = groups
	}
	return v
}

// accessEntryPlan plans an access entry with the username and groups, and
// the access policy association when one is asked for.
func (a *Admin) accessEntryPlan(ctx context.Context, s MapSpec, c *clusterInfo) (*plan.Plan, error) {
	e, cur, err := a.readAccessEntry(ctx, s.Principal(), c)
	if err != nil {
		return nil, err
	}
	step, err := e.entryStep(cur, s)
	if err != nil {
		return nil, err
	}
	p := &plan.Plan{Steps: []*plan.Step{step}}
	if s.AccessPolicy == "" {
		return p, nil
	}
	step, err = e.policyStep(ctx, cur != nil, s)
	if err != nil {
		return nil, err
	}
	p.Add(step)
	return p, nil
}

// entryStep plans creating the entry, keeping it, or bringing its username
// and groups to those wanted; a node's entry (type EC2_LINUX and the like)
// changes only with force.
func (e accessEntry) entryStep(cur *ekstypes.AccessEntry, s MapSpec) (*plan.Step, error) {
	want := entryView(e.principal, s.Username, s.Groups)
	if cur == nil {
		return &plan.Step{Verb: plan.Create, Object: e.title(), Diff: fileplan.ObjectDiff(e.diffName(), nil, want),
			Apply: func(ctx context.Context) error {
				_, err := e.eks.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: aws.String(e.cluster), PrincipalArn: aws.String(e.principal),
					Username: aws.String(s.Username), KubernetesGroups: s.Groups, Tags: map[string]string{CreatedByTag: createdByValue}})
				return awserr.Explain(err, "cannot create the "+e.title()+" (eks:CreateAccessEntry, eks:TagResource)")
			}}, nil
	}
	if t := aws.ToString(cur.Type); t != "" && t != "STANDARD" && !s.Force {
		return nil, exitcode.Errorf(exitcode.Conflict, "the %s is of type %s (nodes use it); refusing to change it without --force", e.title(), t)
	}
	if aws.ToString(cur.Username) == s.Username && slices.Equal(cur.KubernetesGroups, s.Groups) {
		return &plan.Step{Verb: plan.Keep, Object: e.title(), Note: "username and groups as wanted"}, nil
	}
	groups := s.Groups
	if groups == nil {
		groups = []string{} // an empty list clears them; nil would keep them
	}
	return &plan.Step{Verb: plan.Update, Object: e.title(), Diff: fileplan.ObjectDiff(e.diffName(), entryView(e.principal, aws.ToString(cur.Username), cur.KubernetesGroups), want),
		Apply: func(ctx context.Context) error {
			_, err := e.eks.UpdateAccessEntry(ctx, &eks.UpdateAccessEntryInput{ClusterName: aws.String(e.cluster), PrincipalArn: aws.String(e.principal),
				Username: aws.String(s.Username), KubernetesGroups: groups})
			return awserr.Explain(err, "cannot update the "+e.title()+" (eks:UpdateAccessEntry)")
		}}, nil
}

func scopeView(policy string, s *ekstypes.AccessScope) map[string]any {
	scope := map[string]any{"type": string(s.Type)}
	if len(s.Namespaces) > 0 {
		scope["namespaces"] = s.Namespaces
	}
	return map[string]any{"policyArn": policy, "accessScope": scope}
}

// policyStep plans the access policy's association with the scope wanted:
// cluster-wide, or the namespaces given.
func (e accessEntry) policyStep(ctx context.Context, exists bool, s MapSpec) (*plan.Step, error) {
	policy, name := accessPolicyARN(s.AccessPolicy), AccessPolicies[s.AccessPolicy]
	scope := &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}
	if len(s.Namespaces) > 0 {
		scope = &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeNamespace, Namespaces: s.Namespaces}
	}
	object := fmt.Sprintf("access policy %s for %s", name, e.principal)
	var have any
	if exists {
		cur, err := e.associated(ctx, policy)
		if err != nil {
			return nil, err
		}
		if cur != nil && cur.Type == scope.Type && slices.Equal(cur.Namespaces, scope.Namespaces) {
			return &plan.Step{Verb: plan.Keep, Object: object, Note: "associated with this scope"}, nil
		}
		if cur != nil {
			have = scopeView(policy, cur)
		}
	}
	verb := plan.Create
	if have != nil {
		verb = plan.Update
	}
	return &plan.Step{Verb: verb, Object: object, Diff: fileplan.ObjectDiff("access-policy/"+name, have, scopeView(policy, scope)),
		Apply: func(ctx context.Context) error {
			_, err := e.eks.AssociateAccessPolicy(ctx, &eks.AssociateAccessPolicyInput{ClusterName: aws.String(e.cluster), PrincipalArn: aws.String(e.principal),
				PolicyArn: aws.String(policy), AccessScope: scope})
			return awserr.Explain(err, "cannot associate "+object+" (eks:AssociateAccessPolicy)")
		}}, nil
}

// associated is the scope policy is associated with on the entry; nil when
// it is not.
func (e accessEntry) associated(ctx context.Context, policy string) (*ekstypes.AccessScope, error) {
	list, err := e.eks.ListAssociatedAccessPolicies(ctx, &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String(e.cluster), PrincipalArn: aws.String(e.principal)})
	if err != nil {
		return nil, awserr.Explain(err, "cannot list the access policies of the "+e.title()+" (eks:ListAssociatedAccessPolicies)")
	}
	for _, p := range list.AssociatedAccessPolicies {
		if aws.ToString(p.PolicyArn) == policy && p.AccessScope != nil {
			return p.AccessScope, nil
		}
	}
	return nil, nil
}

// protectedEntry tells whether an access entry lets nodes or cluster admins
// in: a node type, a node's username, or a protected group.
func protectedEntry(e *ekstypes.AccessEntry) bool {
	if t := aws.ToString(e.Type); t != "" && t != "STANDARD" || strings.HasPrefix(aws.ToString(e.Username), "system:node:") {
		return true
	}
	return slices.ContainsFunc(e.KubernetesGroups, func(g string) bool { return slices.Contains(awsauth.ProtectedGroups, g) })
}

func (a *Admin) deleteAccessEntryStep(ctx context.Context, s MapSpec, c *clusterInfo) (*plan.Step, error) {
	e, cur, err := a.readAccessEntry(ctx, s.Principal(), c)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return &plan.Step{Verb: plan.Keep, Object: e.title(), Note: "absent: nothing to remove"}, nil
	}
	if protectedEntry(cur) && !s.Force {
		return nil, exitcode.Errorf(exitcode.Conflict, "the %s lets nodes or cluster admins in (type %s, username %s); refusing to remove it without --force", e.title(), aws.ToString(cur.Type), aws.ToString(cur.Username))
	}
	return e.deleteStep(cur, "with its access policies"), nil
}

// deleteStep plans deleting the entry read as cur.
func (e accessEntry) deleteStep(cur *ekstypes.AccessEntry, note string) *plan.Step {
	return &plan.Step{Verb: plan.Delete, Object: e.title(), Note: note,
		Diff: fileplan.ObjectDiff(e.diffName(), entryView(e.principal, aws.ToString(cur.Username), cur.KubernetesGroups), nil),
		Apply: func(ctx context.Context) error {
			_, err := e.eks.DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{ClusterName: aws.String(e.cluster), PrincipalArn: aws.String(e.principal)})
			if isNotFound(err) {
				return nil
			}
			return awserr.Explain(err, "cannot delete the "+e.title()+" (eks:DeleteAccessEntry)")
		}}
}
