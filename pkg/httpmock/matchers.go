package httpmock

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Matcher tells whether a stub answers a request, and names the stub in
// Verify's messages.
type Matcher struct {
	what  string
	match func(*Request) bool
}

// String is how Verify names the stub.
func (m Matcher) String() string { return m.what }

// Match is a matcher of one's own.
func Match(what string, f func(*Request) bool) Matcher { return Matcher{what, f} }

// AWSQuery matches a call of an AWS Query protocol API (IAM, STS): a form
// body with Action=action. params are pairs of further form keys and values
// the call must carry, e.g. "RoleName", "EKSMyExampleViewer".
func AWSQuery(action string, params ...string) Matcher {
	if len(params)%2 != 0 {
		panic("httpmock.AWSQuery: params must be key, value pairs")
	}
	what := "Action=" + action
	for i := 0; i < len(params); i += 2 {
		what += "&" + params[i] + "=" + params[i+1]
	}
	return Matcher{what, func(r *Request) bool {
		if r.Method != "POST" || formValue(r, "Action") != action {
			return false
		}
		for i := 0; i < len(params); i += 2 {
			if formValue(r, params[i]) != params[i+1] {
				return false
			}
		}
		return true
	}}
}

func formValue(r *Request, key string) string {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return ""
	}
	values, err := url.ParseQuery(string(r.Body))
	if err != nil {
		return ""
	}
	return values.Get(key)
}

// REST matches a method and a path, unescaped: a call of a REST-JSON AWS API
// (EKS, "GET /clusters/my-example") or of the Kubernetes API
// ("GET /api/v1/namespaces/kube-system/configmaps/aws-auth").
func REST(method, path string) Matcher {
	return Matcher{method + " " + path, func(r *Request) bool {
		return r.Method == method && r.URL.Path == path
	}}
}

// Host matches every request to host, e.g. a stateful fake's.
func Host(host string) Matcher {
	return Matcher{"any request to " + host, func(r *Request) bool { return r.URL.Host == host }}
}

// WithJSON narrows m to requests whose JSON body has field (a top-level key)
// equal to want, compared as fmt.Sprint prints them.
func (m Matcher) WithJSON(field string, want any) Matcher {
	return Matcher{fmt.Sprintf("%s with %s=%v", m.what, field, want), func(r *Request) bool {
		if !m.match(r) {
			return false
		}
		var body map[string]any
		if json.Unmarshal(r.Body, &body) != nil {
			return false
		}
		got, ok := body[field]
		return ok && fmt.Sprint(got) == fmt.Sprint(want)
	}}
}

// WithQuery narrows m to requests whose URL query has key=value.
func (m Matcher) WithQuery(key, value string) Matcher {
	return Matcher{m.what + "?" + key + "=" + value, func(r *Request) bool {
		return m.match(r) && r.URL.Query().Get(key) == value
	}}
}
