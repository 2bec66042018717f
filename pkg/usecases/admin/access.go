package admin

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eks-login/eks-login/pkg/accessfile"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/names"
	"github.com/eks-login/eks-login/pkg/plan"
)

// Access as code (issue 15): apply, diff and export of an access file. The
// plan has two layers, IAM first (global to the account) and then each
// cluster of the file, which are planned and applied in parallel since
// nothing on one cluster depends on another.

// AccessSpec says what apply and diff work on.
type AccessSpec struct {
	File *accessfile.File
	// Only restricts the clusters to the one a name or ARN gives; IAM is
	// planned whole, being one for the account.
	Only string
	// Kubeconfig and Context reach the one cluster Only names, instead of
	// the file's context or the one named after the cluster.
	Kubeconfig, Context string
	// Prune deletes what eks-login created and the file no longer declares.
	Prune bool
	// Parallel bounds how many clusters are worked on at once; 0 means 4.
	Parallel int
}

// AccessPlan is the plan of an access file: IAM, then each cluster.
type AccessPlan struct {
	Account  string
	IAM      *plan.Plan
	Clusters []*ClusterPlan
}

// ClusterPlan is the plan of one cluster, or why it could not be made.
type ClusterPlan struct {
	Name, Region, ARN string
	Context           string
	// Mapping is where roles are mapped: aws-auth or access-entry.
	Mapping string
	Plan    *plan.Plan
	// Unmanaged are the mappings on the cluster that the file does not
	// declare and eks-login did not make: never pruned, shown as drift.
	Unmanaged []string
	Err       error

	// Done counts the steps applied; ApplyErr is the failure that stopped
	// the cluster's apply.
	Done     int
	ApplyErr error
}

// Changes reports whether applying would change anything, anywhere.
func (p *AccessPlan) Changes() bool {
	if p.IAM.Changes() {
		return true
	}
	return slices.ContainsFunc(p.Clusters, func(c *ClusterPlan) bool { return c.Plan != nil && c.Plan.Changes() })
}

// Drift reports whether the world differs from the file: a change to plan,
// an unmanaged mapping, or a cluster that could not be read.
func (p *AccessPlan) Drift() bool {
	return p.Changes() || slices.ContainsFunc(p.Clusters, func(c *ClusterPlan) bool { return len(c.Unmanaged) > 0 })
}

// PlanAccess reads IAM and every cluster of the file and plans what makes
// them as the file declares. A cluster that cannot be read gets its Err and
// the others are planned all the same.
func (a *Admin) PlanAccess(ctx context.Context, s AccessSpec) (*AccessPlan, error) {
	clusters, err := s.clusters()
	if err != nil {
		return nil, err
	}
	env, err := a.accountEnv(ctx)
	if err != nil {
		return nil, err
	}
	if err := env.checkAccount(s.File); err != nil {
		return nil, err
	}
	want := newDesired(s.File, env, clusters)
	iamPlan, err := env.planTeams(ctx, want, s.Prune)
	if err != nil {
		return nil, err
	}
	out := &AccessPlan{Account: env.account, IAM: iamPlan}
	for _, c := range clusters {
		out.Clusters = append(out.Clusters, &ClusterPlan{Name: c.Name, Region: c.Region, ARN: want.clusterARN(c)})
	}
	forEach(len(clusters), s.Parallel, func(i int) {
		a.planCluster(ctx, s, want, clusters[i], out.Clusters[i])
	})
	return out, nil
}

// clusters are the file's clusters the run works on.
func (s AccessSpec) clusters() ([]accessfile.Cluster, error) {
	if s.Only == "" {
		if s.Context != "" && len(s.File.Clusters) > 1 {
			return nil, exitcode.Errorf(exitcode.Usage, "--context reaches one cluster, and %s has %d; name it with --cluster", s.File.Path, len(s.File.Clusters))
		}
		return s.File.Clusters, nil
	}
	c, ok := s.File.Cluster(s.Only)
	if !ok {
		return nil, exitcode.Errorf(exitcode.Usage, "--cluster %q is not a cluster of %s (or names clusters in several regions: give its ARN)", s.Only, s.File.Path)
	}
	return []accessfile.Cluster{c}, nil
}

// accountEnv is the IAM environment of the caller's account: apply works in
// the account the credentials belong to.
func (a *Admin) accountEnv(ctx context.Context) (*iamEnv, error) {
	st, err := a.stsClient(ctx)
	if err != nil {
		return nil, err
	}
	who, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, awserr.Explain(err, "cannot tell which AWS account the credentials belong to (sts:GetCallerIdentity)")
	}
	im, err := a.iamClient(ctx)
	if err != nil {
		return nil, err
	}
	partition := "aws"
	if p := strings.SplitN(aws.ToString(who.Arn), ":", 3); len(p) == 3 {
		partition = p[1]
	}
	return &iamEnv{iam: im, account: aws.ToString(who.Account), partition: partition, lockDir: a.lockDir()}, nil
}

// checkAccount refuses a file that gives a cluster by the ARN of another
// account or partition than the credentials': apply would describe, grant
// and map the cluster of the same name in the credentials' account.
func (env *iamEnv) checkAccount(f *accessfile.File) error {
	for i, c := range f.Clusters {
		arn, err := names.ParseClusterARN("the arn", c.ARN)
		if c.ARN == "" || err == nil && arn.Account == env.account && arn.Partition == env.partition {
			continue
		}
		return exitcode.WithCode(exitcode.Usage, &accessfile.Error{Path: f.Path, Field: fmt.Sprintf("clusters[%d].arn", i),
			Msg: fmt.Sprintf("%s is a cluster of account %s in partition %s, but the credentials are of account %s in partition %s; apply and diff work in the account of the credentials, so run them with credentials of that account", c.ARN, arn.Account, arn.Partition, env.account, env.partition)})
	}
	return nil
}

// planCluster fills cp with the plan of cluster c: its mappings, then its
// bindings.
func (a *Admin) planCluster(ctx context.Context, s AccessSpec, want *desired, c accessfile.Cluster, cp *ClusterPlan) {
	t, err := a.target(ctx, s, c)
	if err != nil {
		cp.Err = err
		return
	}
	cp.Context, cp.ARN, cp.Mapping = t.context, t.info.ARN, t.mapping()
	p, unmanaged, err := t.plan(ctx, want.onCluster(c), s.Prune)
	cp.Plan, cp.Unmanaged, cp.Err = p, unmanaged, err
}

// target is one cluster of the file with its clients: the API server
// through its kubeconfig context, EKS in its region.
type target struct {
	*Admin
	decl    accessfile.Cluster
	info    *clusterInfo
	context string
}

func (t *target) mapping() string {
	if t.useAccessEntries() {
		return accessfile.MappingAccessEntry
	}
	return accessfile.MappingAWSAuth
}

// useAccessEntries: the file's mapping mode, with auto deciding by the
// cluster's authentication mode.
func (t *target) useAccessEntries() bool {
	switch t.decl.Mapping {
	case accessfile.MappingAccessEntry:
		return true
	case accessfile.MappingAWSAuth:
		return false
	}
	return t.info.hasAccessEntries()
}

// target builds the clients of cluster c and describes it.
func (a *Admin) target(ctx context.Context, s AccessSpec, c accessfile.Cluster) (*target, error) {
	kubeconfig, context := a.Source.Kubeconfig, c.Context
	if s.Context != "" || s.Kubeconfig != "" {
		kubeconfig, context = s.Kubeconfig, s.Context
	}
	context, err := a.pickContext(kubeconfig, context, c)
	if err != nil {
		return nil, err
	}
	child := &Admin{Source: a.Source, IAM: a.IAM, STS: a.STS, Notes: a.Notes, awsCfg: a.awsCfg, KubeContexts: a.KubeContexts}
	child.Source.Kubeconfig, child.Source.Context, child.Source.Region = kubeconfig, context, c.Region
	child.Kube = a.KubeContexts[context]
	if err := child.checkContextCluster(c); err != nil {
		return nil, err
	}
	if child.EKS, err = a.regionalEKS(ctx, c.Region); err != nil {
		return nil, err
	}
	info, err := child.describeCluster(ctx, c.Name, c.Region)
	if err != nil {
		return nil, err
	}
	if c.Mapping == accessfile.MappingAccessEntry && !info.hasAccessEntries() {
		return nil, exitcode.Errorf(exitcode.Usage, "cluster %s uses authentication mode %s, which has no access entries; switch it with 'aws eks update-cluster-config --name %s --access-config authenticationMode=API_AND_CONFIG_MAP', or set mapping: aws-auth", c.Name, info.AuthMode, c.Name)
	}
	return &target{Admin: child, decl: c, info: info, context: context}, nil
}

// checkContextCluster refuses a context that names another EKS cluster
// than c (its exec entry's --cluster-name and --region, or its cluster
// entry's ARN): the file's mappings and bindings would go to that one. A
// context that does not say is taken as given.
func (a *Admin) checkContextCluster(c accessfile.Cluster) error {
	if a.Kube != nil {
		return nil // tests: the client is given, with no kubeconfig
	}
	name, region := a.clusterFromKubeconfig()
	if name == "" || name == c.Name && (region == "" || region == c.Region) {
		return nil
	}
	return exitcode.Errorf(exitcode.Usage, "the kubeconfig context %s reaches EKS cluster %s in %s, not %s in %s; set context: for the cluster in the access file, or pass --context", a.Source.Context, name, orUnknown(region), c.Name, c.Region)
}

func orUnknown(s string) string {
	if s == "" {
		return "a region it does not say"
	}
	return s
}

// pickContext is the kubeconfig context of cluster c: the one given, else
// the one named after the cluster, else after its ARN (as login and aws eks
// update-kubeconfig name them).
func (a *Admin) pickContext(kubeconfig, given string, c accessfile.Cluster) (string, error) {
	if given != "" {
		return given, nil
	}
	if a.KubeContexts != nil {
		return c.Name, nil // tests: one client per cluster name
	}
	names, err := kube.Contexts(kube.Source{Kubeconfig: kubeconfig, Getenv: a.env})
	if err != nil {
		return "", exitcode.WithCode(exitcode.Input, err)
	}
	for _, n := range names {
		if n == c.Name || c.ARN != "" && n == c.ARN || strings.HasPrefix(n, "arn:") && strings.HasSuffix(n, ":cluster/"+c.Name) && strings.Contains(n, ":"+c.Region+":") {
			return n, nil
		}
	}
	return "", exitcode.Errorf(exitcode.Input, "no kubeconfig context is named %s or after its ARN; log in to it ('kubectl eks-login --cluster %s'), or set context: for it in the access file", c.Name, c.Name)
}

// regionalEKS is an EKS client of region: the one given (tests), or one
// from the AWS configuration.
func (a *Admin) regionalEKS(ctx context.Context, region string) (EKSAPI, error) {
	if a.EKS != nil {
		return a.EKS, nil
	}
	cfg, err := a.aws(ctx)
	if err != nil {
		return nil, err
	}
	return eks.NewFromConfig(cfg, func(o *eks.Options) { o.Region = region }), nil
}

// forEach runs f for 0..n-1 with at most limit at once (0 means 4).
func forEach(n, limit int, f func(int)) {
	if limit <= 0 {
		limit = 4
	}
	sem := make(chan struct{}, limit)
	done := make(chan struct{})
	for i := 0; i < n; i++ {
		go func(i int) {
			sem <- struct{}{}
			defer func() { <-sem; done <- struct{}{} }()
			f(i)
		}(i)
	}
	for i := 0; i < n; i++ {
		<-done
	}
}

func (cp *ClusterPlan) title() string {
	if cp.Context == "" || cp.Context == cp.Name {
		return fmt.Sprintf("cluster %s (%s)", cp.Name, cp.Region)
	}
	return fmt.Sprintf("cluster %s (%s, context %s)", cp.Name, cp.Region, cp.Context)
}
