// Command kubectl-eks_login is the eks-login kubectl plugin and AWS credential
// helper. kubectl runs it as "kubectl eks-login".
package main

import (
	"os"

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
		IO:         cmdutil.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr},
		Getenv:     os.Getenv,
		Executable: exe,
		Version:    version,
		Commit:     commit,
	}
	os.Exit(root.Main(f, os.Args[1:]))
}
