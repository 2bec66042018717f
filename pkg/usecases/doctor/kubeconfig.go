package doctor

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/eks-login/eks-login/pkg/exitcode"
)

// 4. The kubeconfig entry agrees with the cluster and can run.
func (w *walk) kubeconfig(context.Context) Finding {
	const link = LinkKubeconfig
	switch {
	case w.kerr != nil:
		return fail(link, exitcode.Input, w.kerr.Error(), "fix the kubeconfig at the line named")
	case w.ctxName == "":
		return fail(link, exitcode.Input, fmt.Sprintf("%s has no current-context", w.kpath), "kubectl config use-context CONTEXT, or "+w.loginFix()+" (sets it)")
	case w.kctx == nil:
		return fail(link, exitcode.Input, fmt.Sprintf("%s has no context %q", w.kpath, w.ctxName), w.loginFix())
	case w.kcl == nil:
		return fail(link, exitcode.Input, fmt.Sprintf("context %q in %s uses cluster %q, which the file does not have", w.ctxName, w.kpath, w.kctx.Cluster), w.loginFix())
	case w.exec == nil:
		return fail(link, exitcode.Input, fmt.Sprintf("the user %q of context %q has no exec entry, so kubectl gets no EKS token", w.kctx.User, w.ctxName), w.loginFix())
	}
	cmdPath, execProblems := w.execProblems()
	if problems := append(w.clusterProblems(), execProblems...); len(problems) > 0 {
		return fail(link, exitcode.Input, fmt.Sprintf("context %q in %s: %s", w.ctxName, w.kpath, strings.Join(problems, "; ")), w.loginFix()+" (rewrites the context)")
	}
	d := fmt.Sprintf("context %q in %s: server %s", w.ctxName, w.kpath, w.kcl.Server)
	if w.desc != nil {
		d += " and CA match the cluster"
	}
	d += fmt.Sprintf("; exec %s (%s) names cluster %s, profile %s, region %s", w.exec.Command, cmdPath, orNone(w.execCluster), orNone(w.execProfile), orNone(w.execRegion))
	if cur := w.kfile.CurrentContext(); cur != w.ctxName {
		return Finding{Link: link, Status: StatusWarn, Detail: d + fmt.Sprintf("; but the current context is %q, so kubectl uses this one only with --context %s", cur, w.ctxName), Fix: "kubectl config use-context " + w.ctxName}
	}
	return Finding{Link: link, Status: StatusOK, Detail: d}
}

// clusterProblems compares the kubeconfig's cluster entry with what
// DescribeCluster said: the server and the CA.
func (w *walk) clusterProblems() []string {
	if w.desc == nil {
		return nil
	}
	var problems []string
	if strings.TrimSuffix(w.kcl.Server, "/") != strings.TrimSuffix(w.desc.Endpoint, "/") {
		problems = append(problems, fmt.Sprintf("the server %s is stale: cluster %s's endpoint is %s", w.kcl.Server, w.cluster, w.desc.Endpoint))
	}
	if !sameCA(w.kcl.CertificateAuthorityData, w.desc.CAData) {
		if w.kcl.CertificateAuthorityData == "" {
			problems = append(problems, fmt.Sprintf("cluster %q has no certificate-authority-data; EKS's CA is not in the kubeconfig", w.kctx.Cluster))
		} else {
			problems = append(problems, fmt.Sprintf("the certificate-authority-data of cluster %q is not cluster %s's CA", w.kctx.Cluster, w.cluster))
		}
	}
	return problems
}

// execProblems checks that kubectl can run the exec command, and that its
// arguments name the cluster, profile and region checked. It returns the
// command's path as found.
func (w *walk) execProblems() (string, []string) {
	var problems []string
	cmdPath := w.exec.Command
	if filepath.IsAbs(cmdPath) {
		if _, err := os.Stat(cmdPath); err != nil {
			problems = append(problems, fmt.Sprintf("the exec command %s does not exist", cmdPath))
		}
	} else if p, err := w.d.LookPath(cmdPath); err != nil {
		problems = append(problems, fmt.Sprintf("the exec command %s is not on PATH, so kubectl cannot run it for tokens (put the folder that holds it on PATH)", cmdPath))
	} else {
		cmdPath = p
	}
	for _, c := range []struct{ what, entry, want string }{
		{"cluster", w.execCluster, w.cluster},
		{"profile", w.execProfile, w.profile},
		{"region", w.execRegion, w.region},
	} {
		if c.entry != "" && c.want != "" && c.entry != c.want {
			problems = append(problems, fmt.Sprintf("the exec entry names %s %s, not %s", c.what, c.entry, c.want))
		}
	}
	return cmdPath, problems
}

func sameCA(a, b string) bool {
	da, err1 := base64.StdEncoding.DecodeString(strings.TrimSpace(a))
	db, err2 := base64.StdEncoding.DecodeString(strings.TrimSpace(b))
	return err1 == nil && err2 == nil && bytes.Equal(bytes.TrimSpace(da), bytes.TrimSpace(db))
}
