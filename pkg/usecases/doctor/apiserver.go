package doctor

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kube"
	"k8s.io/client-go/rest"
)

// 6. The API server answers and its certificate verifies with the CA.
func (w *walk) apiserver(ctx context.Context) Finding {
	const link = LinkAPIServer
	if w.kfile == nil || w.kctx == nil || w.kcl == nil {
		return skip(link, "the kubeconfig has no usable context")
	}
	kc, err := kube.Load(kube.Source{Kubeconfig: w.in.Kubeconfig, Context: w.ctxName, Getenv: w.d.Env.Getenv})
	if err != nil {
		return fail(link, exitcode.Input, err.Error(), w.loginFix())
	}
	// The token minted above stands for the exec entry: the requests carry
	// what kubectl would send, and no plugin is run.
	cfg := rest.CopyConfig(kc.REST)
	cfg.ExecProvider, cfg.BearerToken, cfg.BearerTokenFile = nil, w.tok, ""
	cfg.Timeout = 15 * time.Second
	build := w.d.NewKube
	if build == nil {
		build = newKube
	}
	k, err := build(cfg)
	if err != nil {
		return fail(link, exitcode.Input, err.Error(), w.loginFix()+" (rewrites the context)")
	}
	w.kube = k
	if err := k.Reach(ctx); err != nil {
		fix := "check your network, VPN and proxy; if the cluster's endpoint is private, reach it from its VPC"
		if w.desc != nil && strings.TrimSuffix(cfg.Host, "/") != strings.TrimSuffix(w.desc.Endpoint, "/") {
			fix = w.loginFix() + " (rewrites the stale server)"
		}
		if strings.Contains(err.Error(), "certificate") {
			fix = w.loginFix() + " (rewrites the CA)"
			return fail(link, exitcode.Network, "TLS does not verify with the kubeconfig's CA: "+err.Error(), fix)
		}
		return fail(link, exitcode.Network, err.Error(), fix)
	}
	w.reached = true
	return Finding{Link: link, Status: StatusOK, Detail: fmt.Sprintf("%s answered; its certificate verifies with the kubeconfig's CA", cfg.Host)}
}
