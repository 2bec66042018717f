// Package doctor is the use case behind "kubectl eks-login doctor": it walks
// every link from the AWS credentials to RBAC for a kubeconfig context
// (profile, role, DescribeCluster, the kubeconfig entry, the token, the API
// server, who the cluster takes us for, what RBAC allows) and names the
// first broken one with the command that fixes it. Each link is a file of
// its own; they share what they learn through a walk.
//
// It reuses the other use cases for each link: login's way of loading
// profiles and sorting AWS errors (awsprofile), the token use case for the
// token, pkg/kube for the API server. It never returns a secret or the token.
package doctor

import (
	"context"
	"strings"

	"k8s.io/client-go/rest"

	"github.com/eks-login/eks-login/pkg/env"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
)

// Input is what to check: the values of doctor's flags. Empty values are
// read from the context and its exec entry.
type Input struct {
	Context    string
	Kubeconfig string
	Cluster    string
	Profile    string
	Region     string
}

// Doctor diagnoses. Env and AWS are required.
type Doctor struct {
	Env env.Env
	// IO is where the token link's MFA prompt asks, when a person can answer.
	IO  *iostreams.IOStreams
	AWS AWS
	// NewKube builds the API server client; nil means pkg/kube.
	NewKube func(*rest.Config) (Kube, error)
	// Token mints the token link's token; nil means the token use case.
	Token MintToken
	// LookPath finds a command on PATH (exec.LookPath).
	LookPath func(string) (string, error)
}

// The links' names, as the output and the JSON show them.
const (
	LinkCredentials    = "credentials"
	LinkRole           = "role"
	LinkCluster        = "cluster"
	LinkKubeconfig     = "kubeconfig"
	LinkToken          = "token"
	LinkAPIServer      = "apiserver"
	LinkAuthentication = "authentication"
	LinkAuthorization  = "authorization"
)

// Status is a link's state.
type Status string

const (
	StatusOK   Status = "ok"
	StatusFail Status = "fail"
	StatusWarn Status = "warn"
	StatusSkip Status = "skip" // not checked: an earlier link it needs is broken
)

// Finding is one link's result.
type Finding struct {
	Link   string `json:"link"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix"`

	// Code is the exit code when Status is fail.
	Code int `json:"-"`
	// Table is what RBAC allows, for the authorization link's text output.
	Table []AccessRow `json:"-"`
}

// AccessRow is one question to RBAC and its answer.
type AccessRow struct {
	What    string
	Allowed bool
}

// Report is a diagnosis: the context checked, and a finding per link.
type Report struct {
	// Header names the context, cluster, profile and region checked; ""
	// when no kubeconfig was read.
	Header   string
	Findings []Finding
}

// Diagnose walks the links for in. It fails only through its findings.
func (d *Doctor) Diagnose(ctx context.Context, in Input) *Report {
	w := &walk{d: d, in: in}
	findings := w.run(ctx)
	return &Report{Header: w.header(), Findings: findings}
}

// Err is the error of the first broken link, with its exit code; nil when
// every link holds.
func (r *Report) Err() error {
	for _, f := range r.Findings {
		if f.Status == StatusFail {
			return exitcode.Errorf(f.Code, "doctor: link %q is broken: %s", f.Link, firstSentence(f.Detail))
		}
	}
	return nil
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i]
	}
	return strings.TrimSuffix(s, ".")
}
