package token

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/eks-login/eks-login/pkg/fsutil"
)

// The two ExecCredential versions kubectl speaks.
const (
	APIVersionV1      = "client.authentication.k8s.io/v1"
	APIVersionV1beta1 = "client.authentication.k8s.io/v1beta1"
)

// execCredential is the subset of client-go's clientauthentication
// ExecCredential that we write. We keep our own structs because importing
// k8s.io/client-go/pkg/apis/clientauthentication/v1 costs about 10 ms of
// package initialisation on every kubectl call; a test decodes our output with
// client-go's own types to keep the two in step.
type execCredential struct {
	APIVersion string               `json:"apiVersion"`
	Kind       string               `json:"kind"`
	Spec       struct{}             `json:"spec"`
	Status     execCredentialStatus `json:"status"`
}

type execCredentialStatus struct {
	ExpirationTimestamp string `json:"expirationTimestamp"`
	Token               string `json:"token"`
}

// EncodeExecCredential renders the ExecCredential kubectl reads from our
// stdout, newline-terminated.
func EncodeExecCredential(apiVersion string, t Token) ([]byte, error) {
	if apiVersion != APIVersionV1 && apiVersion != APIVersionV1beta1 {
		return nil, fmt.Errorf("cannot write ExecCredential %q: eks-login writes %s and %s", apiVersion, APIVersionV1, APIVersionV1beta1)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Tokens are base64url and need no escaping; this keeps the output
	// byte-identical to what other encoders write.
	enc.SetEscapeHTML(false)
	err := enc.Encode(execCredential{
		APIVersion: apiVersion,
		Kind:       "ExecCredential",
		Status: execCredentialStatus{
			// metav1.Time is RFC 3339 in UTC with whole seconds.
			ExpirationTimestamp: t.Expiration.UTC().Format(time.RFC3339),
			Token:               t.Value,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("cannot encode the ExecCredential: %w", err)
	}
	return buf.Bytes(), nil
}

// ExecInfo is what kubectl tells an exec plugin in KUBERNETES_EXEC_INFO.
type ExecInfo struct {
	// APIVersion is the ExecCredential version to answer with.
	APIVersion string
	// Interactive says whether kubectl gave us its terminal; meaningful only
	// when InteractiveKnown.
	Interactive      bool
	InteractiveKnown bool
}

// ParseExecInfo reads KUBERNETES_EXEC_INFO. An empty value means an old
// kubectl (or a person running us by hand): answer v1beta1, which every
// kubectl since 1.11 reads, and leave interactivity to the caller to judge.
func ParseExecInfo(env string) (ExecInfo, error) {
	if strings.TrimSpace(env) == "" {
		return ExecInfo{APIVersion: APIVersionV1beta1}, nil
	}
	var in struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Spec       struct {
			Interactive *bool `json:"interactive"`
		} `json:"spec"`
	}
	if err := json.Unmarshal([]byte(env), &in); err != nil {
		return ExecInfo{}, fmt.Errorf("KUBERNETES_EXEC_INFO is not valid JSON (%v); kubectl sets it, so unset it when running eks-login by hand", err)
	}
	if in.Kind != "" && in.Kind != "ExecCredential" {
		return ExecInfo{}, fmt.Errorf("KUBERNETES_EXEC_INFO holds a %s, not an ExecCredential", fsutil.QuoteShort(in.Kind))
	}
	switch in.APIVersion {
	case APIVersionV1, APIVersionV1beta1:
	case "":
		return ExecInfo{}, fmt.Errorf("KUBERNETES_EXEC_INFO has no apiVersion; set apiVersion: %s in the exec section of your kubeconfig", APIVersionV1)
	default:
		return ExecInfo{}, fmt.Errorf("kubectl asks for ExecCredential %s, which eks-login does not speak; set apiVersion: %s (or %s) in the exec section of your kubeconfig", fsutil.QuoteShort(in.APIVersion), APIVersionV1, APIVersionV1beta1)
	}
	info := ExecInfo{APIVersion: in.APIVersion}
	if in.Spec.Interactive != nil {
		info.Interactive, info.InteractiveKnown = *in.Spec.Interactive, true
	}
	return info, nil
}
