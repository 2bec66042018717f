// Package version prints what build of eks-login this is.
package version

import (
	"encoding/json"
	"fmt"
	"runtime"

	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// Options are the version command's flags.
type Options struct {
	IO     cmdutil.IOStreams
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
func NewCmd(f *cmdutil.Factory) *cmdutil.Command {
	opts := &Options{IO: f.IO, Info: Info{
		Version: f.Version, Commit: f.Commit,
		GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
	}}
	flags := pflag.NewFlagSet("version", pflag.ContinueOnError)
	flags.StringVarP(&opts.Output, "output", "o", "", "Output format: json.")
	return &cmdutil.Command{
		Name:     "version",
		Short:    "Print the version of eks-login",
		Usage:    "kubectl eks-login version [-o json]",
		Examples: "  kubectl eks-login version\n  kubectl eks-login version -o json\n",
		Flags:    flags,
		Run:      func([]string) error { return run(opts) },
	}
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
		return cmdutil.Errorf(cmdutil.ExitUsage, "unknown output format %q for --output; use json, or leave it out", opts.Output)
	}
}
