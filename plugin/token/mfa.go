package token

import (
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/eks-login/eks-login/pkg/prompt"
)

// prompter is the MFA prompt for a profile with mfa_serial. It asks only
// when a person can answer; under kubectl without a terminal it fails at
// once rather than hang kubectl, naming the command that fills the cache.
func (m *minter) prompter() *prompt.MFA {
	o := m.o
	return &prompt.MFA{
		In: o.IO.In, Out: o.IO.ErrOut, Ask: o.PromptMFA,
		Allowed: m.interactive(),
		Asking:  m.asking,
		Refusal: "run this once in a terminal, and kubectl will use the cached credentials while they last (an hour unless the profile sets duration_seconds): " + o.commandLine(),
	}
}

// interactive says whether a person can be asked: kubectl says so in
// KUBERNETES_EXEC_INFO; without it (run by hand, an old kubectl), stdin
// being a terminal does.
func (m *minter) interactive() bool {
	if m.info.InteractiveKnown {
		return m.info.Interactive
	}
	if m.o.IsTerminal != nil {
		return m.o.IsTerminal()
	}
	f, ok := m.o.IO.In.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// commandLine is this call as a person would type it, with the environment
// that decides its cache entry, so running it by hand fills the entry
// kubectl will look for.
func (o *Options) commandLine() string {
	var parts []string
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "KUBECACHEDIR"} {
		if v := o.env(k); v != "" {
			parts = append(parts, k+"="+shellQuote(v))
		}
	}
	exe := o.Executable
	if exe == "" {
		exe = "kubectl-eks_login"
	}
	parts = append(parts, shellQuote(exe), "token", "--cluster-name", shellQuote(o.ClusterName))
	add := func(flag, v string) {
		if v != "" {
			parts = append(parts, flag, shellQuote(v))
		}
	}
	add("--profile", o.Profile)
	add("--region", o.Region)
	add("--role-arn", o.RoleARN)
	add("--session-name", o.SessionName)
	if o.ForwardSessionName {
		parts = append(parts, "--forward-session-name")
	}
	add("--external-id", o.ExternalID)
	if o.STSEndpoint != "" && o.STSEndpoint != "regional" {
		add("--sts-endpoint", o.STSEndpoint)
	}
	add("--cache-dir", o.CacheDir)
	return strings.Join(parts, " ")
}

var shellSafe = lazyRegexp(`^[\w@%+=:,./-]+$`)

func shellQuote(s string) string {
	if shellSafe().MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
