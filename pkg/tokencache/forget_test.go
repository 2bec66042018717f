package tokencache

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

type fixedMinter struct{ e Entry }

func (m fixedMinter) Mint(context.Context) (Entry, error)          { return m.e, nil }
func (m fixedMinter) Resign(context.Context, Entry) (Entry, error) { return m.e, nil }

// TestForget: logout removes the entries of one cluster and profile, and
// only those.
func TestForget(t *testing.T) {
	c := &Cache{Dir: filepath.Join(t.TempDir(), "eks-login")}
	ctx := context.Background()
	entries := []struct{ key, cluster, profile string }{
		{"a", "my-example", "dev1-eks"},
		{"b", "my-example", "dev1-eks"}, // the same login from another shell's environment
		{"c", "my-example", "ops-eks"},
		{"d", "other", "dev1-eks"},
	}
	for _, e := range entries {
		m := fixedMinter{Entry{Token: "k8s-aws-v1.x", Expiration: time.Now().Add(10 * time.Minute), Region: "ap-northeast-2", Cluster: e.cluster, Profile: e.profile}}
		if _, _, err := c.Get(ctx, e.key, Use, m); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := c.Forget("my-example", "dev1-eks", true); err != nil || n != 2 {
		t.Fatalf("dry run counts %d (%v), want 2", n, err)
	}
	if _, err := os.Stat(c.Path("a")); err != nil {
		t.Fatalf("the dry run removed an entry: %v", err)
	}
	if n, err := c.Forget("my-example", "dev1-eks", false); err != nil || n != 2 {
		t.Fatalf("Forget removed %d (%v), want 2", n, err)
	}
	for _, e := range entries {
		_, err := os.Stat(c.Path(e.key))
		gone := os.IsNotExist(err)
		if want := e.cluster == "my-example" && e.profile == "dev1-eks"; gone != want {
			t.Errorf("entry %s (%s, %s): removed=%v, want %v", e.key, e.cluster, e.profile, gone, want)
		}
	}
	if n, err := (&Cache{Dir: filepath.Join(t.TempDir(), "missing")}).Forget("x", "y", false); err != nil || n != 0 {
		t.Errorf("a missing cache folder: %d, %v", n, err)
	}
}
