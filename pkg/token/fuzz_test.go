package token

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// FuzzDecode: any string either is refused or decodes to a presigned https
// GetCallerIdentity URL.
func FuzzDecode(f *testing.F) {
	f.Add(goldenToken.Value)
	f.Add("k8s-aws-v1.")
	f.Add("k8s-aws-v1.aHR0cDovL3gvP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eQ")
	f.Add("k8s-aws-v1.====")
	f.Add("")
	f.Fuzz(func(t *testing.T, tok string) {
		u, err := Decode(tok)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "not an EKS token") {
				t.Fatalf("unclear error: %v", err)
			}
			return
		}
		if u.Scheme != "https" || u.Query().Get("Action") != "GetCallerIdentity" {
			t.Fatalf("Decode(%q) accepted %s", tok, u)
		}
	})
}

// FuzzNewDecode: a token New signs decodes back to the URL it signed: the
// STS host of the region, the cluster header signed, the access key in the
// credential scope and the session token carried.
func FuzzNewDecode(f *testing.F) {
	f.Add("my-example", "ap-northeast-2", "AKIAEXAMPLE", "secret", "", int64(1767290285), false)
	f.Add("dev", "cn-north-1", "ASIA1", "s/e+c=r", "FwoG//token==", int64(0), true)
	f.Add("x", "us-gov-west-1", "A", "B", "C", int64(-1), true)
	f.Add("c", "eu-isoe-west-1", "A", "B", "", int64(1<<40), false)
	f.Fuzz(func(t *testing.T, cluster, region, ak, sk, st string, unix int64, global bool) {
		ep := EndpointRegional
		if global {
			ep = EndpointGlobal
		}
		now := time.Unix(unix%(1<<36), 0)
		tok, err := New(context.Background(), Request{
			Credentials: aws.Credentials{AccessKeyID: ak, SecretAccessKey: sk, SessionToken: st},
			Region:      region, ClusterName: cluster, Endpoint: ep, Now: now,
		})
		if err != nil {
			return
		}
		if strings.Contains(tok.Value, sk) && len(sk) > 8 {
			t.Fatalf("the token holds the secret key")
		}
		u, err := Decode(tok.Value)
		if err != nil {
			t.Fatalf("Decode(New()) = %v", err)
		}
		host, _, _ := STSHost(region, ep)
		if u.Host != host {
			t.Fatalf("host %s, want %s", u.Host, host)
		}
		q := u.Query()
		if !strings.Contains(q.Get("X-Amz-SignedHeaders"), ClusterIDHeader) {
			t.Fatalf("cluster header not signed: %s", u)
		}
		if !strings.HasPrefix(q.Get("X-Amz-Credential"), ak+"/") {
			t.Fatalf("credential %q does not start with the access key %q", q.Get("X-Amz-Credential"), ak)
		}
		if q.Get("X-Amz-Security-Token") != st {
			t.Fatalf("session token %q, want %q", q.Get("X-Amz-Security-Token"), st)
		}
		if len(q.Get("X-Amz-Signature")) != 64 {
			t.Fatalf("signature %q", q.Get("X-Amz-Signature"))
		}
		if _, err := url.ParseQuery(u.RawQuery); err != nil {
			t.Fatalf("query: %v", err)
		}
		if tok.Expiration.After(now.Add(Lifetime)) {
			t.Fatalf("expiration %s after %s", tok.Expiration, now.Add(Lifetime))
		}
	})
}

// FuzzParseExecInfo: KUBERNETES_EXEC_INFO never panics and only v1 and
// v1beta1 are accepted.
func FuzzParseExecInfo(f *testing.F) {
	f.Add(`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`)
	f.Add(`{"apiVersion":"client.authentication.k8s.io/v1beta1","spec":{}}`)
	f.Add(`{"apiVersion":"client.authentication.k8s.io/v1alpha1"}`)
	f.Add(`{"apiVersion":1,"spec":{"interactive":"yes"}}`)
	f.Add(`[[[[[[[[[[[[[[[[[[[[`)
	f.Add(" ")
	f.Add(`{"kind":"Pod","apiVersion":"client.authentication.k8s.io/v1"}`)
	f.Fuzz(func(t *testing.T, env string) {
		info, err := ParseExecInfo(env)
		if err != nil {
			if !strings.Contains(err.Error(), "KUBERNETES_EXEC_INFO") && !strings.Contains(err.Error(), "apiVersion") {
				t.Fatalf("error does not name the variable: %v", err)
			}
			return
		}
		if info.APIVersion != APIVersionV1 && info.APIVersion != APIVersionV1beta1 {
			t.Fatalf("accepted apiVersion %q from %q", info.APIVersion, env)
		}
		if strings.TrimSpace(env) == "" && info.APIVersion != APIVersionV1beta1 {
			t.Fatalf("empty KUBERNETES_EXEC_INFO gives %q", info.APIVersion)
		}
	})
}
