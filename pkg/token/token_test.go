package token

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

var (
	signedAt  = time.Date(2026, 1, 2, 3, 4, 5, 600_000_000, time.UTC)
	testCreds = aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
)

func mustToken(t *testing.T, req Request) Token {
	t.Helper()
	tok, err := New(context.Background(), req)
	if err != nil {
		t.Fatalf("New(%+v): %v", req, err)
	}
	return tok
}

func TestNewURLShape(t *testing.T) {
	session := testCreds
	session.SessionToken = "FwoGZXIvYXdzEXAMPLE/+="
	tests := []struct {
		name          string
		region        string
		endpoint      Endpoint
		creds         aws.Credentials
		wantHost      string
		signingRegion string
	}{
		{"regional", "ap-northeast-2", EndpointRegional, testCreds, "sts.ap-northeast-2.amazonaws.com", "ap-northeast-2"},
		{"default is regional", "eu-west-1", "", testCreds, "sts.eu-west-1.amazonaws.com", "eu-west-1"},
		{"global signs in us-east-1", "ap-northeast-2", EndpointGlobal, testCreds, "sts.amazonaws.com", "us-east-1"},
		{"china", "cn-north-1", EndpointRegional, testCreds, "sts.cn-north-1.amazonaws.com.cn", "cn-north-1"},
		{"govcloud", "us-gov-west-1", EndpointRegional, testCreds, "sts.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
		{"iso", "us-iso-east-1", EndpointRegional, testCreds, "sts.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
		{"iso-b", "us-isob-east-1", EndpointRegional, testCreds, "sts.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
		{"iso-e", "eu-isoe-west-1", EndpointRegional, testCreds, "sts.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"},
		{"iso-f", "us-isof-south-1", EndpointRegional, testCreds, "sts.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"},
		{"session credentials", "ap-northeast-2", EndpointRegional, session, "sts.ap-northeast-2.amazonaws.com", "ap-northeast-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := mustToken(t, Request{Credentials: tt.creds, Region: tt.region, ClusterName: "my-example", Endpoint: tt.endpoint, Now: signedAt})
			u, err := Decode(tok.Value)
			if err != nil {
				t.Fatal(err)
			}
			if u.Scheme != "https" || u.Host != tt.wantHost || u.Path != "/" {
				t.Errorf("URL = %s://%s%s, want https://%s/", u.Scheme, u.Host, u.Path, tt.wantHost)
			}
			q := u.Query()
			want := map[string]string{
				"Action":              "GetCallerIdentity",
				"Version":             "2011-06-15",
				"X-Amz-Expires":       "60",
				"X-Amz-Algorithm":     "AWS4-HMAC-SHA256",
				"X-Amz-Date":          "20260102T030405Z",
				"X-Amz-SignedHeaders": "host;x-k8s-aws-id",
				"X-Amz-Credential":    "AKIDEXAMPLE/20260102/" + tt.signingRegion + "/sts/aws4_request",
			}
			for k, v := range want {
				if got := q.Get(k); got != v {
					t.Errorf("query %s = %q, want %q", k, got, v)
				}
			}
			if got := q.Get("X-Amz-Security-Token"); got != tt.creds.SessionToken {
				t.Errorf("X-Amz-Security-Token = %q, want %q", got, tt.creds.SessionToken)
			}
			if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(q.Get("X-Amz-Signature")) {
				t.Errorf("X-Amz-Signature = %q, want 64 hex digits", q.Get("X-Amz-Signature"))
			}
			for k := range q {
				if strings.EqualFold(k, ClusterIDHeader) {
					t.Errorf("the cluster header leaked into the query as %s; it must be a signed header", k)
				}
			}
			if err := verifyPresigned(u, tt.creds.SecretAccessKey, "my-example"); err != nil {
				t.Errorf("signature does not verify: %v", err)
			}
			if err := verifyPresigned(u, tt.creds.SecretAccessKey, "other-cluster"); err == nil {
				t.Error("signature verifies for another cluster; the cluster header is not signed")
			}
		})
	}
}

func TestTokenEncoding(t *testing.T) {
	// Cluster names of several lengths exercise every base64 padding case.
	for _, cluster := range []string{"a", "ab", "abc", "my-example", "my-example-2"} {
		tok := mustToken(t, Request{Credentials: testCreds, Region: "ap-northeast-2", ClusterName: cluster, Now: signedAt})
		if !strings.HasPrefix(tok.Value, "k8s-aws-v1.") {
			t.Fatalf("token %q lacks the k8s-aws-v1. prefix", tok.Value[:20])
		}
		body := strings.TrimPrefix(tok.Value, Prefix)
		if !regexp.MustCompile(`^[A-Za-z0-9_-]+$`).MatchString(body) {
			t.Errorf("cluster %q: token body is not unpadded base64url", cluster)
		}
		u, err := Decode(tok.Value)
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if err := verifyPresigned(u, testCreds.SecretAccessKey, cluster); err != nil {
			t.Errorf("cluster %q: round trip does not verify: %v", cluster, err)
		}
	}
}

func TestNewIsDeterministic(t *testing.T) {
	req := Request{Credentials: testCreds, Region: "ap-northeast-2", ClusterName: "my-example", Now: signedAt}
	if a, b := mustToken(t, req), mustToken(t, req); a != b {
		t.Errorf("two tokens for the same request and time differ:\n%s\n%s", a.Value, b.Value)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name    string
		req     Request
		wantErr string
	}{
		{"no cluster", Request{Credentials: testCreds, Region: "ap-northeast-2"}, "cluster name is empty"},
		{"blank in cluster", Request{Credentials: testCreds, Region: "ap-northeast-2", ClusterName: "my example"}, "white space"},
		{"no keys", Request{Region: "ap-northeast-2", ClusterName: "my-example"}, "without an access key"},
		{"bad region", Request{Credentials: testCreds, Region: "ap_northeast_2", ClusterName: "my-example"}, "not an AWS region name"},
		{"global outside aws", Request{Credentials: testCreds, Region: "cn-north-1", ClusterName: "my-example", Endpoint: EndpointGlobal}, "only in the aws partition"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(context.Background(), tt.req)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, tok := range []string{
		"",
		"k8s-aws-v2.aGVsbG8",
		"k8s-aws-v1.aGVsbG8=",                 // padded
		"k8s-aws-v1.a+b/",                     // standard alphabet
		"k8s-aws-v1.aHR0cDovL2V4YW1wbGUuY29t", // http://example.com
	} {
		if _, err := Decode(tok); err == nil {
			t.Errorf("Decode(%q) succeeded, want an error", tok)
		}
	}
}

func TestExpiration(t *testing.T) {
	at := signedAt // 03:04:05.6
	tests := []struct {
		name  string
		creds aws.Credentials
		want  time.Time
	}{
		{"long-term keys", aws.Credentials{}, time.Date(2026, 1, 2, 3, 18, 5, 0, time.UTC)},
		{"credentials outlive the token", aws.Credentials{CanExpire: true, Expires: at.Add(time.Hour)}, time.Date(2026, 1, 2, 3, 18, 5, 0, time.UTC)},
		{"credentials expire first", aws.Credentials{CanExpire: true, Expires: at.Add(3 * time.Minute)}, time.Date(2026, 1, 2, 3, 7, 5, 0, time.UTC)},
		{"exactly at the lifetime", aws.Credentials{CanExpire: true, Expires: time.Date(2026, 1, 2, 3, 18, 5, 0, time.UTC)}, time.Date(2026, 1, 2, 3, 18, 5, 0, time.UTC)},
		{"CanExpire false ignores Expires", aws.Credentials{Expires: at.Add(time.Minute)}, time.Date(2026, 1, 2, 3, 18, 5, 0, time.UTC)},
		{"other time zone", aws.Credentials{CanExpire: true, Expires: at.Add(2 * time.Minute).In(time.FixedZone("KST", 9*3600))}, time.Date(2026, 1, 2, 3, 6, 5, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Expiration(at, tt.creds)
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("Expiration = %v, want %v (UTC)", got, tt.want)
			}
		})
	}
	// New uses the same rule.
	creds := testCreds
	creds.CanExpire, creds.Expires = true, at.Add(90*time.Second)
	tok := mustToken(t, Request{Credentials: creds, Region: "ap-northeast-2", ClusterName: "my-example", Now: at})
	if want := time.Date(2026, 1, 2, 3, 5, 35, 0, time.UTC); !tok.Expiration.Equal(want) {
		t.Errorf("token expiration = %v, want %v", tok.Expiration, want)
	}
}

func TestPartitionOf(t *testing.T) {
	tests := []struct {
		region, wantID, wantErr string
	}{
		{"ap-northeast-2", "aws", ""},
		{"us-east-1", "aws", ""},
		{"il-central-1", "aws", ""},
		{"mx-central-1", "aws", ""},
		{"cn-northwest-1", "aws-cn", ""},
		{"us-gov-east-1", "aws-us-gov", ""},
		{"us-iso-west-1", "aws-iso", ""},
		{"us-isob-east-1", "aws-iso-b", ""},
		{"us-isof-east-1", "aws-iso-f", ""},
		{"eu-isoe-west-1", "aws-iso-e", ""},
		{"eusc-de-east-1", "aws-eusc", ""},
		{"", "", "empty"},
		{"ap-northeast", "", "not an AWS region name"},
		{"AP-NORTHEAST-2", "", "not an AWS region name"},
		{"ap-northeast-2 ", "", "not an AWS region name"},
		{"https://sts.ap-northeast-2.amazonaws.com", "", "not an AWS region name"},
		{"xx-east-1", "", "not in any AWS partition"},
		{"us-east-1a", "", "not an AWS region name"},
		{"apnortheast-2", "", "not an AWS region name"},
		{"a-north-1", "", "not an AWS region name"},
		{"ap--2", "", "not an AWS region name"},
		{"ap-northeast-123", "", "not an AWS region name"},
		{"us-gov-west-x1", "", "not an AWS region name"},
		{"us-isoz-east-1", "", "not in any AWS partition"},
	}
	for _, tt := range tests {
		p, err := PartitionOf(tt.region)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("PartitionOf(%q) err = %v, want %q", tt.region, err, tt.wantErr)
			}
			continue
		}
		if err != nil || p.ID != tt.wantID {
			t.Errorf("PartitionOf(%q) = %q, %v; want %q", tt.region, p.ID, err, tt.wantID)
		}
	}
}

func TestParseEndpoint(t *testing.T) {
	for in, want := range map[string]Endpoint{"": EndpointRegional, "regional": EndpointRegional, "Global": EndpointGlobal} {
		if got, err := ParseEndpoint(in); err != nil || got != want {
			t.Errorf("ParseEndpoint(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseEndpoint("fips"); err == nil {
		t.Error("ParseEndpoint(fips) succeeded")
	}
}

// verifyPresigned checks a presigned URL the way STS does, written from the
// SigV4 specification rather than with the SDK, so a signer bug cannot hide.
func verifyPresigned(u *url.URL, secret, cluster string) error {
	q := u.Query()
	sig := q.Get("X-Amz-Signature")
	q.Del("X-Amz-Signature")
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var query []string
	for _, k := range keys {
		query = append(query, awsEscape(k)+"="+awsEscape(q.Get(k)))
	}
	canonical := strings.Join([]string{
		"GET", "/", strings.Join(query, "&"),
		"host:" + u.Host + "\n" + "x-k8s-aws-id:" + cluster + "\n",
		"host;x-k8s-aws-id",
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // SHA-256 of the empty body
	}, "\n")
	scope := strings.SplitN(q.Get("X-Amz-Credential"), "/", 2)[1]
	parts := strings.Split(scope, "/") // date/region/service/aws4_request
	hashed := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + q.Get("X-Amz-Date") + "\n" + scope + "\n" + hex.EncodeToString(hashed[:])
	key := []byte("AWS4" + secret)
	for _, p := range parts {
		key = hmacSHA256(key, p)
	}
	if want := hex.EncodeToString(hmacSHA256(key, toSign)); want != sig {
		return &mismatch{got: sig, want: want}
	}
	return nil
}

type mismatch struct{ got, want string }

func (m *mismatch) Error() string { return "signature " + m.got + ", expected " + m.want }

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

func awsEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
