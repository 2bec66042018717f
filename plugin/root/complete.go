package root

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// Shell completion is cobra's: the shell script (from "completion SHELL") and
// kubectl's plugin completion call the hidden "__complete" command. Commands,
// subcommands and flags complete by themselves; registerCompletions adds the
// values of the flags whose values can be listed: profile names from the AWS
// config and credentials files, cluster names from the kubeconfig, and the
// fixed choices shared by several commands. A command's own fixed choices
// (-o, --to, -f's file types) it registers itself (cmdutil.CompleteValues,
// CompleteFiles), next to the check of them. The files are read only when
// completing.

// registerCompletions gives every flag of cmd's tree whose values
// flagValues knows a completion function.
func registerCompletions(cmd *cobra.Command, f *cmdutil.Factory) {
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		if fl.Value.Type() == "bool" || !knownFlag(fl.Name) {
			return
		}
		name := fl.Name
		_ = cmd.RegisterFlagCompletionFunc(name, func(_ *cobra.Command, _ []string, typed string) ([]string, cobra.ShellCompDirective) {
			return withPrefix(flagValues(f, name), typed), cobra.ShellCompDirectiveNoFileComp
		})
	})
	for _, c := range cmd.Commands() {
		registerCompletions(c, f)
	}
}

func knownFlag(name string) bool {
	switch name {
	case "profile", "source-profile", "cluster", "cluster-name", "context", "exec-api-version", "sts-endpoint", "mode", "access-policy", "clusterrole":
		return true
	}
	return false
}

// flagValues knows the values of the flags whose values can be listed.
func flagValues(f *cmdutil.Factory, flag string) []string {
	switch flag {
	case "profile", "source-profile":
		return profileNames(f)
	case "cluster", "cluster-name":
		return clusterNames(f)
	case "context":
		return contextNames(f)
	case "exec-api-version":
		return []string{"v1", "v1beta1"}
	case "sts-endpoint":
		return []string{"regional", "global"}
	case "mode":
		return []string{"auto", "configmap", "api"}
	case "access-policy":
		return []string{"view", "edit", "admin", "cluster-admin"}
	case "clusterrole":
		return []string{"view", "edit", "admin", "cluster-admin"}
	}
	return nil
}

func home(f *cmdutil.Factory) string {
	if h := f.Env("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

func profileNames(f *cmdutil.Factory) []string {
	seen := map[string]bool{}
	var out []string
	for _, src := range []struct {
		path string
		kind awsconfig.Kind
	}{
		{awsconfig.ConfigPath(f.Env, home(f)), awsconfig.ConfigFile},
		{awsconfig.CredentialsPath(f.Env, home(f)), awsconfig.CredentialsFile},
	} {
		file, err := awsconfig.Load(src.path, src.kind)
		if err != nil {
			continue // completion never complains
		}
		for _, p := range file.Profiles() {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// kubeconfigFiles are the kubeconfig files kubectl would read.
func kubeconfigFiles(f *cmdutil.Factory) []*kubeconfig.File {
	paths := filepath.SplitList(f.Env("KUBECONFIG"))
	if len(paths) == 0 {
		paths = []string{kubeconfig.DefaultPath(home(f))}
	}
	var files []*kubeconfig.File
	for _, p := range paths {
		if file, err := kubeconfig.Load(p); err == nil {
			files = append(files, file) // completion never complains
		}
	}
	return files
}

func contextNames(f *cmdutil.Factory) []string {
	var out []string
	for _, file := range kubeconfigFiles(f) {
		for _, c := range file.Contexts() {
			out = append(out, c.Name)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// clusterNames lists EKS cluster names known to the kubeconfig: the names in
// cluster ARNs and the --cluster-name arguments of exec entries.
func clusterNames(f *cmdutil.Factory) []string {
	seen := map[string]bool{}
	var out []string
	add := func(name string) {
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	for _, file := range kubeconfigFiles(f) {
		for _, c := range file.Contexts() {
			if _, name, ok := strings.Cut(c.Entry.Cluster, ":cluster/"); ok {
				add(name)
			}
		}
		for _, u := range file.Users() {
			if u.Entry.Exec == nil {
				continue
			}
			args := u.Entry.Exec.Args
			for i := 0; i+1 < len(args); i++ {
				if args[i] == "--cluster-name" || args[i] == "--cluster" {
					add(args[i+1])
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func withPrefix(all []string, prefix string) []string {
	var out []string
	for _, s := range all {
		if strings.HasPrefix(s, prefix) {
			out = append(out, s)
		}
	}
	return out
}
