package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
)

// What a run did with each planned entry.
const (
	OutCreated      = "created"
	OutDone         = "already done"
	OutAssociated   = "policy associated"
	OutUpdated      = "updated"
	OutRemovedAgain = "removed again" // created, failed its check, deleted
	OutNotMade      = "not made"      // the run stopped before it
)

// Report is what a run did, entry by entry, with the checks' findings.
type Report struct {
	Plan      *Plan     `json:"plan"`
	Mode      string    `json:"authenticationMode"`
	Results   []*Result `json:"results"`
	CleanedUp []string  `json:"cleanedUp,omitempty"`
}

// Result is one entry's outcome and check.
type Result struct {
	PrincipalARN string `json:"principalArn"`
	Type         string `json:"type"`
	Outcome      string `json:"outcome"`
	Check        Check  `json:"check"`
	entry        *Entry
}

// Identity is who the cluster takes a principal for.
type Identity struct {
	Username string   `json:"username"`
	Groups   []string `json:"groups"`
}

func (i *Identity) String() string {
	if i == nil {
		return "-"
	}
	if i.Username == "" {
		return "refused (Unauthorized)"
	}
	return fmt.Sprintf("%s [%s]", i.Username, strings.Join(i.Groups, ","))
}

// Check is how an identity was checked, and what was seen: through a token
// for a session of the role (before the entry, with aws-auth; after it; after
// the cleanup; in API mode), or from the entry as EKS describes it.
type Check struct {
	Kind         string    `json:"kind"`
	Why          string    `json:"why,omitempty"`
	Want         Identity  `json:"want"`
	Before       *Identity `json:"before,omitempty"`
	After        *Identity `json:"after,omitempty"`
	AfterCleanup *Identity `json:"afterCleanup,omitempty"`
	InAPI        *Identity `json:"inAPI,omitempty"`
	OK           bool      `json:"ok"`
	Problem      string    `json:"problem,omitempty"`
}

// Run applies the plan: the switch to API_AND_CONFIG_MAP, the entries, the
// checks, and, when asked for, the cleanup of aws-auth and the switch to
// API. It stops at the first failure; what it did until then is in the
// report, and a second run finishes the work.
func Run(ctx context.Context, d *Deps, p *Plan) (*Report, error) {
	r := &Report{Plan: p, Mode: p.Mode}
	for _, e := range p.Entries {
		r.Results = append(r.Results, &Result{PrincipalARN: e.PrincipalARN, Type: e.Type, Outcome: OutNotMade, entry: e,
			Check: Check{Kind: e.Check, Want: Identity{Username: e.Username, Groups: e.Groups}}})
	}
	if err := preflight(d, p); err != nil {
		return r, err
	}
	if r.Mode == ModeConfigMap {
		if err := switchMode(ctx, d, r, ModeBoth); err != nil {
			return r, err
		}
	}
	c := &checker{d: d, p: p}
	if r.Mode != ModeAPI {
		c.observeBefore(ctx, r)
	}
	if err := makeEntries(ctx, d, r); err != nil {
		return r, err
	}
	if err := c.checkAll(ctx, r, phaseAfter); err != nil {
		return r, errors.Join(err, undoFailed(ctx, d, r))
	}
	if p.Request.Cleanup {
		if err := cleanup(ctx, d, c, r); err != nil {
			return r, err
		}
	}
	if p.Request.ToAPI && r.Mode != ModeAPI {
		if err := switchMode(ctx, d, r, ModeAPI); err != nil {
			return r, err
		}
		return r, c.checkAll(ctx, r, phaseAPI)
	}
	return r, nil
}

// preflight refuses, before any change, what the plan may not do.
func preflight(d *Deps, p *Plan) error {
	if conflicts := p.Conflicts(); len(conflicts) > 0 {
		var arns []string
		for _, e := range conflicts {
			arns = append(arns, e.PrincipalARN)
		}
		return exitcode.Errorf(exitcode.Conflict, "%d principals have access entries that differ from their aws-auth mappings (%s); nothing was changed: see them with --dry-run, and pass --force to make them equal aws-auth's", len(arns), strings.Join(arns, ", "))
	}
	if !p.Request.ToAPI || p.Mode == ModeAPI {
		return nil
	}
	if len(p.NotMigrated) > 0 && !p.Request.Force {
		return exitcode.Errorf(exitcode.Conflict, "%d aws-auth entries cannot be migrated (see --dry-run), and API mode would shut them out; nothing was changed: migrate without --to api, or pass --force to switch anyway", len(p.NotMigrated))
	}
	if d.Confirm == nil {
		return exitcode.Errorf(exitcode.Conflict, "switching cluster %s to API cannot be undone, and there is no terminal to confirm it on; nothing was changed: pass --yes to confirm it in a script", p.Cluster)
	}
	ok, err := d.Confirm(p.Cluster)
	if err != nil {
		return exitcode.Errorf(exitcode.Conflict, "cannot ask for confirmation: %w; nothing was changed", err)
	}
	if !ok {
		return exitcode.Errorf(exitcode.Conflict, "the switch of cluster %s to API was not confirmed; nothing was changed", p.Cluster)
	}
	return nil
}

// switchMode changes the authentication mode and waits until EKS says the
// update is Successful.
func switchMode(ctx context.Context, d *Deps, r *Report, to string) error {
	name := r.Plan.Cluster
	out, err := d.EKS.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: aws.String(name),
		AccessConfig: &ekstypes.UpdateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationMode(to)}})
	if err != nil {
		return awserr.Explain(err, fmt.Sprintf("cannot switch cluster %s from %s to %s (eks:UpdateClusterConfig)", name, r.Mode, to))
	}
	if out.Update == nil {
		return fmt.Errorf("EKS answered the switch of cluster %s to %s without an update to follow", name, to)
	}
	id := aws.ToString(out.Update.Id)
	for status := out.Update.Status; status != ekstypes.UpdateStatusSuccessful; {
		if status == ekstypes.UpdateStatusFailed || status == ekstypes.UpdateStatusCancelled {
			return fmt.Errorf("the switch of cluster %s to %s ended %s (update %s): %v", name, to, status, id, out.Update.Errors)
		}
		if err := d.wait(ctx); err != nil {
			return fmt.Errorf("while waiting for the switch of cluster %s to %s (update %s; run again to go on): %w", name, to, id, err)
		}
		u, err := d.EKS.DescribeUpdate(ctx, &eks.DescribeUpdateInput{Name: aws.String(name), UpdateId: aws.String(id)})
		if err != nil {
			return awserr.Explain(err, "cannot read update "+id+" of cluster "+name+" (eks:DescribeUpdate)")
		}
		if u.Update == nil {
			return fmt.Errorf("EKS describes update %s of cluster %s as nothing", id, name)
		}
		out.Update, status = u.Update, u.Update.Status
	}
	d.logf("switched the authentication mode of %s from %s to %s (update %s: Successful)", name, r.Mode, to, id)
	r.Mode = to
	return nil
}

// makeEntries creates or completes each entry, in aws-auth's order.
func makeEntries(ctx context.Context, d *Deps, r *Report) error {
	for _, res := range r.Results {
		e := res.entry
		var err error
		switch e.Action {
		case ActCreate:
			var created bool
			created, err = createEntry(ctx, d, r.Plan, e)
			if created {
				res.Outcome = OutCreated // even when its policy failed: the next run associates it
			}
		case ActDone:
			res.Outcome = OutDone
		case ActAssociate:
			err = syncPolicies(ctx, d, r.Plan, e)
			res.Outcome = OutAssociated
		case ActUpdate:
			err = updateEntry(ctx, d, r.Plan, e)
			res.Outcome = OutUpdated
		}
		if err != nil {
			if e.Action != ActCreate {
				res.Outcome = OutNotMade
			}
			return err
		}
		d.logf("%s access entry %s (%s)", res.Outcome, e.PrincipalARN, e.Type)
	}
	return nil
}

func createEntry(ctx context.Context, d *Deps, p *Plan, e *Entry) (bool, error) {
	in := &eks.CreateAccessEntryInput{ClusterName: aws.String(p.Cluster), PrincipalArn: aws.String(e.PrincipalARN),
		Type: aws.String(e.Type), Tags: map[string]string{CreatedByTag: CreatedByValue}}
	if e.Type == TypeStandard {
		in.Username, in.KubernetesGroups = aws.String(e.Username), e.Groups
	}
	if _, err := d.EKS.CreateAccessEntry(ctx, in); err != nil {
		return false, awserr.Explain(err, "cannot create the access entry of "+e.PrincipalARN+" (eks:CreateAccessEntry)")
	}
	return true, syncPolicies(ctx, d, p, e)
}

func updateEntry(ctx context.Context, d *Deps, p *Plan, e *Entry) error {
	groups := e.Groups
	if groups == nil {
		groups = []string{}
	}
	_, err := d.EKS.UpdateAccessEntry(ctx, &eks.UpdateAccessEntryInput{ClusterName: aws.String(p.Cluster), PrincipalArn: aws.String(e.PrincipalARN),
		Username: aws.String(e.Username), KubernetesGroups: groups})
	if err != nil {
		return awserr.Explain(err, "cannot update the access entry of "+e.PrincipalARN+" (eks:UpdateAccessEntry)")
	}
	return syncPolicies(ctx, d, p, e)
}

// syncPolicies associates the entry's access policies cluster-wide and, for
// an entry --force updates, disassociates the others.
func syncPolicies(ctx context.Context, d *Deps, p *Plan, e *Entry) error {
	var have []string
	if e.Existing != nil {
		have = e.Existing.Policies
	}
	for _, name := range e.Policies {
		if slices.Contains(have, name) {
			continue
		}
		_, err := d.EKS.AssociateAccessPolicy(ctx, &eks.AssociateAccessPolicyInput{ClusterName: aws.String(p.Cluster), PrincipalArn: aws.String(e.PrincipalARN),
			PolicyArn: aws.String(p.policyARN(name)), AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}})
		if err != nil {
			return awserr.Explain(err, "cannot associate "+name+" with the access entry of "+e.PrincipalARN+" (eks:AssociateAccessPolicy)")
		}
	}
	if e.Action != ActUpdate {
		return nil
	}
	for _, name := range have {
		if slices.Contains(e.Policies, name) {
			continue
		}
		name, _, _ = strings.Cut(name, "(")
		_, err := d.EKS.DisassociateAccessPolicy(ctx, &eks.DisassociateAccessPolicyInput{ClusterName: aws.String(p.Cluster), PrincipalArn: aws.String(e.PrincipalARN), PolicyArn: aws.String(p.policyARN(name))})
		if err != nil {
			return awserr.Explain(err, "cannot disassociate "+name+" from the access entry of "+e.PrincipalARN+" (eks:DisassociateAccessPolicy)")
		}
	}
	return nil
}

func (p *Plan) policyARN(name string) string {
	partition := strings.SplitN(p.ClusterARN, ":", 3)[1]
	return "arn:" + partition + ":eks::aws:cluster-access-policy/" + name
}

// undoFailed deletes the entries this run created whose identity failed its
// check, so that aws-auth maps those principals again as before.
func undoFailed(ctx context.Context, d *Deps, r *Report) error {
	var errs []error
	for _, res := range r.Results {
		if res.Check.OK || res.Outcome != OutCreated {
			continue
		}
		_, err := d.EKS.DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{ClusterName: aws.String(r.Plan.Cluster), PrincipalArn: aws.String(res.PrincipalARN)})
		if err != nil {
			errs = append(errs, awserr.Explain(err, "cannot remove the access entry of "+res.PrincipalARN+" again; delete it with 'aws eks delete-access-entry'"))
			continue
		}
		res.Outcome = OutRemovedAgain
		d.logf("removed the access entry of %s again: aws-auth maps it as before", res.PrincipalARN)
	}
	return errors.Join(errs...)
}

// cleanup removes the migrated mappings from aws-auth, then checks every
// identity again; if one changed, the mappings go back.
func cleanup(ctx context.Context, d *Deps, c *checker, r *Report) error {
	var removed []string
	if _, err := awsauth.Edit(ctx, d.Kube, removeMappings(r.Plan.Cleanup.Remove, &removed), true); err != nil {
		return err
	}
	r.CleanedUp = removed
	d.logf("removed %d migrated mappings from ConfigMap kube-system/aws-auth", len(removed))
	if err := c.checkAll(ctx, r, phaseCleanup); err != nil {
		var back []Source
		for _, res := range r.Results {
			if slices.Contains(removed, res.entry.Source.ARN) {
				back = append(back, res.entry.Source)
			}
		}
		if rerr := restoreMappings(ctx, d.Kube, back); rerr != nil {
			return errors.Join(err, rerr)
		}
		r.CleanedUp = nil
		d.logf("put the %d mappings back into aws-auth", len(back))
		return err
	}
	return nil
}
