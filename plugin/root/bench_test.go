package root

import (
	"context"
	"io"
	"testing"

	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// BenchmarkDispatch is what the command layer adds to every kubectl call
// before the token command's own work: building the cobra tree, parsing the
// arguments and finding the command. The run itself is replaced by the
// token command's argument check, which fails at once on a stray argument.
func BenchmarkDispatch(b *testing.B) {
	f := &cmdutil.Factory{IOStreams: &iostreams.IOStreams{Out: io.Discard, ErrOut: io.Discard}, Getenv: func(string) string { return "" }}
	args := []string{"token", "--cluster-name", "my-example", "--profile", "dev1-eks", "--region", "ap-northeast-2", "stray"}
	for b.Loop() {
		if code := Main(context.Background(), f, args); code != 2 {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkNewCmdRoot is the tree alone.
func BenchmarkNewCmdRoot(b *testing.B) {
	f := &cmdutil.Factory{IOStreams: &iostreams.IOStreams{Out: io.Discard, ErrOut: io.Discard}, Getenv: func(string) string { return "" }}
	for b.Loop() {
		NewCmdRoot(f)
	}
}
