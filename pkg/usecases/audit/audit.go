// Package audit answers who can do what on EKS clusters, from the IAM
// person to the Kubernetes verb: "admin who-can" and "admin access-report".
//
// For each IAM principal a mapping names (aws-auth or an access entry, the
// ones admin list marks active under the cluster's authentication mode) it
// finds who may become the principal (pkg/iampolicy over the account's IAM,
// read with GetAccountAuthorizationDetails: identity policies, trust
// policies, boundaries, role chains), the Kubernetes user and groups the
// authenticator gives it, and what Kubernetes allows that identity. That
// last part is asked of the API server with SubjectAccessReviews carrying
// the user's extra fields as aws-iam-authenticator sets them, so every
// authorizer answers (RBAC, and EKS access policies, whose webhook knows a
// principal by its unique ID) rather than a copy of RBAC.
package audit

import (
	"context"
	"strings"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
)

// Identity is who Kubernetes takes a principal for.
type Identity struct {
	Username string   `json:"username" yaml:"username"`
	Groups   []string `json:"groups,omitempty" yaml:"groups,omitempty"`
	// AccessPolicies are the EKS access policies of an access entry.
	AccessPolicies []string `json:"accessPolicies,omitempty" yaml:"accessPolicies,omitempty"`
	// Templated: the username or a group still holds a template such as
	// {{SessionName}}, which the authenticator fills for each session and
	// the audit could not (a session not named by eks-login). The API
	// server is asked with the template as written, so bindings of one
	// filled-in name are not counted.
	Templated bool `json:"templated,omitempty" yaml:"templated,omitempty"`
}

// Answer is the API server's answer to one check.
type Answer struct {
	Check   string `json:"check" yaml:"check"`
	Allowed bool   `json:"allowed" yaml:"allowed"`
	// Reason is the authorizer's: the RBAC binding or the EKS access
	// policy that allows it.
	Reason string `json:"reason,omitempty" yaml:"reason,omitempty"`
}

// Principal is an IAM role or user that a mapping names on a cluster.
type Principal struct {
	Kind string `json:"kind" yaml:"kind"`
	// ARN is as the mapping names it; IAMARN as IAM does (with the role's
	// path), when that differs or the principal is not in the account.
	ARN    string `json:"arn" yaml:"arn"`
	IAMARN string `json:"iamArn,omitempty" yaml:"iamArn,omitempty"`
	// Source is aws-auth, access-entry, or aws-auth mapAccounts.
	Source   string    `json:"source" yaml:"source"`
	Identity Identity  `json:"identity" yaml:"identity"`
	Assumers []Assumer `json:"assumers" yaml:"assumers"`
	Access   []Answer  `json:"access" yaml:"access"`
	// Sessions are the principal as each IAM user's eks-login session
	// shows it, when its username or groups name the session.
	Sessions []Session `json:"sessions,omitempty" yaml:"sessions,omitempty"`
	Note     string    `json:"note,omitempty" yaml:"note,omitempty"`

	review reviewUser
}

// Cluster is one cluster's principals.
type Cluster struct {
	Name               string      `json:"name" yaml:"name"`
	AuthenticationMode string      `json:"authenticationMode" yaml:"authenticationMode"`
	Principals         []Principal `json:"principals" yaml:"principals"`
}

// Audit is the answer: the checks asked, and for every cluster every
// principal mapped, who may become it and what it may do.
type Audit struct {
	Checks   []Check   `json:"checks" yaml:"checks"`
	Clusters []Cluster `json:"clusters" yaml:"clusters"`
	// Problems are IAM documents that could not be read, and what it
	// means for the answer.
	Problems []string `json:"problems,omitempty" yaml:"problems,omitempty"`
}

// Target is a cluster to audit: its name (empty: the kubeconfig context's),
// and the admin use cases reaching it through its kubeconfig context.
type Target struct {
	Name  string
	Admin *admin.Admin
}

// Auditor runs audits.
type Auditor struct {
	IAM     IAMReader
	Targets []Target
	// Workers is how many SubjectAccessReviews are asked at once per
	// cluster; 0 means 8.
	Workers int
	// ForwardSessionName: people's eks-login sessions are named as they
	// are (--forward-session-name), not "eks-login-NAME".
	ForwardSessionName bool
}

// Run audits every target for checks.
func (a *Auditor) Run(ctx context.Context, checks []Check) (*Audit, error) {
	if len(a.Targets) == 0 {
		return nil, exitcode.Errorf(exitcode.Usage, "no cluster to audit")
	}
	acct, err := readAccount(ctx, a.IAM)
	if err != nil {
		return nil, err
	}
	out := &Audit{Checks: checks, Problems: acct.problems}
	g := newAssumeGraph(acct)
	for _, t := range a.Targets {
		c, err := a.cluster(ctx, t, g, checks)
		if err != nil {
			return nil, err
		}
		out.Clusters = append(out.Clusters, *c)
	}
	return out, nil
}

func (a *Auditor) cluster(ctx context.Context, t Target, g *assumeGraph, checks []Check) (*Cluster, error) {
	l, err := t.Admin.List(ctx, t.Name)
	if err != nil {
		return nil, err
	}
	if l.Cluster == "" {
		return nil, exitcode.Errorf(exitcode.Usage, "the kubeconfig context does not name the EKS cluster, so its authentication mode and access entries are unknown: pass --cluster")
	}
	c := &Cluster{Name: l.Cluster, AuthenticationMode: l.AuthenticationMode, Principals: principals(l, g)}
	for i := range c.Principals {
		c.Principals[i].addSessions(a.ForwardSessionName)
	}
	k, err := t.Admin.KubeClient()
	if err != nil {
		return nil, err
	}
	workers := a.Workers
	if workers <= 0 {
		workers = 8
	}
	if err := review(ctx, k, c, checks, workers); err != nil {
		return nil, err
	}
	return c, nil
}

// shortARN is an IAM ARN without "arn:aws:iam::ACCOUNT:", for tables.
func shortARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 && (parts[2] == "iam" || parts[2] == "sts") {
		return parts[5]
	}
	return arn
}

// Short names an assumer in a table: user/alice, role/ci/Runner, service
// ec2.amazonaws.com, aws * (anyone).
func (a Assumer) Short() string {
	switch a.Kind {
	case KindUser, KindRole:
		return shortARN(a.ARN)
	case "aws":
		if a.ARN == "*" {
			return "anyone (*)"
		}
		return "aws " + a.ARN
	}
	return a.Kind + " " + a.ARN
}

// Short names the principal in a table.
func (p Principal) Short() string {
	if p.Kind == "account" {
		return "account " + p.ARN
	}
	return shortARN(p.ARN)
}
