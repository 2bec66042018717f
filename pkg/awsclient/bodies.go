package awsclient

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// HoldBodies returns an HTTP client that sends every request body from
// memory, as a bytes.Reader, through next.
//
// Why: the SDK hands net/http a body of its own type and closes it as soon as
// the response is in. net/http, not knowing that body is already in memory,
// flushes the headers first and streams the body straight to the socket; then
// it reads the body once more to check it is over. When that last read comes
// after the server has already answered (a busy machine is enough), it finds
// the body closed, takes the closed body's io.EOF as a write error and closes
// the connection under the response being read. A call that succeeded then
// fails with "use of closed network connection" (aws-sdk-go-v2 issue 2737),
// and the SDK's retry repeats a call AWS has already carried out, which for
// CreateAccessEntry or CreateRole comes back as "already exists". With a
// bytes.Reader, net/http writes headers and body in one flush and never reads
// the body after the server could have answered.
func HoldBodies(next aws.HTTPClient) aws.HTTPClient {
	if _, held := next.(heldBodies); held {
		return next
	}
	if next == nil {
		next = awshttp.NewBuildableClient() // what the SDK's clients use when given none
	}
	return heldBodies{next: next}
}

type heldBodies struct{ next aws.HTTPClient }

func (c heldBodies) Do(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return c.next.Do(req)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the request body to send: %w", err)
	}
	held := req.Clone(req.Context())
	held.ContentLength = int64(len(body))
	held.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	held.Body, _ = held.GetBody()
	return c.next.Do(held)
}
