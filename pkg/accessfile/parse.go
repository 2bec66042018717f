package accessfile

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/eks-login/eks-login/pkg/names"
)

// parser walks the YAML nodes of an access file along the schema, keeping
// the first mistake with its line and field.
type parser struct {
	path string
	err  *Error
	// lines remembers where each field was, for mistakes found later, when
	// fields are compared with each other.
	lines map[string]int
	// budget is how many more nodes the walk may visit: aliases (*name)
	// let a file of a kilobyte name billions of them.
	budget int
}

// aliasBudget bounds the nodes a walk of doc visits: each node of the file
// a few times over, and what aliases add up to ten times the file's size.
func aliasBudget(doc *yaml.Node) int {
	count := 0
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		count++
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(doc)
	return 10*count + 10000
}

func (p *parser) fail(n *yaml.Node, field, format string, args ...any) {
	if p.err == nil {
		p.err = &Error{Path: p.path, Line: n.Line, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
}

// deref follows aliases to the node they name, and counts the visit. Once
// the budget is spent, every node reads as missing, the walk ends, and the
// error says why, whatever mistake came before.
func (p *parser) deref(n *yaml.Node, field string) *yaml.Node {
	if n == nil {
		return nil
	}
	if p.budget--; p.budget == -1 {
		p.err = nil
		p.fail(n, field, "the YAML aliases (*name) expand to far more than the file holds; write the values out")
	}
	if p.budget < 0 {
		return nil
	}
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

func index(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

// fields checks that n is a mapping of only the allowed keys, with the
// required ones, none twice, and returns its values by key.
func (p *parser) fields(n *yaml.Node, field string, allowed, required []string) map[string]*yaml.Node {
	n = p.deref(n, field)
	if n == nil {
		return nil // missing: the parent's required list says so
	}
	if n.Kind != yaml.MappingNode {
		p.fail(n, field, "must be a mapping of %s", strings.Join(allowed, ", "))
		return nil
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.Contains(allowed, k.Value):
			p.fail(k, join(field, k.Value), "is not a field here; the fields are %s", strings.Join(allowed, ", "))
		case out[k.Value] != nil:
			p.fail(k, join(field, k.Value), "is given twice")
		}
		out[k.Value] = v
		if p.lines == nil {
			p.lines = map[string]int{}
		}
		p.lines[join(field, k.Value)] = k.Line
	}
	for _, r := range required {
		if out[r] == nil {
			p.fail(n, join(field, r), "is missing")
		}
	}
	return out
}

// str is a string scalar. YAML 1.1 readers take on, no, 123 and the like as
// other types; the file must quote them, as kubectl's and aws-auth's readers
// would otherwise disagree with ours.
func (p *parser) str(n *yaml.Node, field string, ok func(string) bool, want string) string {
	n = p.deref(n, field)
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		p.fail(n, field, "must be a string (quote it if YAML reads it as something else)")
		return ""
	}
	if ok != nil && !ok(n.Value) {
		p.fail(n, field, "%q is not %s", n.Value, want)
	}
	return n.Value
}

func (p *parser) list(n *yaml.Node, field string, min int) []*yaml.Node {
	n = p.deref(n, field)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(n, field, "must be a list")
		return nil
	}
	if len(n.Content) < min {
		p.fail(n, field, "must have at least %d item(s)", min)
	}
	if p.lines == nil {
		p.lines = map[string]int{}
	}
	for i, item := range n.Content {
		p.lines[index(field, i)] = item.Line
	}
	return n.Content
}

// strs is a list of distinct strings.
func (p *parser) strs(n *yaml.Node, field string, min int, ok func(string) bool, want string) []string {
	var out []string
	for i, item := range p.list(n, field, min) {
		s := p.str(item, index(field, i), ok, want)
		if slices.Contains(out, s) {
			p.fail(item, index(field, i), "%q is listed twice", s)
		}
		out = append(out, s)
	}
	return out
}

func (p *parser) boolean(n *yaml.Node, field string) bool {
	n = p.deref(n, field)
	if n == nil {
		return false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		p.fail(n, field, "must be true or false")
		return false
	}
	return n.Value == "true"
}

func (p *parser) file(n *yaml.Node) *File {
	m := p.fields(n, "", []string{"apiVersion", "kind", "clusters", "teams"}, []string{"apiVersion", "kind", "clusters", "teams"})
	f := &File{}
	if m == nil {
		return f
	}
	f.APIVersion = p.str(m["apiVersion"], "apiVersion", func(s string) bool { return s == APIVersion }, APIVersion+", the only version there is")
	f.Kind = p.str(m["kind"], "kind", func(s string) bool { return s == Kind }, Kind)
	for i, c := range p.list(m["clusters"], "clusters", 1) {
		f.Clusters = append(f.Clusters, p.cluster(c, index("clusters", i)))
	}
	for i, t := range p.list(m["teams"], "teams", 0) {
		f.Teams = append(f.Teams, p.team(t, index("teams", i)))
	}
	return f
}

func (p *parser) cluster(n *yaml.Node, field string) Cluster {
	m := p.fields(n, field, []string{"name", "region", "arn", "context", "mapping"}, nil)
	c := Cluster{Mapping: MappingAuto}
	if m == nil {
		return c
	}
	if m["arn"] != nil {
		c.ARN = p.str(m["arn"], join(field, "arn"), nil, "")
		if m["name"] != nil || m["region"] != nil {
			p.fail(n, field, "give the cluster by arn, or by name and region, not both")
		}
		if a, err := names.ParseClusterARN("the arn", c.ARN); err == nil {
			c.Name, c.Region = a.Name, a.Region
		} else if c.ARN != "" {
			p.fail(m["arn"], join(field, "arn"), "%v", err)
		}
	} else {
		if m["name"] == nil || m["region"] == nil {
			p.fail(n, field, "give the cluster by name and region, or by arn")
		}
		c.Name = p.str(m["name"], join(field, "name"), names.Cluster, "an EKS cluster name (letters, digits, - and _, starting with a letter or digit, at most 100)")
		c.Region = p.str(m["region"], join(field, "region"), names.Region, "an AWS region such as ap-northeast-2")
	}
	if m["context"] != nil {
		c.Context = p.str(m["context"], join(field, "context"), func(s string) bool { return s != "" }, "a kubeconfig context name")
	}
	if m["mapping"] != nil {
		c.Mapping = p.str(m["mapping"], join(field, "mapping"), func(s string) bool {
			return s == MappingAuto || s == MappingAWSAuth || s == MappingAccessEntry
		}, "a mapping mode: auto, aws-auth or access-entry")
	}
	return c
}

func (p *parser) team(n *yaml.Node, field string) Team {
	m := p.fields(n, field, []string{"name", "iamGroup", "role", "members", "kubernetes", "access"}, []string{"name", "iamGroup", "role", "kubernetes"})
	var t Team
	if m == nil {
		return t
	}
	t.Name = p.str(m["name"], join(field, "name"), names.DNSLabel, "a team name (lower-case letters, digits and -, at most 63)")
	t.IAMGroup = p.str(m["iamGroup"], join(field, "iamGroup"), func(s string) bool { return names.IAM(s, names.MaxGroupName) }, iamWant("group", names.MaxGroupName))
	if r := p.fields(m["role"], join(field, "role"), []string{"name", "requireMFA"}, []string{"name"}); r != nil {
		t.Role.Name = p.str(r["name"], join(field, "role.name"), func(s string) bool { return names.IAM(s, names.MaxRoleName) }, iamWant("role", names.MaxRoleName))
		t.Role.RequireMFA = p.boolean(r["requireMFA"], join(field, "role.requireMFA"))
	}
	t.Members = p.strs(m["members"], join(field, "members"), 0, func(s string) bool { return names.IAM(s, names.MaxUserName) }, iamWant("user", names.MaxUserName))
	if k := p.fields(m["kubernetes"], join(field, "kubernetes"), []string{"username", "groups"}, []string{"username", "groups"}); k != nil {
		t.Kubernetes.Username = p.str(k["username"], join(field, "kubernetes.username"), validUsername, "a Kubernetes username: not empty, not system:..., with no template but {{AccountID}}, {{SessionName}} and {{SessionNameRaw}}")
		t.Kubernetes.Groups = p.strs(k["groups"], join(field, "kubernetes.groups"), 1, validGroup, "a Kubernetes group that is not empty and not a system: group")
	}
	for i, g := range p.list(m["access"], join(field, "access"), 0) {
		t.Access = append(t.Access, p.grant(g, index(join(field, "access"), i)))
	}
	return t
}

func iamWant(what string, max int) string {
	return fmt.Sprintf("an IAM %s name (1 to %d letters, digits or any of _+=,.@-)", what, max)
}

func (p *parser) grant(n *yaml.Node, field string) Grant {
	m := p.fields(n, field, []string{"cluster", "clusterRoles"}, []string{"cluster", "clusterRoles"})
	var g Grant
	if m == nil {
		return g
	}
	g.Cluster = p.str(m["cluster"], join(field, "cluster"), func(s string) bool { return s != "" }, "a cluster of the file, by name or arn")
	for i, r := range p.list(m["clusterRoles"], join(field, "clusterRoles"), 1) {
		rf := index(join(field, "clusterRoles"), i)
		rm := p.fields(r, rf, []string{"clusterRole", "namespaces"}, []string{"clusterRole"})
		if rm == nil {
			continue
		}
		g.ClusterRoles = append(g.ClusterRoles, ClusterRoleOn{
			ClusterRole: p.str(rm["clusterRole"], join(rf, "clusterRole"), names.RBAC, "a ClusterRole name (letters, digits and any of -._:@+=)"),
			Namespaces:  p.strs(rm["namespaces"], join(rf, "namespaces"), 0, names.DNSLabel, "a namespace name (lower-case letters, digits and -, at most 63)"),
		})
	}
	return g
}

// validUsername: the templates aws-iam-authenticator and EKS access entries
// both fill in for a role, and no other braces; a system: name would
// impersonate the cluster's own components. The schema says the same with
// a pattern.
func validUsername(s string) bool {
	if s == "" || strings.HasPrefix(s, "system:") {
		return false
	}
	for s != "" {
		if strings.HasPrefix(s, "{{") {
			name, rest, ok := strings.Cut(s[2:], "}}")
			if !ok || name != "AccountID" && name != "SessionName" && name != "SessionNameRaw" {
				return false
			}
			s = rest
			continue
		}
		if s[0] == '{' || s[0] == '}' {
			return false
		}
		s = s[1:]
	}
	return true
}

func validGroup(s string) bool { return s != "" && !strings.HasPrefix(s, "system:") }

// references checks what the schema cannot: names that must be unique, and
// grants that must name a cluster of the file.
func (p *parser) references(f *File) error {
	byName := map[string]int{}
	seen := map[string]bool{}
	for i, c := range f.Clusters {
		key := c.Region + "/" + c.Name
		if seen[key] {
			return p.later(index("clusters", i), "cluster %s in %s is listed twice", c.Name, c.Region)
		}
		seen[key] = true
		byName[c.Name]++
	}
	unique := map[string]map[string]bool{"team": {}, "IAM group": {}, "IAM role": {}}
	for i, t := range f.Teams {
		tf := index("teams", i)
		for what, v := range map[string]string{"team": t.Name, "IAM group": t.IAMGroup, "IAM role": t.Role.Name} {
			if unique[what][v] {
				return p.later(tf, "the %s %s belongs to another team already; each team has its own", what, v)
			}
			unique[what][v] = true
		}
		granted := map[string]bool{}
		for j, g := range t.Access {
			gf := join(index(join(tf, "access"), j), "cluster")
			c, err := f.cluster(g.Cluster, byName)
			if err != "" {
				return p.later(gf, "%s", err)
			}
			if granted[c.ARN+c.Region+c.Name] {
				return p.later(gf, "cluster %s is granted twice to team %s; list its cluster roles under one entry", g.Cluster, t.Name)
			}
			granted[c.ARN+c.Region+c.Name] = true
		}
	}
	return nil
}

func (p *parser) later(field, format string, args ...any) error {
	return &Error{Path: p.path, Line: p.lines[field], Field: field, Msg: fmt.Sprintf(format, args...)}
}

// cluster finds the cluster a grant names, by ARN or by name.
func (f *File) cluster(ref string, byName map[string]int) (Cluster, string) {
	for _, c := range f.Clusters {
		if ref == c.ARN && c.ARN != "" {
			return c, ""
		}
	}
	if byName[ref] > 1 {
		return Cluster{}, fmt.Sprintf("%q names clusters in more than one region; name it by its ARN", ref)
	}
	for _, c := range f.Clusters {
		if ref == c.Name {
			return c, ""
		}
	}
	return Cluster{}, fmt.Sprintf("%q is not a cluster of this file; list it under clusters first", ref)
}

// Cluster returns the cluster a grant names.
func (f *File) Cluster(ref string) (Cluster, bool) {
	byName := map[string]int{}
	for _, c := range f.Clusters {
		byName[c.Name]++
	}
	c, err := f.cluster(ref, byName)
	return c, err == ""
}
