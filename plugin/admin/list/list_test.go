package list

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags/adminflagstest"
)

func TestFlags(t *testing.T) {
	var got *Options
	err := adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(o *Options) error { got = o; return nil }), "--cluster", "c", "-o", "yaml")
	if err != nil || got.Cluster != "c" || got.Output != "yaml" {
		t.Errorf("options %+v (%v)", got, err)
	}
	err = adminflagstest.Parse(NewCmd(adminflagstest.Factory(&bytes.Buffer{}), func(o *Options) error { got = o; return nil }))
	if err != nil || got.Output != "table" {
		t.Errorf("default output %q (%v)", got.Output, err)
	}
}

// both is a role mapped in aws-auth (without its path) and by an access
// entry (with it).
var both = admintest.RoleARN("/team/", "Both")

func cluster(t *testing.T) *admintest.Fake {
	fake := admintest.New(t)
	fake.Kube.Put(admintest.AWSAuthPath, admintest.ConfigMap(map[string]any{"mapRoles": admintest.NodeRoles +
		"- rolearn: " + admintest.RoleARN("/", "Both") + "\n  username: both-configmap\n  groups: [aws-auth]\n" +
		"- rolearn: " + both + "\n  username: pathful\n"}))
	fake.Cluster(admin.AuthAPIAndConfigMap)
	fake.EKS("GET", "/clusters/"+admintest.Cluster+"/access-entries", http.StatusOK, map[string]any{"accessEntries": []string{both}})
	fake.EKS("GET", admintest.EntryPath(both, ""), http.StatusOK, admintest.Entry(both, "STANDARD", "both-entry", "entry"))
	fake.EKS("GET", admintest.EntryPath(both, "/access-policies"), http.StatusOK, map[string]any{"associatedAccessPolicies": []any{
		map[string]any{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", "accessScope": map[string]any{"type": "namespace", "namespaces": []string{"team-a"}}}}})
	return fake
}

// TestOutputs: the table, JSON and YAML show each mapping's status under
// the cluster's authentication mode, and why when it does not win.
func TestOutputs(t *testing.T) {
	for _, output := range []string{"table", "json", "yaml"} {
		t.Run(output, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(context.Background(), &Options{Common: adminflagstest.Common(cluster(t), &out, false), Cluster: admintest.Cluster, Output: output}); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "list."+output, out.String())
		})
	}
}

// TestNoCluster: without the cluster's name, the table says what it cannot
// show.
func TestNoCluster(t *testing.T) {
	fake := admintest.New(t)
	fake.SeedAWSAuth()
	var out bytes.Buffer
	if err := run(context.Background(), &Options{Common: adminflagstest.Common(fake, &out, false), Output: "table"}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "The kubeconfig context does not name the EKS cluster (pass --cluster)") || !strings.Contains(out.String(), admintest.NodeRole) {
		t.Errorf("output:\n%s", out.String())
	}
	err := run(context.Background(), &Options{Common: adminflagstest.Common(fake, &out, false), Output: "wide"})
	if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), `-o must be table, json or yaml, not "wide"`) {
		t.Errorf("-o wide: %v", err)
	}
}

// TestTableShowsOddNames: aws-auth's usernames, groups and ARNs are free
// text; an escape sequence or carriage return in one is shown as an
// escape, never sent to the terminal.
func TestTableShowsOddNames(t *testing.T) {
	const odd = "dev\x1b[2J\rforged"
	for _, e := range []admin.Entry{
		{Source: "aws-auth", ARN: "arn:aws:iam::123456789012:role/" + odd},
		{Source: "aws-auth", ARN: admintest.NodeRole, Username: odd},
		{Source: "aws-auth", ARN: admintest.NodeRole, Groups: []string{"a", odd}},
		{Source: "aws-auth", ARN: admintest.NodeRole, Status: "ignored", Reason: odd},
	} {
		var out bytes.Buffer
		printTable(&out, &admin.Listing{Cluster: "my-example", AuthenticationMode: admin.AuthAPIAndConfigMap, Entries: []admin.Entry{e}})
		if strings.ContainsAny(out.String(), "\x1b\r") || !strings.Contains(out.String(), `dev\x1b[2J\rforged`) {
			t.Errorf("%+v: %q", e, out.String())
		}
	}
}
