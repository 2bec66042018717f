package token

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/golden"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/pkg/apis/clientauthentication"
	"k8s.io/client-go/pkg/apis/clientauthentication/install"
	clientauthv1 "k8s.io/client-go/pkg/apis/clientauthentication/v1"
	clientauthv1beta1 "k8s.io/client-go/pkg/apis/clientauthentication/v1beta1"
)

// goldenToken is a fixed token so the golden files do not change with the
// signer; the signing itself is covered by token_test.go.
var goldenToken = Token{
	Value:      "k8s-aws-v1.aHR0cHM6Ly9zdHMuYXAtbm9ydGhlYXN0LTIuYW1hem9uYXdzLmNvbS8_QWN0aW9uPUdldENhbGxlcklkZW50aXR5",
	Expiration: time.Date(2026, 1, 2, 3, 18, 5, 0, time.FixedZone("KST", 9*3600)),
}

func TestEncodeExecCredentialGolden(t *testing.T) {
	for _, tt := range []struct{ apiVersion, golden string }{
		{APIVersionV1, "execcredential-v1.json"},
		{APIVersionV1beta1, "execcredential-v1beta1.json"},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			got, err := EncodeExecCredential(tt.apiVersion, goldenToken)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.golden)
			if *golden.Update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("ExecCredential differs from %s:\ngot  %s\nwant %s", path, got, want)
			}
		})
	}
}

func TestEncodeExecCredentialUnknownVersion(t *testing.T) {
	if _, err := EncodeExecCredential("client.authentication.k8s.io/v1alpha1", goldenToken); err == nil {
		t.Error("encoding v1alpha1 succeeded, want an error")
	}
}

// TestExecCredentialDecodesWithClientGo: what we print reads back strictly
// into client-go's versioned types, and again the way kubectl's exec
// authenticator decodes it (the scheme's universal decoder).
func TestExecCredentialDecodesWithClientGo(t *testing.T) {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	strict := serializer.NewCodecFactory(scheme, serializer.EnableStrict)
	wantExp := goldenToken.Expiration.UTC()

	for _, tt := range []struct {
		apiVersion string
		versioned  any
		status     func(any) (token string, exp time.Time)
	}{
		{APIVersionV1, &clientauthv1.ExecCredential{}, func(o any) (string, time.Time) {
			c := o.(*clientauthv1.ExecCredential)
			return c.Status.Token, c.Status.ExpirationTimestamp.Time
		}},
		{APIVersionV1beta1, &clientauthv1beta1.ExecCredential{}, func(o any) (string, time.Time) {
			c := o.(*clientauthv1beta1.ExecCredential)
			return c.Status.Token, c.Status.ExpirationTimestamp.Time
		}},
	} {
		t.Run(tt.apiVersion, func(t *testing.T) {
			out, err := EncodeExecCredential(tt.apiVersion, goldenToken)
			if err != nil {
				t.Fatal(err)
			}
			// Strict JSON into the versioned type: no field of ours is unknown
			// to client-go.
			dec := json.NewDecoder(bytes.NewReader(out))
			dec.DisallowUnknownFields()
			if err := dec.Decode(tt.versioned); err != nil {
				t.Fatalf("client-go's %s type rejects our output: %v\n%s", tt.apiVersion, err, out)
			}
			tok, exp := tt.status(tt.versioned)
			if tok != goldenToken.Value || !exp.Equal(wantExp) {
				t.Errorf("decoded token %q, expiry %v; want %q, %v", tok, exp, goldenToken.Value, wantExp)
			}

			// kubectl's path: the scheme's universal decoder into the
			// internal type, here with strict field checking on.
			gv, err := schema.ParseGroupVersion(tt.apiVersion)
			if err != nil {
				t.Fatal(err)
			}
			cred := &clientauthentication.ExecCredential{}
			_, gvk, err := strict.UniversalDecoder(gv).Decode(out, nil, cred)
			if err != nil {
				t.Fatalf("kubectl's decoder rejects our output: %v", err)
			}
			if gvk.Kind != "ExecCredential" || gvk.GroupVersion() != gv {
				t.Errorf("decoded kind %v, want ExecCredential in %v", gvk, gv)
			}
			if cred.Status == nil || cred.Status.Token != goldenToken.Value || cred.Status.ExpirationTimestamp == nil || !cred.Status.ExpirationTimestamp.Time.Equal(wantExp) {
				t.Errorf("kubectl would read status %+v", cred.Status)
			}
		})
	}
}

func TestParseExecInfo(t *testing.T) {
	tests := []struct {
		name    string
		env     string
		want    ExecInfo
		wantErr string
	}{
		{"empty", "", ExecInfo{APIVersion: APIVersionV1beta1}, ""},
		{"blank", "  \n", ExecInfo{APIVersion: APIVersionV1beta1}, ""},
		{"v1 non-interactive", `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`,
			ExecInfo{APIVersion: APIVersionV1, InteractiveKnown: true}, ""},
		{"v1 interactive", `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":true}}`,
			ExecInfo{APIVersion: APIVersionV1, Interactive: true, InteractiveKnown: true}, ""},
		{"v1beta1 interactive", `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":true}}`,
			ExecInfo{APIVersion: APIVersionV1beta1, Interactive: true, InteractiveKnown: true}, ""},
		{"v1beta1 without interactive", `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{}}`,
			ExecInfo{APIVersion: APIVersionV1beta1}, ""},
		{"cluster info is ignored", `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"cluster":{"server":"https://127.0.0.1:6443","config":{"x":1}},"interactive":false}}`,
			ExecInfo{APIVersion: APIVersionV1, InteractiveKnown: true}, ""},
		{"v1 without interactive", `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{}}`,
			ExecInfo{APIVersion: APIVersionV1}, ""},
		{"no spec", `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1"}`,
			ExecInfo{APIVersion: APIVersionV1}, ""},
		{"interactive not a bool", `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":"yes"}}`,
			ExecInfo{}, "not a valid ExecCredential client.authentication.k8s.io/v1"},
		{"garbage", `not json`, ExecInfo{}, "not valid JSON"},
		{"truncated", `{"apiVersion":"client.authentication.k8s.io/v1"`, ExecInfo{}, "not valid JSON"},
		{"unknown version", `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1alpha1","spec":{}}`, ExecInfo{}, "does not speak"},
		{"no version", `{"kind":"ExecCredential","spec":{}}`, ExecInfo{}, "no apiVersion"},
		{"wrong kind", `{"kind":"Pod","apiVersion":"client.authentication.k8s.io/v1"}`, ExecInfo{}, "not an ExecCredential"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseExecInfo(tt.env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
