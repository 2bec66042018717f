package httpmock

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
)

func respond(status int, contentType string, body []byte, header ...string) Responder {
	return func(r *Request) (*http.Response, error) {
		h := http.Header{"Content-Type": {contentType}}
		for i := 0; i+1 < len(header); i += 2 {
			h.Set(header[i], header[i+1])
		}
		return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
			Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r.Request}, nil
	}
}

// StringResponse answers with status and body as text.
func StringResponse(status int, body string) Responder {
	return respond(status, "text/plain", []byte(body))
}

// JSONResponse answers with status and v as JSON; a string or []byte is
// sent as it is.
func JSONResponse(status int, v any) Responder {
	var body []byte
	switch b := v.(type) {
	case string:
		body = []byte(b)
	case []byte:
		body = b
	default:
		var err error
		if body, err = json.Marshal(v); err != nil {
			panic(err)
		}
	}
	return respond(status, "application/json", body)
}

// AWSQueryResponse answers an AWS Query call (IAM, STS) with 200 and
// result, the XML inside the action's <ActionResult> element, wrapped as
// the service wraps it.
func AWSQueryResponse(action, result string) Responder {
	body := fmt.Sprintf("<%[1]sResponse><%[1]sResult>%[2]s</%[1]sResult><ResponseMetadata><RequestId>httpmock</RequestId></ResponseMetadata></%[1]sResponse>", action, result)
	return respond(http.StatusOK, "text/xml", []byte(body))
}

// AWSQueryError answers an AWS Query call with the service's error shape,
// e.g. 404 NoSuchEntity.
func AWSQueryError(status int, code, message string) Responder {
	body := fmt.Sprintf("<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>httpmock</RequestId></ErrorResponse>", escape(code), escape(message))
	return respond(status, "text/xml", []byte(body))
}

// AWSJSONError answers a REST-JSON AWS call (EKS) with the service's error
// shape, e.g. 404 ResourceNotFoundException.
func AWSJSONError(status int, code, message string) Responder {
	body, _ := json.Marshal(map[string]string{"message": message})
	return respond(status, "application/json", body, "X-Amzn-Errortype", code)
}

// KubeStatus answers a Kubernetes API call with a metav1.Status failure, as
// the API server does.
func KubeStatus(status int, reason, message string) Responder {
	return JSONResponse(status, map[string]any{"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
		"status": "Failure", "reason": reason, "message": message, "code": status})
}

// Serve answers with handler h, a stateful fake such as kubetest's API
// server.
func Serve(h http.Handler) Responder {
	return func(r *Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r.Request)
		resp := rec.Result()
		resp.Request = r.Request
		return resp, nil
	}
}

// Error fails the call as a transport would: no answer at all.
func Error(err error) Responder {
	return func(*Request) (*http.Response, error) { return nil, err }
}

func escape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
