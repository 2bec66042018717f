package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/awsprofile"
	"github.com/eks-login/eks-login/pkg/iampolicy"
)

// IAM policy reading, just enough to say why an AssumeRole was refused: does
// an inline policy of one of the caller's groups allow sts:AssumeRole on the
// role, and does the role's trust policy admit the caller. pkg/iampolicy
// evaluates the documents, as it does for admin who-can.

const assumeRole = "sts:AssumeRole"

// allowsAssume tells whether an identity policy allows sts:AssumeRole on
// roleARN with no Deny of it beside, under a condition or not.
func allowsAssume(doc, roleARN string) (bool, error) {
	d, err := iampolicy.Parse(doc)
	if err != nil {
		return false, err
	}
	r := iampolicy.Evaluate([]iampolicy.Policy{{Doc: d}}, iampolicy.Request{Action: assumeRole, Resource: roleARN})
	return len(r.With(iampolicy.EffectAllow)) > 0 && len(r.With(iampolicy.EffectDeny)) == 0, nil
}

// trustAdmits tells whether a role's trust policy has an Allow of
// sts:AssumeRole that names caller (of account), its account, or everyone.
func trustAdmits(doc, account, caller string) (bool, error) {
	d, err := iampolicy.Parse(doc)
	if err != nil {
		return false, err
	}
	r := iampolicy.EvaluateTrust(iampolicy.Policy{Doc: d}, assumeRole, iampolicy.Principal{ARN: caller, Account: account})
	return len(r.Itself.With(iampolicy.EffectAllow))+len(r.Account.With(iampolicy.EffectAllow)) > 0, nil
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
			if ok, err := allowsAssume(doc, roleARN); err == nil && ok {
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
