package logout

import (
	"os"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fsutil"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/pkg/usecases/logout/logouttest"
)

// TestLogoutRerunFinishes: a logout that fails half way leaves nothing a
// second run cannot finish (issue 18.5). The failure is made by putting a
// folder where the lock file of one of the two files goes, which Apply
// cannot lock; the folder is removed before the second run.
func TestLogoutRerunFinishes(t *testing.T) {
	for _, broken := range []string{"config", "kubeconfig"} {
		t.Run("the "+broken+" step fails", func(t *testing.T) {
			w := logouttest.New(t)
			w.Login("dev1-eks", "dev", "dev")
			target := map[string]string{"config": w.Config, "kubeconfig": w.Kubeconfig}[broken]
			lockPath, err := fsutil.LockPathFor(kubeconfig.LockDir(w.Env().Getenv, w.Home), target)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(lockPath, 0o700); err != nil {
				t.Fatal(err)
			}
			_, err = remove(w)
			if code := exitcode.Of(err); code != exitcode.Input {
				t.Fatalf("first logout: exit %d (%v), want %d", code, err, exitcode.Input)
			}
			os.Remove(lockPath)
			if _, err := remove(w); err != nil {
				t.Fatalf("second logout: %v", err)
			}
			if kc := w.Read(w.Kubeconfig); strings.Contains(kc, "name: dev\n") {
				t.Errorf("context dev is left:\n%s", kc)
			}
			if config := w.Read(w.Config); config != logouttest.UserConfig {
				t.Errorf("the second logout left the config as:\n%s\nwant:\n%s", config, logouttest.UserConfig)
			}
		})
	}
}
