package iampolicy

import (
	"strings"
)

// Principal is an IAM user or role as a role's trust policy sees it.
type Principal struct {
	// ARN is arn:PARTITION:iam::ACCOUNT:user/PATH/NAME or role/PATH/NAME.
	ARN string
	// ID is its unique ID (AIDA..., AROA...): IAM puts it in a trust policy
	// in place of the ARN of a principal that was deleted.
	ID      string
	Account string
}

func (p Principal) partition() string {
	if parts := strings.SplitN(p.ARN, ":", 3); len(parts) == 3 {
		return parts[1]
	}
	return "aws"
}

// sessionARN is a role's assumed-role ARN for session, as STS names the
// role's sessions: without the role's path.
func (p Principal) sessionARN(session string) string {
	parts := strings.SplitN(p.ARN, ":", 6)
	if len(parts) != 6 || !strings.HasPrefix(parts[5], "role/") {
		return ""
	}
	name := parts[5][strings.LastIndex(parts[5], "/")+1:]
	return "arn:" + parts[1] + ":sts::" + parts[4] + ":assumed-role/" + name + "/" + session
}

// How a trust statement names a principal.
type naming int

const (
	namesNot     naming = iota
	namesAccount        // its account (ID or root ARN): identity policies decide
	namesItself         // its ARN, its ID, or everyone
	namesSession        // a session of the role with a given name
)

// names tells how one value of a Principal element's "AWS" list names p.
func (p Principal) names(value string) naming {
	root := "arn:" + p.partition() + ":iam::" + p.Account + ":root"
	switch {
	case value == "*" || value == p.ARN || p.ID != "" && value == p.ID:
		return namesItself
	case value == p.Account || value == root:
		return namesAccount
	case strings.ContainsAny(value, "*?") && Glob(value, p.ARN):
		// IAM refuses partial wildcards in a Principal when the policy is
		// written; a document made elsewhere is read as its author meant.
		return namesItself
	}
	if s := p.sessionARN("*"); s != "" && Glob(value, s) {
		return namesItself
	}
	if s := p.sessionARN(""); s != "" && strings.HasPrefix(value, s) {
		return namesSession // only a session of that name: it depends on the caller
	}
	return namesNot
}

// naming is the strongest way a principal element names p.
func (p Principal) naming(element map[string]Values) naming {
	best := namesNot
	if _, ok := element["*"]; ok {
		return namesItself
	}
	for _, v := range element["AWS"] {
		best = max(best, p.names(v))
	}
	return best
}

// TrustResult is what a role's trust policy says about a principal,
// split by how each statement names it.
type TrustResult struct {
	// Itself: statements that name the principal (or everyone). Within the
	// account an Allow among them is enough on its own.
	Itself Result
	// Account: statements that name only the principal's account. They
	// leave the decision to the principal's identity policies.
	Account Result
}

// EvaluateTrust applies a role's trust policy to p asking for action
// (sts:AssumeRole).
func EvaluateTrust(trust Policy, action string, p Principal) TrustResult {
	var r TrustResult
	for i, s := range trust.Doc.Statement {
		if !s.coversAction(action) {
			continue
		}
		how := s.namingOf(p)
		if how == namesNot {
			continue
		}
		m := Match{Policy: trust.Name, Statement: s.name(i), Effect: s.Effect, Conditional: s.HasCondition() || how == namesSession}
		if how == namesAccount {
			r.Account.Matches = append(r.Account.Matches, m)
		} else {
			r.Itself.Matches = append(r.Itself.Matches, m)
		}
	}
	return r
}

// namingOf is how the statement's Principal or NotPrincipal takes in p. A
// NotPrincipal takes in everyone it does not name by ARN or ID; naming the
// account there spares only the account's root.
func (s Statement) namingOf(p Principal) naming {
	switch {
	case s.Principal != nil:
		return p.naming(s.Principal)
	case s.NotPrincipal != nil:
		if how := p.naming(s.NotPrincipal); how == namesItself {
			return namesNot
		} else if how == namesSession {
			return namesSession // everyone but one session: depends on it
		}
		return namesItself
	}
	return namesNot
}

// Subject is an IAM user or role that might assume a role: its identity
// policies (for a user, its groups' too) and its permissions boundary.
type Subject struct {
	Principal
	Identity []Policy
	// Boundary is the permissions boundary; nil when there is none.
	Boundary *Policy
	// Vars are the policy variables of the subject's requests, such as
	// aws:username (lower-case keys).
	Vars map[string]string
}

// Verdict is whether a subject may assume a role, with the statements that
// decided it.
type Verdict struct {
	Decision Decision
	Trust    TrustResult
	Identity Result
	Boundary *Result
}

// CanAssume evaluates sts:AssumeRole of the role roleARN with trust policy
// trust, by s in the role's own account, as AWS's evaluation logic for a
// request within one account does: an explicit Deny anywhere wins; the
// trust policy must allow, either naming s itself (then that is enough) or
// naming its account (then an identity policy of s must allow too); and a
// permissions boundary, when s has one, must allow as well.
func CanAssume(s Subject, roleARN string, trust Policy) Verdict {
	req := Request{Action: "sts:AssumeRole", Resource: roleARN, Vars: s.Vars}
	v := Verdict{Trust: EvaluateTrust(trust, req.Action, s.Principal), Identity: Evaluate(s.Identity, req)}
	results := []Result{v.Identity, v.Trust.Itself, v.Trust.Account}
	if s.Boundary != nil {
		b := Evaluate([]Policy{*s.Boundary}, req)
		v.Boundary = &b
		results = append(results, b)
	}
	for _, r := range results {
		if r.Decision() == Denied {
			v.Decision = Denied
			return v
		}
	}
	direct := v.Trust.Itself.Decision()
	delegated := minDecision(v.Trust.Account.Decision(), v.Identity.Decision())
	v.Decision = maxDecision(direct, delegated)
	if v.Boundary != nil {
		v.Decision = minDecision(v.Decision, v.Boundary.Decision())
	}
	if v.Decision == Allowed {
		for _, r := range results {
			if r.hasConditionalDeny() {
				v.Decision = Conditional
			}
		}
	}
	return v
}

// Allowing are the statements whose Allow the decision rests on: the trust
// policy's and, where the trust policy names only the account, the
// identity policies' and the boundary's.
func (v Verdict) Allowing() []Match {
	out := v.Trust.Itself.With(EffectAllow)
	if v.Trust.Account.Decision() != NotAllowed && v.Identity.Decision() != NotAllowed {
		out = append(out, v.Trust.Account.With(EffectAllow)...)
		out = append(out, v.Identity.With(EffectAllow)...)
	}
	if v.Boundary != nil {
		out = append(out, v.Boundary.With(EffectAllow)...)
	}
	return out
}

// Denying are the Deny statements that apply, with or without a condition.
func (v Verdict) Denying() []Match {
	var out []Match
	for _, r := range []Result{v.Identity, v.Trust.Itself, v.Trust.Account} {
		out = append(out, r.With(EffectDeny)...)
	}
	if v.Boundary != nil {
		out = append(out, v.Boundary.With(EffectDeny)...)
	}
	return out
}
