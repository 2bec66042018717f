// Package iampolicy reads IAM policy documents and evaluates them as AWS's
// documented policy evaluation logic does, far enough to answer "who may
// become this role": identity policies allowing sts:AssumeRole on the role,
// the role's trust policy admitting the principal, permissions boundaries,
// explicit Deny winning, Action/NotAction, Resource/NotResource,
// Principal/NotPrincipal, wildcards, several statements, and values given as
// a string or a list.
//
// Conditions are never guessed: a statement with a Condition that could
// decide the answer makes it Conditional, and the statement is named so a
// person can read it. Service control policies, resource control policies
// and session policies are not part of an account's IAM and are not read.
package iampolicy

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Document is a parsed policy document.
type Document struct {
	Version   string
	Statement []Statement
}

// Statement is one statement of a policy. A nil list means the element is
// absent; Principal and NotPrincipal map a principal type ("AWS",
// "Service", "Federated", "CanonicalUser", or "*" for the bare "*") to its
// values.
type Statement struct {
	Sid          string
	Effect       string
	Action       Values
	NotAction    Values
	Resource     Values
	NotResource  Values
	Principal    map[string]Values
	NotPrincipal map[string]Values
	// Condition is kept as written: it is shown, never evaluated.
	Condition json.RawMessage
}

// Values is a policy element that may be written as a string or a list.
type Values []string

// UnmarshalJSON accepts "x" and ["x", "y"].
func (v *Values) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*v = Values{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("expected a string or a list of strings, got %s", abbreviate(b))
	}
	if many == nil {
		many = Values{}
	}
	*v = many
	return nil
}

// HasCondition tells whether the statement has a non-empty Condition.
func (s Statement) HasCondition() bool {
	c := strings.TrimSpace(string(s.Condition))
	return c != "" && c != "{}" && c != "null"
}

// Name is how explanations name the statement: its Sid, or its position.
func (s Statement) name(i int) string {
	if s.Sid != "" {
		return s.Sid
	}
	return fmt.Sprintf("statement %d", i+1)
}

// rawStatement is a statement as JSON has it, before the principal
// elements are read.
type rawStatement struct {
	Sid          string          `json:"Sid"`
	Effect       string          `json:"Effect"`
	Action       Values          `json:"Action"`
	NotAction    Values          `json:"NotAction"`
	Resource     Values          `json:"Resource"`
	NotResource  Values          `json:"NotResource"`
	Principal    json.RawMessage `json:"Principal"`
	NotPrincipal json.RawMessage `json:"NotPrincipal"`
	Condition    json.RawMessage `json:"Condition"`
}

// Parse reads a policy document as IAM returns it: JSON, or JSON
// URL-encoded (RFC 3986), as the IAM API sends documents.
func Parse(doc string) (*Document, error) {
	text := strings.TrimSpace(doc)
	if !strings.HasPrefix(text, "{") {
		decoded, err := url.PathUnescape(text)
		if err != nil {
			return nil, fmt.Errorf("the policy document is neither JSON nor URL-encoded JSON: %w", err)
		}
		text = strings.TrimSpace(decoded)
	}
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, fmt.Errorf("the policy document is not JSON: %w", err)
	}
	statements, err := parseStatements(raw.Statement)
	if err != nil {
		return nil, err
	}
	return &Document{Version: raw.Version, Statement: statements}, nil
}

// MustParse is Parse for documents known to be good, such as tests' own.
func MustParse(doc string) *Document {
	d, err := Parse(doc)
	if err != nil {
		panic(err)
	}
	return d
}

func parseStatements(b json.RawMessage) ([]Statement, error) {
	var many []rawStatement
	switch t := strings.TrimSpace(string(b)); {
	case t == "" || t == "null":
		return nil, nil
	case strings.HasPrefix(t, "{"):
		var one rawStatement
		if err := json.Unmarshal(b, &one); err != nil {
			return nil, fmt.Errorf("the policy's Statement: %w", err)
		}
		many = []rawStatement{one}
	default:
		if err := json.Unmarshal(b, &many); err != nil {
			return nil, fmt.Errorf("the policy's Statement: %w", err)
		}
	}
	out := make([]Statement, len(many))
	for i, r := range many {
		s, err := r.statement()
		if err != nil {
			return nil, fmt.Errorf("the policy's %s: %w", Statement{Sid: r.Sid}.name(i), err)
		}
		out[i] = s
	}
	return out, nil
}

func (r rawStatement) statement() (Statement, error) {
	s := Statement{Sid: r.Sid, Effect: r.Effect, Action: r.Action, NotAction: r.NotAction,
		Resource: r.Resource, NotResource: r.NotResource, Condition: r.Condition}
	if r.Effect != EffectAllow && r.Effect != EffectDeny {
		return Statement{}, fmt.Errorf("Effect must be Allow or Deny, not %q", r.Effect)
	}
	var err error
	if s.Principal, err = principals(r.Principal); err != nil {
		return Statement{}, fmt.Errorf("Principal: %w", err)
	}
	if s.NotPrincipal, err = principals(r.NotPrincipal); err != nil {
		return Statement{}, fmt.Errorf("NotPrincipal: %w", err)
	}
	return s, nil
}

// principals reads "*" or {"AWS": ..., "Service": ...}.
func principals(b json.RawMessage) (map[string]Values, error) {
	if t := strings.TrimSpace(string(b)); t == "" || t == "null" {
		return nil, nil
	}
	var star string
	if json.Unmarshal(b, &star) == nil {
		if star != "*" {
			return nil, fmt.Errorf(`a principal given as a string must be "*", not %q`, star)
		}
		return map[string]Values{"*": {"*"}}, nil
	}
	var m map[string]Values
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf(`expected "*" or an object such as {"AWS": "arn:..."}: %w`, err)
	}
	return m, nil
}

func abbreviate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// The two effects.
const (
	EffectAllow = "Allow"
	EffectDeny  = "Deny"
)
