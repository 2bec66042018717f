package migrate

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/token"
)

// The moments a token check looks at an identity.
const (
	phaseAfter   = "after the access entry"
	phaseCleanup = "after the cleanup of aws-auth"
	phaseAPI     = "in API mode"
)

// denyAll is the session policy of the check sessions: their tokens prove
// who they are (GetCallerIdentity needs no permission), and they may do
// nothing else in AWS.
const denyAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`

// checker asks the cluster who the migrated principals are.
type checker struct {
	d *Deps
	p *Plan
}

// asRole reaches the API server as a fresh session of the role: each call
// assumes the role anew, so each token is new and no answer comes from the
// API server's cache of tokens it has accepted.
func (c *checker) asRole(ctx context.Context, roleARN string) (Identifier, error) {
	out, err := c.d.STS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String(checkSession),
		DurationSeconds: aws.Int32(900), Policy: aws.String(denyAll)})
	if err != nil {
		return nil, err
	}
	cr := out.Credentials
	creds := aws.Credentials{AccessKeyID: aws.ToString(cr.AccessKeyId), SecretAccessKey: aws.ToString(cr.SecretAccessKey), SessionToken: aws.ToString(cr.SessionToken)}
	tok, err := token.New(ctx, token.Request{Credentials: creds, Region: c.p.Region, ClusterName: c.p.Cluster, Now: c.d.now()})
	if err != nil {
		return nil, err
	}
	return c.d.AsToken(tok.Value)
}

// observe asks the cluster who a fresh session of the role is; an identity
// with no username is a refused token.
func (c *checker) observe(ctx context.Context, roleARN string) (*Identity, error) {
	cl, err := c.asRole(ctx, roleARN)
	if err != nil {
		return nil, err
	}
	u, err := cl.WhoAmI(ctx)
	if apierrors.IsUnauthorized(err) {
		return &Identity{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot ask the cluster who a session of %s is: %w", roleARN, err)
	}
	var groups []string
	for _, g := range u.Groups {
		if g != "system:authenticated" {
			groups = append(groups, g)
		}
	}
	slices.Sort(groups)
	return &Identity{Username: u.Username, Groups: groups}, nil
}

// render fills in the templates of an access entry's username as the
// authenticator does for the check session.
func render(username, account string) string {
	return strings.NewReplacer("{{SessionName}}", checkSession, "{{SessionNameRaw}}", checkSession, "{{AccountID}}", account).Replace(username)
}

// expected is who a check session of e's role must be: the entry's
// username and groups.
func expected(e *Entry) Identity {
	groups := slices.Clone(e.Groups)
	slices.Sort(groups)
	return Identity{Username: render(e.Username, accountOf(e.PrincipalARN)), Groups: groups}
}

func (i *Identity) equal(o Identity) bool {
	return i != nil && i.Username == o.Username && slices.Equal(i.Groups, o.Groups)
}

// observeBefore records who aws-auth makes each role the plan checks by
// token, before its entry exists; a role that cannot be assumed is checked
// from its entry as EKS describes it.
func (c *checker) observeBefore(ctx context.Context, r *Report) {
	for _, res := range r.Results {
		if res.Check.Kind != "token" || res.entry.Existing != nil {
			continue
		}
		id, err := c.observe(ctx, res.PrincipalARN)
		if err != nil {
			res.Check.Kind, res.Check.Why = "described", whyNotToken(err)
			continue
		}
		res.Check.Before = id
	}
}

func whyNotToken(err error) string {
	e := awserr.Classify(err)
	if e.Code != "" {
		return "the role cannot be assumed with these credentials (" + e.Code + ")"
	}
	return "no token could be had for a session of the role: " + err.Error()
}

// checkAll checks every entry made or found; a failure names each identity
// that differs.
func (c *checker) checkAll(ctx context.Context, r *Report, phase string) error {
	var failed []string
	for _, res := range r.Results {
		if res.Outcome == OutNotMade || res.Outcome == OutRemovedAgain {
			continue
		}
		if res.Check.Kind == "described" && phase != phaseAfter {
			continue // what EKS stores does not change with the mode
		}
		if err := c.check(ctx, res, phase); err != nil {
			return err
		}
		state := "ok"
		if !res.Check.OK {
			state = "FAILED: " + res.Check.Problem
			failed = append(failed, res.PrincipalARN+": "+res.Check.Problem)
		}
		c.d.logf("checked %s %s (%s): %s", res.PrincipalARN, phase, res.Check.Kind, state)
	}
	if len(failed) == 0 {
		return nil
	}
	advice := "the entries this run created for them are removed again, so aws-auth maps them as before"
	switch phase {
	case phaseCleanup:
		advice = "their aws-auth mappings are put back"
	case phaseAPI:
		advice = "the cluster is in API mode, which EKS cannot undo: fix their access entries with 'kubectl eks-login admin map --mode api'"
	}
	return exitcode.Errorf(exitcode.Failure, "identities %s that are not what aws-auth made them: %s; %s", phase, strings.Join(failed, "; "), advice)
}

func (c *checker) check(ctx context.Context, res *Result, phase string) error {
	if res.Check.Kind == "token" {
		seen, problem, err := c.checkToken(ctx, res)
		if err == nil {
			*c.slot(res, phase) = seen
			res.Check.OK, res.Check.Problem = problem == "", problem
			return nil
		}
		if phase != phaseAfter || exitcode.Of(err) == exitcode.Network {
			return err
		}
		res.Check.Kind, res.Check.Why = "described", whyNotToken(err)
	}
	problem, err := c.checkDescribed(ctx, res.entry)
	res.Check.OK, res.Check.Problem = problem == "", problem
	return err
}

func (c *checker) slot(res *Result, phase string) **Identity {
	switch phase {
	case phaseCleanup:
		return &res.Check.AfterCleanup
	case phaseAPI:
		return &res.Check.InAPI
	}
	return &res.Check.After
}

// checkToken asks the cluster who a session of the role is until it is the
// entry's identity (EKS applies access entries within seconds, not at once),
// at most Attempts times; before, when seen, must match as well.
func (c *checker) checkToken(ctx context.Context, res *Result) (*Identity, string, error) {
	e, want := res.entry, expected(res.entry)
	var seen *Identity
	for i := 0; ; i++ {
		var err error
		if seen, err = c.observe(ctx, e.PrincipalARN); err != nil {
			return nil, "", err
		}
		if seen.equal(want) && c.isClusterAdmin(ctx, e) {
			break
		}
		if i+1 >= c.d.attempts() {
			return seen, fmt.Sprintf("a session of the role is %s, want %s", seen, &want), nil
		}
		if err := c.d.wait(ctx); err != nil {
			return nil, "", err
		}
	}
	if b := res.Check.Before; b != nil && !withoutMasters(b).equal(*seen) {
		return seen, fmt.Sprintf("before its access entry it was %s, now %s", b, seen), nil
	}
	return seen, "", nil
}

// isClusterAdmin checks, for an entry standing for system:masters, that the
// access policy gives the session every right; other entries pass.
func (c *checker) isClusterAdmin(ctx context.Context, e *Entry) bool {
	if !slices.Contains(e.Policies, ClusterAdminPolicy) {
		return true
	}
	cl, err := c.asRole(ctx, e.PrincipalARN)
	if err != nil {
		return false
	}
	ok, err := cl.CanI(ctx, authorizationv1.ResourceAttributes{Verb: "*", Group: "*", Resource: "*"})
	return err == nil && ok
}

func withoutMasters(i *Identity) *Identity {
	out := &Identity{Username: i.Username}
	for _, g := range i.Groups {
		if g != groupMasters {
			out.Groups = append(out.Groups, g)
		}
	}
	return out
}

// checkDescribed compares the access entry EKS describes with the plan.
func (c *checker) checkDescribed(ctx context.Context, e *Entry) (string, error) {
	ex, err := describeEntry(ctx, c.d, c.p.Cluster, e.PrincipalARN)
	if err != nil {
		return "", err
	}
	switch {
	case ex == nil:
		return "EKS has no access entry for it", nil
	case ex.Type != e.Type || ex.Username != e.Username || !sameSet(ex.Groups, e.Groups):
		return fmt.Sprintf("EKS describes it as %s %s [%s], want %s %s [%s]", ex.Type, ex.Username, strings.Join(ex.Groups, ","), e.Type, e.Username, strings.Join(e.Groups, ",")), nil
	case !subset(e.Policies, ex.Policies):
		return fmt.Sprintf("it lacks the access policies %s", strings.Join(e.Policies, ",")), nil
	}
	return "", nil
}
