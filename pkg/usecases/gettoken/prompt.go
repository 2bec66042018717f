package gettoken

import (
	"strings"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fsutil"
	"github.com/eks-login/eks-login/pkg/prompt"
	"github.com/eks-login/eks-login/pkg/tokencache"
)

// prompter is the MFA prompt for a profile with mfa_serial. It asks only
// when a person can answer; under kubectl without a terminal it fails at
// once rather than hang kubectl, naming the command that fills the cache.
func (m *minter) prompter() *prompt.MFA {
	u := m.u
	p := &prompt.MFA{
		Ask:     u.AskMFA,
		Allowed: u.Interactive,
		Asking:  m.asking,
		Refusal: "run this once in a terminal, and kubectl will use the cached credentials while they last (an hour unless the profile sets duration_seconds): " + u.commandLine(m.in),
	}
	if u.IO != nil {
		p.In, p.Out, p.TTY = u.IO.In, u.IO.ErrOut, u.IO.IsStdinTTY()
	}
	return p
}

// noteAsking tells the processes waiting for the same cache entry whether
// this one waits for a person at an MFA prompt, so that those that cannot
// prompt give up at once instead of queueing behind a prompt nobody may
// answer.
func noteAsking(cache *tokencache.Cache) func(bool) {
	return func(asking bool) {
		if asking {
			cache.Note(tokencache.PromptingMFA)
		} else {
			cache.Note("")
		}
	}
}

// busy explains a cache entry that another process kept locked past the
// wait: at an MFA prompt, answering it is the fix (exit 4, as for a prompt
// this call cannot show); otherwise the holder is named.
func (u *GetToken) busy(in Input, err *fsutil.BusyError) error {
	if err.Holder.Doing == tokencache.PromptingMFA {
		return exitcode.Errorf(exitcode.Credentials,
			"another eks-login token call, %s, is asking for the MFA code of this profile, and this call would have to ask too; answer it there, and kubectl then uses the cached credentials (or, once it has ended, run this in a terminal: %s)",
			err.Holder, u.commandLine(in))
	}
	return exitcode.Errorf(exitcode.Input, "the token cache entry is in use: %w", err)
}

// commandLine is the call for in as a person would type it, with the
// environment that decides its cache entry, so running it by hand fills the
// entry kubectl will look for.
func (u *GetToken) commandLine(in Input) string {
	var parts []string
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "KUBECACHEDIR"} {
		if v := u.Env.Getenv(k); v != "" {
			parts = append(parts, k+"="+shellQuote(v))
		}
	}
	exe := orDefault(u.Executable, "kubectl-eks_login")
	parts = append(parts, shellQuote(exe), "token", "--cluster-name", shellQuote(in.ClusterName))
	add := func(flag, v string) {
		if v != "" {
			parts = append(parts, flag, shellQuote(v))
		}
	}
	add("--profile", in.Profile)
	add("--region", in.Region)
	add("--role-arn", in.RoleARN)
	add("--session-name", in.SessionName)
	if in.ForwardSessionName {
		parts = append(parts, "--forward-session-name")
	}
	add("--external-id", in.ExternalID)
	if in.STSEndpoint != "" && in.STSEndpoint != "regional" {
		add("--sts-endpoint", in.STSEndpoint)
	}
	add("--cache-dir", in.CacheDir)
	return strings.Join(parts, " ")
}

var shellSafe = lazyRegexp(`^[\w@%+=:,./-]+$`)

func shellQuote(s string) string {
	if shellSafe().MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
