package logout

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/usecases/logout/logouttest"
)

// TestLogoutRestoresThePreviousContext: logout makes current again the
// context that was current before login, when it still exists, instead of
// leaving kubectl with no current context (issue 18.4).
func TestLogoutRestoresThePreviousContext(t *testing.T) {
	t.Run("it still exists", func(t *testing.T) {
		w := logouttest.New(t)
		w.Login("dev1-eks", "dev", "dev")
		p, err := remove(w)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Read(w.Kubeconfig); got != logouttest.KubectlWritten {
			t.Errorf("kubeconfig after login and logout:\n%s\nwant it as it was:\n%s", got, logouttest.KubectlWritten)
		}
		if changes := strings.Join(p.Context.Changes, "; "); !strings.Contains(changes, `make "kind-kind" the current context again`) {
			t.Errorf("logout does not say it restored the context: %s", changes)
		}
	})
	t.Run("two logins: each logout goes back one step", func(t *testing.T) {
		w := logouttest.New(t)
		w.Login("dev1-eks", "dev", "dev")
		w.Login("dev1-eks", "prod", "prod")
		if err := removeErr(w, func(in *Input) { in.Cluster = "prod" }); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(w.Read(w.Kubeconfig), "current-context: dev\n") {
			t.Errorf("after logout of prod, want current-context dev:\n%s", w.Read(w.Kubeconfig))
		}
		if err := removeErr(w); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(w.Read(w.Kubeconfig), "current-context: kind-kind\n") {
			t.Errorf("after logout of dev, want current-context kind-kind:\n%s", w.Read(w.Kubeconfig))
		}
	})
	t.Run("it was deleted meanwhile", func(t *testing.T) {
		w := logouttest.New(t)
		w.Login("dev1-eks", "dev", "dev")
		kc := strings.Replace(w.Read(w.Kubeconfig), "- context:\n    cluster: kind-kind\n    user: kind-kind\n  name: kind-kind\n", "", 1)
		w.Write(w.Kubeconfig, kc)
		if err := removeErr(w); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(w.Read(w.Kubeconfig), `current-context: ""`) {
			t.Errorf("the previous context is gone; want no current context:\n%s", w.Read(w.Kubeconfig))
		}
	})
}

// TestLogoutKeepsWhatOtherFilesUse: with KUBECONFIG=a:b, kubectl merges the
// files, so a cluster entry that a context in b uses must stay in a (issue
// 18.4).
func TestLogoutKeepsWhatOtherFilesUse(t *testing.T) {
	w := logouttest.New(t)
	w.Login("dev1-eks", "dev", "dev")
	b := filepath.Join(w.Home, "b.yaml")
	w.Write(b, "apiVersion: v1\nkind: Config\ncontexts:\n- name: mine\n  context:\n    cluster: "+logouttest.DevARN+"\n    user: me\nusers:\n- name: me\n  user:\n    token: abc\n")
	w.Vars["KUBECONFIG"] = w.Kubeconfig + string(os.PathListSeparator) + b
	if err := removeErr(w); err != nil {
		t.Fatal(err)
	}
	kc := w.Read(w.Kubeconfig)
	if strings.Contains(kc, "name: dev\n") {
		t.Errorf("context dev is left:\n%s", kc)
	}
	if !strings.Contains(kc, "name: "+logouttest.DevARN) {
		t.Errorf("cluster %s was removed, but context mine in %s uses it:\n%s", logouttest.DevARN, b, kc)
	}
}
