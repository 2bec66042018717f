package token

import (
	"regexp"
	"strings"
	"sync"
)

// sessionNameFor names a role session after the identity behind it: the IAM
// user's name, or the session name of an assumed role, so the cluster's audit
// log and CloudTrail say which person used the shared role. Forwarded, the
// name is used as it is; otherwise it is prefixed "eks-login-", which marks
// how the session was made.
func sessionNameFor(callerARN string, forward bool) string {
	name := callerName(callerARN)
	if !forward && !strings.HasPrefix(name, "eks-login-") {
		// A session we named already (a role chain) keeps its one prefix.
		name = "eks-login-" + name
	}
	return sanitizeSessionName(name)
}

// callerName is the last part of an identity ARN that names a person or a
// session:
//
//	arn:aws:iam::123456789012:user/team/dev1               -> dev1
//	arn:aws:sts::123456789012:assumed-role/Role/alice      -> alice
//	arn:aws:sts::123456789012:federated-user/bob           -> bob
//	arn:aws:iam::123456789012:root                         -> root
func callerName(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return "unknown"
	}
	resource := parts[5]
	if i := strings.LastIndexByte(resource, '/'); i >= 0 {
		resource = resource[i+1:]
	}
	if resource == "" {
		return "unknown"
	}
	return resource
}

var notSessionChar = lazyRegexp(`[^\w+=,.@-]`)

// sanitizeSessionName fits a name to what STS accepts: [\w+=,.@-]{2,64}.
func sanitizeSessionName(s string) string {
	s = notSessionChar().ReplaceAllString(s, "-")
	if len(s) > 64 {
		s = s[:64]
	}
	for len(s) < 2 {
		s += "-"
	}
	return s
}

// lazyRegexp compiles expr on first use. The command runs on every kubectl
// call, and most calls need none of its expressions: compiling them all at
// start-up cost about a millisecond.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
