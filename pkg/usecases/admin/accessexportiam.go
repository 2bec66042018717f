package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/accessfile"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/names"
)

// exporter gathers the teams export finds, one per mapped role.
type exporter struct {
	env   *iamEnv
	teams map[string]*accessfile.Team // by role name
	notes []string
	// groupPolicies caches each group's inline policy names, read once.
	groupPolicies map[string][]string
	groups        []string
}

func (x *exporter) note(format string, args ...any) {
	x.notes = append(x.notes, fmt.Sprintf(format, args...))
}

// addCluster adds what cluster ref maps: each role a team, its bindings the
// team's access there.
func (x *exporter) addCluster(ref string, found []exported) {
	for _, e := range found {
		name := roleName(e.roleARN)
		switch {
		case len(e.groups) == 0 || slices.ContainsFunc(e.groups, func(g string) bool { return strings.HasPrefix(g, "system:") }):
			x.note("cluster %s: role %s maps to groups [%s], which an access file cannot declare (none, or system: ones): left out", ref, name, strings.Join(e.groups, ", "))
			continue
		case len(e.roles) == 0:
			x.note("cluster %s: role %s's groups have no ClusterRole binding there, and an access file grants access through one: left out", ref, name)
			continue
		}
		t := x.teams[name]
		if t == nil {
			t = &accessfile.Team{Role: accessfile.Role{Name: name}, Kubernetes: accessfile.Identity{Username: e.username, Groups: e.groups}}
			x.teams[name] = t
		} else if t.Kubernetes.Username != e.username || !slices.Equal(t.Kubernetes.Groups, e.groups) {
			x.note("cluster %s: role %s maps to user %s, groups [%s], unlike on the clusters before; the file keeps the first", ref, name, e.username, strings.Join(e.groups, ", "))
		}
		t.Access = append(t.Access, accessfile.Grant{Cluster: ref, ClusterRoles: e.roles})
	}
}

// iamSide fills each team's group, members and MFA from IAM, and names it.
func (x *exporter) iamSide(ctx context.Context) error {
	taken := map[string]bool{}
	for _, role := range slices.Sorted(func(yield func(string) bool) {
		for k := range x.teams {
			if !yield(k) {
				return
			}
		}
	}) {
		t := x.teams[role]
		r, err := x.env.getRole(ctx, role)
		if err != nil {
			return err
		}
		arn := x.env.roleARN(role)
		if r == nil {
			x.note("role %s is mapped but not in IAM; apply would create it", role)
		} else {
			arn = aws.ToString(r.Arn)
			t.Role.RequireMFA = requiresMFA(aws.ToString(r.AssumeRolePolicyDocument))
		}
		if err := x.findGroup(ctx, t, arn); err != nil {
			return err
		}
		t.Name = teamName(t.IAMGroup, role, taken)
	}
	for role, t := range x.teams {
		if t.IAMGroup == "" {
			x.note("role %s: no IAM group may assume it (by an inline policy), and a team is a group: left out", role)
			delete(x.teams, role)
		}
	}
	return nil
}

// findGroup finds the group allowed to assume the role: one with
// eks-login's policy for it, or else with an inline policy allowing
// sts:AssumeRole on its ARN; and its members.
func (x *exporter) findGroup(ctx context.Context, t *accessfile.Team, roleARN string) error {
	if err := x.loadGroups(ctx); err != nil {
		return err
	}
	group := ""
	for _, g := range x.groups {
		if slices.Contains(x.groupPolicies[g], assumePolicyPrefix+t.Role.Name) {
			group = g
			break
		}
	}
	for _, g := range x.groups {
		if group != "" {
			break
		}
		ok, err := x.groupAllows(ctx, g, roleARN)
		if err != nil {
			return err
		}
		if ok {
			group = g
		}
	}
	if group == "" {
		return nil
	}
	out, err := x.env.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(group)})
	if err != nil {
		return awserr.Explain(err, "cannot read IAM group "+group+" (iam:GetGroup)")
	}
	t.IAMGroup, t.Members = group, nil
	for _, u := range out.Users {
		t.Members = append(t.Members, aws.ToString(u.UserName))
	}
	sort.Strings(t.Members)
	return nil
}

func (x *exporter) loadGroups(ctx context.Context) error {
	if x.groupPolicies != nil {
		return nil
	}
	x.groupPolicies = map[string][]string{}
	pages := iam.NewListGroupsPaginator(x.env.iam, &iam.ListGroupsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return awserr.Explain(err, "cannot list the IAM groups (iam:ListGroups)")
		}
		for _, g := range page.Groups {
			name := aws.ToString(g.GroupName)
			policies, err := x.env.groupPolicyNames(ctx, name)
			if err != nil {
				return err
			}
			x.groups, x.groupPolicies[name] = append(x.groups, name), policies
		}
	}
	return nil
}

func (x *exporter) groupAllows(ctx context.Context, group, roleARN string) (bool, error) {
	for _, p := range x.groupPolicies[group] {
		out, err := x.env.iam.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String(p)})
		if err != nil {
			return false, awserr.Explain(err, "cannot read IAM group "+group+" policy "+p+" (iam:GetGroupPolicy)")
		}
		if allowsAction(aws.ToString(out.PolicyDocument), "sts:AssumeRole", roleARN) {
			return true, nil
		}
	}
	return false, nil
}

// policyStatements reads a policy document's statements (a list or one).
func policyStatements(doc string) []map[string]any {
	var d struct{ Statement json.RawMessage }
	if json.Unmarshal([]byte(unescape(doc)), &d) != nil {
		return nil
	}
	var list []map[string]any
	if json.Unmarshal(d.Statement, &list) != nil {
		var one map[string]any
		if json.Unmarshal(d.Statement, &one) != nil {
			return nil
		}
		list = []map[string]any{one}
	}
	return list
}

func strList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, s := range v {
			if s, ok := s.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// allowsAction: an unconditional Allow of action on resource, exactly
// (wildcards are not taken as the team's grant).
func allowsAction(doc, action, resource string) bool {
	return slices.ContainsFunc(policyStatements(doc), func(st map[string]any) bool {
		return st["Effect"] == "Allow" && st["Condition"] == nil &&
			slices.ContainsFunc(strList(st["Action"]), func(a string) bool { return strings.EqualFold(a, action) }) &&
			slices.Contains(strList(st["Resource"]), resource)
	})
}

// requiresMFA: the trust policy's Allow asks for aws:MultiFactorAuthPresent.
func requiresMFA(trust string) bool {
	return slices.ContainsFunc(policyStatements(trust), func(st map[string]any) bool {
		cond, _ := st["Condition"].(map[string]any)
		b, _ := cond["Bool"].(map[string]any)
		return st["Effect"] == "Allow" && fmt.Sprint(b["aws:MultiFactorAuthPresent"]) == "true"
	})
}

var notLabel = regexp.MustCompile(`[^a-z0-9-]+`)

// teamName makes a team name (a DNS label) from the group's name, or the
// role's, unique among taken.
func teamName(group, role string, taken map[string]bool) string {
	base := group
	if base == "" {
		base = role
	}
	base = strings.Trim(notLabel.ReplaceAllString(strings.ToLower(base), "-"), "-")
	if len(base) > 55 {
		base = strings.Trim(base[:55], "-")
	}
	if base == "" {
		base = "team"
	}
	name := base
	for i := 2; taken[name] || !names.DNSLabel(name); i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	taken[name] = true
	return name
}

// sortedTeams are the teams found, by name.
func (x *exporter) sortedTeams() []accessfile.Team {
	out := []accessfile.Team{}
	for _, t := range x.teams {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
