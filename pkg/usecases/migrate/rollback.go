package migrate

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fileplan"
)

// Rollback deletes the access entries migrate created, found by their tag,
// and nothing else; the authentication mode stays (EKS never moves it back).
type Rollback struct {
	Cluster string           `json:"cluster"`
	Region  string           `json:"region"`
	Mode    string           `json:"authenticationMode"`
	Delete  []*RollbackEntry `json:"delete"`
	Force   bool             `json:"-"`
}

// RollbackEntry is an access entry to delete.
type RollbackEntry struct {
	PrincipalARN string    `json:"principalArn"`
	Existing     *Existing `json:"entry"`
	// ShutsOut says why deleting the entry leaves the principal no way in.
	ShutsOut string `json:"shutsOut,omitempty"`
	Deleted  bool   `json:"deleted"`
}

// BuildRollback finds the entries migrate created on cluster.
func BuildRollback(ctx context.Context, d *Deps, cluster string, force bool) (*Rollback, error) {
	p := &Plan{Cluster: cluster}
	if err := p.describeCluster(ctx, d); err != nil {
		return nil, err
	}
	rb := &Rollback{Cluster: cluster, Region: p.Region, Mode: p.Mode, Delete: []*RollbackEntry{}, Force: force}
	if p.Mode == ModeConfigMap {
		return rb, nil // a CONFIG_MAP cluster has no access entries
	}
	doc, _, err := awsauth.Read(ctx, d.Kube)
	if err != nil {
		return nil, err
	}
	in := &eks.ListAccessEntriesInput{ClusterName: aws.String(cluster)}
	for more := true; more; more = in.NextToken != nil {
		page, err := d.EKS.ListAccessEntries(ctx, in)
		if err != nil {
			return nil, awserr.Explain(err, "cannot list the access entries of cluster "+cluster+" (eks:ListAccessEntries)")
		}
		in.NextToken = page.NextToken
		for _, principal := range page.AccessEntries {
			ex, err := describeEntry(ctx, d, cluster, principal)
			if err != nil {
				return nil, err
			}
			if ex != nil && ex.CreatedByMigrate {
				rb.Delete = append(rb.Delete, &RollbackEntry{PrincipalARN: principal, Existing: ex, ShutsOut: shutsOut(p.Mode, doc, principal)})
			}
		}
	}
	return rb, nil
}

// shutsOut says why deleting principal's entry would leave it no way in:
// API mode ignores aws-auth, and a cleaned-up aws-auth no longer maps it.
func shutsOut(mode string, doc *awsauth.Doc, principal string) string {
	if mode == ModeAPI {
		return "the cluster is in API mode, which ignores aws-auth"
	}
	want := strings.ToLower(pathless(principal))
	for _, m := range doc.Mappings() {
		if strings.ToLower(m.ARN) == want {
			return ""
		}
	}
	return "aws-auth no longer maps it (--cleanup removed it)"
}

// RunRollback deletes the entries; one whose deletion would shut its
// principal out is deleted only with Force, and then nothing is deleted
// before that is settled.
func RunRollback(ctx context.Context, d *Deps, rb *Rollback) error {
	var out []string
	for _, e := range rb.Delete {
		if e.ShutsOut != "" {
			out = append(out, e.PrincipalARN+" ("+e.ShutsOut+")")
		}
	}
	if len(out) > 0 && !rb.Force {
		return exitcode.Errorf(exitcode.Conflict, "deleting these access entries would shut their principals out: %s; nothing was deleted: put them back into aws-auth first ('admin map --mode configmap'), or pass --force", strings.Join(out, "; "))
	}
	for _, e := range rb.Delete {
		_, err := d.EKS.DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{ClusterName: aws.String(rb.Cluster), PrincipalArn: aws.String(e.PrincipalARN)})
		if err != nil {
			return awserr.Explain(err, "cannot delete the access entry of "+e.PrincipalARN+" (eks:DeleteAccessEntry); run the rollback again to go on")
		}
		e.Deleted = true
		d.logf("deleted access entry %s (%s), with its access policies", e.PrincipalARN, e.Existing.Type)
	}
	return nil
}

// Print writes the rollback as --dry-run shows it.
func (rb *Rollback) Print(w io.Writer) {
	fmt.Fprintf(w, "Rollback of cluster %s (%s): delete the %d access entries tagged %s=%s; the authentication mode stays %s (EKS never switches back).\n",
		rb.Cluster, rb.Region, len(rb.Delete), CreatedByTag, CreatedByValue, rb.Mode)
	for _, e := range rb.Delete {
		x := e.Existing
		fmt.Fprintf(w, "would delete access entry %s (%s)", e.PrincipalARN, x.Type)
		if e.ShutsOut != "" {
			fmt.Fprintf(w, ": shuts it out, %s", e.ShutsOut)
		}
		fmt.Fprintln(w)
		fmt.Fprint(w, fileplan.ObjectDiff("access-entry/"+e.PrincipalARN, view(e.PrincipalARN, x.Type, x.Username, x.Groups, x.Policies, true), nil))
	}
	fmt.Fprintln(w, "dry run: nothing was changed")
}

// PrintJSON writes the rollback as JSON.
func (rb *Rollback) PrintJSON(w io.Writer) error { return writeJSON(w, map[string]any{"rollback": rb}) }
