package logout

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/tokencache"
	"github.com/eks-login/eks-login/pkg/usecases/logout/logouttest"
)

// input is "--cluster dev" with mods.
func input(mods ...func(*Input)) Input {
	in := Input{Cluster: "dev"}
	for _, m := range mods {
		m(&in)
	}
	return in
}

// remove is a logout of w, as the command runs it.
func remove(w *logouttest.World, mods ...func(*Input)) (*Plan, error) {
	return (&Logout{Env: w.Env()}).Remove(input(mods...))
}

func removeErr(w *logouttest.World, mods ...func(*Input)) error {
	_, err := remove(w, mods...)
	return err
}

// TestStages: Plan plans from the files and writes nothing; Remove writes
// exactly the plan; ForgetTokens clears the cluster's entries.
func TestStages(t *testing.T) {
	w := logouttest.New(t)
	w.Login("dev1-eks", "dev", "dev")
	config, kc := w.Read(w.Config), w.Read(w.Kubeconfig)
	uc := &Logout{Env: w.Env()}
	p, err := uc.Plan(input())
	if err != nil {
		t.Fatal(err)
	}
	if p.Profile != "dev1-eks" || p.Input.Alias != "dev" || !p.Context.Changed() || !p.Config.Changed() || len(p.Notes) != 0 {
		t.Errorf("plan: profile %q, alias %q, context changed %v, config changed %v, notes %q", p.Profile, p.Input.Alias, p.Context.Changed(), p.Config.Changed(), p.Notes)
	}
	if string(p.Config.New) != logouttest.UserConfig || string(p.Context.New) != logouttest.KubectlWritten {
		t.Errorf("the plans do not restore the files:\n%s\n---\n%s", p.Config.New, p.Context.New)
	}
	if w.Read(w.Config) != config || w.Read(w.Kubeconfig) != kc {
		t.Fatal("Plan wrote a file")
	}

	writeCacheEntry(t, w, "dev", "dev1-eks")
	writeCacheEntry(t, w, "prod", "dev1-eks")
	writeCacheEntry(t, w, "keyed-on-the-config", "other", w.Config)
	if n, err := uc.ForgetTokens(p, true); n != 1 || err != nil {
		t.Errorf("ForgetTokens, dry run: %d, %v; want the one entry of cluster dev", n, err)
	}
	removed, err := uc.Remove(input())
	if err != nil {
		t.Fatal(err)
	}
	if w.Read(w.Config) != logouttest.UserConfig || w.Read(w.Kubeconfig) != logouttest.KubectlWritten {
		t.Error("Remove did not restore the files")
	}
	if n, err := uc.ForgetTokens(removed, false); n != 1 || err != nil {
		t.Errorf("ForgetTokens: %d, %v; want the one entry of cluster dev", n, err)
	}
	// The entry keyed on the config as it was goes too: no call can reach it.
	if entries, _ := filepath.Glob(filepath.Join(w.Home, ".kube", "cache", "eks-login", "*.json")); len(entries) != 1 || filepath.Base(entries[0]) != "prod.json" {
		t.Errorf("the cache holds %v; want prod's entry only", entries)
	}
}

// writeCacheEntry puts an entry for cluster and profile in the token cache,
// keyed on files as they are now.
func writeCacheEntry(t *testing.T, w *logouttest.World, cluster, profile string, files ...string) {
	t.Helper()
	dir := filepath.Join(w.Home, ".kube", "cache", "eks-login")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	e := tokencache.Entry{Version: 2, Token: "k8s-aws-v1.x", Expiration: time.Now().Add(10 * time.Minute), Cluster: cluster, Profile: profile, Region: "eu-west-1"}
	for _, f := range files {
		s, err := tokencache.StampFile(f)
		if err != nil {
			t.Fatal(err)
		}
		e.Files = append(e.Files, s)
	}
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, cluster+".json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestLogoutKeepsWhatOthersUse(t *testing.T) {
	w := logouttest.New(t)
	w.Login("dev1-eks", "dev", "dev")
	w.Login("dev1-admin", "dev-admin", "dev")
	w.Login("dev1-eks", "prod", "prod") // the same profile on another cluster
	p, err := remove(w)
	if err != nil {
		t.Fatal(err)
	}
	kc, config := w.Read(w.Kubeconfig), w.Read(w.Config)
	if strings.Contains(kc, "name: dev\n") || strings.Contains(kc, "name: dev1-eks@"+logouttest.DevARN) {
		t.Errorf("context dev or its user is left:\n%s", kc)
	}
	if !strings.Contains(kc, "name: "+logouttest.DevARN) || !strings.Contains(kc, "name: dev-admin") {
		t.Errorf("the cluster entry is still used by dev-admin and must stay:\n%s", kc)
	}
	if !strings.Contains(config, "[profile dev1-eks]") || strings.Join(p.Notes, "\n") != `Profile dev1-eks is kept: user "dev1-eks@arn:aws:eks:eu-west-1:111122223333:cluster/prod" in `+w.Kubeconfig+" still uses it." {
		t.Errorf("profile dev1-eks is still used by prod:\n%s\nnotes: %q", config, p.Notes)
	}
}

func TestLogoutKeepsUnmanagedProfile(t *testing.T) {
	w := logouttest.New(t)
	w.Write(w.Config, logouttest.UserConfig+"\n[profile dev1-eks]\nrole_arn = arn:aws:iam::111122223333:role/dev1-eks\nsource_profile = dev1\n")
	w.Login("dev1-eks", "dev", "dev")
	before := w.Read(w.Config)
	p, err := remove(w)
	if err != nil {
		t.Fatal(err)
	}
	if w.Read(w.Config) != before || p.Config.Changed() {
		t.Error("a profile the user wrote was changed")
	}
	if notes := strings.Join(p.Notes, "\n"); !strings.Contains(notes, "is kept: eks-login did not create it") {
		t.Errorf("notes: %s", notes)
	}
}

func TestLogoutRefusals(t *testing.T) {
	tests := []struct {
		name  string
		setup func(w *logouttest.World)
		in    func(in *Input)
		code  int
		want  []string
	}{
		{name: "context not ours", setup: func(w *logouttest.World) {}, in: func(in *Input) { in.Cluster = "kind-kind" },
			code: exitcode.Conflict, want: []string{`context "kind-kind"`, "was not written by eks-login", "kubectl config delete-context kind-kind"}},
		{name: "context of another profile", setup: func(w *logouttest.World) { w.Login("dev1-eks", "dev", "dev") }, in: func(in *Input) { in.Profile = "other" },
			code: exitcode.Conflict, want: []string{"uses profile dev1-eks, not other"}},
		{name: "malformed kubeconfig", setup: func(w *logouttest.World) { w.Write(w.Kubeconfig, "contexts:\n- name: dev\n  context: [\n") },
			code: exitcode.Input, want: []string{"/.kube/config line 3"}},
		{name: "malformed config", setup: func(w *logouttest.World) { w.Login("dev1-eks", "dev", "dev"); w.Write(w.Config, "[profile dev1-eks\n") },
			code: exitcode.Input, want: []string{"/.aws/config line 1"}},
		{name: "no cluster", setup: func(w *logouttest.World) {}, in: func(in *Input) { in.Cluster = "" }, code: exitcode.Usage, want: []string{`--cluster "" is not an EKS cluster name`}},
		{name: "bad profile name", setup: func(w *logouttest.World) {}, in: func(in *Input) { in.Profile = "a]b" }, code: exitcode.Usage, want: []string{"--profile:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := logouttest.New(t)
			tt.setup(w)
			config, kc := w.Read(w.Config), w.Read(w.Kubeconfig)
			var mods []func(*Input)
			if tt.in != nil {
				mods = append(mods, tt.in)
			}
			err := removeErr(w, mods...)
			if exitcode.Of(err) != tt.code {
				t.Fatalf("code %d, want %d: %v", exitcode.Of(err), tt.code, err)
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if w.Read(w.Config) != config || w.Read(w.Kubeconfig) != kc {
				t.Error("a refused logout changed a file")
			}
		})
	}
}
