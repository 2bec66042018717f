package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"

	authenticationv1 "k8s.io/api/authentication/v1"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/awsprofile"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/pkg/names"
)

// walk holds what each link learns for the next ones.
type walk struct {
	d  *Doctor
	in Input

	cfgPath, credPath string
	cfgFile, credFile *awsconfig.File
	awsErr            error

	kpath   string
	kfile   *kubeconfig.File
	kerr    error
	ctxName string
	kctx    *kubeconfig.Context
	kcl     *kubeconfig.Cluster
	exec    *kubeconfig.Exec
	// What the exec entry names.
	execCluster, execProfile, execRegion string

	cluster, profile, region string
	profileFrom              string
	roleArg, stsEndpoint     string

	roleARN, source string
	sourceID        *awsprofile.Identity
	roleOK          bool
	desc            *awsprofile.Cluster
	tok             string
	reached         bool
	kube            Kube
	user            *authenticationv1.UserInfo
}

func (w *walk) run(ctx context.Context) []Finding {
	w.setup()
	links := []struct {
		name  string
		check func(context.Context) Finding
	}{
		{LinkCredentials, w.credentials}, {LinkRole, w.role}, {LinkCluster, w.describe}, {LinkKubeconfig, w.kubeconfig},
		{LinkToken, w.token}, {LinkAPIServer, w.apiserver}, {LinkAuthentication, w.authentication}, {LinkAuthorization, w.authorization},
	}
	// A context that is named (--context, or current-context) but cannot
	// be read leaves the cluster, profile and region unknown: checking the
	// default profile's credentials would blame them for the kubeconfig.
	unknown := (w.kerr != nil || (w.ctxName != "" && w.kctx == nil)) && w.in.Profile == "" && w.in.Cluster == ""
	out := make([]Finding, 0, len(links))
	for _, l := range links {
		if unknown && (l.name == LinkCredentials || l.name == LinkRole || l.name == LinkCluster) {
			out = append(out, skip(l.name, "the kubeconfig link is broken, so the cluster, profile and region are unknown (or pass --cluster and --profile)"))
			continue
		}
		out = append(out, l.check(ctx))
	}
	return out
}

func (w *walk) header() string {
	if w.kpath == "" {
		return ""
	}
	return fmt.Sprintf("Context %q in %s: cluster %s, profile %s, region %s", w.ctxName, w.kpath, orNone(w.cluster), orNone(w.profile), orNone(w.region))
}

// env is the environment the exec entry runs with: its own env entries
// over doctor's.
func (w *walk) env(k string) string {
	if w.exec != nil {
		for i := len(w.exec.Env) - 1; i >= 0; i-- {
			if w.exec.Env[i].Name == k {
				return w.exec.Env[i].Value
			}
		}
	}
	return w.d.Env.Getenv(k)
}

// setup reads the kubeconfig context and its exec entry, and the AWS files,
// to learn the cluster, profile and region; the input overrides them.
func (w *walk) setup() {
	home := w.d.Env.Getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	w.readContext(home)
	w.readExec()
	w.chooseProfile()
	w.cfgPath = awsconfig.ConfigPath(w.env, home)
	w.credPath = awsconfig.CredentialsPath(w.env, home)
	var err error
	if w.cfgFile, err = awsconfig.Load(w.cfgPath, awsconfig.ConfigFile); err != nil {
		w.awsErr = err
	} else if w.credFile, err = awsconfig.Load(w.credPath, awsconfig.CredentialsFile); err != nil {
		w.awsErr = err
	}
	profileRegion := ""
	if w.cfgFile != nil {
		if p, ok := w.cfgFile.Profile(w.profile); ok {
			profileRegion = p.Values["region"]
		}
	}
	w.region = firstOf(w.in.Region, w.execRegion, w.env("AWS_REGION"), w.env("AWS_DEFAULT_REGION"), profileRegion)
}

// readContext reads the context (--context, or the current one), its
// cluster and the exec entry of its user.
func (w *walk) readContext(home string) {
	in := w.in
	loc, err := kubeconfig.Locate(in.Kubeconfig, w.d.Env.Getenv("KUBECONFIG"), home, func(f *kubeconfig.File) bool {
		if in.Context != "" {
			_, ok := f.Context(in.Context)
			return ok
		}
		return f.CurrentContext() != ""
	})
	if err != nil {
		w.kerr = err
		return
	}
	w.kfile, w.kpath = loc.File, loc.File.Path
	w.ctxName = firstOf(in.Context, w.kfile.CurrentContext())
	c, ok := w.kfile.Context(w.ctxName)
	if !ok || w.ctxName == "" {
		return
	}
	w.kctx = &c
	if cl, ok := w.kfile.Cluster(c.Cluster); ok {
		w.kcl = &cl
	}
	if u, ok := w.kfile.User(c.User); ok && u.Exec != nil {
		w.exec = u.Exec
	}
}

// readExec reads what the exec entry names ("kubectl-eks_login token ..."
// or "aws eks get-token ..."), and the cluster: --cluster, the exec
// entry's, or the context's cluster ARN.
func (w *walk) readExec() {
	if x := w.exec; x != nil {
		w.execCluster = firstOf(x.ArgValue("--cluster-name"), x.ArgValue("--cluster-id"), x.ArgValue("-i"))
		w.execProfile = x.ArgValue("--profile")
		w.execRegion = x.ArgValue("--region")
		w.roleArg = firstOf(x.ArgValue("--role-arn"), x.ArgValue("-r"))
		w.stsEndpoint = x.ArgValue("--sts-endpoint")
	}
	w.cluster = firstOf(w.in.Cluster, w.execCluster)
	if w.cluster == "" && w.kctx != nil {
		if arn, err := names.ParseClusterARN("", w.kctx.Cluster); err == nil {
			w.cluster = arn.Name
			w.execRegion = firstOf(w.execRegion, arn.Region)
		}
	}
}

// chooseProfile picks the profile, and says what chose it.
func (w *walk) chooseProfile() {
	switch {
	case w.in.Profile != "":
		w.profile, w.profileFrom = w.in.Profile, "--profile"
	case w.execProfile != "":
		w.profile, w.profileFrom = w.execProfile, "the exec entry's --profile"
	case w.env("AWS_PROFILE") != "":
		w.profile, w.profileFrom = w.env("AWS_PROFILE"), "AWS_PROFILE"
	default:
		w.profile, w.profileFrom = "default", "the default"
	}
}

func (w *walk) ref(profile string) awsprofile.Ref {
	return awsprofile.Ref{Name: profile, Region: w.region, ConfigFile: w.cfgPath, CredentialsFile: w.credPath}
}

// loginFix is the login command that rewrites the profile and the context.
func (w *walk) loginFix() string {
	role := "--role ROLE"
	if w.roleARN != "" {
		role = "--role-arn " + w.roleARN
	}
	src := "YOUR_PROFILE"
	if w.source != "" {
		src = w.source
	}
	s := fmt.Sprintf("kubectl eks-login --cluster %s %s --source-profile %s --profile %s --region %s", orDefault(w.cluster, "CLUSTER"), role, src, w.profile, orDefault(w.region, "REGION"))
	if w.ctxName != "" && w.ctxName != w.cluster {
		s += " --alias " + w.ctxName
	}
	return s
}

func fail(link string, code int, detail, fix string) Finding {
	return Finding{Link: link, Status: StatusFail, Detail: detail, Fix: fix, Code: code}
}

func skip(link, why string) Finding {
	return Finding{Link: link, Status: StatusSkip, Detail: "not checked: " + why}
}

// awsFail turns a classified AWS error into a finding.
func awsFail(link string, err error, doing, fix string) Finding {
	var ae *awserr.Error
	if !errors.As(err, &ae) {
		return fail(link, exitcode.Failure, fmt.Sprintf("cannot %s: %v", doing, err), fix)
	}
	code := ae.Kind.ExitCode()
	switch ae.Kind {
	case awserr.Network:
		fix = "check your network, proxy and DNS, and the region"
	case awserr.NotFound:
		code = exitcode.Input
	}
	return fail(link, code, fmt.Sprintf("cannot %s: %v", doing, ae), fix)
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func orDefault(s, def string) string { return firstOf(s, def) }

func orNone(s string) string { return firstOf(s, "none") }
