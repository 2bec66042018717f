package token

import (
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fsutil"
	"github.com/eks-login/eks-login/pkg/tokencache"
)

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
func (o *Options) busy(err *fsutil.BusyError) error {
	if err.Holder.Doing == tokencache.PromptingMFA {
		return exitcode.Errorf(exitcode.Credentials,
			"another eks-login token call, %s, is asking for the MFA code of this profile, and this call would have to ask too; answer it there, and kubectl then uses the cached credentials (or, once it has ended, run this in a terminal: %s)",
			err.Holder, o.commandLine())
	}
	return exitcode.Errorf(exitcode.Input, "the token cache entry is in use: %w", err)
}
