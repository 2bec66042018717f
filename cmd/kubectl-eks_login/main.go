// Command kubectl-eks_login is the eks-login kubectl plugin and AWS credential
// helper. kubectl runs it as "kubectl eks-login".
package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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
	os.Exit(root.Main(context.Background(), f, args(os.Args)))
}

// completionName is the name kubectl (1.26 and later) looks for on PATH to
// complete "kubectl eks-login ...": a link of that name to this binary
// answers cobra's __complete protocol.
const completionName = "kubectl_complete-eks_login"

// args are the command line after the program's name, with __complete in
// front when the binary runs as kubectl's completion helper.
func args(argv []string) []string {
	name := strings.TrimSuffix(filepath.Base(argv[0]), ".exe")
	if name == completionName {
		return append([]string{"__complete"}, argv[1:]...)
	}
	return argv[1:]
}
