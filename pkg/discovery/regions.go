package discovery

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
)

// RegionSource says where the regions searched came from.
type RegionSource string

const (
	RegionsGiven     RegionSource = "given"
	RegionsListed    RegionSource = "account:ListRegions"
	RegionsPartition RegionSource = "the partition's region list"
)

// partitionRegions are the regions of each partition, as the SDK's endpoint
// metadata lists them (aws-sdk-go-v2 internal/endpoints/awsrulesfn
// partitions.json, which is internal to the SDK's module and cannot be
// imported). TestPartitionRegionsMatchTheSDK keeps the copy in step.
var partitionRegions = map[string][]string{
	"aws": {"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
		"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
		"ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
		"eu-west-3", "il-central-1", "me-central-1", "me-south-1", "me-west-1", "mx-central-1", "sa-east-1", "sa-west-1", "us-east-1",
		"us-east-2", "us-west-1", "us-west-2"},
	"aws-cn":     {"cn-north-1", "cn-northwest-1"},
	"aws-eusc":   {"eusc-de-east-1"},
	"aws-iso":    {"us-iso-east-1", "us-iso-west-1"},
	"aws-iso-b":  {"us-isob-east-1", "us-isob-west-1"},
	"aws-iso-e":  {"eu-isoe-west-1"},
	"aws-iso-f":  {"us-isof-east-1", "us-isof-south-1"},
	"aws-us-gov": {"us-gov-east-1", "us-gov-west-1"},
}

// partitionPrefixes tell a region unknown to partitionRegions by its name,
// as the SDK's regionRegex does; the most specific prefix comes first.
var partitionPrefixes = []struct{ prefix, partition string }{
	{"us-gov-", "aws-us-gov"}, {"us-isob-", "aws-iso-b"}, {"us-isof-", "aws-iso-f"}, {"us-iso-", "aws-iso"},
	{"eu-isoe-", "aws-iso-e"}, {"eusc-", "aws-eusc"}, {"cn-", "aws-cn"},
}

// Partition is the partition a region belongs to ("aws" when it cannot tell).
func Partition(region string) string {
	for p, regions := range partitionRegions {
		if slices.Contains(regions, region) {
			return p
		}
	}
	for _, pp := range partitionPrefixes {
		if strings.HasPrefix(region, pp.prefix) {
			return pp.partition
		}
	}
	return "aws"
}

// PartitionRegions are the regions of the partition cfgRegion belongs to.
func PartitionRegions(cfgRegion string) []string {
	return slices.Clone(partitionRegions[Partition(cfgRegion)])
}

// Regions are the regions enabled for the account of cfg's credentials
// (ENABLED or ENABLED_BY_DEFAULT, from account:ListRegions). When that call
// fails, denied or otherwise, they are every region of cfg.Region's
// partition, and the error says why; an opt-in region the account has not
// enabled then answers discovery's calls with RegionDisabled.
func Regions(ctx context.Context, cfg aws.Config) ([]string, RegionSource, error) {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	regions, err := listRegions(ctx, account.NewFromConfig(cfg))
	if err != nil {
		return PartitionRegions(cfg.Region), RegionsPartition, fmt.Errorf("account:ListRegions: %w", err)
	}
	if len(regions) == 0 {
		return PartitionRegions(cfg.Region), RegionsPartition, errors.New("account:ListRegions answered no enabled region")
	}
	return regions, RegionsListed, nil
}

func listRegions(ctx context.Context, client *account.Client) ([]string, error) {
	var regions []string
	pages := account.NewListRegionsPaginator(client, &account.ListRegionsInput{
		RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault},
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Regions {
			regions = append(regions, aws.ToString(r.RegionName))
		}
	}
	slices.Sort(regions)
	return regions, nil
}
