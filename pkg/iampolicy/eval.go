package iampolicy

import (
	"fmt"
	"strings"
)

// Decision is what policies say about a request.
type Decision int

// The decisions, ordered so that, for requests no explicit Deny stops, the
// larger of two is what either of them allows and the smaller what both do.
const (
	// NotAllowed: no statement allows the request (AWS's implicit deny).
	NotAllowed Decision = iota
	// Conditional: a statement allows it under a Condition, or a Deny
	// under a Condition may stop it; which one holds is not guessed.
	Conditional
	// Allowed: a statement without a Condition allows it and no Deny can
	// stop it.
	Allowed
	// Denied: a Deny without a Condition applies: nothing can allow it.
	Denied
)

var decisionNames = [...]string{"not allowed", "conditional", "allowed", "denied"}

func (d Decision) String() string { return decisionNames[d] }

// MarshalText writes the decision as its name, for JSON and YAML.
func (d Decision) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a decision's name.
func (d *Decision) UnmarshalText(b []byte) error {
	for i, n := range decisionNames {
		if n == string(b) {
			*d = Decision(i)
			return nil
		}
	}
	return fmt.Errorf("%q is not a decision (%s)", b, strings.Join(decisionNames[:], ", "))
}

func minDecision(a, b Decision) Decision { return min(a, b) }
func maxDecision(a, b Decision) Decision { return max(a, b) }

// Policy is a document with the name explanations give it, such as
// "inline policy assume of group Developers".
type Policy struct {
	Name string
	Doc  *Document
}

// Match is a statement that applies to a request.
type Match struct {
	Policy    string `json:"policy" yaml:"policy"`
	Statement string `json:"statement" yaml:"statement"`
	Effect    string `json:"effect" yaml:"effect"`
	// Conditional: the statement has a Condition, or names the resource
	// through a policy variable whose value is not known here.
	Conditional bool `json:"conditional,omitempty" yaml:"conditional,omitempty"`
}

func (m Match) String() string {
	s := m.Policy + " (" + m.Statement + ")"
	if m.Conditional {
		s += " under a condition"
	}
	return s
}

// Result is what a set of policies says about one request: every statement
// that applies.
type Result struct {
	Matches []Match
}

// Decision sorts the statements out: an unconditional Deny wins; else an
// unconditional Allow with no conditional Deny allows; else any Allow is
// conditional; else nothing allows.
func (r Result) Decision() Decision {
	allow, conditionalAllow, conditionalDeny := false, false, false
	for _, m := range r.Matches {
		switch {
		case m.Effect == EffectDeny && !m.Conditional:
			return Denied
		case m.Effect == EffectDeny:
			conditionalDeny = true
		case m.Conditional:
			conditionalAllow = true
		default:
			allow = true
		}
	}
	switch {
	case allow && !conditionalDeny:
		return Allowed
	case allow || conditionalAllow:
		return Conditional
	}
	return NotAllowed
}

// With are the statements of effect.
func (r Result) With(effect string) []Match {
	var out []Match
	for _, m := range r.Matches {
		if m.Effect == effect {
			out = append(out, m)
		}
	}
	return out
}

func (r Result) hasConditionalDeny() bool {
	for _, m := range r.Matches {
		if m.Effect == EffectDeny && m.Conditional {
			return true
		}
	}
	return false
}

// Request is an action on a resource, with the policy variables known for
// the caller (lower-case keys such as "aws:username").
type Request struct {
	Action   string
	Resource string
	Vars     map[string]string
}

// Evaluate applies identity-based policies (or a permissions boundary) to
// req: every statement whose Action or NotAction and Resource or
// NotResource cover it.
func Evaluate(policies []Policy, req Request) Result {
	var r Result
	for _, p := range policies {
		variables := p.Doc.Version == "2012-10-17"
		for i, s := range p.Doc.Statement {
			applies, uncertain := s.covers(req, variables)
			if applies {
				r.Matches = append(r.Matches, Match{Policy: p.Name, Statement: s.name(i), Effect: s.Effect, Conditional: uncertain || s.HasCondition()})
			}
		}
	}
	return r
}

// covers tells whether the statement's action and resource elements cover
// req, and whether that rests on a policy variable not known.
func (s Statement) covers(req Request, variables bool) (bool, bool) {
	if !s.coversAction(req.Action) {
		return false, false
	}
	switch {
	case s.Resource != nil:
		return anyResource(s.Resource, req.Resource, req.Vars, variables)
	case s.NotResource != nil:
		match, uncertain := anyResource(s.NotResource, req.Resource, req.Vars, variables)
		return !match || uncertain, uncertain
	}
	return false, false // an identity statement needs Resource or NotResource
}

func (s Statement) coversAction(action string) bool {
	switch {
	case s.Action != nil:
		return anyAction(s.Action, action)
	case s.NotAction != nil:
		return !anyAction(s.NotAction, action)
	}
	return false
}
