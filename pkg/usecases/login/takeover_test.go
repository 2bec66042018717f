package login

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/usecases/login/logintest"
)

// TestNoSilentTakeovers: login must not quietly change what an existing
// name means to other tools (issue 18.4). Each case is refused with exit 9,
// says why, and writes nothing; with --yes it goes ahead.
func TestNoSilentTakeovers(t *testing.T) {
	tests := []struct {
		name  string
		setup func(w *logintest.World) func(*Input)
		want  []string // in the error
	}{
		{"a profile that exists only in the credentials file",
			func(w *logintest.World) func(*Input) {
				w.Write(w.Creds, "[dev1]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n\n[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = prodsecret\n")
				return func(o *Input) { o.Profile = "prod" }
			},
			[]string{"profile prod", "credentials", "every tool using profile prod would assume role " + roleDev, "--yes"}},
		{"a context of that name in another file of KUBECONFIG",
			func(w *logintest.World) func(*Input) {
				a, b := filepath.Join(w.Home, "a.yaml"), filepath.Join(w.Home, "b.yaml")
				w.Write(b, "apiVersion: v1\nkind: Config\nclusters:\n- name: other\n  cluster:\n    server: https://other.example\ncontexts:\n- name: dev\n  context:\n    cluster: other\n    user: someone\nusers:\n- name: someone\n  user:\n    token: abc\n")
				w.Vars["KUBECONFIG"] = a + string(os.PathListSeparator) + b
				return nil
			},
			[]string{`context "dev"`, "b.yaml", `cluster "other"`, "--alias"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := logintest.New(t)
			mod := tt.setup(w)
			before := snapshotHome(t, w.Home)
			var mods []func(*Input)
			if mod != nil {
				mods = append(mods, mod)
			}
			_, err := login(w, false, mods...)
			if code := exitcode.Of(err); code != exitcode.Conflict {
				t.Fatalf("exit %d (%v), want %d", code, err, exitcode.Conflict)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not say %q: %v", want, err)
				}
			}
			if after := snapshotHome(t, w.Home); !equalSnapshots(before, after) {
				t.Errorf("files changed: before %v, after %v", keys(before), keys(after))
			}
			if _, err := login(w, false, append(mods, func(o *Input) { o.Yes = true })...); err != nil {
				t.Errorf("with --yes: %v", err)
			}
		})
	}
}

func snapshotHome(t *testing.T, home string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(home, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && !strings.Contains(p, string(filepath.Separator)+"cache"+string(filepath.Separator)) {
			b, _ := os.ReadFile(p)
			out[p] = string(b)
		}
		return nil
	})
	return out
}

func equalSnapshots(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
