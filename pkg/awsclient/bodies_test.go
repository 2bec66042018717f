package awsclient

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// sdkBody behaves as the body the SDK hands net/http: once closed (the SDK
// closes it as soon as the response is in), WriteTo reports io.EOF. Its
// WriteTo, which net/http calls last to check the body is over, waits for
// that close, as a busy machine may make it wait.
type sdkBody struct {
	r      io.Reader
	once   sync.Once
	closed chan struct{}
}

func newSDKBody(s string) *sdkBody {
	return &sdkBody{r: strings.NewReader(s), closed: make(chan struct{})}
}

func (b *sdkBody) Read(p []byte) (int, error) { return b.r.Read(p) }

func (b *sdkBody) WriteTo(w io.Writer) (int64, error) {
	select {
	case <-b.closed:
		return 0, io.EOF
	case <-time.After(10 * time.Second): // a guard against a hang, not a wait
		return 0, io.ErrNoProgress
	}
}

func (b *sdkBody) Close() error {
	b.once.Do(func() { close(b.closed) })
	return nil
}

// TestHoldBodies: net/http must finish writing a request whose body the SDK
// closed once the answer came; otherwise it closes the connection under the
// answer being read ("use of closed network connection" on a call that
// succeeded).
func TestHoldBodies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "got "+string(got))
	}))
	defer srv.Close()
	tests := []struct {
		name   string
		client aws.HTTPClient
		body   func() io.ReadCloser
		want   string
	}{
		{"an SDK body", HoldBodies(&http.Client{}), func() io.ReadCloser { return newSDKBody("Action=GetCallerIdentity") }, "got Action=GetCallerIdentity"},
		{"no body", HoldBodies(&http.Client{}), func() io.ReadCloser { return nil }, "got "},
		{"no client given", HoldBodies(nil), func() io.ReadCloser { return newSDKBody("x=1") }, "got x=1"},
		{"held twice", HoldBodies(HoldBodies(&http.Client{})), func() io.ReadCloser { return newSDKBody("x=2") }, "got x=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wrote := make(chan error, 1)
			ctx := httptrace.WithClientTrace(t.Context(), &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) { wrote <- i.Err }})
			body := tt.body()
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, body)
			if err != nil {
				t.Fatal(err)
			}
			if body != nil {
				req.ContentLength = int64(len(strings.TrimPrefix(tt.want, "got ")))
			}
			resp, err := tt.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if body != nil {
				body.Close() // as the SDK does once Do returns
			}
			if err := <-wrote; err != nil {
				t.Errorf("writing the request failed after the SDK closed its body: %v", err)
			}
			got, err := io.ReadAll(resp.Body)
			if err != nil || string(got) != tt.want {
				t.Errorf("response %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
