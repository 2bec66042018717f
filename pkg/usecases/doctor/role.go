package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
)

// 2. The profile's role can be assumed.
func (w *walk) role(ctx context.Context) Finding {
	const link = LinkRole
	if w.roleARN == "" {
		if w.sourceID == nil {
			return skip(link, "the credentials link is broken")
		}
		w.roleOK = true
		d := fmt.Sprintf("profile %s assumes no role: %s speaks for the token", w.profile, w.sourceID.ARN)
		if w.roleArg != "" {
			d += fmt.Sprintf("; the exec entry assumes --role-arn %s on top, which the token link checks", w.roleArg)
		}
		return Finding{Link: link, Status: StatusOK, Detail: d}
	}
	if w.sourceID == nil && w.source != w.profile && w.source != "" {
		return skip(link, "the credentials link is broken")
	}
	id, err := w.d.AWS.CallerIdentity(ctx, w.ref(w.profile))
	if err == nil {
		w.roleOK = true
		return Finding{Link: link, Status: StatusOK, Detail: fmt.Sprintf("assumed role %s as %s", w.roleARN, id.ARN)}
	}
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Kind != awserr.AssumeRoleDenied {
		return awsFail(link, err, fmt.Sprintf("assume role %s with profile %s", w.roleARN, w.profile), "")
	}
	caller, account := ae.Caller, ""
	if w.sourceID != nil {
		caller = firstOf(caller, w.sourceID.ARN)
		account = w.sourceID.Account
	}
	if account == "" {
		if parts := strings.Split(caller, ":"); len(parts) > 4 {
			account = parts[4]
		}
	}
	detail := fmt.Sprintf("%s is not allowed to assume role %s (STS AssumeRole: AccessDenied)", orDefault(caller, "your identity"), w.roleARN)
	var a assumeAnalysis
	if r, err := w.d.AWS.IAM(ctx, w.ref(w.source)); err != nil {
		a = assumeAnalysis{Why: "IAM cannot be read: " + shortErr(err)}
	} else {
		a = explainAssume(ctx, r, caller, account, w.roleARN)
	}
	detail += ". " + a.sentence(caller, w.roleARN)
	user, isUser := userName(caller)
	if !isUser {
		user = "USER"
	}
	fix := fmt.Sprintf("an AWS administrator adds %s to the IAM group allowed to assume the role: kubectl eks-login admin iam --cluster %s --role %s --iam-group GROUP --user %s", user, orDefault(w.cluster, "CLUSTER"), roleName(w.roleARN), user)
	if a.Known && len(a.Allowing) > 0 {
		fix = "the group allows it, so look for a Deny, a permissions boundary or a condition (MFA) on the role or the user"
	}
	if a.Known && a.TrustUnknown == "" && !a.Trusts {
		fix += fmt.Sprintf("; and the role's trust policy must admit account %s (arn:aws:iam::%s:root)", account, account)
	}
	return fail(link, exitcode.AccessDenied, detail, fix)
}
