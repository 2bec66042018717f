package audit

import (
	"fmt"
	"io"
	"strings"

	"github.com/eks-login/eks-login/pkg/iampolicy"
	"github.com/eks-login/eks-login/pkg/iostreams"
)

// The kinds of node in the access graph, in the order of a way in:
// person → IAM group → role → (in the cluster) Kubernetes identity → what
// it may do.
const (
	nodePerson   = "person"
	nodeExternal = "external"
	nodeGroup    = "group"
	nodeRole     = "role"
	nodeIdentity = "identity"
	nodeAccess   = "access"
)

type node struct {
	id, kind string
	label    string // lines joined by \n
	cluster  int    // 1-based index of the cluster subgraph; 0 outside
}

type edge struct {
	from, to string
	decision iampolicy.Decision // the best way through it
}

// graph is the access graph of an audit, nodes and edges in a fixed order
// so that the same audit always draws the same.
type graph struct {
	nodes    []*node
	byKey    map[string]*node
	edges    []*edge
	edgeBy   map[[2]string]*edge
	clusters []string // labels
}

// Graph builds the access graph: each person's way to each principal (the
// IAM groups whose policies let them, the roles in between), the
// principal's Kubernetes identity in its cluster, and what that identity
// may do of the audit's checks.
func (a *Audit) graph() *graph {
	g := &graph{byKey: map[string]*node{}, edgeBy: map[[2]string]*edge{}}
	for ci, c := range a.Clusters {
		g.clusters = append(g.clusters, iostreams.Visible("cluster "+c.Name+" ("+c.AuthenticationMode+")"))
		for pi, p := range c.Principals {
			key := fmt.Sprintf("%d %d", ci, pi)
			var ids []*node // the Kubernetes identities the principal gives
			if p.writtenReached() {
				ids = append(ids, g.identity(key, p.Identity, a.Checks, p.Access, ci+1))
			}
			for si, s := range p.Sessions {
				ids = append(ids, g.identity(fmt.Sprintf("%s %d", key, si), s.Identity, a.Checks, s.Access, ci+1))
			}
			start := ids[0] // a user mapped as itself: its one identity
			if p.Kind == KindRole {
				start = g.node("role "+p.ARN, nodeRole, []string{p.Short()}, 0)
				for _, id := range ids {
					g.edge(start, id, iampolicy.Allowed)
				}
			}
			for _, as := range p.Assumers {
				if as.Kind != KindRole {
					g.way(as, start, p.Kind == KindUser)
				}
			}
		}
	}
	return g
}

// way draws a person's way to the principal's node: through the IAM groups
// that let it take the first role, then the roles in between.
func (g *graph) way(as Assumer, principal *node, isPrincipal bool) {
	kind := nodePerson
	if as.Kind != KindUser {
		kind = nodeExternal
	}
	person := g.node(as.key(), kind, []string{as.Short()}, 0)
	if isPrincipal { // a user mapped as itself
		g.edge(person, principal, as.Decision)
		return
	}
	first := principal
	if len(as.Through) > 0 {
		first = g.node("role "+as.Through[0], nodeRole, []string{shortARN(as.Through[0])}, 0)
		for i, r := range as.Through {
			next := principal
			if i+1 < len(as.Through) {
				next = g.node("role "+as.Through[i+1], nodeRole, []string{shortARN(as.Through[i+1])}, 0)
			}
			g.edge(g.node("role "+r, nodeRole, []string{shortARN(r)}, 0), next, as.Decision)
		}
	}
	if len(as.Groups) == 0 {
		g.edge(person, first, as.Decision)
	}
	for _, grp := range as.Groups {
		gn := g.node("group "+grp, nodeGroup, []string{"group " + grp}, 0)
		g.edge(person, gn, as.Decision)
		g.edge(gn, first, as.Decision)
	}
}

// node is the node of key, made with a label of lines the first time.
func (g *graph) node(key, kind string, lines []string, cluster int) *node {
	if n, ok := g.byKey[key]; ok {
		return n
	}
	shown := make([]string, len(lines))
	for i, l := range lines {
		shown[i] = iostreams.Visible(l)
	}
	n := &node{id: fmt.Sprintf("n%d", len(g.nodes)+1), kind: kind, label: strings.Join(shown, "\n"), cluster: cluster}
	g.nodes = append(g.nodes, n)
	g.byKey[key] = n
	return n
}

func (g *graph) edge(from, to *node, d iampolicy.Decision) {
	k := [2]string{from.id, to.id}
	if e, ok := g.edgeBy[k]; ok {
		e.decision = max(e.decision, d)
		return
	}
	e := &edge{from: from.id, to: to.id, decision: d}
	g.edges = append(g.edges, e)
	g.edgeBy[k] = e
}

// identity draws a Kubernetes identity in its cluster and what it may do.
func (g *graph) identity(key string, id Identity, checks []Check, answers []Answer, cluster int) *node {
	n := g.node("identity "+key, nodeIdentity, identityLabel(id), cluster)
	g.edge(n, g.node("access "+key, nodeAccess, accessLabel(checks, answers), cluster), iampolicy.Allowed)
	return n
}

func identityLabel(id Identity) []string {
	lines := []string{id.Username}
	if len(id.Groups) > 0 {
		lines = append(lines, "groups: "+strings.Join(id.Groups, ", "))
	}
	if len(id.AccessPolicies) > 0 {
		lines = append(lines, "access policies: "+strings.Join(id.AccessPolicies, ", "))
	}
	return lines
}

// accessLabel lists what the identity may do, one line per object.
func accessLabel(checks []Check, answers []Answer) []string {
	lines := Compact(checks, func(i int) bool { return i < len(answers) && answers[i].Allowed })
	if len(lines) == 0 {
		return []string{"none of the checks"}
	}
	return lines
}

// Compact writes the checks allowed one line per object, its verbs
// together: "get,list secrets", "create pods/exec".
func Compact(checks []Check, allowed func(i int) bool) []string {
	var lines []string
	var verbs []string
	for i, c := range checks {
		if allowed(i) {
			verbs = append(verbs, c.Verb)
		}
		if last := i == len(checks)-1; last || checks[i+1].What() != c.What() {
			if len(verbs) > 0 {
				lines = append(lines, strings.Join(verbs, ",")+" "+c.What())
			}
			verbs = nil
		}
	}
	return lines
}

// WriteDot writes the access graph in Graphviz's language.
func (a *Audit) WriteDot(w io.Writer) error {
	g := a.graph()
	var b strings.Builder
	b.WriteString("digraph access {\n  rankdir=LR;\n  graph [fontname=\"Helvetica\", fontsize=12];\n  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, n := range g.nodes {
		if n.cluster == 0 {
			fmt.Fprintf(&b, "  %s [%s];\n", n.id, dotAttrs(n))
		}
	}
	for ci, label := range g.clusters {
		fmt.Fprintf(&b, "  subgraph cluster_%d {\n    label=%s;\n    style=rounded;\n", ci+1, dotQuote(label))
		for _, n := range g.nodes {
			if n.cluster == ci+1 {
				fmt.Fprintf(&b, "    %s [%s];\n", n.id, dotAttrs(n))
			}
		}
		b.WriteString("  }\n")
	}
	for _, e := range g.edges {
		attrs := ""
		if e.decision == iampolicy.Conditional {
			attrs = ` [style=dashed, label="conditional"]`
		}
		fmt.Fprintf(&b, "  %s -> %s%s;\n", e.from, e.to, attrs)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

var dotShapes = map[string]string{
	nodePerson:   `shape=ellipse, style=filled, fillcolor="#dbeafe"`,
	nodeExternal: `shape=ellipse, style=dashed`,
	nodeGroup:    `shape=folder`,
	nodeRole:     `shape=box`,
	nodeIdentity: `shape=box, style=rounded`,
	nodeAccess:   `shape=note`,
}

func dotAttrs(n *node) string {
	lines := strings.Split(n.label, "\n")
	for i, l := range lines {
		lines[i] = dotEscape(l)
	}
	return `label="` + strings.Join(lines, `\n`) + `", ` + dotShapes[n.kind]
}

func dotQuote(s string) string { return `"` + dotEscape(s) + `"` }

func dotEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// WriteMermaid writes the access graph as a Mermaid flowchart, which
// GitHub draws in a ```mermaid block.
func (a *Audit) WriteMermaid(w io.Writer) error {
	g := a.graph()
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for _, n := range g.nodes {
		if n.cluster == 0 {
			fmt.Fprintf(&b, "  %s\n", mermaidNode(n))
		}
	}
	for ci, label := range g.clusters {
		fmt.Fprintf(&b, "  subgraph c%d[\"%s\"]\n", ci+1, mermaidEscape(label))
		for _, n := range g.nodes {
			if n.cluster == ci+1 {
				fmt.Fprintf(&b, "    %s\n", mermaidNode(n))
			}
		}
		b.WriteString("  end\n")
	}
	for _, e := range g.edges {
		arrow := "-->"
		if e.decision == iampolicy.Conditional {
			arrow = "-. conditional .->"
		}
		fmt.Fprintf(&b, "  %s %s %s\n", e.from, arrow, e.to)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidShapes open and close a node's label by kind.
var mermaidShapes = map[string][2]string{
	nodePerson:   {"([", "])"},
	nodeExternal: {"([", "])"},
	nodeGroup:    {"[/", "/]"},
	nodeRole:     {"[", "]"},
	nodeIdentity: {"(", ")"},
	nodeAccess:   {"[[", "]]"},
}

func mermaidNode(n *node) string {
	lines := strings.Split(n.label, "\n")
	for i, l := range lines {
		lines[i] = mermaidEscape(l)
	}
	s := mermaidShapes[n.kind]
	return n.id + s[0] + `"` + strings.Join(lines, "<br/>") + `"` + s[1]
}

// mermaidEscape writes the characters Mermaid reads as syntax inside a
// quoted label as its entity codes.
func mermaidEscape(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "#", "#35;", "<", "#lt;", ">", "#gt;").Replace(s)
}
