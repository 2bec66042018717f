package doctor

import (
	"context"
	"fmt"

	"github.com/eks-login/eks-login/pkg/exitcode"
)

// 1. The profile exists and its source credentials resolve.
func (w *walk) credentials(ctx context.Context) Finding {
	const link = LinkCredentials
	if w.awsErr != nil {
		return fail(link, exitcode.Input, "cannot read the AWS config: "+w.awsErr.Error(), "fix the file at the line named")
	}
	if w.region == "" {
		return fail(link, exitcode.Input, fmt.Sprintf("no AWS region: the exec entry names none, and profile %s has no region", w.profile), fmt.Sprintf("pass --region, or add region to profile %s in %s", w.profile, w.cfgPath))
	}
	p, inCfg := w.cfgFile.Profile(w.profile)
	_, inCred := w.credFile.Profile(w.profile)
	if !inCfg && !inCred {
		return fail(link, exitcode.Credentials, fmt.Sprintf("profile %s (from %s) is in neither %s nor %s", w.profile, w.profileFrom, w.cfgPath, w.credPath), w.loginFix()+" (writes it)")
	}
	where := w.credPath
	if inCfg {
		where = w.cfgPath
		w.roleARN, w.source = p.Values["role_arn"], p.Values["source_profile"]
	}
	if w.roleARN != "" && w.source == "" {
		return Finding{Link: link, Status: StatusWarn, Detail: fmt.Sprintf("profile %s in %s assumes %s with credential_source %q; the source credentials are checked with the role", w.profile, where, w.roleARN, p.Values["credential_source"])}
	}
	src := w.profile
	if w.source != "" {
		src = w.source
		_, a := w.cfgFile.Profile(src)
		_, b := w.credFile.Profile(src)
		if !a && !b {
			return fail(link, exitcode.Credentials, fmt.Sprintf("profile %s in %s names source_profile %s, which is in neither %s nor %s", w.profile, where, src, w.cfgPath, w.credPath), fmt.Sprintf("aws configure --profile %s (with your own access key)", src))
		}
	} else {
		w.source = w.profile
	}
	ref := w.ref(src)
	id, err := w.d.AWS.CallerIdentity(ctx, ref)
	if err != nil {
		return awsFail(link, err, fmt.Sprintf("get the identity of profile %s (STS GetCallerIdentity)", src),
			fmt.Sprintf("check the keys with 'aws sts get-caller-identity --profile %s'; get new ones with 'aws configure --profile %s'", src, src))
	}
	w.sourceID = &id
	if w.roleARN == "" {
		return Finding{Link: link, Status: StatusOK, Detail: fmt.Sprintf("profile %s in %s: credentials of %s", w.profile, where, id.ARN)}
	}
	return Finding{Link: link, Status: StatusOK, Detail: fmt.Sprintf("profile %s in %s (role_arn %s, source_profile %s): source credentials of %s", w.profile, where, w.roleARN, src, id.ARN)}
}
