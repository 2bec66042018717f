package world

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/eks-login/eks-login/pkg/token"
)

// kubeAdmin talks to the world's API server as a member of system:masters,
// with a client certificate: the cluster creator's identity, which on EKS
// needs no aws-auth entry either.
type kubeAdmin struct {
	server string
	client *http.Client
}

func newKubeAdmin(server, caFile, certFile, keyFile string) (*kubeAdmin, error) {
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}}}
	return &kubeAdmin{server: server, client: &http.Client{Transport: tr, Timeout: 30 * time.Second}}, nil
}

// KubeStatusError is a non-2xx answer of the API server.
type KubeStatusError struct {
	Code int
	Body string
}

func (e *KubeStatusError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.Code, e.Body) }

// do sends obj (if any) as JSON and decodes the answer into out (if any).
func (k *kubeAdmin) do(ctx context.Context, method, path string, obj, out any) error {
	var body io.Reader
	if obj != nil {
		b, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, k.server+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := k.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &KubeStatusError{Code: resp.StatusCode, Body: string(b)}
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// create POSTs obj to path, treating "already exists" as success, so seeding is idempotent.
func (k *kubeAdmin) create(ctx context.Context, path string, obj any) error {
	err := k.do(ctx, http.MethodPost, path, obj, nil)
	if se, ok := err.(*KubeStatusError); ok && se.Code == http.StatusConflict {
		return nil
	}
	return err
}

type m = map[string]any

// seedCluster makes the cluster look like a new EKS cluster with a node group:
// the aws-auth ConfigMap mapping the node role, Node objects, and pods in a
// few namespaces.
func (k *kubeAdmin) seedCluster(ctx context.Context, nodeRoleARN string) error {
	awsAuth := m{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": m{"name": "aws-auth", "namespace": "kube-system"},
		"data":     m{"mapRoles": "- groups:\n  - system:bootstrappers\n  - system:nodes\n  rolearn: " + nodeRoleARN + "\n  username: system:node:{{EC2PrivateDNSName}}\n"},
	}
	if err := k.create(ctx, "/api/v1/namespaces/kube-system/configmaps", awsAuth); err != nil {
		return fmt.Errorf("create aws-auth: %w", err)
	}
	for _, node := range SeedNodes {
		obj := m{"apiVersion": "v1", "kind": "Node", "metadata": m{"name": node, "labels": m{"eks.amazonaws.com/nodegroup": "my-example-ng"}}}
		if err := k.create(ctx, "/api/v1/nodes", obj); err != nil {
			return fmt.Errorf("create node %s: %w", node, err)
		}
	}
	for _, p := range SeedPods {
		if p.Namespace != "default" && p.Namespace != "kube-system" {
			ns := m{"apiVersion": "v1", "kind": "Namespace", "metadata": m{"name": p.Namespace}}
			if err := k.create(ctx, "/api/v1/namespaces", ns); err != nil {
				return fmt.Errorf("create namespace %s: %w", p.Namespace, err)
			}
		}
		// No controller manager creates default service accounts here; the
		// ServiceAccount admission plugin wants one to exist.
		sa := m{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": m{"name": "default", "namespace": p.Namespace}}
		if err := k.create(ctx, "/api/v1/namespaces/"+p.Namespace+"/serviceaccounts", sa); err != nil {
			return fmt.Errorf("create service account in %s: %w", p.Namespace, err)
		}
		pod := m{
			"apiVersion": "v1", "kind": "Pod",
			"metadata": m{"name": p.Name, "namespace": p.Namespace},
			"spec": m{
				"automountServiceAccountToken": false,
				"nodeName":                     SeedNodes[0],
				"containers":                   []m{{"name": "main", "image": p.Image}},
			},
		}
		if err := k.create(ctx, "/api/v1/namespaces/"+p.Namespace+"/pods", pod); err != nil {
			return fmt.Errorf("create pod %s/%s: %w", p.Namespace, p.Name, err)
		}
	}
	return nil
}

// clusterRoleHasRules reports whether the aggregation controller has filled
// the built-in ClusterRole name (view, edit, admin start empty).
func (k *kubeAdmin) clusterRoleHasRules(ctx context.Context, name string) error {
	var role struct {
		Rules []json.RawMessage `json:"rules"`
	}
	if err := k.do(ctx, http.MethodGet, "/apis/rbac.authorization.k8s.io/v1/clusterroles/"+name, nil, &role); err != nil {
		return err
	}
	if len(role.Rules) == 0 {
		return fmt.Errorf("clusterrole %s has no rules yet: %w", name, errNotYet)
	}
	return nil
}

// SeedPod is a pod the world creates.
type SeedPod struct{ Namespace, Name, Image string }

// The seeded workload: what "kubectl get pods -A" lists as developer.
var (
	SeedNodes = []string{"ip-192-168-10-11.ap-northeast-2.compute.internal", "ip-192-168-20-12.ap-northeast-2.compute.internal"}
	SeedPods  = []SeedPod{
		{"kube-system", "coredns-5d8c6f8b9-abcde", "coredns/coredns:1.11.1"},
		{"kube-system", "aws-node-x7k2p", "amazon-k8s-cni:v1.18.0"},
		{"default", "web-7c9d8f6b5-q2w3e", "nginx:1.27"},
		{"team-a", "api-6f7b8c9d-r4t5y", "nginx:1.27"},
	}
)

// Identify asks the API server who a token made from creds is, as a
// kubelet's or a person's would be: a SelfSubjectReview through the token
// webhook. An empty username and no error means the token was refused
// (401 Unauthorized).
func (w *World) Identify(ctx context.Context, creds aws.Credentials) (username string, groups []string, err error) {
	tok, err := token.New(ctx, token.Request{Credentials: creds, Region: Region, ClusterName: ClusterName, Now: time.Now()})
	if err != nil {
		return "", nil, err
	}
	body := strings.NewReader(`{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.APIServerURL+"/apis/authentication.k8s.io/v1/selfsubjectreviews", body)
	if err != nil {
		return "", nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok.Value)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(w.CAData)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized {
		return "", nil, nil
	}
	var review struct {
		Status struct {
			UserInfo struct {
				Username string   `json:"username"`
				Groups   []string `json:"groups"`
			} `json:"userInfo"`
		} `json:"status"`
	}
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		return "", nil, &KubeStatusError{Code: resp.StatusCode, Body: string(b)}
	}
	if err := json.NewDecoder(resp.Body).Decode(&review); err != nil {
		return "", nil, err
	}
	return review.Status.UserInfo.Username, review.Status.UserInfo.Groups, nil
}
