package token

import (
	"fmt"
	"strings"
)

// Endpoint chooses which STS host the token names.
type Endpoint string

const (
	// EndpointRegional names sts.<region>.<dns suffix>, the default: it works
	// in every partition and keeps the token inside the region.
	EndpointRegional Endpoint = "regional"
	// EndpointGlobal names sts.amazonaws.com, for clusters whose
	// authenticator was set up to accept only the global host.
	EndpointGlobal Endpoint = "global"
)

// ParseEndpoint reads the --sts-endpoint flag; empty means regional.
func ParseEndpoint(s string) (Endpoint, error) {
	switch Endpoint(strings.ToLower(strings.TrimSpace(s))) {
	case "", EndpointRegional:
		return EndpointRegional, nil
	case EndpointGlobal:
		return EndpointGlobal, nil
	}
	return "", fmt.Errorf("unknown STS endpoint %q: use \"regional\" or \"global\"", s)
}

// Partition is one AWS partition: the regions it holds and its DNS suffix.
type Partition struct {
	ID        string
	DNSSuffix string
	// prefixes stand for the SDK's regionRegex: a region is in the partition
	// when it is one of these prefixes followed by "<word>-<digits>".
	prefixes []string
}

// partitions mirrors the SDK's partition table (regionRegex and dnsSuffix),
// copied rather than read from the SDK's internal package, which Go does not
// let us import. Plain prefixes rather than regular expressions: this runs
// on every kubectl call, and compiling a dozen expressions at start-up is a
// measurable share of it. The more specific prefixes come first, because
// "us-iso-east-1" also starts with "us-". A new region prefix in the aws
// partition needs a word here.
var partitions = []Partition{
	{"aws-us-gov", "amazonaws.com", []string{"us-gov-"}},
	{"aws-iso", "c2s.ic.gov", []string{"us-iso-"}},
	{"aws-iso-b", "sc2s.sgov.gov", []string{"us-isob-"}},
	{"aws-iso-f", "csp.hci.ic.gov", []string{"us-isof-"}},
	{"aws-iso-e", "cloud.adc-e.uk", []string{"eu-isoe-"}},
	{"aws-cn", "amazonaws.com.cn", []string{"cn-"}},
	{"aws-eusc", "amazonaws.eu", []string{"eusc-de-"}},
	{"aws", "amazonaws.com", []string{"us-", "eu-", "ap-", "sa-", "ca-", "me-", "af-", "il-", "mx-"}},
}

// PartitionOf returns the partition of region, or an error that says what is
// wrong with the name. The caller adds where the region came from.
func PartitionOf(region string) (Partition, error) {
	if region == "" {
		return Partition{}, fmt.Errorf("the region is empty")
	}
	if !regionShaped(region) {
		return Partition{}, fmt.Errorf("%q is not an AWS region name (they look like ap-northeast-2)", region)
	}
	for _, p := range partitions {
		for _, prefix := range p.prefixes {
			if rest, ok := strings.CutPrefix(region, prefix); ok && wordDashDigits(rest) {
				return p, nil
			}
		}
	}
	return Partition{}, fmt.Errorf("%q is not in any AWS partition eks-login knows (aws, aws-cn, aws-us-gov, aws-iso*, aws-eusc)", region)
}

// regionShaped says whether s looks like every AWS region name does:
// lower-case words joined by dashes, the first of 2 to 4 letters, and a last
// one of 1 or 2 digits (ap-northeast-2, us-gov-west-1, eusc-de-east-1).
func regionShaped(s string) bool {
	words := strings.Split(s, "-")
	if len(words) < 3 {
		return false
	}
	for i, w := range words {
		switch {
		case i == len(words)-1:
			if len(w) < 1 || len(w) > 2 || !all(w, isDigit) {
				return false
			}
		case w == "" || !all(w, isLower):
			return false
		case i == 0 && (len(w) < 2 || len(w) > 4):
			return false
		}
	}
	return true
}

// wordDashDigits matches the SDK's `\w+-\d+` for what follows a prefix.
func wordDashDigits(s string) bool {
	word, digits, ok := strings.Cut(s, "-")
	return ok && word != "" && digits != "" && all(word, isLower) && all(digits, isDigit)
}

func all(s string, f func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !f(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }

// STSHost returns the host a token must name for region, and the region the
// signature is scoped to. The host is always the partition's canonical one,
// never an endpoint override (AWS_ENDPOINT_URL_STS, a VPC endpoint): the
// cluster's authenticator only accepts canonical hosts, and it reaches STS
// itself.
func STSHost(region string, ep Endpoint) (host, signingRegion string, err error) {
	p, err := PartitionOf(region)
	if err != nil {
		return "", "", err
	}
	switch ep {
	case "", EndpointRegional:
		return "sts." + region + "." + p.DNSSuffix, region, nil
	case EndpointGlobal:
		if p.ID != "aws" {
			return "", "", fmt.Errorf("the global STS endpoint exists only in the aws partition, and %s is in %s: drop --sts-endpoint global", region, p.ID)
		}
		// The global endpoint signs with us-east-1 whatever the caller's region.
		return "sts.amazonaws.com", "us-east-1", nil
	}
	return "", "", fmt.Errorf("unknown STS endpoint %q: use \"regional\" or \"global\"", ep)
}
