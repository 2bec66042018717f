package token

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The in-process parts of the token path; "make bench" runs these next to
// the whole-process figures.

var benchCreds = aws.Credentials{AccessKeyID: "ASIAEXAMPLEEXAMPLE00", SecretAccessKey: "bench-secret", SessionToken: "bench-session-token", CanExpire: true, Expires: time.Now().Add(time.Hour)}

func BenchmarkPresign(b *testing.B) {
	req := Request{Credentials: benchCreds, Region: "ap-northeast-2", ClusterName: "my-example", Now: time.Now()}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeExecCredential(b *testing.B) {
	tok, err := New(context.Background(), Request{Credentials: benchCreds, Region: "ap-northeast-2", ClusterName: "my-example", Now: time.Now()})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EncodeExecCredential("client.authentication.k8s.io/v1", tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseExecInfo(b *testing.B) {
	info := `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseExecInfo(info); err != nil {
			b.Fatal(err)
		}
	}
}
