package world

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Person is someone at a terminal in the world: a home folder of their own
// with ~/.aws and ~/.kube, and the commands they type.
type Person struct {
	Name string
	Home string
	// PluginDir is put first on PATH, so kubectl finds kubectl-eks_login there.
	PluginDir string
	// Extra environment entries, added last.
	Extra []string
	w     *World
}

// NewPerson makes a person with an empty home under dir.
func (w *World) NewPerson(dir, name, pluginDir string) (*Person, error) {
	home := filepath.Join(dir, name)
	for _, d := range []string{".aws", ".kube"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o700); err != nil {
			return nil, err
		}
	}
	return &Person{Name: name, Home: home, PluginDir: pluginDir, w: w}, nil
}

// NewAdmin makes the cluster creator: the world's admin keys as the AWS
// profile "default", and a kubeconfig with system:masters access.
func (w *World) NewAdmin(dir, pluginDir string) (*Person, error) {
	p, err := w.NewPerson(dir, "admin", pluginDir)
	if err != nil {
		return nil, err
	}
	if err := p.WriteFile(".aws/credentials", "[default]\naws_access_key_id = "+w.AdminAccessKeyID+"\naws_secret_access_key = "+w.AdminSecretAccessKey+"\n"); err != nil {
		return nil, err
	}
	if err := p.WriteFile(".aws/config", "[default]\nregion = "+Region+"\noutput = json\n"); err != nil {
		return nil, err
	}
	kc, err := os.ReadFile(w.AdminKubeconfig)
	if err != nil {
		return nil, err
	}
	return p, p.WriteFile(".kube/config", string(kc))
}

// Path is rel inside the person's home.
func (p *Person) Path(rel string) string { return filepath.Join(p.Home, rel) }

// WriteFile writes rel in the person's home with mode 0600.
func (p *Person) WriteFile(rel, content string) error {
	return os.WriteFile(p.Path(rel), []byte(content), 0o600)
}

// Env is the world's environment with this person's home and PATH.
func (p *Person) Env() []string {
	var env []string
	for _, kv := range p.w.Env() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "HOME" || k == "PATH" || k == "KUBECACHEDIR" {
			continue
		}
		env = append(env, kv)
	}
	path := os.Getenv("PATH")
	if p.PluginDir != "" {
		path = p.PluginDir + string(os.PathListSeparator) + path
	}
	env = append(env, "HOME="+p.Home, "PATH="+path)
	return append(env, p.Extra...)
}

// Run runs a command as this person, in their home, and returns its combined output.
func (p *Person) Run(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, p.LookPath(name), args...)
	cmd.Env = p.Env()
	cmd.Dir = p.Home
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return string(out), nil
}

// LookPath finds name as the person's shell would: on their PATH, where the
// plugin folder comes first (exec.Command would search this process's PATH).
func (p *Person) LookPath(name string) string {
	if strings.ContainsRune(name, os.PathSeparator) || p.PluginDir == "" {
		return name
	}
	candidate := filepath.Join(p.PluginDir, name)
	if info, err := os.Stat(candidate); err == nil && !info.IsDir() {
		return candidate
	}
	return name
}
