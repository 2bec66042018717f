package login

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/tokencache"
	"github.com/eks-login/eks-login/pkg/usecases/login/logintest"
)

// TestLoginPrunesUnreachableCacheEntries: every edit of the config file
// orphans the cache entries keyed on the file as it was, with their live
// role credentials; login removes them on its next write (issue 18.8).
// Entries keyed on files it did not change stay.
func TestLoginPrunesUnreachableCacheEntries(t *testing.T) {
	w := logintest.New(t)
	cacheDir := filepath.Join(w.Home, ".kube", "cache", "eks-login")
	other := filepath.Join(w.Home, "other-config")
	w.Write(other, "[profile elsewhere]\n")
	stamp := func(path string) tokencache.FileStamp {
		s, err := tokencache.StampFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	exp := time.Now().Add(50 * time.Minute)
	entry := func(version int, files ...string) tokencache.Entry {
		e := tokencache.Entry{Version: version, Token: "k8s-aws-v1.x", Expiration: time.Now().Add(10 * time.Minute), Region: "eu-west-1",
			Credentials: &tokencache.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "session", Expiration: exp},
			Cluster:     "dev", Profile: "dev1-eks"}
		for _, f := range files {
			e.Files = append(e.Files, stamp(f))
		}
		return e
	}
	entries := map[string]tokencache.Entry{
		"older-format": entry(1),
		"this-config":  entry(2, w.Config, w.Creds),
		"other-config": entry(2, other, w.Creds),
	}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, e := range entries {
		data, _ := json.Marshal(e)
		if err := os.WriteFile(filepath.Join(cacheDir, name+".json"), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := login(w, false); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"older-format": false, "this-config": false, "other-config": true} {
		_, err := os.Stat(filepath.Join(cacheDir, name+".json"))
		if got := err == nil; got != want {
			t.Errorf("entry %s kept: %v, want %v", name, got, want)
		}
	}
}
