package awsprofile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/prompt"
)

const (
	devARN  = "arn:aws:eks:eu-west-1:111122223333:cluster/dev"
	roleDev = "arn:aws:iam::111122223333:role/developer"
)

// fakeAWSServer answers STS (query protocol, XML) and EKS (REST JSON) on
// loopback, so the real SDK's errors can be classified as they really come.
type fakeAWSServer struct {
	*httptest.Server
	mu            sync.Mutex
	assumeDenied  bool
	describe      func(w http.ResponseWriter)
	assumeTokens  []string // TokenCode of each AssumeRole
	sessionNames  []string // RoleSessionName of each AssumeRole
	describeCalls int
}

func newFakeAWSServer(t *testing.T) *fakeAWSServer {
	f := &fakeAWSServer{}
	f.Server = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAWSServer) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method == "POST" && r.URL.Path == "/" {
		r.ParseForm()
		switch r.Form.Get("Action") {
		case "AssumeRole":
			f.assumeTokens = append(f.assumeTokens, r.Form.Get("TokenCode"))
			f.sessionNames = append(f.sessionNames, r.Form.Get("RoleSessionName"))
			if f.assumeDenied {
				w.WriteHeader(403)
				fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:AssumeRole on resource: %s</Message></Error><RequestId>1</RequestId></ErrorResponse>`, r.Form.Get("RoleArn"))
				return
			}
			fmt.Fprint(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>session</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/developer/s</Arn><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>2</RequestId></ResponseMetadata></AssumeRoleResponse>`)
			return
		case "GetCallerIdentity":
			fmt.Fprint(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::111122223333:user/alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>3</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
			return
		}
	}
	if r.Method == "GET" && r.URL.Path == "/clusters/dev" {
		f.describeCalls++
		f.describe(w)
		return
	}
	w.WriteHeader(400)
	fmt.Fprintf(w, `{"message":"unexpected %s %s"}`, r.Method, r.URL.Path)
}

func eksError(code string, status int, msg string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("X-Amzn-Errortype", code)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"message": msg})
	}
}

func (f *fakeAWSServer) client(t *testing.T, in string) (*SDK, Ref, Ref) {
	dir := t.TempDir()
	cfg, creds := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	os.WriteFile(cfg, []byte("[profile dev1]\nregion = eu-west-1\n[profile dev1-eks]\nrole_arn = "+roleDev+"\nsource_profile = dev1\nmfa_serial = arn:aws:iam::111122223333:mfa/alice\n"), 0o600)
	os.WriteFile(creds, []byte("[dev1]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n"), 0o600)
	var errOut strings.Builder
	a := New((&prompt.MFA{In: strings.NewReader(in), Out: &errOut, Allowed: true}).Code)
	a.Options = []func(*config.LoadOptions) error{
		config.WithBaseEndpoint(f.URL),
		// A buildable client, since an AWS_CA_BUNDLE in the environment makes
		// the SDK add roots to whatever client it is given.
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.TLSClientConfig = f.Server.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
		})),
		config.WithRetryMaxAttempts(1),
		config.WithEC2IMDSClientEnableState(1), // disabled
	}
	return a,
		Ref{Name: "dev1", Region: "eu-west-1", ConfigFile: cfg, CredentialsFile: creds},
		Ref{Name: "dev1-eks", Region: "eu-west-1", ConfigFile: cfg, CredentialsFile: creds}
}

func TestSDKDescribeClusterThroughRoleWithMFA(t *testing.T) {
	f := newFakeAWSServer(t)
	f.describe = func(w http.ResponseWriter) {
		json.NewEncoder(w).Encode(map[string]any{"cluster": map[string]any{
			"name": "dev", "arn": devARN, "endpoint": "https://x.example", "status": "ACTIVE", "version": "1.31",
			"certificateAuthority": map[string]string{"data": "Q0E="},
			"accessConfig":         map[string]string{"authenticationMode": "API"},
		}})
	}
	a, src, role := f.client(t, "123456\n")
	c, err := a.DescribeCluster(context.Background(), role, "dev")
	if err != nil {
		t.Fatal(err)
	}
	if c.ARN != devARN || c.CAData != "Q0E=" || c.Status != "ACTIVE" || c.Endpoint != "https://x.example" || c.AuthMode != "API" {
		t.Errorf("cluster %+v", c)
	}
	if strings.Join(f.assumeTokens, ",") != "123456" {
		t.Errorf("the MFA code read from stdin must reach AssumeRole: %q", f.assumeTokens)
	}
	// The session is named as the token command names it, and kept for
	// the token cache.
	if strings.Join(f.sessionNames, ",") != "eks-login-alice" {
		t.Errorf("AssumeRole session names %q, want eks-login-alice", f.sessionNames)
	}
	creds, who, ok := a.RoleSession("dev1-eks")
	if !ok || creds.AccessKeyID != "ASIAEXAMPLE" || who.CallerARN != "arn:aws:sts::111122223333:assumed-role/developer/s" || who.SourceIdentity != "arn:aws:iam::111122223333:user/alice" {
		t.Errorf("RoleSession = %v, %+v, %v; want the role's session", creds.AccessKeyID, who, ok)
	}
	if _, _, ok := a.RoleSession("dev1"); ok {
		t.Error("RoleSession answers for a profile DescribeCluster did not use")
	}
	id, err := a.CallerIdentity(context.Background(), src)
	if err != nil || id.Account != "111122223333" || id.ARN != "arn:aws:iam::111122223333:user/alice" {
		t.Errorf("identity %+v %v", id, err)
	}
}

func TestSDKErrorsAreClassified(t *testing.T) {
	tests := []struct {
		name         string
		assumeDenied bool
		describe     func(w http.ResponseWriter)
		kind         awserr.Kind
		caller       string
	}{
		{name: "assume role denied", assumeDenied: true, kind: awserr.AssumeRoleDenied, caller: "arn:aws:iam::111122223333:user/alice"},
		{name: "describe denied", describe: eksError("AccessDeniedException", 403, "User: arn:aws:sts::111122223333:assumed-role/developer/s is not authorized to perform: eks:DescribeCluster"), kind: awserr.AccessDenied},
		{name: "no such cluster", describe: eksError("ResourceNotFoundException", 404, "No cluster found for name: dev."), kind: awserr.NotFound},
		{name: "expired token", describe: eksError("ExpiredTokenException", 403, "The security token included in the request is expired"), kind: awserr.ExpiredCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAWSServer(t)
			f.assumeDenied, f.describe = tt.assumeDenied, tt.describe
			a, _, role := f.client(t, "123456\n")
			_, err := a.DescribeCluster(context.Background(), role, "dev")
			var ae *awserr.Error
			if !errors.As(err, &ae) || ae.Kind != tt.kind {
				t.Fatalf("kind %v, want %v: %#v", ae, tt.kind, err)
			}
			if tt.caller != "" && ae.Caller != tt.caller {
				t.Errorf("caller %q, want %q", ae.Caller, tt.caller)
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		f := newFakeAWSServer(t)
		a, src, _ := f.client(t, "")
		f.Close()
		_, err := a.CallerIdentity(context.Background(), src)
		var ae *awserr.Error
		if !errors.As(err, &ae) || ae.Kind != awserr.Network {
			t.Fatalf("want awserr.Network, got %#v", err)
		}
	})
	t.Run("missing profile", func(t *testing.T) {
		f := newFakeAWSServer(t)
		a, src, _ := f.client(t, "")
		src.Name = "nobody"
		_, err := a.CallerIdentity(context.Background(), src)
		var ae *awserr.Error
		if !errors.As(err, &ae) || ae.Kind != awserr.BadConfig || cmdutilCode(ae) != 3 {
			t.Fatalf("want BadConfig (exit 3), got %#v", err)
		}
	})
}

func cmdutilCode(e *awserr.Error) int { return e.Kind.ExitCode() }
