// Package httpmock is the recorded-HTTP fake of unit tests, in the style of
// gh's httpmock: a Registry of stubs that is an http.RoundTripper, which the
// AWS SDK's service clients and client-go's rest client take as their
// transport. Each stub pairs a Matcher (an AWS Query action for IAM and STS,
// a method and path for EKS's REST-JSON API and for Kubernetes) with a
// Responder (a body, a status, an AWS error shape, or a stateful handler
// such as pkg/kube/kubetest's API server). Verify fails the test on a stub
// that was never called, so a test cannot pass while the code under test
// skipped a call it was meant to make.
package httpmock

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// Request is a request the registry saw, with its body read once so that
// matchers and tests can look at it.
type Request struct {
	*http.Request
	Body []byte
}

// Responder makes a stub's answer.
type Responder func(*Request) (*http.Response, error)

// Stub is a registered answer. A stub answers once unless it is made
// persistent.
type Stub struct {
	matcher    Matcher
	responder  Responder
	persistent bool
	optional   bool
	calls      int
}

// Persist makes the stub answer every matching request, not only the first.
// A persistent stub is tried after every one-time stub, so a test can put a
// stateful fake behind one and still script single answers in front of it.
func (s *Stub) Persist() *Stub {
	s.persistent = true
	return s
}

// Optional exempts the stub from Verify: a stateful fake behind it (an API
// server a test may or may not reach) is not an expectation. Tests check
// what such a fake saw through the fake itself.
func (s *Stub) Optional() *Stub {
	s.optional = true
	return s
}

// Registry is the fake transport: stubs in the order they were registered.
type Registry struct {
	mu       sync.Mutex
	stubs    []*Stub
	requests []*Request
}

// Register adds a stub.
func (r *Registry) Register(m Matcher, resp Responder) *Stub {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &Stub{matcher: m, responder: resp}
	r.stubs = append(r.stubs, s)
	return s
}

// Client is an *http.Client over the registry, for SDKs that take a client
// rather than a transport.
func (r *Registry) Client() *http.Client { return &http.Client{Transport: r} }

// RoundTrip answers req from the first one-time stub that matches and has
// not answered yet, else from the first persistent stub that matches. A
// request no stub matches is an error that names it.
func (r *Registry) RoundTrip(req *http.Request) (*http.Response, error) {
	seen, err := record(req)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.requests = append(r.requests, seen)
	stub := r.find(seen)
	if stub != nil {
		stub.calls++
	}
	r.mu.Unlock()
	if stub == nil {
		return nil, fmt.Errorf("httpmock: no stub for %s", describe(seen))
	}
	resp, err := stub.responder(seen)
	if resp != nil && resp.Request == nil {
		resp.Request = req
	}
	return resp, err
}

func (r *Registry) find(req *Request) *Stub {
	for _, persistent := range []bool{false, true} {
		for _, s := range r.stubs {
			if s.persistent != persistent || (!persistent && s.calls > 0) {
				continue
			}
			if s.matcher.match(req) {
				return s
			}
		}
	}
	return nil
}

// record reads the request's body, and puts it back for the responder.
func record(req *http.Request) (*Request, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	return &Request{Request: req, Body: body}, nil
}

func describe(req *Request) string {
	s := req.Method + " " + req.URL.Host + req.URL.Path
	if action := formValue(req, "Action"); action != "" {
		s += " Action=" + action
	}
	return s
}

// Requests are the requests seen so far, matched or not.
func (r *Registry) Requests() []*Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Request(nil), r.requests...)
}

// Verify fails t for every stub that was never called, but optional ones.
func (r *Registry) Verify(t testing.TB) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var unused []string
	for _, s := range r.stubs {
		if s.calls == 0 && !s.optional {
			unused = append(unused, s.matcher.what)
		}
	}
	if len(unused) > 0 {
		t.Errorf("httpmock: %d stubs were never called: %s", len(unused), strings.Join(unused, "; "))
	}
}
