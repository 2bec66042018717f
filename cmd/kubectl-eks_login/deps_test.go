package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestDependencies: the binary reaches AWS through the AWS SDK for Go v2,
// not a copy of it, and stays off the typed Kubernetes clientset. kubectl
// runs this binary before every request and every linked package runs its
// init each time: k8s.io/client-go/kubernetes registers every API group's
// scheme at init, about 3 ms a call, for types the plugin never uses. The
// SDK's own init cost is measured in BENCHMARKS.md.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	for _, want := range []string{
		"github.com/aws/aws-sdk-go-v2/config",
		"github.com/aws/aws-sdk-go-v2/credentials/stscreds",
		"github.com/aws/aws-sdk-go-v2/service/sts",
		"github.com/aws/aws-sdk-go-v2/service/eks",
		"github.com/aws/aws-sdk-go-v2/service/iam",
	} {
		if !slices.Contains(deps, want) {
			t.Errorf("kubectl-eks_login does not link %s; AWS calls go through the SDK", want)
		}
	}
	for _, dep := range deps {
		if dep == "k8s.io/client-go/kubernetes" || strings.HasPrefix(dep, "k8s.io/client-go/kubernetes/") {
			t.Errorf("kubectl-eks_login links %s, the typed clientset; use a rest or dynamic client", dep)
		}
		if strings.HasPrefix(dep, "github.com/eks-login/eks-login/pkg/awsapi") {
			t.Errorf("kubectl-eks_login links %s, a copy of the SDK", dep)
		}
	}
}

// TestKubernetesThroughClientGo: the kubeconfig is loaded and authenticated
// as kubectl does it, through client-go, with a rest client of a small scheme.
func TestKubernetesThroughClientGo(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := map[string]bool{}
	for _, dep := range strings.Fields(string(out)) {
		deps[dep] = true
		for _, f := range []string{"k8s.io/client-go/kubernetes", "k8s.io/client-go/dynamic", "k8s.io/client-go/discovery"} {
			if dep == f || strings.HasPrefix(dep, f+"/") {
				t.Errorf("kubectl-eks_login links %s; use pkg/kube's rest client with its small scheme", dep)
			}
		}
	}
	for _, want := range []string{
		"k8s.io/client-go/tools/clientcmd",
		"k8s.io/client-go/rest",
		"k8s.io/client-go/util/retry",
		"k8s.io/client-go/pkg/apis/clientauthentication/v1",
		"k8s.io/client-go/pkg/apis/clientauthentication/v1beta1",
		"k8s.io/api/core/v1",
		"k8s.io/api/rbac/v1",
	} {
		if !deps[want] {
			t.Errorf("kubectl-eks_login does not link %s; Kubernetes is reached through client-go", want)
		}
	}
}

const module = "github.com/eks-login/eks-login/"

// commandImportAllowed says whether command package from may import command
// package to (both under plugin/, without the module path): only the root,
// which assembles the tree, a parent assembling its own subcommands, and
// anyone importing cmdutil. Commands share code through pkg/ (the use
// cases in pkg/usecases), never through another command.
func commandImportAllowed(from, to string) bool {
	return to == "plugin/cmdutil" || strings.HasPrefix(to, "plugin/cmdutil/") || from == "plugin/root" || strings.HasPrefix(to, from+"/")
}

func TestCommandImportRule(t *testing.T) {
	for _, tt := range []struct {
		from, to string
		want     bool
	}{
		{"plugin/root", "plugin/login", true},
		{"plugin/login", "plugin/cmdutil", true},
		{"plugin/admin/grant", "plugin/cmdutil/adminflags", true},
		{"plugin/admin", "plugin/admin/grant", true},
		{"plugin/doctor", "plugin/login", false},
		{"plugin/doctor", "plugin/token", false},
		{"plugin/logout", "plugin/login", false},
		{"plugin/admin/grant", "plugin/admin", false},
		{"plugin/admin/grant", "plugin/admin/revoke", false},
		{"plugin/administrator", "plugin/admin", false},
	} {
		if got := commandImportAllowed(tt.from, tt.to); got != tt.want {
			t.Errorf("%s imports %s: allowed %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

// knownCommandImports are imports between commands being removed on
// another branch; each must still exist, so the list cannot go stale.
var knownCommandImports = map[string]string{}

// TestCommandsImportNoCommands: no package under plugin/ imports another,
// in its code or its tests, except as commandImportAllowed says.
func TestCommandsImportNoCommands(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}} {{join .TestImports \" \"}} {{join .XTestImports \" \"}}", module+"plugin/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(strings.ReplaceAll(line, module, ""))
		from := fields[0]
		for _, to := range fields[1:] {
			edge := from + " -> " + to
			if !strings.HasPrefix(to, "plugin/") || to == from || commandImportAllowed(from, to) || seen[edge] {
				continue
			}
			seen[edge] = true
			if why, ok := knownCommandImports[edge]; ok {
				t.Logf("known, being removed: %s (%s)", edge, why)
				continue
			}
			t.Errorf("%s imports command %s; share the code through pkg/ (a use case in pkg/usecases) instead", from, to)
		}
	}
	for edge := range knownCommandImports {
		if !seen[edge] {
			t.Errorf("%s is gone: remove it from knownCommandImports", edge)
		}
	}
}
