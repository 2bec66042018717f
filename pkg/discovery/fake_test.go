package discovery

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// fakeAWS answers EKS, Account Management and the SSO portal as recorded
// HTTP, keyed by host and path, from a small model: clusters per account
// and region, and what each caller is denied. Callers are told apart by
// their access key ID, AK<account>_<role>, which the fake SSO portal hands
// out as role credentials.
type fakeAWS struct {
	// clusters[account][region] lists cluster names; ListClusters pages
	// them pageSize at a time.
	clusters map[string]map[string][]string
	pageSize int
	// denied holds "ListClusters region", "DescribeCluster region/name",
	// "ListRegions" and "role ROLE" (everything), for every caller.
	denied map[string]bool
	// enabled are the regions ListRegions reports as enabled.
	enabled []string
	// disabledRegions answer as an opt-in region not enabled does.
	disabledRegions map[string]bool
	// gone clusters are listed but no longer described.
	gone map[string]bool

	// sso: the valid access token, and the accounts (ID -> roles) it is assigned.
	token    string
	accounts map[string][]string
	names    map[string]string
	// forbidden roles ("account/role") are listed, but GetRoleCredentials refuses them.
	forbidden map[string]bool

	// gate, if set, is called in every EKS call before it answers.
	gate func()

	mu    sync.Mutex
	calls map[string]int
	// inFlight counts the calls being answered; maxInFlight is its peak.
	inFlight, maxInFlight atomic.Int32
}

func (f *fakeAWS) config(akid string) aws.Config {
	return aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(akid, "secret", ""),
		HTTPClient:  &http.Client{Transport: f},
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
	}
}

func (f *fakeAWS) count(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[op]++
}

func (f *fakeAWS) RoundTrip(req *http.Request) (*http.Response, error) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for peak := f.maxInFlight.Load(); n > peak && !f.maxInFlight.CompareAndSwap(peak, n); peak = f.maxInFlight.Load() {
	}
	host := req.URL.Hostname()
	service, rest, _ := strings.Cut(host, ".")
	region, _, _ := strings.Cut(rest, ".")
	switch {
	case service == "eks":
		if f.gate != nil {
			f.gate()
		}
		return f.eks(req, region)
	case service == "account":
		return f.listRegions(req)
	case strings.HasPrefix(host, "portal.sso."):
		return f.portal(req)
	}
	return nil, fmt.Errorf("fakeAWS: no service at %s", host)
}

// caller is the account and role of the request's access key.
func caller(req *http.Request) (account, role string) {
	auth := req.Header.Get("Authorization")
	_, cred, _ := strings.Cut(auth, "Credential=")
	akid, _, _ := strings.Cut(cred, "/")
	akid = strings.TrimPrefix(akid, "AK")
	account, role, _ = strings.Cut(akid, "_")
	return account, role
}

func (f *fakeAWS) eks(req *http.Request, region string) (*http.Response, error) {
	account, role := caller(req)
	arnPrefix := "arn:aws:eks:" + region + ":" + account + ":cluster/"
	if f.disabledRegions[region] {
		return jsonError(403, "UnrecognizedClientException", "The security token included in the request is invalid")
	}
	name, describe := strings.CutPrefix(req.URL.Path, "/clusters/")
	if !describe {
		f.count("ListClusters " + region)
		if f.denied["ListClusters "+region] || f.denied["role "+role] {
			return jsonError(403, "AccessDeniedException", "User: "+role+" is not authorized to perform: eks:ListClusters on resource: "+arnPrefix+"*")
		}
		return f.listClusters(req, f.clusters[account][region])
	}
	f.count("DescribeCluster " + region + "/" + name)
	switch {
	case f.denied["DescribeCluster "+region+"/"+name]:
		return jsonError(403, "AccessDeniedException", "User: "+role+" is not authorized to perform: eks:DescribeCluster on resource: "+arnPrefix+name)
	case f.gone[name] || !slices.Contains(f.clusters[account][region], name):
		return jsonError(404, "ResourceNotFoundException", "No cluster found for name: "+name+".")
	}
	return jsonOK(map[string]any{"cluster": map[string]any{
		"name": name, "arn": arnPrefix + name, "endpoint": "https://" + name + "." + region + ".eks.example",
		"certificateAuthority": map[string]string{"data": base64.StdEncoding.EncodeToString([]byte("CA of " + name))},
		"status":               "ACTIVE", "version": "1.33", "accessConfig": map[string]string{"authenticationMode": "API_AND_CONFIG_MAP"},
	}})
}

func (f *fakeAWS) listClusters(req *http.Request, names []string) (*http.Response, error) {
	start, _ := strconv.Atoi(req.URL.Query().Get("nextToken"))
	size := f.pageSize
	if size == 0 {
		size = 100
	}
	end := min(start+size, len(names))
	out := map[string]any{"clusters": names[start:end]}
	if end < len(names) {
		out["nextToken"] = strconv.Itoa(end)
	}
	return jsonOK(out)
}

func (f *fakeAWS) listRegions(req *http.Request) (*http.Response, error) {
	f.count("ListRegions")
	if f.denied["ListRegions"] {
		account, role := caller(req)
		return jsonError(403, "AccessDeniedException", "User: "+role+" is not authorized to perform: account:ListRegions on resource: arn:aws:account::"+account+":account")
	}
	var regions []map[string]string
	for _, r := range f.enabled {
		regions = append(regions, map[string]string{"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"})
	}
	return jsonOK(map[string]any{"Regions": regions})
}

func (f *fakeAWS) portal(req *http.Request) (*http.Response, error) {
	f.count("sso " + req.URL.Path)
	if req.Header.Get("X-Amz-Sso_bearer_token") != f.token {
		return jsonError(401, "UnauthorizedException", "Session token not found or invalid")
	}
	q := req.URL.Query()
	switch req.URL.Path {
	case "/assignment/accounts":
		var list []map[string]string
		for _, id := range slices.Sorted(mapKeys(f.accounts)) {
			list = append(list, map[string]string{"accountId": id, "accountName": f.names[id], "emailAddress": id + "@example.com"})
		}
		return jsonOK(map[string]any{"accountList": list})
	case "/assignment/roles":
		var list []map[string]string
		for _, r := range f.accounts[q.Get("account_id")] {
			list = append(list, map[string]string{"accountId": q.Get("account_id"), "roleName": r})
		}
		return jsonOK(map[string]any{"roleList": list})
	case "/federation/credentials":
		account, role := q.Get("account_id"), q.Get("role_name")
		if f.forbidden[account+"/"+role] || !slices.Contains(f.accounts[account], role) {
			return jsonError(403, "ForbiddenException", "No access")
		}
		return jsonOK(map[string]any{"roleCredentials": map[string]any{
			"accessKeyId": "AK" + account + "_" + role, "secretAccessKey": "secret", "sessionToken": "session",
			"expiration": time.Now().Add(time.Hour).UnixMilli(),
		}})
	}
	return jsonError(404, "ResourceNotFoundException", "no such operation")
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func jsonOK(v any) (*http.Response, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(data))}, nil
}

func jsonError(status int, code, message string) (*http.Response, error) {
	data, _ := json.Marshal(map[string]string{"message": message}) // strings always marshal
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}, "X-Amzn-Errortype": {code}},
		Body: io.NopCloser(bytes.NewReader(data))}, nil
}
