package kubeconfig

import (
	"path/filepath"
	"strings"
	"testing"
)

// ambiguousLogin is a login whose names a YAML 1.1 reader takes for
// booleans, numbers or nulls when written plain.
func ambiguousLogin(cluster, profile, context, namespace, region string) Login {
	arn := "arn:aws:eks:" + region + ":111122223333:cluster/" + cluster
	return Login{
		ClusterName: arn,
		Server:      "https://ABCDEF.gr7." + region + ".eks.amazonaws.com",
		CAData:      caData,
		UserName:    UserName(profile, arn),
		Exec: Exec{
			APIVersion:      "client.authentication.k8s.io/v1beta1",
			Command:         "kubectl-eks_login",
			Args:            []string{"token", "--cluster-name", cluster, "--profile", profile, "--region", region},
			InteractiveMode: "IfAvailable",
		},
		Context:   context,
		Namespace: namespace,
	}
}

// TestAmbiguousNamesThroughKubectl: an alias, namespace, profile or cluster
// named on, off, yes, no, y, n (any case), or like a number, must be
// written so that kubectl reads it back as that string; written plain,
// kubectl cannot load the file at all ("cannot unmarshal bool") (issue
// 18.2).
func TestAmbiguousNamesThroughKubectl(t *testing.T) {
	logins := []Login{
		ambiguousLogin("on", "off", "no", "yes", "eu-west-1"),
		ambiguousLogin("Y", "N", "OFF", "n", "eu-west-1"),
		ambiguousLogin("123", "1e3", "1.5", "0x1F", "eu-west-1"),
		ambiguousLogin("dev", "null", "~", "true", "eu-west-1"),
		ambiguousLogin("dev2", "0o17", "2001-12-14", "1_000", "eu-west-1"),
	}
	f, err := Parse(filepath.Join(t.TempDir(), "config"), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range logins {
		p, err := f.PlanLogin(l)
		if err != nil {
			t.Fatalf("PlanLogin(%s): %v", l.Context, err)
		}
		if f, err = Parse(f.Path, p.New, true); err != nil {
			t.Fatal(err)
		}
	}
	checkWithKubectl(t, f.Data, logins)
	if t.Failed() {
		t.Logf("the file:\n%s", f.Data)
	}
}

// TestAmbiguousNamesRepaired: a file with such a name written plain (by an
// older eks-login, or by hand) is written again quoted when login runs
// again, rather than left as kubectl cannot read it.
func TestAmbiguousNamesRepaired(t *testing.T) {
	l := ambiguousLogin("dev", "dev1-eks", "no", "on", "eu-west-1")
	plain := strings.Join([]string{
		"apiVersion: v1",
		"clusters:",
		"- cluster:",
		"    certificate-authority-data: " + l.CAData,
		"    server: " + l.Server,
		"  name: " + l.ClusterName,
		"contexts:",
		"- context:",
		"    cluster: " + l.ClusterName,
		"    namespace: on",
		"    user: " + l.UserName,
		"  name: no",
		"current-context: no",
		"kind: Config",
		"preferences: {}",
		"users:",
		"- name: " + l.UserName,
		"  user:",
		"    exec:",
		"      apiVersion: " + l.Exec.APIVersion,
		"      args:",
		"      - token",
		"      - --cluster-name",
		"      - dev",
		"      - --profile",
		"      - dev1-eks",
		"      - --region",
		"      - eu-west-1",
		"      command: kubectl-eks_login",
		"      interactiveMode: IfAvailable",
		"      provideClusterInfo: false",
		"",
	}, "\n")
	f, err := Parse("config", []byte(plain), true)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.PlanLogin(l)
	if err != nil {
		t.Fatal(err)
	}
	checkWithKubectl(t, p.New, []Login{l})
	if t.Failed() {
		t.Logf("the file:\n%s", p.New)
	}
}
