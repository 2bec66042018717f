// Package discovery finds every EKS cluster a set of AWS credentials can
// see: in the regions given or else every region enabled for the account,
// listing (eks:ListClusters) and describing (eks:DescribeCluster) in
// parallel with a bounded number of calls in flight. Regions and clusters
// the credentials are denied come back as data, never as a failure. The
// SSO walk (WalkSSO) does the same for every account and role an IAM
// Identity Center sign-in may use. It is the use case under
// `kubectl eks-login --all` and `--sso-session` (issue 16).
package discovery

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/eks"
)

// DefaultParallel bounds the AWS calls in flight when Options.Parallel is 0.
const DefaultParallel = 16

// Cluster is an EKS cluster found and described.
type Cluster struct {
	Name, Region, Account, ARN string
	Endpoint                   string
	// CAData is the cluster CA as DescribeCluster gives it: base64 of PEM.
	CAData string
	// AuthMode is CONFIG_MAP, API_AND_CONFIG_MAP or API.
	AuthMode        string
	Status, Version string
	// Role and AccountName say through which role (and, in the SSO walk,
	// which account's display name) the cluster was found.
	Role, AccountName string
}

// Options configure Discover.
type Options struct {
	// Regions to search; empty means every region enabled for the account
	// (see Regions).
	Regions []string
	// Parallel bounds the calls in flight; 0 means DefaultParallel.
	Parallel int
	// Progress, if set, is called after each region is listed and each
	// cluster described, one call at a time. It must return quickly.
	Progress func(Progress)
	// Role and AccountName are copied into every Cluster found, Account
	// into every Problem (clusters take theirs from their ARN).
	Role, Account, AccountName string
}

// Progress counts the work done: regions listed and clusters described, out
// of the regions searched and the clusters found so far.
type Progress struct {
	RegionsDone, Regions   int
	ClustersDone, Clusters int
}

// Result is what Discover found.
type Result struct {
	// Clusters in order of account, region and name.
	Clusters []Cluster
	// Problems are the regions and clusters that were skipped, in the same order.
	Problems []Problem
	// Regions are the regions searched; RegionSource says where that list
	// came from, RegionsErr why account:ListRegions was not used.
	Regions      []string
	RegionSource RegionSource
	RegionsErr   error
}

// Discover lists and describes the clusters cfg's credentials can see. It
// fails only when the credentials themselves cannot be had (a signed-out
// SSO session, a refused AssumeRole) or ctx ends; anything refused in a
// region or for a cluster is a Problem in the result.
func Discover(ctx context.Context, cfg aws.Config, opts Options) (*Result, error) {
	cfg, err := withCredentials(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return newRun(opts).discover(ctx, cfg, opts)
}

// withCredentials caches cfg's credentials for the fan-out and retrieves
// them once first, so that every call shares one AssumeRole or
// GetRoleCredentials and a failure to get them is reported once, as itself.
func withCredentials(ctx context.Context, cfg aws.Config) (aws.Config, error) {
	if cfg.Credentials == nil {
		return cfg, errors.New("discovery needs AWS credentials, and the configuration has none")
	}
	if _, ok := cfg.Credentials.(*aws.CredentialsCache); !ok {
		cfg.Credentials = aws.NewCredentialsCache(cfg.Credentials)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return cfg, fmt.Errorf("get AWS credentials for discovery: %w", err)
	}
	return cfg, nil
}

// run is one discovery, or several sharing a bound on calls in flight and
// one progress count (the SSO walk).
type run struct {
	sem      chan struct{}
	mu       sync.Mutex
	progress Progress
	report   func(Progress)
}

func newRun(opts Options) *run {
	n := opts.Parallel
	if n <= 0 {
		n = DefaultParallel
	}
	return &run{sem: make(chan struct{}, n), report: opts.Progress}
}

// call runs f while holding one of the run's slots.
func (r *run) call(ctx context.Context, f func() error) error {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-r.sem }()
	return f()
}

func (r *run) count(update func(*Progress)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	update(&r.progress)
	if r.report != nil {
		r.report(r.progress)
	}
}

// found collects one discovery's clusters and problems.
type found struct {
	mu       sync.Mutex
	clusters []Cluster
	problems []Problem
}

func (f *found) add(c *Cluster, p *Problem) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c != nil {
		f.clusters = append(f.clusters, *c)
	}
	if p != nil {
		f.problems = append(f.problems, *p)
	}
}

func (r *run) discover(ctx context.Context, cfg aws.Config, opts Options) (*Result, error) {
	res := &Result{Regions: opts.Regions, RegionSource: RegionsGiven}
	if len(res.Regions) == 0 {
		if err := r.call(ctx, func() error {
			res.Regions, res.RegionSource, res.RegionsErr = Regions(ctx, cfg)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	r.count(func(p *Progress) { p.Regions += len(res.Regions) })
	var f found
	var wg sync.WaitGroup
	for _, region := range res.Regions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.region(ctx, cfg, region, opts, &f, &wg)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.Clusters, res.Problems = f.clusters, f.problems
	sortClusters(res.Clusters)
	sortProblems(res.Problems)
	return res, nil
}

// region lists a region's clusters and starts describing each as its page
// arrives.
func (r *run) region(ctx context.Context, cfg aws.Config, region string, opts Options, f *found, wg *sync.WaitGroup) {
	client := eks.NewFromConfig(cfg, func(o *eks.Options) { o.Region = region })
	pages := eks.NewListClustersPaginator(client, &eks.ListClustersInput{})
	for pages.HasMorePages() {
		var page *eks.ListClustersOutput
		err := r.call(ctx, func() (err error) {
			page, err = pages.NextPage(ctx)
			return err
		})
		if err != nil {
			f.add(nil, newProblem(err, "ListClusters", opts, region, ""))
			break
		}
		r.count(func(p *Progress) { p.Clusters += len(page.Clusters) })
		for _, name := range page.Clusters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, p := r.describe(ctx, client, region, name, opts)
				f.add(c, p)
				r.count(func(p *Progress) { p.ClustersDone++ })
			}()
		}
	}
	r.count(func(p *Progress) { p.RegionsDone++ })
}

func (r *run) describe(ctx context.Context, client *eks.Client, region, name string, opts Options) (*Cluster, *Problem) {
	var out *eks.DescribeClusterOutput
	err := r.call(ctx, func() (err error) {
		out, err = client.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
		return err
	})
	if err != nil {
		return nil, newProblem(err, "DescribeCluster", opts, region, name)
	}
	c := out.Cluster
	if c == nil {
		return nil, newProblem(errors.New("DescribeCluster answered without a cluster"), "DescribeCluster", opts, region, name)
	}
	found := &Cluster{
		Name: aws.ToString(c.Name), Region: region, ARN: aws.ToString(c.Arn), Endpoint: aws.ToString(c.Endpoint),
		Status: string(c.Status), Version: aws.ToString(c.Version), Role: opts.Role, AccountName: opts.AccountName,
	}
	if found.Name == "" {
		found.Name = name
	}
	if parsed, err := arn.Parse(found.ARN); err == nil {
		found.Account = parsed.AccountID
	}
	if c.CertificateAuthority != nil {
		found.CAData = aws.ToString(c.CertificateAuthority.Data)
	}
	if c.AccessConfig != nil {
		found.AuthMode = string(c.AccessConfig.AuthenticationMode)
	}
	return found, nil
}

func sortClusters(cs []Cluster) {
	slices.SortFunc(cs, func(a, b Cluster) int {
		return strings.Compare(a.Account+"\x00"+a.Region+"\x00"+a.Name+"\x00"+a.Role, b.Account+"\x00"+b.Region+"\x00"+b.Name+"\x00"+b.Role)
	})
}

func sortProblems(ps []Problem) {
	slices.SortFunc(ps, func(a, b Problem) int {
		return strings.Compare(a.Account+"\x00"+a.Region+"\x00"+a.Cluster+"\x00"+a.Role, b.Account+"\x00"+b.Region+"\x00"+b.Cluster+"\x00"+b.Role)
	})
}
