package gettoken

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const account = "123456789012"

// fakeSTS is a small STS on loopback for the unit tests: enough of
// GetCallerIdentity and AssumeRole, over the SDK's query protocol, to run the
// cold path with the real SDK. Identities are keyed by access key; roles list
// who may assume them.
type fakeSTS struct {
	URL string

	mu      sync.Mutex
	keys    map[string]fakeKey         // access key -> identity
	roles   map[string]map[string]bool // role ARN -> caller ARNs allowed
	mfa     map[string]string          // role ARN -> MFA serial it requires
	errs    map[string]string          // action -> error code to answer
	calls   map[string]int             // action -> count
	assumed []map[string]string        // AssumeRole parameters, in order
	now     func() time.Time
	seq     int
}

type fakeKey struct {
	arn, secret string
}

func newFakeSTS(t *testing.T) *fakeSTS {
	f := &fakeSTS{
		keys:  map[string]fakeKey{},
		roles: map[string]map[string]bool{},
		mfa:   map[string]string{},
		errs:  map[string]string{},
		calls: map[string]int{},
		now:   time.Now,
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

func (f *fakeSTS) addUser(name, key string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	arn := "arn:aws:iam::" + account + ":user/" + name
	f.keys[key] = fakeKey{arn: arn, secret: "secret-" + key}
	return arn
}

func (f *fakeSTS) addRole(name string, allowed ...string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	arn := "arn:aws:iam::" + account + ":role/" + name
	f.roles[arn] = map[string]bool{}
	for _, a := range allowed {
		f.roles[arn][a] = true
	}
	return arn
}

func (f *fakeSTS) count(action string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[action]
}

func (f *fakeSTS) lastAssume() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.assumed) == 0 {
		return nil
	}
	return f.assumed[len(f.assumed)-1]
}

var credentialKey = regexp.MustCompile(`Credential=([^/]+)/`)

func (f *fakeSTS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	action := r.Form.Get("Action")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[action]++
	if code := f.errs[action]; code != "" {
		stsError(w, http.StatusForbidden, code, "the fake was told to fail with "+code)
		return
	}
	m := credentialKey.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		stsError(w, http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
		return
	}
	who, ok := f.keys[m[1]]
	if !ok {
		stsError(w, http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return
	}
	switch action {
	case "GetCallerIdentity":
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>%s</Arn><UserId>AIDAEXAMPLE</UserId><Account>%s</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, xmlEscape(who.arn), account)
	case "AssumeRole":
		params := map[string]string{"Caller": who.arn}
		for _, k := range []string{"RoleArn", "RoleSessionName", "ExternalId", "SerialNumber", "TokenCode", "DurationSeconds"} {
			params[k] = r.Form.Get(k)
		}
		f.assumed = append(f.assumed, params)
		role := params["RoleArn"]
		if !f.roles[role][who.arn] {
			stsError(w, http.StatusForbidden, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", who.arn, role))
			return
		}
		if serial := f.mfa[role]; serial != "" && (params["SerialNumber"] != serial || params["TokenCode"] != "123456") {
			stsError(w, http.StatusForbidden, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
			return
		}
		secs, _ := strconv.Atoi(params["DurationSeconds"])
		if secs == 0 {
			secs = 3600
		}
		f.seq++
		key := fmt.Sprintf("ASIAFAKE%04d", f.seq)
		arn := "arn:aws:sts::" + account + ":assumed-role/" + role[strings.LastIndexByte(role, '/')+1:] + "/" + params["RoleSessionName"]
		f.keys[key] = fakeKey{arn: arn, secret: "secret-" + key}
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>secret-%s</SecretAccessKey><SessionToken>session-%s</SessionToken><Expiration>%s</Expiration></Credentials><AssumedRoleUser><Arn>%s</Arn><AssumedRoleId>AROAEXAMPLE:%s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>2</RequestId></ResponseMetadata></AssumeRoleResponse>`,
			key, key, key, f.now().Add(time.Duration(secs)*time.Second).UTC().Format(time.RFC3339), xmlEscape(arn), xmlEscape(params["RoleSessionName"]))
	default:
		stsError(w, http.StatusBadRequest, "InvalidAction", "unknown action "+action)
	}
}

func stsError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>3</RequestId></ErrorResponse>`, code, xmlEscape(msg))
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
