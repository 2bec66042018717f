// Package version prints what build of eks-login this is.
package version

import (
	"encoding/json"
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// Options are the version command's flags.
type Options struct {
	IO     *iostreams.IOStreams
	Output string // "" or "json"
	Info   Info
}

// Info describes the build.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// NewCmd builds "kubectl eks-login version".
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Info: Info{
		Version: f.Version, Commit: f.Commit,
		GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
	}}
	flags := pflag.NewFlagSet("version", pflag.ContinueOnError)
	flags.StringVarP(&opts.Output, "output", "o", "", "Output format: json.")
	cmd := &cobra.Command{
		Use:     "version [-o json]",
		Short:   "Print the version of eks-login",
		Example: "  kubectl eks-login version\n  kubectl eks-login version -o json\n",
		RunE:    func(*cobra.Command, []string) error { return run(opts) },
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().AddFlagSet(flags)
	cmdutil.CompleteValues(cmd, "output", "json")
	return cmd
}

func run(opts *Options) error {
	switch opts.Output {
	case "":
		_, err := fmt.Fprintf(opts.IO.Out, "eks-login %s (commit %s, %s, %s)\n", opts.Info.Version, opts.Info.Commit, opts.Info.GoVersion, opts.Info.Platform)
		return err
	case "json":
		b, err := json.MarshalIndent(opts.Info, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(opts.IO.Out, "%s\n", b)
		return err
	default:
		return exitcode.Errorf(exitcode.Usage, "unknown output format %q for --output; use json, or leave it out", opts.Output)
	}
}
