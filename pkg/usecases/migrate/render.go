package migrate

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/iostreams"
)

// entryView is an access entry as diffs show it.
type entryView struct {
	PrincipalARN     string            `yaml:"principalArn"`
	Type             string            `yaml:"type"`
	Username         string            `yaml:"username"`
	KubernetesGroups []string          `yaml:"kubernetesGroups,omitempty"`
	AccessPolicies   []string          `yaml:"accessPolicies,omitempty"`
	Tags             map[string]string `yaml:"tags,omitempty"`
}

func view(principal, typ, username string, groups, policies []string, tagged bool) *entryView {
	v := &entryView{PrincipalARN: principal, Type: typ, Username: username, KubernetesGroups: groups, AccessPolicies: policies}
	if tagged {
		v.Tags = map[string]string{CreatedByTag: CreatedByValue}
	}
	return v
}

func (e *Entry) wantView() any {
	tagged := e.Action == ActCreate || (e.Existing != nil && e.Existing.CreatedByMigrate)
	return view(e.PrincipalARN, e.Type, e.Username, e.Groups, e.Policies, tagged)
}

func (e *Entry) existingView() any {
	if e.Existing == nil {
		return nil
	}
	x := e.Existing
	return view(e.PrincipalARN, x.Type, x.Username, x.Groups, x.Policies, x.CreatedByMigrate)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Print writes the plan as --dry-run shows it: the steps in order, the
// entries as a table, what is not migrated and why, and a diff per object.
func (p *Plan) Print(w io.Writer) {
	fmt.Fprintf(w, "Plan: move cluster %s (%s) from aws-auth to access entries; its authentication mode is %s.\n\n", p.Cluster, p.Region, p.Mode)
	n := 0
	step := func(format string, args ...any) {
		n++
		fmt.Fprintf(w, "%d. %s\n", n, fmt.Sprintf(format, args...))
	}
	if len(p.ModeChanges) > 0 && p.ModeChanges[0].To == ModeBoth {
		step("switch the authentication mode %s -> %s, and wait for the update: aws-auth keeps working, and an access entry wins over it", p.Mode, ModeBoth)
	}
	step("access entries (new ones tagged %s=%s):", CreatedByTag, CreatedByValue)
	p.printEntries(w)
	step("check every identity through the cluster: the same username and groups as aws-auth gives")
	if p.Cleanup != nil {
		step("remove the %d migrated mappings from aws-auth (the ConfigMap stays), then check every identity again", len(p.Cleanup.Remove))
	}
	if len(p.ModeChanges) > 0 && p.ModeChanges[len(p.ModeChanges)-1].To == ModeAPI {
		step("switch the authentication mode to API, once confirmed; EKS never switches back, and aws-auth is ignored from then on; then check every identity again")
	} else if p.Mode != ModeAPI {
		step("stop at %s (--to api switches to API; --cleanup removes the migrated mappings from aws-auth)", ModeBoth)
	}
	p.printRefusals(w)
	p.printDiffs(w)
}

func (p *Plan) printEntries(w io.Writer) {
	if len(p.Entries) == 0 {
		fmt.Fprintln(w, "   none: aws-auth maps no role or user that can be migrated")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "   AWS-AUTH\tPRINCIPAL\tTYPE\tUSERNAME\tGROUPS\tPOLICIES\tACTION\tCHECK")
	for _, e := range p.Entries {
		fmt.Fprint(tw, iostreams.Row(fmt.Sprintf("   %s:%d", e.Source.Key, e.Source.Line), e.PrincipalARN, e.Type, dash(e.Username),
			dash(strings.Join(e.Groups, ",")), dash(strings.Join(e.Policies, ",")), e.Action, e.Check))
	}
	tw.Flush()
	for _, e := range p.Entries {
		notes := e.Notes
		if e.PrincipalARN != e.Source.ARN {
			notes = append([]string{"aws-auth names it " + e.Source.ARN + "; IAM gives its path"}, notes...)
		}
		for _, note := range notes {
			iostreams.Linef(w, "   note: %s: %s", e.PrincipalARN, note)
		}
	}
}

func (p *Plan) printRefusals(w io.Writer) {
	if len(p.NotMigrated) == 0 {
		fmt.Fprintln(w, "\nNot migrated: none.")
		return
	}
	fmt.Fprintf(w, "\nNot migrated (%d; aws-auth keeps them, and API mode would ignore them):\n", len(p.NotMigrated))
	for _, r := range p.NotMigrated {
		what := r.What
		if r.ARN != "" {
			what += " " + r.ARN
		}
		iostreams.Linef(w, "   %s: %s", what, r.Reason)
	}
}

func (p *Plan) printDiffs(w io.Writer) {
	var diffs []string
	if len(p.ModeChanges) > 0 {
		last := p.ModeChanges[len(p.ModeChanges)-1].To
		diffs = append(diffs, fileplan.ObjectDiff("cluster/"+p.Cluster+"/accessConfig",
			map[string]string{"authenticationMode": p.Mode}, map[string]string{"authenticationMode": last}))
	}
	for _, e := range p.Entries {
		if e.Action != ActDone {
			diffs = append(diffs, fileplan.ObjectDiff("access-entry/"+e.PrincipalARN, e.existingView(), e.wantView()))
		}
	}
	if p.Cleanup != nil {
		diffs = append(diffs, p.Cleanup.Diff)
	}
	fmt.Fprintln(w, "\nChanges:")
	for _, d := range diffs {
		if d != "" {
			fmt.Fprint(w, d)
		}
	}
	fmt.Fprintln(w, "dry run: nothing was changed")
}

// writeJSON writes v indented, with a final newline.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// PrintJSON writes the plan as JSON.
func (p *Plan) PrintJSON(w io.Writer) error { return writeJSON(w, map[string]any{"plan": p}) }

// Print writes what the run did: a line per entry with its check, what was
// not migrated, and where the cluster stands.
func (r *Report) Print(w io.Writer) {
	cleaned, inAPI := false, false
	for _, res := range r.Results {
		cleaned = cleaned || res.Check.AfterCleanup != nil
		inAPI = inAPI || res.Check.InAPI != nil
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	head := "PRINCIPAL\tTYPE\tENTRY\tCHECK\tBEFORE (AWS-AUTH)\tAFTER"
	if cleaned {
		head += "\tAFTER CLEANUP"
	}
	if inAPI {
		head += "\tIN API"
	}
	fmt.Fprintln(tw, head+"\tRESULT")
	for _, res := range r.Results {
		c := res.Check
		after := c.After.String()
		if c.Kind == "described" && res.Outcome != OutNotMade {
			after = fmt.Sprintf("%s [%s]", res.entry.Username, strings.Join(res.entry.Groups, ","))
		}
		line := strings.TrimSuffix(iostreams.Row(res.PrincipalARN, res.Type, res.Outcome, c.Kind, c.Before.String(), after), "\n")
		if cleaned {
			line += "\t" + iostreams.Visible(c.AfterCleanup.String())
		}
		if inAPI {
			line += "\t" + iostreams.Visible(c.InAPI.String())
		}
		fmt.Fprintln(tw, line+"\t"+iostreams.Visible(result(res)))
	}
	tw.Flush()
	for _, res := range r.Results {
		if res.Check.Why != "" {
			iostreams.Linef(w, "note: %s is checked from its access entry as EKS describes it: %s", res.PrincipalARN, res.Check.Why)
		}
	}
	r.Plan.printRefusals(w)
	fmt.Fprintf(w, "\n%s\n", r.state())
}

func result(res *Result) string {
	switch {
	case res.Outcome == OutNotMade:
		return "-"
	case res.Check.OK:
		return "ok"
	case res.Check.Problem != "":
		return "FAILED: " + res.Check.Problem
	}
	return "unchecked"
}

// state says where the cluster stands after the run, and what is next.
func (r *Report) state() string {
	p := r.Plan
	for _, res := range r.Results {
		if res.Check.Problem != "" {
			return fmt.Sprintf("Stopped: cluster %s is in %s, and the identities marked FAILED are not what aws-auth made them. Run again once they are fixed.", p.Cluster, r.Mode)
		}
	}
	switch {
	case r.Mode == ModeAPI:
		return fmt.Sprintf("Cluster %s is in API mode: access entries alone let people in, and aws-auth is ignored.", p.Cluster)
	case r.CleanedUp != nil:
		return fmt.Sprintf("Cluster %s is in %s, and aws-auth no longer maps the migrated principals. Next: kubectl eks-login admin migrate --cluster %s --to api", p.Cluster, r.Mode, p.Cluster)
	}
	return fmt.Sprintf("Cluster %s is in %s: aws-auth still maps everyone it did, and the access entries win over it. Next: --cleanup removes the migrated mappings from aws-auth, --to api switches to API.", p.Cluster, r.Mode)
}

// PrintJSON writes the report as JSON.
func (r *Report) PrintJSON(w io.Writer) error { return writeJSON(w, map[string]any{"report": r}) }
