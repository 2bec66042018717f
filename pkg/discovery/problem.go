package discovery

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/aws/smithy-go"
)

// ProblemKind sorts what went wrong with a region or a cluster.
type ProblemKind string

const (
	// Denied: IAM refused the call (AccessDeniedException).
	Denied ProblemKind = "denied"
	// RegionDisabled: the region refused the credentials as unknown, which
	// is how an opt-in region that the account has not enabled answers.
	RegionDisabled ProblemKind = "region disabled"
	// Gone: the cluster was deleted between listing and describing it.
	Gone ProblemKind = "gone"
	// Unreachable: no connection to the region's endpoint.
	Unreachable ProblemKind = "unreachable"
	// Refused: the cluster's answer cannot be written (CheckCluster): not
	// ACTIVE, or not a valid endpoint and certificate.
	Refused ProblemKind = "refused"
	// Failed: any other error.
	Failed ProblemKind = "failed"
)

// Problem is a region (Cluster empty) or a cluster that discovery skipped.
type Problem struct {
	Kind ProblemKind
	// Operation is the call that failed: ListClusters or DescribeCluster.
	Operation                      string
	Account, Region, Cluster, Role string
	Err                            error
}

// Error reads as a sentence that names what was skipped and why.
func (p Problem) Error() string {
	what := "region " + p.Region
	switch {
	case p.Cluster != "":
		what = "cluster " + shown(p.Cluster) + " in " + p.Region
	case p.Region == "" && p.Account != "": // a role of the SSO walk
		what = "account " + shown(p.Account)
	}
	if p.Account != "" && p.Region != "" {
		what += " of account " + shown(p.Account)
	}
	if p.Role != "" {
		what += " (role " + shown(p.Role) + ")"
	}
	switch p.Kind {
	case Denied:
		return fmt.Sprintf("skipped %s: %s was denied: %v", what, p.Operation, p.Err)
	case RegionDisabled:
		return fmt.Sprintf("skipped %s: the region is not enabled for the account (%v)", what, p.Err)
	case Gone:
		return fmt.Sprintf("skipped %s: it was deleted while discovery ran", what)
	case Refused:
		return fmt.Sprintf("skipped %s: %v", what, p.Err)
	}
	return fmt.Sprintf("skipped %s: %s failed: %v", what, p.Operation, p.Err)
}

func (p Problem) Unwrap() error { return p.Err }

// shown is a name from AWS as a problem prints it: quoted when it holds
// anything but letters, digits and the signs of ARNs, so that a blank, a
// line break or a terminal's escape reads as what it is.
func shown(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:/@+=,", r)) {
			return strconv.Quote(s)
		}
	}
	return s
}

func newProblem(err error, operation string, opts Options, region, cluster string) *Problem {
	return &Problem{Kind: classify(err), Operation: operation, Account: opts.Account, Role: opts.Role, Region: region, Cluster: cluster, Err: err}
}

// classify sorts an error of an EKS or Account Management call.
func classify(err error) ProblemKind {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "AccessDeniedException", "AccessDenied":
			return Denied
		case "UnrecognizedClientException", "InvalidClientTokenId":
			return RegionDisabled
		case "ResourceNotFoundException":
			return Gone
		}
		return Failed
	}
	var netErr net.Error
	if errors.As(err, &netErr) && !errors.Is(err, context.Canceled) {
		return Unreachable
	}
	return Failed
}
