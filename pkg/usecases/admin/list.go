package admin

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"

	"github.com/eks-login/eks-login/pkg/accessentry"
	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/awserr"
)

// Sources of a listed mapping.
const (
	SourceAWSAuth     = "aws-auth"
	SourceAccessEntry = "access-entry"
)

// What a listed mapping does under the cluster's authentication mode.
const (
	// StatusActive: the mapping decides who its principal is.
	StatusActive = "active"
	// StatusShadowed: another mapping of the same principal wins.
	StatusShadowed = "shadowed"
	// StatusIgnored: the mapping matches no one (the mode does not read
	// it, or aws-auth names a role with its path).
	StatusIgnored = "ignored"
)

// Entry is one identity mapping, from aws-auth or from an access entry.
type Entry struct {
	Source         string   `json:"source" yaml:"source"`
	ARN            string   `json:"arn,omitempty" yaml:"arn,omitempty"`
	Account        string   `json:"account,omitempty" yaml:"account,omitempty"` // mapAccounts
	Type           string   `json:"type,omitempty" yaml:"type,omitempty"`       // an access entry's: STANDARD, EC2_LINUX, ...
	Username       string   `json:"username,omitempty" yaml:"username,omitempty"`
	Groups         []string `json:"groups,omitempty" yaml:"groups,omitempty"`
	AccessPolicies []string `json:"accessPolicies,omitempty" yaml:"accessPolicies,omitempty"`
	// Status is StatusActive, StatusShadowed or StatusIgnored; "" when the
	// cluster, and so its mode, is unknown.
	Status string `json:"status,omitempty" yaml:"status,omitempty"`
	// Reason says why a mapping is shadowed or ignored.
	Reason string `json:"reason,omitempty" yaml:"reason,omitempty"`

	line int // where an aws-auth mapping starts in its key, for reasons
	key  string
}

// Listing is every mapping of a cluster, with the mode that decides which
// one wins.
type Listing struct {
	Cluster            string  `json:"cluster,omitempty" yaml:"cluster,omitempty"`
	AuthenticationMode string  `json:"authenticationMode,omitempty" yaml:"authenticationMode,omitempty"`
	Entries            []Entry `json:"entries" yaml:"entries"`
}

// ModeRule says which mappings an authentication mode reads.
func ModeRule(mode string) string {
	switch mode {
	case AuthAPI:
		return "access entries only; aws-auth is ignored"
	case AuthAPIAndConfigMap:
		return "an access entry wins over aws-auth for the same principal"
	case AuthConfigMap:
		return "aws-auth only"
	}
	return "unknown"
}

// List reads aws-auth and, when the cluster (cluster, or the kubeconfig
// context's) has them, its access entries, and marks for each principal the
// mapping that wins under the cluster's authentication mode. When neither
// names the cluster, the listing has no cluster and no mode, and only
// aws-auth.
func (a *Admin) List(ctx context.Context, cluster string) (*Listing, error) {
	entries, err := a.awsAuthEntries(ctx)
	if err != nil {
		return nil, err
	}
	c, err := a.findCluster(ctx, cluster)
	if err != nil {
		return nil, err
	}
	l := &Listing{Entries: entries}
	if c == nil { // no cluster name: aws-auth is all there is to show
		markPaths(l.Entries)
		return l, nil
	}
	l.Cluster, l.AuthenticationMode = c.Name, c.AuthMode
	if c.hasAccessEntries() {
		more, err := a.accessEntries(ctx, c)
		if err != nil {
			return nil, err
		}
		l.Entries = append(l.Entries, more...)
	}
	markWinners(c.AuthMode, l.Entries)
	return l, nil
}

func (a *Admin) awsAuthEntries(ctx context.Context) ([]Entry, error) {
	k, err := a.kube()
	if err != nil {
		return nil, err
	}
	doc, _, err := awsauth.Read(ctx, k)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, m := range doc.Mappings() {
		out = append(out, Entry{Source: SourceAWSAuth, ARN: m.ARN, Username: m.Username, Groups: m.Groups, line: m.Line, key: m.Key})
	}
	for _, acct := range doc.Accounts() {
		out = append(out, Entry{Source: SourceAWSAuth, Account: acct, key: awsauth.KeyAccounts})
	}
	return out, nil
}

// accessEntries lists the cluster's access entries with their policies.
func (a *Admin) accessEntries(ctx context.Context, c *clusterInfo) ([]Entry, error) {
	ek, err := a.eksClient(ctx, c.Region)
	if err != nil {
		return nil, err
	}
	var out []Entry
	in := &eks.ListAccessEntriesInput{ClusterName: aws.String(c.Name)}
	for more := true; more; more = in.NextToken != nil {
		page, err := ek.ListAccessEntries(ctx, in)
		if err != nil {
			return nil, awserr.Explain(err, "cannot list the access entries of cluster "+c.Name+" (eks:ListAccessEntries)")
		}
		in.NextToken = page.NextToken
		for _, principal := range page.AccessEntries {
			e, err := listedEntry(ctx, accessEntry{eks: ek, cluster: c.Name, principal: principal})
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
	}
	return out, nil
}

func listedEntry(ctx context.Context, ae accessEntry) (Entry, error) {
	d, policies, err := accessentry.Read(ctx, ae.eks, ae.cluster, ae.principal)
	if err != nil {
		return Entry{}, err
	}
	return Entry{Source: SourceAccessEntry, ARN: ae.principal, Type: aws.ToString(d.Type),
		Username: aws.ToString(d.Username), Groups: d.KubernetesGroups, AccessPolicies: policies}, nil
}

// principalKey is how a mapping's principal is matched: aws-auth matches a
// role without its path, and any ARN without regard to case; an access
// entry is its principal's, whatever path it names.
func principalKey(arn string) string { return strings.ToLower(awsauth.MatchedARN(arn)) }

// markWinners sets each entry's status under mode, as aws-iam-authenticator
// and EKS decide: CONFIG_MAP reads aws-auth only, API access entries only,
// and API_AND_CONFIG_MAP asks access entries first. Within aws-auth, the
// last mapping of a principal wins.
func markWinners(mode string, entries []Entry) {
	entryOf := map[string]string{}
	lastInAWSAuth := map[string]int{}
	for i, e := range entries {
		switch {
		case e.Source == SourceAccessEntry:
			entryOf[principalKey(e.ARN)] = e.ARN
		case e.ARN != "":
			lastInAWSAuth[strings.ToLower(e.ARN)] = i
		}
	}
	for i := range entries {
		e := &entries[i]
		e.Status = StatusActive
		if e.Source == SourceAWSAuth {
			e.Status, e.Reason = awsAuthStatus(mode, entries, i, entryOf, lastInAWSAuth)
		}
	}
}

func awsAuthStatus(mode string, entries []Entry, i int, entryOf map[string]string, last map[string]int) (string, string) {
	e := entries[i]
	switch {
	case mode == AuthAPI:
		return StatusIgnored, "authentication mode API reads only access entries"
	case e.ARN == "":
		return StatusActive, "" // mapAccounts
	case awsauth.MatchedARN(e.ARN) != e.ARN:
		return pathIgnored(e.ARN)
	}
	if winner, ok := entryOf[principalKey(e.ARN)]; ok && mode == AuthAPIAndConfigMap {
		return StatusShadowed, "the access entry of " + winner + " wins in API_AND_CONFIG_MAP"
	}
	if j := last[strings.ToLower(e.ARN)]; j != i {
		return StatusShadowed, fmt.Sprintf("%s line %d maps the same principal again, and the last one wins", entries[j].key, entries[j].line)
	}
	return StatusActive, ""
}

// markPaths marks, when the mode is unknown, the aws-auth role mappings
// that name a path: they match no one, whatever the mode.
func markPaths(entries []Entry) {
	for i := range entries {
		if e := &entries[i]; e.Source == SourceAWSAuth && e.ARN != "" && awsauth.MatchedARN(e.ARN) != e.ARN {
			e.Status, e.Reason = pathIgnored(e.ARN)
		}
	}
}

func pathIgnored(arn string) (string, string) {
	return StatusIgnored, "aws-auth matches a role by its ARN without the path; map " + awsauth.MatchedARN(arn) + " instead"
}
