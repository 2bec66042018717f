package audit

import (
	"sort"
	"strings"

	"github.com/eks-login/eks-login/pkg/iampolicy"
)

// Kinds of assumer beyond the account's users and roles are the trust
// policy's principal types in lower case: aws (another account, or
// anyone), service, federated.
const (
	KindUser = "user"
	KindRole = "role"
)

// Assumer is someone who may become a mapped principal.
type Assumer struct {
	Kind string `json:"kind" yaml:"kind"`
	// ARN names the user or role; for principals beyond the account, the
	// trust policy's value: a service, a provider's ARN, an account, "*".
	ARN      string             `json:"arn" yaml:"arn"`
	Decision iampolicy.Decision `json:"decision" yaml:"decision"`
	// Groups are the IAM groups whose policies let the assumer take the
	// first role on its way.
	Groups []string `json:"groups,omitempty" yaml:"groups,omitempty"`
	// Through are the roles it takes on the way, in order, when the
	// principal is not its first.
	Through []string `json:"through,omitempty" yaml:"through,omitempty"`
	// Via are the statements its first step rests on; Conditions the ones
	// whose conditions make it conditional.
	Via        []string `json:"via,omitempty" yaml:"via,omitempty"`
	Conditions []string `json:"conditions,omitempty" yaml:"conditions,omitempty"`
}

func (a Assumer) key() string { return a.Kind + " " + a.ARN }

const stsAssumeRole = "sts:AssumeRole"

// trustActions are the actions by which principals take a role.
var trustActions = []string{stsAssumeRole, "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"}

// assumeGraph finds who may become a role, caching each role's direct
// assumers.
type assumeGraph struct {
	acct   *account
	direct map[*role][]Assumer
	roleOf map[string]*role // by ARN
}

func newAssumeGraph(acct *account) *assumeGraph {
	g := &assumeGraph{acct: acct, direct: map[*role][]Assumer{}, roleOf: map[string]*role{}}
	for _, r := range acct.roles {
		g.roleOf[r.ARN] = r
	}
	return g
}

// directAssumers are the users and roles of the account that may assume r
// themselves, and the principals beyond it that its trust policy admits.
func (g *assumeGraph) directAssumers(r *role) []Assumer {
	if out, ok := g.direct[r]; ok {
		return out
	}
	var out []Assumer
	if r.trustErr == nil {
		for _, u := range g.acct.users {
			if a, ok := assumerOf(KindUser, u, r); ok {
				out = append(out, a)
			}
		}
		for _, q := range g.acct.roles {
			if q == r {
				continue // a role taking itself again changes nothing here
			}
			if a, ok := assumerOf(KindRole, &q.subject, r); ok {
				out = append(out, a)
			}
		}
		out = append(out, externals(r, g.acct.id)...)
	}
	g.direct[r] = out
	return out
}

// assumerOf evaluates s assuming r. Attached policies IAM did not return
// make a refusal conditional: they might have allowed it.
func assumerOf(kind string, s *subject, r *role) (Assumer, bool) {
	v := iampolicy.CanAssume(s.Subject, r.ARN, r.trust)
	a := Assumer{Kind: kind, ARN: s.ARN, Decision: v.Decision}
	if v.Decision == iampolicy.NotAllowed && len(s.unread) > 0 {
		a.Decision = iampolicy.Conditional
		for _, u := range s.unread {
			a.Conditions = append(a.Conditions, u+" was not returned by IAM and might allow it")
		}
		return a, true
	}
	if v.Decision != iampolicy.Allowed && v.Decision != iampolicy.Conditional {
		return Assumer{}, false
	}
	groups := map[string]bool{}
	for _, m := range v.Allowing() {
		a.Via = append(a.Via, m.String())
		if g := s.groupOf[m.Policy]; g != "" && !groups[g] {
			groups[g] = true
			a.Groups = append(a.Groups, g)
		}
	}
	if v.Decision == iampolicy.Conditional {
		for _, m := range append(v.Allowing(), v.Denying()...) {
			if m.Conditional {
				a.Conditions = append(a.Conditions, m.String())
			}
		}
	}
	return a, true
}

func externals(r *role, account string) []Assumer {
	var out []Assumer
	seen := map[string]bool{}
	for _, action := range trustActions {
		for _, e := range iampolicy.Externals(r.trust, action, account) {
			a := Assumer{Kind: strings.ToLower(e.Type), ARN: e.Value, Decision: e.Decision, Via: []string{r.trust.Name}}
			if e.Decision == iampolicy.Conditional {
				a.Conditions = []string{r.trust.Name + " admits it under a condition"}
			}
			if !seen[a.key()] {
				seen[a.key()] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// assumers are everyone who may become r: its direct assumers, and, breadth
// first, whoever may become one of the roles among them, through it. Each
// keeps its best way (allowed over conditional, then the shortest); the
// search ends, cycles of roles included, since a way is only followed when
// it improves on the one known.
func (g *assumeGraph) assumers(r *role) []Assumer {
	best := map[string]Assumer{}
	var queue []Assumer
	for _, a := range g.directAssumers(r) {
		best[a.key()] = a
		queue = append(queue, a)
	}
	for len(queue) > 0 {
		step := queue[0]
		queue = queue[1:]
		q := g.roleOf[step.ARN]
		if step.Kind != KindRole || q == nil {
			continue
		}
		for _, b := range g.directAssumers(q) {
			if b.Kind == KindRole && b.ARN == r.ARN {
				continue
			}
			b.Through = append([]string{q.ARN}, step.Through...)
			b.Decision = min(b.Decision, step.Decision)
			if cur, ok := best[b.key()]; ok && cur.Decision >= b.Decision {
				continue
			}
			best[b.key()] = b
			queue = append(queue, b)
		}
	}
	return sortedAssumers(best)
}

func sortedAssumers(m map[string]Assumer) []Assumer {
	out := make([]Assumer, 0, len(m))
	for _, a := range m {
		out = append(out, a)
	}
	rank := map[string]int{KindUser: 0, KindRole: 1}
	sort.Slice(out, func(i, j int) bool {
		ri, ok := rank[out[i].Kind]
		if !ok {
			ri = 2
		}
		rj, ok := rank[out[j].Kind]
		if !ok {
			rj = 2
		}
		if ri != rj {
			return ri < rj
		}
		return out[i].key() < out[j].key()
	})
	return out
}
