package adminflags

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	yaml "go.yaml.in/yaml/v3"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/names"
	"github.com/eks-login/eks-login/pkg/usecases/audit"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// AddClustersFlag adds who-can's and access-report's --cluster, which may
// be repeated.
func AddClustersFlag(fs *pflag.FlagSet, clusters *[]string) {
	fs.StringArrayVar(clusters, "cluster", nil, "An EKS cluster to audit, NAME or NAME=CONTEXT (repeatable). One cluster is reached through --context (or the current context); with several, each through the kubeconfig context named NAME=CONTEXT, or else the one context named after it, whose cluster entry is named after it or by its ARN, or whose exec entry names it. Default: the current context's cluster.")
}

// AddForwardSessionNameFlag adds who-can's and access-report's
// --forward-session-name: the people's eks-login sessions are named as they
// are, as the token command's flag of that name names them.
func AddForwardSessionNameFlag(fs *pflag.FlagSet, forward *bool) {
	fs.BoolVar(forward, "forward-session-name", false, "Fill {{SessionName}} in mapped usernames and groups with each IAM user's name as it is (the sessions of eks-login token --forward-session-name), not eks-login-NAME.")
}

// Auditor builds the audit of the clusters --cluster names, each reached
// through its kubeconfig context, with IAM read through the profile.
func (c *Common) Auditor(ctx context.Context, clusters []string) (*audit.Auditor, error) {
	targets, err := c.auditTargets(clusters)
	if err != nil {
		return nil, err
	}
	im, err := targets[0].Admin.IAMClient(ctx)
	if err != nil {
		return nil, err
	}
	return &audit.Auditor{IAM: im, Targets: targets}, nil
}

func (c *Common) auditTargets(clusters []string) ([]audit.Target, error) {
	if len(clusters) <= 1 {
		name := ""
		if len(clusters) == 1 {
			var context string
			name, context, _ = strings.Cut(clusters[0], "=")
			if context != "" && c.Context != "" && context != c.Context {
				return nil, exitcode.Errorf(exitcode.Usage, "--cluster %s names context %s, and --context names %s: give one", clusters[0], context, c.Context)
			}
			if context == "" {
				context = c.Context
			}
			return c.targets([][2]string{{name, context}})
		}
		return c.targets([][2]string{{name, c.Context}})
	}
	if c.Context != "" {
		return nil, exitcode.Errorf(exitcode.Usage, "--context names one context, and --cluster is given %d times: name each cluster's context as --cluster NAME=CONTEXT", len(clusters))
	}
	var pairs [][2]string
	for _, cl := range clusters {
		name, context, _ := strings.Cut(cl, "=")
		if context == "" {
			var err error
			if context, err = c.contextFor(name); err != nil {
				return nil, err
			}
		}
		pairs = append(pairs, [2]string{name, context})
	}
	return c.targets(pairs)
}

// contextFor is the one kubeconfig context that reaches cluster.
func (c *Common) contextFor(cluster string) (string, error) {
	found, err := kube.ContextsFor(kube.Source{Kubeconfig: c.Kubeconfig, Getenv: c.Getenv}, cluster)
	switch {
	case err != nil:
		return "", exitcode.WithCode(exitcode.Input, err)
	case len(found) == 0:
		return "", exitcode.Errorf(exitcode.Usage, "no kubeconfig context reaches cluster %s: give it as --cluster %s=CONTEXT", cluster, cluster)
	case len(found) > 1:
		return "", exitcode.Errorf(exitcode.Usage, "kubeconfig contexts %s all reach cluster %s: give one as --cluster %s=CONTEXT", strings.Join(found, ", "), cluster, cluster)
	}
	return found[0], nil
}

// targets are the admin use cases of each (cluster, context) pair.
func (c *Common) targets(pairs [][2]string) ([]audit.Target, error) {
	var out []audit.Target
	seen := map[string]bool{}
	for _, p := range pairs {
		name, context := p[0], p[1]
		if name != "" && !names.Cluster(name) {
			return nil, exitcode.Errorf(exitcode.Usage, "--cluster %q is not an EKS cluster name (letters, digits, - and _, starting with a letter or digit, at most 100)", name)
		}
		if seen[name] {
			return nil, exitcode.Errorf(exitcode.Usage, "--cluster %s is given twice", name)
		}
		seen[name] = true
		out = append(out, audit.Target{Name: name, Admin: c.AdminAt(context)})
	}
	return out, nil
}

// CompleteOutput makes the shell complete -o with formats, which
// CheckOutput checks: the command's one list of them.
func CompleteOutput(cmd *cobra.Command, formats []string) {
	cmdutil.CompleteValues(cmd, "output", formats...)
}

// CheckOutput refuses an -o value not among formats.
func CheckOutput(output string, formats ...string) error {
	if slices.Contains(formats, output) {
		return nil
	}
	return exitcode.Errorf(exitcode.Usage, "-o must be %s or %s, not %q", strings.Join(formats[:len(formats)-1], ", "), formats[len(formats)-1], output)
}

// PrintData writes v as indented JSON or as YAML.
func PrintData(w io.Writer, format string, v any) error {
	if format == "yaml" {
		b, err := yaml.Marshal(v)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// PrintNotes writes the notes under a table.
func PrintNotes(w io.Writer, notes []string) {
	if len(notes) == 0 {
		return
	}
	fmt.Fprintln(w)
	for _, n := range notes {
		iostreams.Linef(w, "note: %s", n)
	}
}
