// Package kube talks to the Kubernetes API server for the admin, login and
// doctor commands, through client-go: clientcmd loads and authenticates a
// kubeconfig context exactly as kubectl does (exec plugins, also ones that
// return client certificates; client certificates; token files; proxy-url;
// tls-server-name; insecure-skip-tls-verify; KUBECONFIG lists), and a rest
// client sends the few requests eks-login makes with the k8s.io/api types.
//
// It leaves out the typed clientset (k8s.io/client-go/kubernetes): its
// scheme registers every API group at init, about 3 ms on every start of
// the binary, which kubectl starts before each of its requests. Our scheme
// registers only the kinds we send or read, and only when a client is made.
//
// Kubeconfig files are only read here; login and logout edit them with
// pkg/kubeconfig, which keeps every byte outside their part (clientcmd's
// writer would rewrite the whole file).
package kube

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/pkg/names"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Source names a kubeconfig context the way kubectl's flags and
// environment do.
type Source struct {
	// Kubeconfig is --kubeconfig: the one file to read. Empty means the
	// files listed in KUBECONFIG, merged, or else ~/.kube/config.
	Kubeconfig string
	// Context is --context; empty means the current-context.
	Context string
	// Getenv reads KUBECONFIG and HOME; nil means os.Getenv.
	Getenv func(string) string
}

// Config is a loaded kubeconfig context.
type Config struct {
	// REST reaches and authenticates to the context's API server.
	REST *rest.Config
	// Raw is the kubeconfig as kubectl merges it, for reading the context's
	// entries (such as its exec arguments).
	Raw clientcmdapi.Config
	// Context is the name of the context used.
	Context string
	// Files are the kubeconfig files read, for messages.
	Files []string
}

// ConfigError is a kubeconfig that cannot be used: missing, malformed, or
// without the context, cluster or user it needs.
type ConfigError struct {
	Files   []string
	Context string
	Err     error
}

func (e *ConfigError) Error() string {
	where := "the kubeconfig " + strings.Join(e.Files, string(os.PathListSeparator))
	if len(e.Files) == 0 {
		where = "the kubeconfig (none found: pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config)"
	}
	if e.Context != "" {
		where += fmt.Sprintf(" (context %q)", e.Context)
	}
	return fmt.Sprintf("cannot use %s: %v", where, e.Err)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// Load reads the context src names, as kubectl does: the explicit file
// alone, or the KUBECONFIG list merged (the first file to name an entry
// wins), or ~/.kube/config.
func Load(src Source) (*Config, error) {
	rules := src.loadingRules()
	files := rules.GetLoadingPrecedence()
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: src.Context})
	return finish(cc, files, src.Context)
}

// ContextsFor lists, sorted, the contexts of src's kubeconfig that reach the
// EKS cluster named cluster: named after it; or whose cluster entry is
// named after it or by its ARN (as update-kubeconfig and login write it);
// or whose user's exec entry names it (--cluster-name, --cluster,
// --cluster-id, -i).
func ContextsFor(src Source, cluster string) ([]string, error) {
	rules := src.loadingRules()
	raw, err := rules.Load()
	if err != nil {
		return nil, &ConfigError{Files: rules.GetLoadingPrecedence(), Err: err}
	}
	var out []string
	for name, ctx := range raw.Contexts {
		c := &Config{Raw: *raw, Context: name}
		arn, _ := names.ParseClusterARN("", ctx.Cluster)
		if name == cluster || ctx.Cluster == cluster || arn.Name == cluster || c.execNames(cluster) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (c *Config) execNames(cluster string) bool {
	for _, flag := range []string{"--cluster-name", "--cluster", "--cluster-id", "-i"} {
		if c.ExecArg(flag) == cluster {
			return true
		}
	}
	return false
}

// LoadBytes reads a context of a kubeconfig given as the content of the
// file at path (relative paths in it are taken from path's folder): login
// checks the context it has just written, from that file alone.
func LoadBytes(path string, data []byte, context string) (*Config, error) {
	files := []string{path}
	raw, err := clientcmd.Load(data)
	if err != nil {
		return nil, &ConfigError{Files: files, Context: context, Err: err}
	}
	for _, c := range raw.Clusters {
		c.LocationOfOrigin = path
	}
	for _, u := range raw.AuthInfos {
		u.LocationOfOrigin = path
	}
	if err := clientcmd.ResolveLocalPaths(raw); err != nil {
		return nil, &ConfigError{Files: files, Context: context, Err: err}
	}
	cc := clientcmd.NewNonInteractiveClientConfig(*raw, context, &clientcmd.ConfigOverrides{}, nil)
	return finish(cc, files, context)
}

func finish(cc clientcmd.ClientConfig, files []string, context string) (*Config, error) {
	raw, err := cc.RawConfig()
	if err != nil {
		return nil, &ConfigError{Files: files, Context: context, Err: err}
	}
	if context == "" {
		context = raw.CurrentContext
	}
	// kubectl would go on without credentials, and the server's 401 would
	// not say why; name the missing entry instead.
	if ctx, ok := raw.Contexts[context]; ok && ctx.AuthInfo != "" {
		if _, ok := raw.AuthInfos[ctx.AuthInfo]; !ok {
			return nil, &ConfigError{Files: files, Context: context, Err: fmt.Errorf("the context uses user %q, which no kubeconfig file has", ctx.AuthInfo)}
		}
	}
	restConfig, err := cc.ClientConfig()
	if err != nil {
		return nil, &ConfigError{Files: files, Context: context, Err: err}
	}
	return &Config{REST: restConfig, Raw: raw, Context: context, Files: files}, nil
}

// kubeconfigFiles is kubectl's list when no --kubeconfig is given: the
// KUBECONFIG list without repeats, or ~/.kube/config.
func kubeconfigFiles(getenv func(string) string) []string {
	if list := getenv(clientcmd.RecommendedConfigPathEnvVar); list != "" {
		var files []string
		seen := map[string]bool{}
		for _, f := range filepath.SplitList(list) {
			if !seen[f] {
				seen[f] = true
				files = append(files, f)
			}
		}
		return files
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return []string{filepath.Join(home, clientcmd.RecommendedHomeDir, clientcmd.RecommendedFileName)}
}

// ExecArg is the value of flag (--flag value or --flag=value) in the
// context's exec entry, "" when it has none.
func (c *Config) ExecArg(flag string) string {
	ctx, ok := c.Raw.Contexts[c.Context]
	if !ok {
		return ""
	}
	user, ok := c.Raw.AuthInfos[ctx.AuthInfo]
	if !ok || user.Exec == nil {
		return ""
	}
	return kubeconfig.ArgValue(user.Exec.Args, flag)
}

// ClusterName is the name of the context's cluster entry.
func (c *Config) ClusterName() string {
	if ctx, ok := c.Raw.Contexts[c.Context]; ok {
		return ctx.Cluster
	}
	return ""
}

// EKSCluster tells the EKS cluster's name and region from the context, as
// the tools that write kubeconfigs leave them: the exec entry's
// --cluster-name (aws eks get-token, eks-login token) or --cluster-id
// (aws-iam-authenticator), and --region, or a cluster entry named by its
// ARN (update-kubeconfig, login). Both are "" when the context does not say.
func (c *Config) EKSCluster() (name, region string) {
	if arn, err := names.ParseClusterARN("", c.ClusterName()); err == nil {
		name, region = arn.Name, arn.Region
	}
	for _, flag := range []string{"--cluster-name", "--cluster", "--cluster-id", "-i"} {
		if v := c.ExecArg(flag); v != "" {
			name = v
			break
		}
	}
	if region == "" {
		region = c.ExecArg("--region")
	}
	return name, region
}

// Contexts lists the context names of the kubeconfig src names (its
// Context is ignored), as kubectl merges them.
func Contexts(src Source) ([]string, error) {
	rules := src.loadingRules()
	raw, err := rules.Load()
	if err != nil {
		return nil, &ConfigError{Files: rules.GetLoadingPrecedence(), Err: err}
	}
	names := make([]string, 0, len(raw.Contexts))
	for name := range raw.Contexts {
		names = append(names, name)
	}
	return names, nil
}

// loadingRules are kubectl's: the explicit file alone, or the KUBECONFIG
// list, or ~/.kube/config.
func (src Source) loadingRules() *clientcmd.ClientConfigLoadingRules {
	getenv := src.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	rules := &clientcmd.ClientConfigLoadingRules{ExplicitPath: src.Kubeconfig}
	if src.Kubeconfig == "" {
		rules.Precedence = kubeconfigFiles(getenv)
	}
	return rules
}
