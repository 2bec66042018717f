package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/world"
)

// TestAdminThroughKubeconfigAuth: the admin commands authenticate to the
// real API server as kubectl would, also in ways the old hand-made client
// did not know: a KUBECONFIG list that keeps the cluster and the user in
// different files, an exec plugin that answers with a client certificate
// (the cluster creator's, system:masters), and tls-server-name for a server
// reached by a host name its certificate does not carry (in the world every
// eks.REGION.amazonaws.com is loopback; the API server's certificate names
// 127.0.0.1, localhost and kubernetes).
func TestAdminThroughKubeconfigAuth(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := newAdmin(t)
	dir := t.TempDir()
	plugin := certPlugin(t, dir)
	server := "https://eks." + world.Region + ".amazonaws.com:6443"
	users := filepath.Join(dir, "users.yaml")
	writeFile(t, users, `apiVersion: v1
kind: Config
users:
- name: cert-from-plugin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: `+plugin+`
      interactiveMode: Never
`)
	for _, tt := range []struct {
		name, tlsServerName string
		wantCode            int
		want                string
	}{
		{name: "tls-server-name", tlsServerName: "kubernetes", want: "MyExampleEKSNode"},
		{name: "no tls-server-name", wantCode: 6, want: "cannot reach the API server at " + server},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clusters := filepath.Join(t.TempDir(), "clusters.yaml")
			cluster := "    server: " + server + "\n    certificate-authority: " + theWorld.CAFile + "\n"
			if tt.tlsServerName != "" {
				cluster += "    tls-server-name: " + tt.tlsServerName + "\n"
			}
			writeFile(t, clusters, "apiVersion: v1\nkind: Config\nclusters:\n- name: world\n  cluster:\n"+cluster+
				"contexts:\n- name: plugin-cert\n  context: {cluster: world, user: cert-from-plugin}\ncurrent-context: plugin-cert\n")
			os.Remove(plugin + ".ran")
			admin.Extra = []string{"KUBECONFIG=" + clusters + string(os.PathListSeparator) + users}
			out, err := admin.Run(ctx, "kubectl", "eks-login", "admin", "list", "-o", "json")
			if code := exitCode(err); code != tt.wantCode {
				t.Fatalf("exit code %d, want %d\n%s", code, tt.wantCode, out)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out)
			}
			if _, err := os.Stat(plugin + ".ran"); err != nil {
				t.Errorf("the exec plugin did not run: %v", err)
			}
			if tt.wantCode != 0 {
				return
			}
			var list struct{ Entries []struct{ ARN string } }
			if err := json.Unmarshal([]byte(out), &list); err != nil || len(list.Entries) == 0 {
				t.Errorf("admin list -o json: %v\n%s", err, out)
			}
		})
	}
}

// certPlugin writes an exec credential plugin that answers with the world
// admin's client certificate and key, and leaves PLUGIN.ran behind.
func certPlugin(t *testing.T, dir string) string {
	t.Helper()
	cert, err := os.ReadFile(theWorld.AdminCertFile)
	if err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(theWorld.AdminKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	cred, _ := json.Marshal(map[string]any{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
		"status": map[string]any{"clientCertificateData": string(cert), "clientKeyData": string(key)}})
	credFile := filepath.Join(dir, "credential.json")
	writeFile(t, credFile, string(cred))
	plugin := filepath.Join(dir, "cert-plugin")
	writeFile(t, plugin, "#!/bin/sh\ntouch '"+plugin+".ran'\nexec cat '"+credFile+"'\n")
	if err := os.Chmod(plugin, 0o700); err != nil {
		t.Fatal(err)
	}
	return plugin
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
