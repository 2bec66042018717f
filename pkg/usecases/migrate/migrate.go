// Package migrate moves an EKS cluster from the kube-system/aws-auth
// ConfigMap to EKS access entries, the way the EKS User Guide describes it
// ("Migrating existing aws-auth ConfigMap entries to access entries") but
// with every step planned first and proven after:
//
//   - the plan (Build) turns every mapRoles and mapUsers entry into the
//     access entry that gives the same identity, or says why none can
//     (Convert), reads each role's real ARN with its path from IAM, and
//     compares the access entries that exist;
//   - Run applies that plan in EKS's order: CONFIG_MAP to API_AND_CONFIG_MAP,
//     the entries (tagged, so Rollback finds exactly those), a check of each
//     identity through the cluster, then, when asked, the cleanup of the
//     migrated aws-auth mappings and the one-way switch to API.
//
// A run that fails half way leaves a state a second run finishes: entries
// that exist as planned are "already done". It has no flags and no terminal:
// the command (plugin/admin/migrate) parses flags and prints.
package migrate

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/eks-login/eks-login/pkg/awsauth"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
)

// The tag migrate puts on the access entries it creates; Rollback deletes
// the entries that carry it, and only those.
const (
	CreatedByTag   = "eks-login:created-by"
	CreatedByValue = "migrate"
)

// The cluster's authentication modes, in the only order EKS moves them.
const (
	ModeConfigMap = "CONFIG_MAP"
	ModeBoth      = "API_AND_CONFIG_MAP"
	ModeAPI       = "API"
)

// checkSession names the role sessions whose tokens check identities: it is
// what {{SessionName}} becomes in those checks.
const checkSession = "eks-login-migrate"

// EKSAPI is the part of EKS migrate calls; *eks.Client is one.
type EKSAPI interface {
	DescribeCluster(context.Context, *eks.DescribeClusterInput, ...func(*eks.Options)) (*eks.DescribeClusterOutput, error)
	UpdateClusterConfig(context.Context, *eks.UpdateClusterConfigInput, ...func(*eks.Options)) (*eks.UpdateClusterConfigOutput, error)
	DescribeUpdate(context.Context, *eks.DescribeUpdateInput, ...func(*eks.Options)) (*eks.DescribeUpdateOutput, error)
	ListAccessEntries(context.Context, *eks.ListAccessEntriesInput, ...func(*eks.Options)) (*eks.ListAccessEntriesOutput, error)
	DescribeAccessEntry(context.Context, *eks.DescribeAccessEntryInput, ...func(*eks.Options)) (*eks.DescribeAccessEntryOutput, error)
	CreateAccessEntry(context.Context, *eks.CreateAccessEntryInput, ...func(*eks.Options)) (*eks.CreateAccessEntryOutput, error)
	UpdateAccessEntry(context.Context, *eks.UpdateAccessEntryInput, ...func(*eks.Options)) (*eks.UpdateAccessEntryOutput, error)
	DeleteAccessEntry(context.Context, *eks.DeleteAccessEntryInput, ...func(*eks.Options)) (*eks.DeleteAccessEntryOutput, error)
	AssociateAccessPolicy(context.Context, *eks.AssociateAccessPolicyInput, ...func(*eks.Options)) (*eks.AssociateAccessPolicyOutput, error)
	DisassociateAccessPolicy(context.Context, *eks.DisassociateAccessPolicyInput, ...func(*eks.Options)) (*eks.DisassociateAccessPolicyOutput, error)
	ListAssociatedAccessPolicies(context.Context, *eks.ListAssociatedAccessPoliciesInput, ...func(*eks.Options)) (*eks.ListAssociatedAccessPoliciesOutput, error)
}

// IAMAPI reads the principals aws-auth names; *iam.Client is one.
type IAMAPI interface {
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	GetUser(context.Context, *iam.GetUserInput, ...func(*iam.Options)) (*iam.GetUserOutput, error)
}

// STSAPI tells whose credentials these are, and assumes the roles whose
// identities the checks ask the cluster about; *sts.Client is one.
type STSAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	AssumeRole(context.Context, *sts.AssumeRoleInput, ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

// Identifier asks the API server who its bearer token is and what it may
// do; *kube.Client is one.
type Identifier interface {
	WhoAmI(context.Context) (*authenticationv1.UserInfo, error)
	CanI(context.Context, authorizationv1.ResourceAttributes) (bool, error)
}

// Deps are what migrate talks to.
type Deps struct {
	EKS  EKSAPI
	IAM  IAMAPI
	STS  STSAPI
	Kube awsauth.Client
	// AsToken reaches the cluster's API server with a bearer token, as the
	// kubeconfig's cluster entry does (server, CA, proxy), without its user.
	AsToken func(bearer string) (Identifier, error)
	// Confirm asks a person to confirm the switch to API for the cluster; nil
	// when no one can be asked.
	Confirm func(cluster string) (bool, error)
	// Log receives a line for each change as it is made.
	Log io.Writer
	// Poll is the pause between reads of an update in progress or of an
	// identity the cluster has not taken up yet (EKS is eventually
	// consistent); zero means ten seconds. Attempts bounds the identity
	// reads; zero means 18 (three minutes at ten seconds).
	Poll     time.Duration
	Attempts int
	// Now is the clock tokens are signed with; nil means time.Now.
	Now func() time.Time
	// Wait pauses for d or until ctx ends; nil means a timer.
	Wait func(ctx context.Context, d time.Duration) error
}

func (d *Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Deps) poll() time.Duration {
	if d.Poll > 0 {
		return d.Poll
	}
	return 10 * time.Second
}

func (d *Deps) attempts() int {
	if d.Attempts > 0 {
		return d.Attempts
	}
	return 18
}

func (d *Deps) wait(ctx context.Context) error {
	if d.Wait != nil {
		return d.Wait(ctx, d.poll())
	}
	t := time.NewTimer(d.poll())
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (d *Deps) logf(format string, args ...any) {
	if d.Log != nil {
		fmt.Fprintf(d.Log, format+"\n", args...)
	}
}

// Request is what a migration is asked to do.
type Request struct {
	Cluster string
	// ToAPI switches the cluster to API once every check passed.
	ToAPI bool
	// Force lets migrate make differing access entries equal aws-auth's
	// mapping, and switch to API although some mappings were not migrated.
	Force bool
	// Cleanup removes the migrated mappings from aws-auth once every check
	// passed.
	Cleanup bool
}
