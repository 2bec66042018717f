package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/world"
)

// manyRegions hold 20 clusters each for the discovery measures.
var manyRegions = []string{"ca-central-1", "eu-north-1", "ap-south-1"}

// tokenRegions are two regions whose STS the world serves, for tokens of
// two clusters there (the token command needs no cluster, only STS).
var tokenRegions = []string{"us-west-2", "eu-west-1"}

// manyRuns is how many times each discovery is timed.
const manyRuns = 7

// manyClusters measures `kubectl eks-login --all` over 3 regions of 20
// clusters against each region alone (the issue asks for the three within
// twice the slowest one), and cold tokens for two clusters of one role
// (one AssumeRole), and prints its section of the report. It gives dev1's
// role the right to list and describe every cluster, so it runs last.
func manyClusters(ctx context.Context, out io.Writer, w *world.World, command func([]string, string, ...string) *exec.Cmd, plugin, dir string) error {
	for _, r := range manyRegions {
		for i := range 20 {
			if _, err := w.AddCluster(ctx, "", r, fmt.Sprintf("bench-%02d", i)); err != nil {
				return err
			}
		}
	}
	im := iam.NewFromConfig(w.AdminAWSConfig())
	if _, err := im.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("EKSMyExampleViewer"), PolicyName: aws.String("bench-discover"), PolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["eks:ListClusters","eks:DescribeCluster"],"Resource":"*"}]}`)}); err != nil {
		return err
	}
	discover := func(regions []string) ([]time.Duration, error) {
		var d []time.Duration
		for i := 0; i < manyRuns; i++ {
			kc := filepath.Join(dir, "many", strings.Join(regions, "+"), strconv.Itoa(i), "config")
			s, err := timeOnce(command(nil, plugin, "--all", "--role", "EKSMyExampleViewer", "--source-profile", "dev1", "--regions", strings.Join(regions, ","), "--kubeconfig", kc, "--no-verify"))
			if err != nil {
				return nil, err
			}
			d = append(d, s.wall)
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d, nil
	}
	fmt.Fprintf(out, "\n## Many clusters\n\n`kubectl eks-login --all --regions ... --no-verify` (list, describe, write both files, prime the token cache of every cluster; %d runs each, each to a new kubeconfig):\n\n| regions × clusters | median | min – max |\n|---|---:|---:|\n", manyRuns)
	var slowest time.Duration
	for _, r := range manyRegions {
		d, err := discover([]string{r})
		if err != nil {
			return err
		}
		slowest = max(slowest, d[len(d)/2])
		fmt.Fprintf(out, "| 1 × 20 (%s) | %s | %s – %s |\n", r, ms(d[len(d)/2]), ms(d[0]), ms(d[len(d)-1]))
	}
	d, err := discover(manyRegions)
	if err != nil {
		return err
	}
	three := d[len(d)/2]
	fmt.Fprintf(out, "| 3 × 20 | %s | %s – %s |\n\n3 regions × 20 clusters take %.2f× the slowest single region here. The world's regions are one moto process on the same two cores, which answers one call at a time: its work, not round trips, grows with the clusters (pkg/discovery's BenchmarkDiscoverOneRegion and ThreeRegions, in-process against the world, below). Against round trips of a fixed latency, as AWS's regions answer independently, 3 × 20 take about 1.7× one region (BenchmarkDiscoverLatency below, 20 ms a call; the issue asks for at most 2×).\n", ms(three), ms(d[0]), ms(d[len(d)-1]), float64(three)/float64(slowest))
	return coldTokensOfOneRole(ctx, out, w, command, plugin, dir)
}

// coldTokensOfOneRole times cold token calls for two clusters of one role
// on an empty cache, one after the other, and counts their AssumeRole
// calls: the second signs with the role credentials the first shared.
func coldTokensOfOneRole(ctx context.Context, out io.Writer, w *world.World, command func([]string, string, ...string) *exec.Cmd, plugin, dir string) error {
	var first, second []time.Duration
	assumes := 0
	for i := 0; i < manyRuns; i++ {
		if err := w.AWS.ResetCalls(ctx); err != nil {
			return err
		}
		cache := filepath.Join(dir, "shared", strconv.Itoa(i))
		for j, d := range []*[]time.Duration{&first, &second} {
			s, err := timeOnce(command(nil, plugin, "token", "--cluster-name", fmt.Sprintf("bench-%02d", j), "--profile", "dev1-eks", "--region", tokenRegions[j], "--cache-dir", cache))
			if err != nil {
				return err
			}
			*d = append(*d, s.wall)
		}
		calls, err := w.AWS.Calls(ctx)
		if err != nil {
			return err
		}
		assumes = max(assumes, calls["sts:AssumeRole"])
	}
	med := func(d []time.Duration) time.Duration {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[len(d)/2]
	}
	fmt.Fprintf(out, "\nCold tokens for two clusters of one role (bench-00 in %s, then bench-01 in %s, on an empty cache): at most %d AssumeRole call(s) for both in %d runs; the first takes %s (median), the second, signed with the role credentials the first shared, %s. Warm, a token of any written context is the one-file cache hit measured above: the cache has an entry per cluster.\n",
		tokenRegions[0], tokenRegions[1], assumes, manyRuns, ms(med(first)), ms(med(second)))
	return nil
}
