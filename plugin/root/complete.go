package root

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// Shell completion works as cobra's does: the shell script calls the hidden
// "__complete" command with the words typed so far (the last one possibly
// empty) and offers the lines it prints. Profile names come from the AWS
// config and credentials files, cluster names from the kubeconfig.

func newCompletionCmd(f *cmdutil.Factory) *cmdutil.Command {
	return &cmdutil.Command{
		Name:  "completion",
		Short: "Print a shell completion script (bash, zsh, fish, powershell)",
		Usage: "kubectl eks-login completion bash|zsh|fish|powershell",
		Long: `Print a script that completes eks-login's commands, flags, AWS profile
names (from ~/.aws/config and ~/.aws/credentials) and cluster names (from the
kubeconfig). Load it in your shell's start-up file.`,
		Examples: `  # bash, for this shell and every new one
  source <(kubectl-eks_login completion bash)
  echo 'source <(kubectl-eks_login completion bash)' >> ~/.bashrc

  # zsh
  kubectl-eks_login completion zsh > "${fpath[1]}/_kubectl-eks_login"

  # fish
  kubectl-eks_login completion fish > ~/.config/fish/completions/kubectl-eks_login.fish

  # PowerShell
  kubectl-eks_login completion powershell | Out-String | Invoke-Expression
`,
		Run: func(args []string) error {
			if len(args) != 1 {
				return cmdutil.Errorf(cmdutil.ExitUsage, "name one shell: bash, zsh, fish or powershell")
			}
			script, ok := completionScripts[args[0]]
			if !ok {
				return cmdutil.Errorf(cmdutil.ExitUsage, "no completion for shell %q; use bash, zsh, fish or powershell", args[0])
			}
			_, err := fmt.Fprint(f.IO.Out, script)
			return err
		},
	}
}

// complete prints the candidates for the last of words.
func complete(f *cmdutil.Factory, words []string) error {
	for _, c := range Candidates(f, words) {
		fmt.Fprintln(f.IO.Out, c)
	}
	return nil
}

// Candidates returns what may follow words; the last word is the one being
// typed (empty for a new word).
func Candidates(f *cmdutil.Factory, words []string) []string {
	if len(words) == 0 {
		words = []string{""}
	}
	cur, prev := words[len(words)-1], words[:len(words)-1]
	// Walk down the command tree along the words typed.
	var cmd *cmdutil.Command
	var names []string
	for _, c := range Commands {
		names = append(names, c.Name)
	}
	names = append(names, "completion")
	i := 0
	if len(prev) > 0 && !strings.HasPrefix(prev[0], "-") {
		cmd = buildCommand(f, prev[0])
		i = 1
	} else if !strings.HasPrefix(cur, "-") && len(prev) == 0 {
		return withPrefix(names, cur)
	} else {
		cmd = buildCommand(f, defaultCommand)
	}
	for cmd != nil && len(cmd.Sub) > 0 && i < len(prev) && !strings.HasPrefix(prev[i], "-") {
		var next *cmdutil.Command
		for _, s := range cmd.Sub {
			if s.Name == prev[i] {
				next = s
			}
		}
		cmd, i = next, i+1
	}
	if cmd == nil {
		return nil
	}
	if cmd.Name == "completion" {
		return withPrefix([]string{"bash", "zsh", "fish", "powershell"}, cur)
	}
	if len(cmd.Sub) > 0 && i == len(prev) && !strings.HasPrefix(cur, "-") {
		var subs []string
		for _, s := range cmd.Sub {
			subs = append(subs, s.Name)
		}
		return withPrefix(subs, cur)
	}
	if strings.HasPrefix(cur, "-") {
		return withPrefix(flagNames(cmd.Flags), cur)
	}
	if len(prev) > 0 && cmd.Flags != nil && strings.HasPrefix(prev[len(prev)-1], "-") {
		name := strings.TrimLeft(prev[len(prev)-1], "-")
		fl := cmd.Flags.Lookup(name)
		if fl == nil && len(name) == 1 {
			fl = cmd.Flags.ShorthandLookup(name)
		}
		if fl != nil && fl.Value.Type() != "bool" {
			return withPrefix(flagValues(f, fl.Name), cur)
		}
	}
	return nil
}

func buildCommand(f *cmdutil.Factory, name string) *cmdutil.Command {
	if name == "completion" {
		return newCompletionCmd(f)
	}
	for _, c := range Commands {
		if c.Name == name {
			return c.Build(f)
		}
	}
	return nil
}

func flagNames(fs *pflag.FlagSet) []string {
	var out []string
	if fs == nil {
		return []string{"--help"}
	}
	fs.VisitAll(func(fl *pflag.Flag) {
		if !fl.Hidden {
			out = append(out, "--"+fl.Name)
		}
	})
	return append(out, "--help")
}

// flagValues knows the values of the flags whose values can be listed.
func flagValues(f *cmdutil.Factory, flag string) []string {
	switch flag {
	case "profile", "source-profile":
		return profileNames(f)
	case "cluster", "cluster-name":
		return clusterNames(f)
	case "exec-api-version":
		return []string{"v1", "v1beta1"}
	case "sts-endpoint":
		return []string{"regional", "global"}
	case "output":
		return []string{"json", "yaml", "table"}
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

// clusterNames lists EKS cluster names known to the kubeconfig: the names in
// cluster ARNs and the --cluster-name arguments of exec entries.
func clusterNames(f *cmdutil.Factory) []string {
	paths := filepath.SplitList(f.Env("KUBECONFIG"))
	if len(paths) == 0 {
		paths = []string{kubeconfig.DefaultPath(home(f))}
	}
	seen := map[string]bool{}
	var out []string
	add := func(name string) {
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	for _, p := range paths {
		file, err := kubeconfig.Load(p)
		if err != nil {
			continue
		}
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

var completionScripts = map[string]string{
	"bash": `# bash completion for kubectl-eks_login
_kubectl_eks_login() {
  local IFS=$'\n'
  COMPREPLY=($(kubectl-eks_login __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _kubectl_eks_login kubectl-eks_login
`,
	"zsh": `#compdef kubectl-eks_login
# zsh completion for kubectl-eks_login
_kubectl_eks_login() {
  local -a candidates
  candidates=("${(@f)$(kubectl-eks_login __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
compdef _kubectl_eks_login kubectl-eks_login
`,
	"fish": `# fish completion for kubectl-eks_login
function __kubectl_eks_login_complete
    set -l words (commandline -opc)
    set -e words[1]
    kubectl-eks_login __complete $words (commandline -ct) 2>/dev/null
end
complete -c kubectl-eks_login -f -a '(__kubectl_eks_login_complete)'
`,
	"powershell": `# PowerShell completion for kubectl-eks_login
Register-ArgumentCompleter -Native -CommandName 'kubectl-eks_login' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
    if ($wordToComplete -eq '') { $words += '' }
    & kubectl-eks_login __complete @words 2>$null | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`,
}
