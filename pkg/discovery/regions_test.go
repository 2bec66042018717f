package discovery

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPartitionRegionsMatchTheSDK compares the copied region lists with the
// SDK's endpoint metadata in the module cache, so that a new SDK's regions
// are noticed.
func TestPartitionRegionsMatchTheSDK(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-sdk-go-v2").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("cannot find the SDK's module folder: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "internal", "endpoints", "awsrulesfn", "partitions.json"))
	if err != nil {
		t.Skipf("the SDK has no partitions.json here: %v", err)
	}
	var meta struct {
		Partitions []struct {
			ID      string         `json:"id"`
			Regions map[string]any `json:"regions"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		t.Fatal(err)
	}
	for _, p := range meta.Partitions {
		var regions []string
		for r := range p.Regions {
			if !strings.HasPrefix(r, "aws-") { // aws-global and the like are not regions
				regions = append(regions, r)
			}
		}
		slices.Sort(regions)
		if !slices.Equal(regions, partitionRegions[p.ID]) {
			t.Errorf("partition %s: the SDK lists %q, partitionRegions %q", p.ID, regions, partitionRegions[p.ID])
		}
	}
}

func TestPartition(t *testing.T) {
	for region, want := range map[string]string{
		"us-west-2": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov", "us-isob-east-9": "aws-iso-b",
		"us-iso-west-9": "aws-iso", "eusc-de-east-2": "aws-eusc", "xx-new-1": "aws",
	} {
		if got := Partition(region); got != want {
			t.Errorf("Partition(%s) = %s, want %s", region, got, want)
		}
	}
}
