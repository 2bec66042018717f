package logout

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogoutRestoresThePreviousContext: logout makes current again the
// context that was current before login, when it still exists, instead of
// leaving kubectl with no current context (issue 18.4).
func TestLogoutRestoresThePreviousContext(t *testing.T) {
	t.Run("it still exists", func(t *testing.T) {
		w := newWorld(t)
		w.login("dev1-eks", "dev", "dev")
		if err := w.logout(nil); err != nil {
			t.Fatal(err)
		}
		if got := w.read(w.kubeconfig); got != kubectlWritten {
			t.Errorf("kubeconfig after login and logout:\n%s\nwant it as it was:\n%s", got, kubectlWritten)
		}
		if !strings.Contains(w.out.String(), `make "kind-kind" the current context again`) {
			t.Errorf("logout does not say it restored the context:\n%s", w.out.String())
		}
	})
	t.Run("two logins: each logout goes back one step", func(t *testing.T) {
		w := newWorld(t)
		w.login("dev1-eks", "dev", "dev")
		w.login("dev1-eks", "prod", "prod")
		if err := w.logout(func(o *Options) { o.Cluster = "prod" }); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(w.read(w.kubeconfig), "current-context: dev\n") {
			t.Errorf("after logout of prod, want current-context dev:\n%s", w.read(w.kubeconfig))
		}
		if err := w.logout(nil); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(w.read(w.kubeconfig), "current-context: kind-kind\n") {
			t.Errorf("after logout of dev, want current-context kind-kind:\n%s", w.read(w.kubeconfig))
		}
	})
	t.Run("it was deleted meanwhile", func(t *testing.T) {
		w := newWorld(t)
		w.login("dev1-eks", "dev", "dev")
		kc := strings.Replace(w.read(w.kubeconfig), "- context:\n    cluster: kind-kind\n    user: kind-kind\n  name: kind-kind\n", "", 1)
		w.write(w.kubeconfig, kc)
		if err := w.logout(nil); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(w.read(w.kubeconfig), `current-context: ""`) {
			t.Errorf("the previous context is gone; want no current context:\n%s", w.read(w.kubeconfig))
		}
	})
}

// TestLogoutKeepsWhatOtherFilesUse: with KUBECONFIG=a:b, kubectl merges the
// files, so a cluster entry that a context in b uses must stay in a (issue
// 18.4).
func TestLogoutKeepsWhatOtherFilesUse(t *testing.T) {
	w := newWorld(t)
	w.login("dev1-eks", "dev", "dev")
	b := filepath.Join(w.home, "b.yaml")
	w.write(b, "apiVersion: v1\nkind: Config\ncontexts:\n- name: mine\n  context:\n    cluster: "+devARN+"\n    user: me\nusers:\n- name: me\n  user:\n    token: abc\n")
	w.env["KUBECONFIG"] = w.kubeconfig + string(os.PathListSeparator) + b
	if err := w.logout(nil); err != nil {
		t.Fatal(err)
	}
	kc := w.read(w.kubeconfig)
	if strings.Contains(kc, "name: dev\n") {
		t.Errorf("context dev is left:\n%s", kc)
	}
	if !strings.Contains(kc, "name: "+devARN) {
		t.Errorf("cluster %s was removed, but context mine in %s uses it:\n%s", devARN, b, kc)
	}
}
