package tokencache

import (
	"context"
	"errors"
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
