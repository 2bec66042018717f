package discovery_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/discovery"
	"github.com/eks-login/eks-login/pkg/world"
)

// benchRegions hold 20 clusters each for the benchmarks (regions no test
// uses, so the counts are exact).
var (
	benchRegions = []string{"ca-central-1", "eu-north-1", "ap-south-1"}
	benchOnce    sync.Once
)

func benchWorld(b *testing.B) *world.World {
	w := theWorld(b)
	benchOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for _, r := range benchRegions {
			for i := range 20 {
				addClusters(ctx, b, w, fmt.Sprintf("/%s/bench-%02d", r, i))
			}
		}
	})
	return w
}

// benchmarkDiscover discovers the clusters of the given regions with the
// admin's keys (no AssumeRole in the measure). Compare 3 regions with one,
// and with Parallel 1, the sum of the round trips.
func benchmarkDiscover(b *testing.B, regions []string, parallel int) {
	cfg := benchWorld(b).AdminAWSConfig()
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		res, err := discovery.Discover(ctx, cfg, discovery.Options{Regions: regions, Parallel: parallel})
		if err != nil || len(res.Clusters) != 20*len(regions) || len(res.Problems) != 0 {
			b.Fatalf("found %d clusters, problems %v: %v", len(res.Clusters), res.Problems, err)
		}
	}
}

func BenchmarkDiscoverOneRegion(b *testing.B)          { benchmarkDiscover(b, benchRegions[:1], 0) }
func BenchmarkDiscoverThreeRegions(b *testing.B)       { benchmarkDiscover(b, benchRegions, 0) }
func BenchmarkDiscoverOneRegionSerial(b *testing.B)    { benchmarkDiscover(b, benchRegions[:1], 1) }
func BenchmarkDiscoverThreeRegionsSerial(b *testing.B) { benchmarkDiscover(b, benchRegions, 1) }
