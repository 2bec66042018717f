package adminflags_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
)

// TestAuditTargets: each --cluster is reached through its kubeconfig
// context: NAME=CONTEXT, --context for one cluster, or the one context
// that reaches it; ambiguity and conflicts are usage errors.
func TestAuditTargets(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters:
- {name: "arn:aws:eks:eu-west-1:123456789012:cluster/prod", cluster: {server: "https://prod.example"}}
- {name: staging, cluster: {server: "https://staging.example"}}
users:
- {name: u, user: {token: x}}
contexts:
- {name: prod-admin, context: {cluster: "arn:aws:eks:eu-west-1:123456789012:cluster/prod", user: u}}
- {name: prod-viewer, context: {cluster: "arn:aws:eks:eu-west-1:123456789012:cluster/prod", user: u}}
- {name: staging-admin, context: {cluster: staging, user: u}}
current-context: staging-admin
`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": t.TempDir()} // no AWS files
	for _, tc := range []struct {
		context  string
		clusters []string
		want     string // cluster@context, or the error
	}{
		{"", nil, "@"},
		{"", []string{"prod"}, "prod@"},
		{"prod-admin", []string{"prod"}, "prod@prod-admin"},
		{"", []string{"prod=prod-viewer"}, "prod@prod-viewer"},
		{"", []string{"staging", "prod=prod-admin"}, "staging@staging-admin prod@prod-admin"},
		{"", []string{"staging", "prod"}, "kubeconfig contexts prod-admin, prod-viewer all reach cluster prod: give one as --cluster prod=CONTEXT"},
		{"", []string{"staging", "dev"}, "no kubeconfig context reaches cluster dev: give it as --cluster dev=CONTEXT"},
		{"prod-admin", []string{"staging", "prod"}, "--context names one context, and --cluster is given 2 times"},
		{"prod-admin", []string{"prod=prod-viewer"}, "--cluster prod=prod-viewer names context prod-viewer, and --context names prod-admin: give one"},
		{"", []string{"staging", "staging=staging-admin"}, "--cluster staging is given twice"},
		{"", []string{"prod/x"}, `--cluster "prod/x" is not an EKS cluster name`},
	} {
		var contexts []string
		c := &adminflags.Common{IO: &iostreams.IOStreams{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, Kubeconfig: kubeconfig, Context: tc.context, Getenv: func(string) string { return "" },
			AdminAt: func(context string) *admin.Admin {
				contexts = append(contexts, context)
				return admin.New(admin.Source{Kubeconfig: kubeconfig, Context: context, Getenv: func(k string) string { return env[k] }}, nil)
			}}
		auditor, err := c.Auditor(context.Background(), tc.clusters)
		var got []string
		if err == nil {
			for i, target := range auditor.Targets {
				got = append(got, target.Name+"@"+contexts[i])
			}
		} else if exitcode.Of(err) == exitcode.Usage {
			got = []string{err.Error()}
		}
		if g := strings.Join(got, " "); !strings.HasPrefix(g, tc.want) {
			t.Errorf("--context %q --cluster %q: %q (%v), want %q", tc.context, tc.clusters, g, err, tc.want)
		}
	}
}
