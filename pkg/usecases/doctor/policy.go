package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/awsprofile"
)

// IAM policy reading, just enough to say why an AssumeRole was refused: does
// an inline policy of one of the caller's groups allow sts:AssumeRole on the
// role, and does the role's trust policy admit the caller. Conditions are
// not evaluated; the explanation says so when a statement has one.

type policy struct {
	Statement statements `json:"Statement"`
}

type statements []statement

func (s *statements) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var one statement
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = statements{one}
		return nil
	}
	var many []statement
	err := json.Unmarshal(b, &many)
	*s = many
	return err
}

type statement struct {
	Effect    string          `json:"Effect"`
	Action    stringList      `json:"Action"`
	Resource  stringList      `json:"Resource"`
	Principal json.RawMessage `json:"Principal"`
	Condition json.RawMessage `json:"Condition"`
}

type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*l = stringList{one}
		return nil
	}
	var many []string
	err := json.Unmarshal(b, &many)
	*l = many
	return err
}

func (s statement) hasCondition() bool {
	c := strings.TrimSpace(string(s.Condition))
	return c != "" && c != "{}" && c != "null"
}

// glob matches IAM wildcards: * any run, ? one character.
func glob(pattern, s string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if glob(pattern[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || pattern[0] != s[0] {
				return false
			}
		}
		pattern, s = pattern[1:], s[1:]
	}
	return s == ""
}

func anyGlob(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if fold && glob(strings.ToLower(p), strings.ToLower(s)) || !fold && glob(p, s) {
			return true
		}
	}
	return false
}

// assumeVerdict is what one identity policy says about sts:AssumeRole on a role.
type assumeVerdict struct {
	Allowed, Denied, Conditional bool
}

func parsePolicy(doc string) (policy, error) {
	var p policy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return policy{}, fmt.Errorf("the policy document is not JSON: %w", err)
	}
	return p, nil
}

func allowsAssume(doc, roleARN string) (assumeVerdict, error) {
	p, err := parsePolicy(doc)
	if err != nil {
		return assumeVerdict{}, err
	}
	var v assumeVerdict
	for _, s := range p.Statement {
		if !anyGlob(s.Action, "sts:AssumeRole", true) || !anyGlob(s.Resource, roleARN, false) {
			continue
		}
		switch s.Effect {
		case "Allow":
			v.Allowed = true
			v.Conditional = v.Conditional || s.hasCondition()
		case "Deny":
			v.Denied = true
		}
	}
	return v, nil
}

// trustAdmits tells whether a role's trust policy lets caller (of account)
// call sts:AssumeRole.
func trustAdmits(doc, account, caller string) (bool, error) {
	p, err := parsePolicy(doc)
	if err != nil {
		return false, err
	}
	partition := "aws"
	if parts := strings.SplitN(caller, ":", 3); len(parts) == 3 {
		partition = parts[1]
	}
	root := "arn:" + partition + ":iam::" + account + ":root"
	for _, s := range p.Statement {
		if s.Effect != "Allow" || !anyGlob(s.Action, "sts:AssumeRole", true) {
			continue
		}
		for _, pr := range principals(s.Principal) {
			if pr == "*" || pr == account || pr == root || caller != "" && glob(pr, caller) {
				return true, nil
			}
		}
	}
	return false, nil
}

// principals are the AWS principals of a statement: "*" or {"AWS": ...}.
func principals(raw json.RawMessage) []string {
	var star string
	if json.Unmarshal(raw, &star) == nil {
		return []string{star}
	}
	var m map[string]stringList
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m["AWS"]
}

// userName is the IAM user name of an ARN arn:aws:iam::ACCT:user/PATH/NAME.
func userName(arn string) (string, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "user/") {
		return "", false
	}
	res := parts[5]
	return res[strings.LastIndex(res, "/")+1:], true
}

// roleName is the name of a role ARN.
func roleName(arn string) string {
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

func isDenied(err error) bool {
	var ae *awserr.Error
	return errors.As(err, &ae) && (ae.Kind == awserr.AccessDenied || ae.Kind == awserr.AssumeRoleDenied)
}

// assumeAnalysis is what IAM tells about a refused AssumeRole.
type assumeAnalysis struct {
	// Known is false when IAM could not be read; Why says what was refused.
	Known bool
	Why   string
	// Groups are the caller's groups; Allowing those whose inline policy
	// allows sts:AssumeRole on the role.
	Groups, Allowing []string
	// Unread are attached managed policies, whose documents are not read.
	Unread       []string
	Trusts       bool
	TrustUnknown string
}

// explainAssume reads IAM as the caller to find why caller may not assume
// roleARN. It never fails: what it cannot read, it says it cannot tell.
func explainAssume(ctx context.Context, r awsprofile.IAMReader, caller, account, roleARN string) assumeAnalysis {
	user, ok := userName(caller)
	if !ok {
		return assumeAnalysis{Why: fmt.Sprintf("%s is not an IAM user, so its groups cannot be listed", caller)}
	}
	groups, err := r.ListGroupsForUser(ctx, user)
	if err != nil {
		if isDenied(err) {
			return assumeAnalysis{Why: fmt.Sprintf("%s may not read IAM (iam:ListGroupsForUser is denied)", caller)}
		}
		return assumeAnalysis{Why: fmt.Sprintf("iam:ListGroupsForUser failed: %v", err)}
	}
	a := assumeAnalysis{Known: true, Groups: groups}
	for _, g := range groups {
		names, err := r.ListGroupPolicies(ctx, g)
		if err != nil {
			return assumeAnalysis{Why: fmt.Sprintf("the policies of group %s cannot be read (%v)", g, shortErr(err))}
		}
		for _, n := range names {
			doc, err := r.GetGroupPolicy(ctx, g, n)
			if err != nil {
				return assumeAnalysis{Why: fmt.Sprintf("policy %s of group %s cannot be read (%v)", n, g, shortErr(err))}
			}
			if v, err := allowsAssume(doc, roleARN); err == nil && v.Allowed && !v.Denied {
				a.Allowing = append(a.Allowing, g)
				break
			}
		}
		if attached, err := r.ListAttachedGroupPolicies(ctx, g); err == nil {
			for _, n := range attached {
				a.Unread = append(a.Unread, g+"/"+n)
			}
		}
	}
	doc, err := r.RoleTrustPolicy(ctx, roleName(roleARN))
	switch {
	case err != nil:
		a.TrustUnknown = fmt.Sprintf("the role's trust policy cannot be read (%v)", shortErr(err))
	default:
		if a.Trusts, err = trustAdmits(doc, account, caller); err != nil {
			a.TrustUnknown = err.Error()
		}
	}
	return a
}

// sentence renders the analysis for the role link.
func (a assumeAnalysis) sentence(caller, roleARN string) string {
	if !a.Known {
		return "eks-login cannot tell why: " + a.Why
	}
	var b strings.Builder
	switch {
	case len(a.Groups) == 0:
		fmt.Fprintf(&b, "%s is in no IAM group", caller)
	case len(a.Allowing) == 0:
		fmt.Fprintf(&b, "%s is in group(s) %s, but no inline policy of them allows sts:AssumeRole on %s", caller, strings.Join(a.Groups, ", "), roleARN)
		if len(a.Unread) > 0 {
			fmt.Fprintf(&b, " (attached policies %s were not read)", strings.Join(a.Unread, ", "))
		}
	default:
		fmt.Fprintf(&b, "%s is in group(s) %s whose policy allows sts:AssumeRole on the role", caller, strings.Join(a.Allowing, ", "))
	}
	switch {
	case a.TrustUnknown != "":
		b.WriteString("; " + a.TrustUnknown)
	case a.Trusts:
		b.WriteString("; the role's trust policy admits the caller's account")
	default:
		b.WriteString("; the role's trust policy does not admit the caller or its account")
	}
	return b.String()
}

func shortErr(err error) string {
	var ae *awserr.Error
	if errors.As(err, &ae) && ae.Code != "" {
		return ae.Code
	}
	return err.Error()
}
