package iampolicy

import (
	"sort"
	"strings"
)

// External is a principal a trust policy admits that is not an IAM user or
// role of the role's own account, and so cannot be evaluated from that
// account's IAM: an AWS service, a federation provider, another account
// or a principal in it, or anyone ("*").
type External struct {
	// Type is the Principal element's key: AWS, Service, Federated,
	// CanonicalUser.
	Type  string `json:"type" yaml:"type"`
	Value string `json:"value" yaml:"value"`
	// Decision is Allowed or Conditional (the statement has a Condition).
	Decision Decision `json:"decision" yaml:"decision"`
}

// Externals lists the principals outside account that trust's Allow
// statements admit for action, less those an unconditional Deny names.
// NotPrincipal statements are left out: they name who is spared.
func Externals(trust Policy, action, account string) []External {
	found := map[External]bool{}
	denied := map[string]bool{}
	for _, s := range trust.Doc.Statement {
		if !s.coversAction(action) || s.Principal == nil {
			continue
		}
		for typ, values := range principalValues(s.Principal) {
			for _, v := range values {
				if typ == "AWS" && inAccount(v, account) {
					continue
				}
				switch {
				case s.Effect == EffectDeny && !s.HasCondition():
					denied[typ+" "+v] = true
				case s.Effect == EffectAllow:
					d := Allowed
					if s.HasCondition() {
						d = Conditional
					}
					found[External{Type: typ, Value: v, Decision: d}] = true
				}
			}
		}
	}
	var out []External
	for e := range found {
		if !denied[e.Type+" "+e.Value] && !(e.Decision == Conditional && found[External{Type: e.Type, Value: e.Value, Decision: Allowed}]) {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type+out[i].Value < out[j].Type+out[j].Value })
	return out
}

func principalValues(element map[string]Values) map[string]Values {
	if _, ok := element["*"]; ok {
		return map[string]Values{"AWS": {"*"}}
	}
	return element
}

// inAccount tells whether an AWS principal value is the account itself or
// one of its IAM users or roles, which are evaluated one by one.
func inAccount(v, account string) bool {
	if v == account {
		return true
	}
	parts := strings.SplitN(v, ":", 6)
	return len(parts) == 6 && parts[4] == account && (parts[2] == "iam" || parts[2] == "sts")
}
