package stscreds_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdkstscreds "github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	sdksts "github.com/aws/aws-sdk-go-v2/service/sts"
	sdktypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsapi/sts"
	"github.com/eks-login/eks-login/pkg/awsapi/sts/types"
	"github.com/eks-login/eks-login/pkg/awsapi/stscreds"
)

const roleARN = "arn:aws:iam::123456789012:role/demo"

var expires = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// fakeClient records what the providers ask of STS and answers as told.
type fakeClient struct {
	ar     *sts.AssumeRoleInput
	wi     *sts.AssumeRoleWithWebIdentityInput
	optFns []func(*sts.Options)
	calls  int
	user   *types.AssumedRoleUser
	creds  *types.Credentials
	err    error
}

func newFake() *fakeClient {
	return &fakeClient{
		user: &types.AssumedRoleUser{Arn: aws.String("arn:aws:sts::123456789012:assumed-role/demo/s"), AssumedRoleId: aws.String("AROA:s")},
		creds: &types.Credentials{AccessKeyId: aws.String("ASIA"), SecretAccessKey: aws.String("secret"),
			SessionToken: aws.String("token"), Expiration: aws.Time(expires)},
	}
}

func (f *fakeClient) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	f.calls++
	f.ar, f.optFns = in, optFns
	if f.err != nil {
		return nil, f.err
	}
	return &sts.AssumeRoleOutput{AssumedRoleUser: f.user, Credentials: f.creds}, nil
}

func (f *fakeClient) AssumeRoleWithWebIdentity(_ context.Context, in *sts.AssumeRoleWithWebIdentityInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	f.calls++
	f.wi, f.optFns = in, optFns
	if f.err != nil {
		return nil, f.err
	}
	return &sts.AssumeRoleWithWebIdentityOutput{AssumedRoleUser: f.user, Credentials: f.creds}, nil
}

func TestAssumeRoleProvider(t *testing.T) {
	denied := &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRole", Err: &smithy.GenericAPIError{Code: "AccessDenied"}}
	errCancelled := errors.New("prompt cancelled")
	for _, tt := range []struct {
		name     string
		opts     func(*stscreds.AssumeRoleOptions)
		fake     func(*fakeClient)
		tokens   []string // codes the token provider hands out
		tokenErr error
		check    func(*testing.T, *sts.AssumeRoleInput)
		wantErr  string
		wantIs   error
		noCall   bool
	}{
		{name: "defaults", check: func(t *testing.T, in *sts.AssumeRoleInput) {
			if !regexp.MustCompile(`^aws-go-sdk-\d{19}$`).MatchString(aws.ToString(in.RoleSessionName)) {
				t.Errorf("session name %q", aws.ToString(in.RoleSessionName))
			}
			if aws.ToInt32(in.DurationSeconds) != 900 || aws.ToString(in.RoleArn) != roleARN {
				t.Errorf("duration %d, role %s", aws.ToInt32(in.DurationSeconds), aws.ToString(in.RoleArn))
			}
			if in.ExternalId != nil || in.SerialNumber != nil || in.TokenCode != nil || in.Policy != nil || in.PolicyArns != nil ||
				in.SourceIdentity != nil || in.Tags != nil || in.TransitiveTagKeys != nil {
				t.Errorf("unasked-for parameters: %+v", in)
			}
		}},
		{name: "every option", opts: func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "alice"
			o.Duration = time.Hour + 500*time.Millisecond
			o.ExternalID = aws.String("ext")
			o.Policy = aws.String("{}")
			o.PolicyARNs = []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}
			o.SourceIdentity = aws.String("alice")
			o.Tags = []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}
			o.TransitiveTagKeys = []string{"k"}
		}, check: func(t *testing.T, in *sts.AssumeRoleInput) {
			if aws.ToString(in.RoleSessionName) != "alice" || aws.ToInt32(in.DurationSeconds) != 3600 || aws.ToString(in.ExternalId) != "ext" ||
				aws.ToString(in.Policy) != "{}" || len(in.PolicyArns) != 1 || aws.ToString(in.SourceIdentity) != "alice" ||
				len(in.Tags) != 1 || !reflect.DeepEqual(in.TransitiveTagKeys, []string{"k"}) {
				t.Errorf("input: %+v", in)
			}
		}},
		{name: "MFA", opts: func(o *stscreds.AssumeRoleOptions) {
			o.SerialNumber = aws.String("arn:aws:iam::123456789012:mfa/alice")
		},
			tokens: []string{"123456", "654321"},
			check: func(t *testing.T, in *sts.AssumeRoleInput) {
				if aws.ToString(in.SerialNumber) != "arn:aws:iam::123456789012:mfa/alice" || aws.ToString(in.TokenCode) != "123456" {
					t.Errorf("serial %v, code %v", aws.ToString(in.SerialNumber), aws.ToString(in.TokenCode))
				}
			}},
		{name: "MFA without a token provider", opts: func(o *stscreds.AssumeRoleOptions) {
			o.SerialNumber = aws.String("arn:aws:iam::123456789012:mfa/alice")
		},
			wantErr: "assuming the role " + roleARN + " needs an MFA code from the device arn:aws:iam::123456789012:mfa/alice, but no TokenProvider is set", noCall: true},
		{name: "token provider fails", opts: func(o *stscreds.AssumeRoleOptions) {
			o.SerialNumber = aws.String("arn:aws:iam::123456789012:mfa/alice")
		},
			tokenErr: errCancelled, wantErr: "could not get an MFA code to assume the role " + roleARN + ": prompt cancelled", wantIs: errCancelled, noCall: true},
		{name: "STS refuses", fake: func(f *fakeClient) { f.err = denied }, wantIs: denied, wantErr: denied.Error()},
		{name: "no credentials", fake: func(f *fakeClient) { f.creds = nil }, wantErr: "STS answered without credentials for the role " + roleARN},
		{name: "no assumed role user", fake: func(f *fakeClient) { f.user = nil }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			if tt.fake != nil {
				tt.fake(f)
			}
			asked := 0
			p := stscreds.NewAssumeRoleProvider(f, roleARN, func(o *stscreds.AssumeRoleOptions) {
				if tt.tokens != nil || tt.tokenErr != nil {
					o.TokenProvider = func() (string, error) {
						asked++
						if tt.tokenErr != nil {
							return "", tt.tokenErr
						}
						return tt.tokens[asked-1], nil
					}
				}
				if tt.opts != nil {
					tt.opts(o)
				}
			})
			creds, err := p.Retrieve(context.Background())
			if tt.noCall != (f.calls == 0) {
				t.Errorf("%d calls to STS", f.calls)
			}
			if tt.wantErr != "" || tt.wantIs != nil {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || (tt.wantIs != nil && !errors.Is(err, tt.wantIs)) {
					t.Errorf("got %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, f.ar)
			}
			wantAccount := "123456789012"
			if f.user == nil {
				wantAccount = ""
			}
			want := aws.Credentials{AccessKeyID: "ASIA", SecretAccessKey: "secret", SessionToken: "token",
				Source: "AssumeRoleProvider", CanExpire: true, Expires: expires, AccountID: wantAccount}
			if creds != want {
				t.Errorf("credentials\n got  %+v\n want %+v", creds, want)
			}
			// A refresh asks for a new code and keeps the session name.
			first := aws.ToString(f.ar.RoleSessionName)
			if _, err := p.Retrieve(context.Background()); err != nil || aws.ToString(f.ar.RoleSessionName) != first {
				t.Errorf("refresh: %v, session %s then %s", err, first, aws.ToString(f.ar.RoleSessionName))
			}
			if tt.tokens != nil && (asked != 2 || aws.ToString(f.ar.TokenCode) != "654321") {
				t.Errorf("the token provider was asked %d times; code %s", asked, aws.ToString(f.ar.TokenCode))
			}
		})
	}
}

func TestDefaultDuration(t *testing.T) {
	if stscreds.DefaultDuration != sdkstscreds.DefaultDuration {
		t.Errorf("DefaultDuration %v; the SDK's %v", stscreds.DefaultDuration, sdkstscreds.DefaultDuration)
	}
}

func writeToken(t *testing.T, token string) string {
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte(token), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// retryable reports whether the options the provider passes make err
// retryable, over a client with no retryer of its own.
func retryable(optFns []func(*sts.Options), code string) bool {
	var o sts.Options
	for _, fn := range optFns {
		fn(&o)
	}
	return o.Retryer != nil && o.Retryer.IsErrorRetryable(&smithy.GenericAPIError{Code: code})
}

func TestWebIdentityRoleProvider(t *testing.T) {
	idpRejected := &types.IDPRejectedClaimException{Message: aws.String("Incorrect token audience")}
	for _, tt := range []struct {
		name    string
		opts    func(*stscreds.WebIdentityRoleOptions)
		fake    func(*fakeClient)
		file    string // "" for a file holding "jwt"
		check   func(*testing.T, *sts.AssumeRoleWithWebIdentityInput)
		wantErr string
		wantAs  any
		noCall  bool
	}{
		{name: "defaults", check: func(t *testing.T, in *sts.AssumeRoleWithWebIdentityInput) {
			if !regexp.MustCompile(`^\d{19}$`).MatchString(aws.ToString(in.RoleSessionName)) {
				t.Errorf("session name %q", aws.ToString(in.RoleSessionName))
			}
			if aws.ToString(in.WebIdentityToken) != "jwt" || aws.ToString(in.RoleArn) != roleARN {
				t.Errorf("token %q, role %s", aws.ToString(in.WebIdentityToken), aws.ToString(in.RoleArn))
			}
			if in.DurationSeconds != nil || in.Policy != nil || in.PolicyArns != nil || in.ProviderId != nil {
				t.Errorf("unasked-for parameters: %+v", in)
			}
		}},
		{name: "every option", opts: func(o *stscreds.WebIdentityRoleOptions) {
			o.RoleSessionName = "pod"
			o.Duration = 2 * time.Hour
			o.Policy = aws.String("{}")
			o.PolicyARNs = []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}
		}, check: func(t *testing.T, in *sts.AssumeRoleWithWebIdentityInput) {
			if aws.ToString(in.RoleSessionName) != "pod" || aws.ToInt32(in.DurationSeconds) != 7200 || aws.ToString(in.Policy) != "{}" || len(in.PolicyArns) != 1 {
				t.Errorf("input: %+v", in)
			}
		}},
		{name: "token file missing", file: "missing", noCall: true,
			wantErr: "could not get the web identity token for the role " + roleARN + ": could not read the web identity token file "},
		{name: "STS refuses", fake: func(f *fakeClient) { f.err = idpRejected }, wantAs: new(*types.IDPRejectedClaimException),
			wantErr: "could not assume the role " + roleARN + " with a web identity token: IDPRejectedClaim: Incorrect token audience"},
		{name: "no credentials", fake: func(f *fakeClient) { f.creds = nil }, wantErr: "STS answered without credentials"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			if tt.fake != nil {
				tt.fake(f)
			}
			path := writeToken(t, "jwt")
			if tt.file != "" {
				path = filepath.Join(t.TempDir(), tt.file)
			}
			var optFns []func(*stscreds.WebIdentityRoleOptions)
			if tt.opts != nil {
				optFns = append(optFns, tt.opts)
			}
			p := stscreds.NewWebIdentityRoleProvider(f, roleARN, stscreds.IdentityTokenFile(path), optFns...)
			creds, err := p.Retrieve(context.Background())
			if tt.noCall != (f.calls == 0) {
				t.Errorf("%d calls to STS", f.calls)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want %q", err, tt.wantErr)
				}
				if tt.file != "" && (!strings.Contains(err.Error(), path) || !errors.Is(err, fs.ErrNotExist)) {
					t.Errorf("the error does not name the file %s: %v", path, err)
				}
				if tt.wantAs != nil && !errors.As(err, tt.wantAs) {
					t.Errorf("%v is not a %T", err, tt.wantAs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, f.wi)
			want := aws.Credentials{AccessKeyID: "ASIA", SecretAccessKey: "secret", SessionToken: "token",
				Source: "WebIdentityCredentials", CanExpire: true, Expires: expires, AccountID: "123456789012"}
			if creds != want {
				t.Errorf("credentials\n got  %+v\n want %+v", creds, want)
			}
			// As the SDK's provider does.
			if !retryable(f.optFns, "InvalidIdentityToken") || retryable(f.optFns, "AccessDenied") {
				t.Error("the provider does not make InvalidIdentityToken, and only it, retryable")
			}
		})
	}
}

func TestIdentityTokenFile(t *testing.T) {
	path := writeToken(t, "header.payload.sig\n")
	if b, err := stscreds.IdentityTokenFile(path).GetIdentityToken(); err != nil || string(b) != "header.payload.sig\n" {
		t.Errorf("GetIdentityToken = %q, %v", b, err)
	}
	missing := filepath.Join(t.TempDir(), "nope")
	_, err := stscreds.IdentityTokenFile(missing).GetIdentityToken()
	if err == nil || err.Error() != "could not read the web identity token file "+missing+": no such file or directory" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}

// fakeSTS answers every call with its replies in turn, repeating the last.
type fakeSTS struct {
	*httptest.Server
	mu      sync.Mutex
	replies []string // status and body, separated by a space
	forms   []url.Values
	auth    []string
}

func newFakeSTS(t *testing.T, replies ...string) *fakeSTS {
	f := &fakeSTS{replies: replies}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, err := url.ParseQuery(string(body))
		if err != nil {
			t.Errorf("form %q: %v", body, err)
		}
		f.mu.Lock()
		f.forms = append(f.forms, form)
		f.auth = append(f.auth, r.Header.Get("Authorization"))
		status, body2, _ := strings.Cut(f.replies[min(len(f.forms), len(f.replies))-1], " ")
		f.mu.Unlock()
		if status != "200" {
			w.WriteHeader(http.StatusBadRequest)
		}
		io.WriteString(w, body2)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSTS) seen() ([]url.Values, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]url.Values(nil), f.forms...), append([]string(nil), f.auth...)
}

const (
	assumeRoleOK = `200 <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<AssumedRoleUser><Arn>arn:aws:sts::210987654321:assumed-role/demo/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>
<Expiration>2030-01-02T03:04:05Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`
	webIdentityOK = `200 <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>
<AssumedRoleUser><Arn>arn:aws:sts::210987654321:assumed-role/demo/pod</Arn><AssumedRoleId>AROA:pod</AssumedRoleId></AssumedRoleUser>
<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>
<Expiration>2030-01-02T03:04:05Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`
	invalidToken = `400 <ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>keys rotated</Message></Error></ErrorResponse>`
	idpTimeout   = `400 <ErrorResponse><Error><Type>Sender</Type><Code>IDPCommunicationError</Code><Message>timeout</Message></Error></ErrorResponse>`
)

// threeTries retries nothing itself, at once, three times.
type threeTries struct{ aws.NopRetryer }

func (threeTries) MaxAttempts() int                             { return 3 }
func (threeTries) RetryDelay(int, error) (time.Duration, error) { return 0, nil }

var static = credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")

// TestLikeSDK runs both providers, each on its own client, against one
// server: they must send the same forms and return the same credentials.
func TestLikeSDK(t *testing.T) {
	serial, policy := aws.String("arn:aws:iam::123456789012:mfa/alice"), aws.String(`{"Version":"2012-10-17"}`)
	token := func() (string, error) { return "123456", nil }

	f := newFakeSTS(t, assumeRoleOK)
	ours := stscreds.NewAssumeRoleProvider(sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.URL), Credentials: static}), roleARN,
		func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName, o.Duration, o.ExternalID, o.Policy, o.SerialNumber, o.TokenProvider = "s", time.Hour, aws.String("ext"), policy, serial, token
			o.PolicyARNs = []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}
			o.SourceIdentity, o.TransitiveTagKeys = aws.String("alice"), []string{"team"}
			o.Tags = []types.Tag{{Key: aws.String("team"), Value: aws.String("platform")}}
		})
	sdk := sdkstscreds.NewAssumeRoleProvider(sdksts.New(sdksts.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.URL), Credentials: static}), roleARN,
		func(o *sdkstscreds.AssumeRoleOptions) {
			o.RoleSessionName, o.Duration, o.ExternalID, o.Policy, o.SerialNumber, o.TokenProvider = "s", time.Hour, aws.String("ext"), policy, serial, token
			o.PolicyARNs = []sdktypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}
			o.SourceIdentity, o.TransitiveTagKeys = aws.String("alice"), []string{"team"}
			o.Tags = []sdktypes.Tag{{Key: aws.String("team"), Value: aws.String("platform")}}
		})
	compare(t, f, ours, sdk)

	// The web identity providers over clients without credentials.
	f = newFakeSTS(t, webIdentityOK)
	path := writeToken(t, "jwt")
	wiOurs := stscreds.NewWebIdentityRoleProvider(sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.URL)}), roleARN,
		stscreds.IdentityTokenFile(path), func(o *stscreds.WebIdentityRoleOptions) {
			o.RoleSessionName, o.Duration, o.Policy = "pod", time.Hour, policy
			o.PolicyARNs = []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}
		})
	wiSDK := sdkstscreds.NewWebIdentityRoleProvider(sdksts.New(sdksts.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.URL)}), roleARN,
		sdkstscreds.IdentityTokenFile(path), func(o *sdkstscreds.WebIdentityRoleOptions) {
			o.RoleSessionName, o.Duration, o.Policy = "pod", time.Hour, policy
			o.PolicyARNs = []sdktypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}
		})
	compare(t, f, wiOurs, wiSDK)
}

func compare(t *testing.T, f *fakeSTS, ours, sdk aws.CredentialsProvider) {
	t.Helper()
	got, err := ours.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want, err := sdk.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got != want || got.AccountID != "210987654321" {
		t.Errorf("credentials\n ours    %+v\n the SDK %+v", got, want)
	}
	forms, auth := f.seen()
	if len(forms) != 2 || !reflect.DeepEqual(forms[0], forms[1]) {
		t.Errorf("forms:\n ours    %v\n the SDK %v", forms[0], forms[1])
	}
	if (auth[0] == "") != (auth[1] == "") {
		t.Errorf("Authorization: ours %q, the SDK %q", auth[0], auth[1])
	}
}

// TestWebIdentityRetries: on our client, the provider retries
// InvalidIdentityToken and the client IDPCommunicationError, unsigned.
func TestWebIdentityRetries(t *testing.T) {
	for _, tt := range []struct {
		name    string
		replies []string
		calls   int
		ok      bool
	}{
		{"InvalidIdentityToken once", []string{invalidToken, webIdentityOK}, 2, true},
		{"IDPCommunicationError twice", []string{idpTimeout, idpTimeout, webIdentityOK}, 3, true},
		{"InvalidIdentityToken to the end", []string{invalidToken}, 3, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSTS(t, tt.replies...)
			c := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.URL), Retryer: threeTries{}})
			creds, err := stscreds.NewWebIdentityRoleProvider(c, roleARN, stscreds.IdentityTokenFile(writeToken(t, "jwt"))).Retrieve(context.Background())
			forms, auth := f.seen()
			if len(forms) != tt.calls {
				t.Errorf("%d calls, want %d", len(forms), tt.calls)
			}
			for i, a := range auth {
				if a != "" || forms[i].Get("WebIdentityToken") != "jwt" {
					t.Errorf("call %d: Authorization %q, form %v", i, a, forms[i])
				}
			}
			if tt.ok != (err == nil) || (tt.ok && creds.AccessKeyID != "ASIAEXAMPLE") {
				t.Errorf("got %+v, %v", creds, err)
			}
			if !tt.ok && !errors.As(err, new(*types.InvalidIdentityTokenException)) {
				t.Errorf("%v is not InvalidIdentityToken", err)
			}
		})
	}
}
