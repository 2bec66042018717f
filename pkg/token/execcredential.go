package token

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/eks-login/eks-login/pkg/fsutil"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clientauthv1 "k8s.io/client-go/pkg/apis/clientauthentication/v1"
	clientauthv1beta1 "k8s.io/client-go/pkg/apis/clientauthentication/v1beta1"
)

// The two ExecCredential versions kubectl speaks.
const (
	APIVersionV1      = "client.authentication.k8s.io/v1"
	APIVersionV1beta1 = "client.authentication.k8s.io/v1beta1"
)

const execCredentialKind = "ExecCredential"

// EncodeExecCredential renders the ExecCredential kubectl reads from our
// stdout, newline-terminated, with client-go's own types for the version
// kubectl asked for.
func EncodeExecCredential(apiVersion string, t Token) ([]byte, error) {
	typeMeta := metav1.TypeMeta{APIVersion: apiVersion, Kind: execCredentialKind}
	// metav1.Time writes RFC 3339 in UTC with whole seconds.
	exp := metav1.NewTime(t.Expiration)
	var cred any
	switch apiVersion {
	case APIVersionV1:
		cred = &clientauthv1.ExecCredential{TypeMeta: typeMeta,
			Status: &clientauthv1.ExecCredentialStatus{ExpirationTimestamp: &exp, Token: t.Value}}
	case APIVersionV1beta1:
		cred = &clientauthv1beta1.ExecCredential{TypeMeta: typeMeta,
			Status: &clientauthv1beta1.ExecCredentialStatus{ExpirationTimestamp: &exp, Token: t.Value}}
	default:
		return nil, fmt.Errorf("cannot write ExecCredential %q: eks-login writes %s and %s", apiVersion, APIVersionV1, APIVersionV1beta1)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Tokens are base64url and need no escaping; this keeps the output
	// byte-identical to what client-go's serializer writes.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(cred); err != nil {
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

// ParseExecInfo reads KUBERNETES_EXEC_INFO into client-go's ExecCredential
// of the version it names. An empty value means an old kubectl (or a person
// running us by hand): answer v1beta1, which every kubectl since 1.11 reads,
// and leave interactivity to the caller to judge.
func ParseExecInfo(env string) (ExecInfo, error) {
	if strings.TrimSpace(env) == "" {
		return ExecInfo{APIVersion: APIVersionV1beta1}, nil
	}
	data := []byte(env)
	var typeMeta metav1.TypeMeta
	if err := json.Unmarshal(data, &typeMeta); err != nil {
		return ExecInfo{}, fmt.Errorf("KUBERNETES_EXEC_INFO is not valid JSON (%v); kubectl sets it, so unset it when running eks-login by hand", err)
	}
	if typeMeta.Kind != "" && typeMeta.Kind != execCredentialKind {
		return ExecInfo{}, fmt.Errorf("KUBERNETES_EXEC_INFO holds a %s, not an ExecCredential", fsutil.QuoteShort(typeMeta.Kind))
	}
	info := ExecInfo{APIVersion: typeMeta.APIVersion}
	var err error
	switch typeMeta.APIVersion {
	case APIVersionV1:
		var cred clientauthv1.ExecCredential
		err = json.Unmarshal(data, &cred)
		info.Interactive = cred.Spec.Interactive
	case APIVersionV1beta1:
		var cred clientauthv1beta1.ExecCredential
		err = json.Unmarshal(data, &cred)
		info.Interactive = cred.Spec.Interactive
	case "":
		return ExecInfo{}, fmt.Errorf("KUBERNETES_EXEC_INFO has no apiVersion; set apiVersion: %s in the exec section of your kubeconfig", APIVersionV1)
	default:
		return ExecInfo{}, fmt.Errorf("kubectl asks for ExecCredential %s, which eks-login does not speak; set apiVersion: %s (or %s) in the exec section of your kubeconfig", fsutil.QuoteShort(typeMeta.APIVersion), APIVersionV1, APIVersionV1beta1)
	}
	if err != nil {
		return ExecInfo{}, fmt.Errorf("KUBERNETES_EXEC_INFO is not a valid ExecCredential %s (%v); kubectl sets it, so unset it when running eks-login by hand", typeMeta.APIVersion, err)
	}
	info.InteractiveKnown = specHasInteractive(data)
	return info, nil
}

// specHasInteractive says whether spec.interactive was sent at all: kubectl
// before 1.22 sent v1beta1 without it, and then only the terminal can tell.
func specHasInteractive(data []byte) bool {
	var probe struct {
		Spec map[string]json.RawMessage `json:"spec"`
	}
	if json.Unmarshal(data, &probe) != nil {
		return false
	}
	_, ok := probe.Spec["interactive"]
	return ok
}
