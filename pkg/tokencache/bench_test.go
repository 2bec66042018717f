package tokencache

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"
)

type refuseMinter struct{}

func (refuseMinter) Mint(context.Context) (Entry, error) {
	return Entry{}, errors.New("the warm path minted")
}
func (refuseMinter) Resign(context.Context, Entry) (Entry, error) {
	return Entry{}, errors.New("the warm path re-signed")
}

type onceMinter struct{}

func (onceMinter) Mint(context.Context) (Entry, error) {
	return Entry{Version: formatVersion, Token: "k8s-aws-v1.bench", Expiration: time.Now().Add(14 * time.Minute), Region: "ap-northeast-2"}, nil
}
func (onceMinter) Resign(context.Context, Entry) (Entry, error) { return onceMinter{}.Mint(nil) }

// BenchmarkWarmLookup is the cache's share of a warm call: key, lock, read,
// decode, check.
func BenchmarkWarmLookup(b *testing.B) {
	c := &Cache{Dir: b.TempDir() + "/eks-login"}
	ctx := context.Background()
	in := KeyInput{ClusterName: "my-example", Region: "ap-northeast-2", Profile: "dev1-eks", Env: map[string]string{}}
	if _, _, err := c.Get(ctx, Key(in), Use, onceMinter{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, out, err := c.Get(ctx, Key(in), Use, refuseMinter{}); err != nil || out != Hit {
			b.Fatalf("outcome %v, err %v", out, err)
		}
	}
}

// BenchmarkWarmKey is the rest of a warm call's cache work: the key, from
// the stat of the two AWS files (regular-file check, then device, inode and
// times), the environment's AWS_* variables, and the hash.
func BenchmarkWarmKey(b *testing.B) {
	dir := b.TempDir()
	cfg, cred := dir+"/config", dir+"/credentials"
	os.WriteFile(cfg, []byte("[profile dev1-eks]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = dev1\n"), 0o600)
	os.WriteFile(cred, []byte("[dev1]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n"), 0o600)
	b.ReportAllocs()
	for b.Loop() {
		var files []FileStamp
		for _, p := range []string{cfg, cred} {
			s, err := StampFile(p)
			if err != nil {
				b.Fatal(err)
			}
			files = append(files, s)
		}
		Key(KeyInput{ClusterName: "my-example", Region: "ap-northeast-2", Profile: "dev1-eks", Env: EnvForKey(os.Getenv, os.Environ()), Files: files})
	}
}
