// Command kubectl-eks_login is the eks-login kubectl plugin and AWS credential
// helper. kubectl runs it as "kubectl eks-login".
package main

import (
	"context"
	"os"
	"time"

	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	"github.com/eks-login/eks-login/plugin/root"
)

// Set by the linker in release builds (see the Makefile).
var (
	version = "dev"
	commit  = "none"
)

func main() {
	exe, _ := os.Executable()
	f := &cmdutil.Factory{
		IOStreams:  iostreams.System(os.Getenv),
		Getenv:     os.Getenv,
		Environ:    os.Environ,
		Now:        time.Now,
		Executable: exe,
		Version:    version,
		Commit:     commit,
	}
	os.Exit(root.Main(context.Background(), f, os.Args[1:]))
}
