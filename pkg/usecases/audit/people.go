package audit

import (
	"slices"
	"strings"

	"github.com/eks-login/eks-login/pkg/iampolicy"
)

// Reach is one way a person gets into a cluster: who, by which principal,
// as which Kubernetes identity, allowed which checks. A person is an IAM
// user of the account, or a principal beyond it that a trust policy
// admits; roles are the ways, never the people.
type Reach struct {
	Cluster string `json:"cluster" yaml:"cluster"`
	// Person is empty when no one may become the principal.
	Person   *Assumer           `json:"person,omitempty" yaml:"person,omitempty"`
	Decision iampolicy.Decision `json:"decision" yaml:"decision"`
	// Principal is the mapped role or user, by its ARN as mapped.
	Principal string `json:"principal" yaml:"principal"`
	// Session is the name eks-login gives the person's sessions, when the
	// identity was filled in with it.
	Session  string   `json:"session,omitempty" yaml:"session,omitempty"`
	Identity Identity `json:"identity" yaml:"identity"`
	// Allowed are the checks Kubernetes allows the identity.
	Allowed []string `json:"allowed" yaml:"allowed"`
}

// Reaches are every person's ways into every cluster, in the order of the
// clusters and their mappings; a principal no one may become is listed
// once, without a person, so that no mapping drops out of a report.
func (a *Audit) Reaches() []Reach {
	var out []Reach
	for _, c := range a.Clusters {
		for _, p := range c.Principals {
			base := Reach{Cluster: c.Name, Principal: p.ARN, Identity: p.Identity, Allowed: allowedChecks(p.Access)}
			n := 0
			for _, as := range p.Assumers {
				if as.Kind == KindRole {
					continue
				}
				r := base
				r.Person, r.Decision = &as, as.Decision
				if s := p.session(as.ARN); s != nil && as.Kind == KindUser {
					r.Session, r.Identity, r.Allowed = s.Name, s.Identity, allowedChecks(s.Access)
				}
				out = append(out, r)
				n++
			}
			if n == 0 {
				base.Decision = iampolicy.NotAllowed
				out = append(out, base)
			}
		}
	}
	return out
}

// Answers are the API server's answers for the reach: its person's
// session's, or its principal's as mapped.
func (a *Audit) Answers(r Reach) []Answer {
	for _, c := range a.Clusters {
		if c.Name != r.Cluster {
			continue
		}
		for i := range c.Principals {
			p := &c.Principals[i]
			if p.ARN != r.Principal {
				continue
			}
			if s := p.session(r.personARN()); r.Session != "" && s != nil {
				return s.Access
			}
			return p.Access
		}
	}
	return nil
}

func (r Reach) personARN() string {
	if r.Person == nil {
		return ""
	}
	return r.Person.ARN
}

// allowedChecks are the checks the answers allow.
func allowedChecks(answers []Answer) []string {
	var allowed []string
	for _, ans := range answers {
		if ans.Allowed {
			allowed = append(allowed, ans.Check)
		}
	}
	return allowed
}

// Who are the reaches of people allowed check (by its index in the
// audit's checks): who-can's answer.
func (a *Audit) Who(check int) []Reach {
	var out []Reach
	name := a.Checks[check].String()
	for _, r := range a.Reaches() {
		if r.Person != nil && slices.Contains(r.Allowed, name) {
			out = append(out, r)
		}
	}
	return out
}

// Way is how the reach goes, for a table: the person's IAM groups, the
// roles on the way, and the principal: "group Platform → role/Admin".
func (r Reach) Way() string {
	switch {
	case r.Person == nil:
		return "no one may become " + shortARN(r.Principal)
	case r.Person.Kind == KindUser && r.Person.ARN == r.Principal:
		return "mapped as itself"
	}
	var steps []string
	if len(r.Person.Groups) > 0 {
		steps = append(steps, "group "+strings.Join(r.Person.Groups, ", group "))
	}
	for _, t := range r.Person.Through {
		steps = append(steps, shortARN(t))
	}
	return strings.Join(append(steps, shortARN(r.Principal)), " → ")
}

// String is the identity for a table: the username, its groups in
// parentheses, an access entry's access policies in brackets.
func (i Identity) String() string {
	s := i.Username
	if len(i.Groups) > 0 {
		s += " (" + strings.Join(i.Groups, ", ") + ")"
	}
	if len(i.AccessPolicies) > 0 {
		s += " [" + strings.Join(i.AccessPolicies, ", ") + "]"
	}
	return s
}

// Notes are what a table of reaches cannot show: why a way is conditional,
// the principals no one may become or that IAM does not know, that
// templated usernames were asked as written, and what IAM could not read.
func (a *Audit) Notes(reaches []Reach) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	templatedUser, filled := false, ""
	for _, r := range reaches {
		if r.Person != nil && r.Decision == iampolicy.Conditional {
			add(r.Person.Short() + " is conditional: " + strings.Join(r.Person.Conditions, "; "))
		}
		templatedUser = templatedUser || r.Identity.Templated
		if filled == "" && r.Session != "" {
			filled = r.Session + " for " + r.Person.Short()
		}
	}
	for _, c := range a.Clusters {
		for _, p := range c.Principals {
			if p.Note != "" && slices.ContainsFunc(reaches, func(r Reach) bool { return r.Principal == p.ARN }) {
				add(p.Short() + " on " + c.Name + ": " + p.Note)
			}
		}
	}
	if filled != "" {
		add("{{SessionName}} is filled in with the session name eks-login gives an IAM user's role sessions (such as " + filled + "); a session the person names otherwise (the AWS CLI's --role-session-name, eks-login's --session-name) gets another username, whose bindings are not counted")
	}
	if templatedUser {
		add("usernames still holding a template were asked about as written: that session name or access key is chosen when the session is opened (a federated or outside principal, or {{AccessKeyID}}), so a binding of one filled-in name is not counted for them")
	}
	return append(out, a.Problems...)
}
