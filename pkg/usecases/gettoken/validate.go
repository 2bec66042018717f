package gettoken

import (
	"fmt"
	"regexp"
	"sync"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/token"
)

var (
	sessionNameShape = lazyRegexp(`^[\w+=,.@-]{2,64}$`)
	roleARNShape     = lazyRegexp(`^arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+$`)
)

// Validate checks in, and the region from the environment; the profile's
// region is checked once it is read, on the cold path. The messages name
// the token command's flags, which the exec entry of a kubeconfig holds.
// Which flags go together is the command's to check; here a session name
// wins over forwarding, and bypassing the cache over refreshing it.
func (u *GetToken) Validate(in Input) error {
	if in.ClusterName == "" {
		return exitcode.Errorf(exitcode.Usage, "no cluster name for the token: pass --cluster-name")
	}
	if in.SessionName != "" && !sessionNameShape().MatchString(in.SessionName) {
		return exitcode.Errorf(exitcode.Usage, "--session-name %q is not a valid role session name: use 2 to 64 letters, digits or any of _+=,.@-", in.SessionName)
	}
	if in.ExternalID != "" && in.RoleARN == "" {
		return exitcode.Errorf(exitcode.Usage, "--external-id goes with --role-arn; for a profile's role, set external_id in the profile")
	}
	if in.RoleARN != "" && !roleARNShape().MatchString(in.RoleARN) {
		return exitcode.Errorf(exitcode.Usage, "--role-arn %q is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)", in.RoleARN)
	}
	ep, err := token.ParseEndpoint(in.STSEndpoint)
	if err != nil {
		return exitcode.WithCode(exitcode.Usage, fmt.Errorf("--sts-endpoint: %w", err))
	}
	if region, from := u.explicitRegion(in); region != "" {
		if _, _, err := token.STSHost(region, ep); err != nil {
			return exitcode.Errorf(exitcode.Usage, "the region from %s: %w", from, err)
		}
	}
	return nil
}

// explicitRegion is the region given on the command line or in the
// environment, and where it came from; empty means the profile decides.
func (u *GetToken) explicitRegion(in Input) (region, from string) {
	if in.Region != "" {
		return in.Region, "--region"
	}
	return u.firstEnv("AWS_REGION", "AWS_DEFAULT_REGION")
}

// profile is the profile the SDK will load, and what chose it.
func (u *GetToken) profile(in Input) (name, from string) {
	if in.Profile != "" {
		return in.Profile, "--profile"
	}
	return u.firstEnv("AWS_PROFILE", "AWS_DEFAULT_PROFILE")
}

// firstEnv is the first of the variables that is set, and its name.
func (u *GetToken) firstEnv(keys ...string) (value, key string) {
	for _, k := range keys {
		if v := u.Env.Getenv(k); v != "" {
			return v, k
		}
	}
	return "", ""
}

// lazyRegexp compiles expr on first use. The command runs on every kubectl
// call, and most calls need none of its expressions: compiling them all at
// start-up cost about a millisecond.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
