package admin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/accessfile"
	"github.com/eks-login/eks-login/pkg/exitcode"
)

// TestPickContext: the file's context, else the one named after the
// cluster, else after its ARN; none is an input error that says what to do.
func TestPickContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	arn := "arn:aws:eks:eu-west-1:123456789012:cluster/by-arn"
	var contexts strings.Builder
	for _, name := range []string{"by-name", arn, "arn:aws:eks:us-east-1:123456789012:cluster/elsewhere"} {
		contexts.WriteString("- name: " + name + "\n  context: {cluster: c, user: u}\n")
	}
	os.WriteFile(path, []byte("apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: u, user: {}}]\ncontexts:\n"+contexts.String()), 0o600)
	a := &Admin{Source: Source{Getenv: func(string) string { return "" }}}
	tests := []struct {
		cluster accessfile.Cluster
		given   string
		want    string
	}{
		{accessfile.Cluster{Name: "by-name", Region: "eu-west-1"}, "", "by-name"},
		{accessfile.Cluster{Name: "by-arn", Region: "eu-west-1"}, "", arn},
		{accessfile.Cluster{Name: "by-arn", Region: "eu-west-1"}, "mine", "mine"},
		{accessfile.Cluster{Name: "elsewhere", Region: "eu-west-1"}, "", ""}, // its ARN names another region
	}
	for _, tt := range tests {
		got, err := a.pickContext(path, tt.given, tt.cluster)
		if tt.want == "" {
			if exitcode.Of(err) != exitcode.Input || !strings.Contains(err.Error(), "set context: for it in the access file") {
				t.Errorf("%s: %q, %v", tt.cluster.Name, got, err)
			}
			continue
		}
		if got != tt.want || err != nil {
			t.Errorf("%s: %q (%v), want %q", tt.cluster.Name, got, err, tt.want)
		}
	}
}
