package discovery

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

const acct = "111122223333"

// summary renders a result for comparison: one line per cluster, then one
// per problem.
func summary(clusters []Cluster, problems []Problem) []string {
	var lines []string
	for _, c := range clusters {
		lines = append(lines, fmt.Sprintf("cluster %s %s %s %s %s", c.Account, c.Region, c.Name, c.Role, c.AuthMode))
	}
	for _, p := range problems {
		lines = append(lines, fmt.Sprintf("problem %s %s %s %s %s", p.Kind, p.Operation, p.Region, p.Cluster, p.Role))
	}
	return lines
}

func TestDiscover(t *testing.T) {
	twoRegions := map[string]map[string][]string{acct: {"us-west-2": {"b", "a"}, "eu-west-1": {"c"}}}
	for _, tt := range []struct {
		name       string
		fake       *fakeAWS
		regions    []string
		want       []string
		wantSource RegionSource
		wantCalls  map[string]int
	}{
		{
			name: "one cluster denied", regions: []string{"us-west-2", "eu-west-1"},
			fake: &fakeAWS{clusters: twoRegions, denied: map[string]bool{"DescribeCluster us-west-2/b": true}},
			want: []string{
				"cluster 111122223333 eu-west-1 c  API_AND_CONFIG_MAP",
				"cluster 111122223333 us-west-2 a  API_AND_CONFIG_MAP",
				"problem denied DescribeCluster us-west-2 b ",
			},
			wantSource: RegionsGiven,
		},
		{
			name: "one region denied", regions: []string{"us-west-2", "eu-west-1"},
			fake: &fakeAWS{clusters: twoRegions, denied: map[string]bool{"ListClusters eu-west-1": true}},
			want: []string{
				"cluster 111122223333 us-west-2 a  API_AND_CONFIG_MAP",
				"cluster 111122223333 us-west-2 b  API_AND_CONFIG_MAP",
				"problem denied ListClusters eu-west-1  ",
			},
			wantSource: RegionsGiven,
		},
		{
			name: "regions from ListRegions",
			fake: &fakeAWS{clusters: twoRegions, enabled: []string{"us-west-2", "eu-west-1"}},
			want: []string{
				"cluster 111122223333 eu-west-1 c  API_AND_CONFIG_MAP",
				"cluster 111122223333 us-west-2 a  API_AND_CONFIG_MAP",
				"cluster 111122223333 us-west-2 b  API_AND_CONFIG_MAP",
			},
			wantSource: RegionsListed,
			wantCalls:  map[string]int{"ListRegions": 1, "ListClusters us-west-2": 1, "ListClusters eu-west-1": 1},
		},
		{
			name: "ListRegions denied: the partition's regions, an opt-in one not enabled",
			fake: &fakeAWS{clusters: twoRegions, denied: map[string]bool{"ListRegions": true}, disabledRegions: map[string]bool{"af-south-1": true}},
			want: []string{
				"cluster 111122223333 eu-west-1 c  API_AND_CONFIG_MAP",
				"cluster 111122223333 us-west-2 a  API_AND_CONFIG_MAP",
				"cluster 111122223333 us-west-2 b  API_AND_CONFIG_MAP",
				"problem region disabled ListClusters af-south-1  ",
			},
			wantSource: RegionsPartition,
			wantCalls:  map[string]int{"ListRegions": 1, "ListClusters sa-west-1": 1, "ListClusters us-east-1": 1},
		},
		{
			name: "pages of two, a cluster deleted meanwhile", regions: []string{"us-west-2"},
			fake: &fakeAWS{clusters: map[string]map[string][]string{acct: {"us-west-2": {"a", "b", "c", "d", "e"}}}, pageSize: 2, gone: map[string]bool{"d": true}},
			want: []string{
				"cluster 111122223333 us-west-2 a  API_AND_CONFIG_MAP",
				"cluster 111122223333 us-west-2 b  API_AND_CONFIG_MAP",
				"cluster 111122223333 us-west-2 c  API_AND_CONFIG_MAP",
				"cluster 111122223333 us-west-2 e  API_AND_CONFIG_MAP",
				"problem gone DescribeCluster us-west-2 d ",
			},
			wantSource: RegionsGiven,
			wantCalls:  map[string]int{"ListClusters us-west-2": 3},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Discover(context.Background(), tt.fake.config("AK"+acct+"_"), Options{Regions: tt.regions})
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(res.Clusters, res.Problems); !slices.Equal(got, tt.want) {
				t.Errorf("found:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if res.RegionSource != tt.wantSource {
				t.Errorf("regions from %q, want %q (%v)", res.RegionSource, tt.wantSource, res.RegionsErr)
			}
			for op, n := range tt.wantCalls {
				if tt.fake.calls[op] != n {
					t.Errorf("%s called %d times, want %d (calls %v)", op, tt.fake.calls[op], n, tt.fake.calls)
				}
			}
		})
	}
}

func TestDiscoverFallbackSaysWhy(t *testing.T) {
	f := fakeAWS{denied: map[string]bool{"ListRegions": true}}
	res, err := Discover(context.Background(), f.config("AK"+acct+"_dev"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Regions, partitionRegions["aws"]) || !strings.Contains(fmt.Sprint(res.RegionsErr), "account:ListRegions: ") ||
		!strings.Contains(fmt.Sprint(res.RegionsErr), "AccessDeniedException") {
		t.Errorf("regions %v, error %v", res.Regions, res.RegionsErr)
	}
}

func TestProblemSentences(t *testing.T) {
	denied := errors.New("AccessDeniedException: no")
	for _, tt := range []struct {
		p    Problem
		want string
	}{
		{Problem{Kind: Denied, Operation: "DescribeCluster", Account: acct, Region: "us-west-2", Cluster: "b", Role: "dev", Err: denied},
			"skipped cluster b in us-west-2 of account 111122223333 (role dev): DescribeCluster was denied: AccessDeniedException: no"},
		{Problem{Kind: Denied, Operation: "ListClusters", Region: "eu-west-1", Err: denied},
			"skipped region eu-west-1: ListClusters was denied: AccessDeniedException: no"},
		{Problem{Kind: RegionDisabled, Operation: "ListClusters", Region: "af-south-1", Err: denied},
			"skipped region af-south-1: the region is not enabled for the account (AccessDeniedException: no)"},
		{Problem{Kind: Gone, Operation: "DescribeCluster", Region: "us-west-2", Cluster: "d"}, "skipped cluster d in us-west-2: it was deleted while discovery ran"},
		{Problem{Kind: Unreachable, Operation: "ListClusters", Region: "me-west-1", Err: errors.New("no such host")},
			"skipped region me-west-1: ListClusters failed: no such host"},
	} {
		if got := tt.p.Error(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}

// TestDiscoverBoundsCallsInFlight holds every EKS call until Parallel of
// them are in flight at once, so the test ends only if discovery reaches
// its bound; then it yields to let more arrive, and fails if any did.
func TestDiscoverBoundsCallsInFlight(t *testing.T) {
	const parallel = 4
	names := make([]string, 12)
	for i := range names {
		names[i] = fmt.Sprintf("c%02d", i)
	}
	regions := []string{"us-west-2", "eu-west-1", "us-east-1", "ap-northeast-2", "eu-central-1"}
	f := fakeAWS{clusters: map[string]map[string][]string{acct: {}}}
	for _, r := range regions {
		f.clusters[acct][r] = names
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var mu sync.Mutex
	waiting, release := 0, make(chan struct{})
	f.gate = func() {
		mu.Lock()
		if waiting++; waiting == parallel {
			// Let any call beyond the bound arrive before releasing these.
			go func() {
				for range 1000 {
					runtime.Gosched()
				}
				close(release)
			}()
		}
		mu.Unlock()
		select {
		case <-release:
		case <-ctx.Done():
		}
	}
	res, err := Discover(ctx, f.config("AK"+acct+"_"), Options{Regions: regions, Parallel: parallel})
	if err != nil {
		t.Fatalf("discovery never had %d calls in flight at once: %v", parallel, err)
	}
	if len(res.Clusters) != len(regions)*len(names) {
		t.Errorf("found %d clusters, want %d", len(res.Clusters), len(regions)*len(names))
	}
	if peak := f.maxInFlight.Load(); peak != parallel {
		t.Errorf("at most %d calls were in flight, want %d", peak, parallel)
	}
}

func TestDiscoverProgress(t *testing.T) {
	f := fakeAWS{clusters: map[string]map[string][]string{acct: {"us-west-2": {"a", "b"}, "eu-west-1": {"c"}}}, pageSize: 1,
		denied: map[string]bool{"ListClusters us-east-1": true}}
	var seen []Progress
	_, err := Discover(context.Background(), f.config("AK"+acct+"_"), Options{
		Regions: []string{"us-west-2", "eu-west-1", "us-east-1"}, Progress: func(p Progress) { seen = append(seen, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if last := seen[len(seen)-1]; last != (Progress{RegionsDone: 3, Regions: 3, ClustersDone: 3, Clusters: 3}) {
		t.Errorf("last progress %+v", last)
	}
	for i, p := range seen {
		if p.RegionsDone > p.Regions || p.ClustersDone > p.Clusters || i > 0 && (p.RegionsDone < seen[i-1].RegionsDone || p.ClustersDone < seen[i-1].ClustersDone) {
			t.Errorf("progress %d: %+v after %+v", i, p, seen[max(i-1, 0)])
		}
	}
}

func TestDiscoverWithoutCredentials(t *testing.T) {
	f := fakeAWS{}
	cfg := f.config("")
	cfg.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("AssumeRole refused")
	})
	_, err := Discover(context.Background(), cfg, Options{Regions: []string{"us-west-2"}})
	if err == nil || !strings.Contains(err.Error(), "get AWS credentials for discovery: ") || !strings.Contains(err.Error(), "AssumeRole refused") {
		t.Errorf("got %v", err)
	}
	if len(f.calls) != 0 {
		t.Errorf("calls without credentials: %v", f.calls)
	}
}

// BenchmarkDiscoverLatency discovers 1 and 3 regions of 20 clusters from
// a fake AWS that takes 20 ms a call (the sleep stands for the network, not
// for synchronisation): with the default bound, three regions take about
// as long as one, where the world's single-process moto cannot show it.
func BenchmarkDiscoverLatency(b *testing.B) {
	names := make([]string, 20)
	for i := range names {
		names[i] = fmt.Sprintf("c%02d", i)
	}
	regions := []string{"us-west-2", "eu-west-1", "us-east-1"}
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("regions=%d", n), func(b *testing.B) {
			f := &fakeAWS{clusters: map[string]map[string][]string{acct: {}}, gate: func() { time.Sleep(20 * time.Millisecond) }}
			for _, r := range regions {
				f.clusters[acct][r] = names
			}
			cfg := f.config("AK" + acct + "_")
			for b.Loop() {
				if _, err := Discover(context.Background(), cfg, Options{Regions: regions[:n]}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
