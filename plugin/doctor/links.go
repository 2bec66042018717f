package doctor

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/plugin/login"
	ptoken "github.com/eks-login/eks-login/plugin/token"
)

// The links' names, as the output and the JSON show them.
const (
	LinkCredentials    = "credentials"
	LinkRole           = "role"
	LinkCluster        = "cluster"
	LinkKubeconfig     = "kubeconfig"
	LinkToken          = "token"
	LinkAPIServer      = "apiserver"
	LinkAuthentication = "authentication"
	LinkAuthorization  = "authorization"
)

// walk holds what each link learns for the next ones.
type walk struct {
	o *Options

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
	sourceID        *login.Identity
	roleOK          bool
	desc            *Cluster
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
	unknown := (w.kerr != nil || (w.ctxName != "" && w.kctx == nil)) && w.o.Profile == "" && w.o.Cluster == ""
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
	return w.o.env(k)
}

// setup reads the kubeconfig context and its exec entry, and the AWS files,
// to learn the cluster, profile and region; the flags override them.
func (w *walk) setup() {
	o := w.o
	home := o.env("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	loc, err := kubeconfig.Locate(o.Kubeconfig, o.env("KUBECONFIG"), home, func(f *kubeconfig.File) bool {
		if o.Context != "" {
			_, ok := f.Context(o.Context)
			return ok
		}
		return f.CurrentContext() != ""
	})
	if err != nil {
		w.kerr = err
	} else {
		w.kfile, w.kpath = loc.File, loc.File.Path
		w.ctxName = o.Context
		if w.ctxName == "" {
			w.ctxName = w.kfile.CurrentContext()
		}
		if c, ok := w.kfile.Context(w.ctxName); ok && w.ctxName != "" {
			w.kctx = &c
			if cl, ok := w.kfile.Cluster(c.Cluster); ok {
				w.kcl = &cl
			}
			if u, ok := w.kfile.User(c.User); ok && u.Exec != nil {
				w.exec = u.Exec
			}
		}
	}
	if x := w.exec; x != nil {
		w.execCluster = firstOf(x.ArgValue("--cluster-name"), x.ArgValue("--cluster-id"), x.ArgValue("-i"))
		w.execProfile = x.ArgValue("--profile")
		w.execRegion = x.ArgValue("--region")
		w.roleArg = firstOf(x.ArgValue("--role-arn"), x.ArgValue("-r"))
		w.stsEndpoint = x.ArgValue("--sts-endpoint")
	}
	w.cluster = firstOf(o.Cluster, w.execCluster)
	if w.cluster == "" && w.kctx != nil {
		if name, region, ok := parseClusterARN(w.kctx.Cluster); ok {
			w.cluster = name
			w.execRegion = firstOf(w.execRegion, region)
		}
	}
	switch {
	case o.Profile != "":
		w.profile, w.profileFrom = o.Profile, "--profile"
	case w.execProfile != "":
		w.profile, w.profileFrom = w.execProfile, "the exec entry's --profile"
	case w.env("AWS_PROFILE") != "":
		w.profile, w.profileFrom = w.env("AWS_PROFILE"), "AWS_PROFILE"
	default:
		w.profile, w.profileFrom = "default", "the default"
	}

	w.cfgPath = awsconfig.ConfigPath(w.env, home)
	w.credPath = awsconfig.CredentialsPath(w.env, home)
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
	w.region = firstOf(o.Region, w.execRegion, w.env("AWS_REGION"), w.env("AWS_DEFAULT_REGION"), profileRegion)
}

func (w *walk) ref(profile string) login.ProfileRef {
	return login.ProfileRef{Name: profile, Region: w.region, ConfigFile: w.cfgPath, CredentialsFile: w.credPath}
}

func (w *walk) aws() AWS {
	if w.o.AWS == nil {
		w.o.AWS = newSDKAWS(w.o.IO.In, w.o.IO.ErrOut)
	}
	return w.o.AWS
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
	return Finding{Link: link, Status: StatusFail, Detail: detail, Fix: fix, code: code}
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

// 1. The profile exists and its source credentials resolve.
func (w *walk) credentials(ctx context.Context) Finding {
	const link = LinkCredentials
	if w.awsErr != nil {
		return fail(link, exitcode.Input, "cannot read the AWS config: "+w.awsErr.Error(), "fix the file at the line named")
	}
	if w.region == "" {
		return fail(link, exitcode.Input, fmt.Sprintf("no AWS region: the exec entry names none, and profile %s has no region", w.profile), fmt.Sprintf("pass --region, or add region to profile %s in %s", w.profile, w.cfgPath))
	}
	p, inCfg := w.cfgFile.Profile(w.profile)
	_, inCred := w.credFile.Profile(w.profile)
	if !inCfg && !inCred {
		return fail(link, exitcode.Credentials, fmt.Sprintf("profile %s (from %s) is in neither %s nor %s", w.profile, w.profileFrom, w.cfgPath, w.credPath), w.loginFix()+" (writes it)")
	}
	where := w.credPath
	if inCfg {
		where = w.cfgPath
		w.roleARN, w.source = p.Values["role_arn"], p.Values["source_profile"]
	}
	if w.roleARN != "" && w.source == "" {
		return Finding{Link: link, Status: StatusWarn, Detail: fmt.Sprintf("profile %s in %s assumes %s with credential_source %q; the source credentials are checked with the role", w.profile, where, w.roleARN, p.Values["credential_source"])}
	}
	src := w.profile
	if w.source != "" {
		src = w.source
		_, a := w.cfgFile.Profile(src)
		_, b := w.credFile.Profile(src)
		if !a && !b {
			return fail(link, exitcode.Credentials, fmt.Sprintf("profile %s in %s names source_profile %s, which is in neither %s nor %s", w.profile, where, src, w.cfgPath, w.credPath), fmt.Sprintf("aws configure --profile %s (with your own access key)", src))
		}
	} else {
		w.source = w.profile
	}
	ref := w.ref(src)
	id, err := w.aws().CallerIdentity(ctx, ref)
	if err != nil {
		return awsFail(link, err, fmt.Sprintf("get the identity of profile %s (STS GetCallerIdentity)", src),
			fmt.Sprintf("check the keys with 'aws sts get-caller-identity --profile %s'; get new ones with 'aws configure --profile %s'", src, src))
	}
	w.sourceID = &id
	if w.roleARN == "" {
		return Finding{Link: link, Status: StatusOK, Detail: fmt.Sprintf("profile %s in %s: credentials of %s", w.profile, where, id.ARN)}
	}
	return Finding{Link: link, Status: StatusOK, Detail: fmt.Sprintf("profile %s in %s (role_arn %s, source_profile %s): source credentials of %s", w.profile, where, w.roleARN, src, id.ARN)}
}

// 2. The profile's role can be assumed.
func (w *walk) role(ctx context.Context) Finding {
	const link = LinkRole
	if w.roleARN == "" {
		if w.sourceID == nil {
			return skip(link, "the credentials link is broken")
		}
		w.roleOK = true
		d := fmt.Sprintf("profile %s assumes no role: %s speaks for the token", w.profile, w.sourceID.ARN)
		if w.roleArg != "" {
			d += fmt.Sprintf("; the exec entry assumes --role-arn %s on top, which the token link checks", w.roleArg)
		}
		return Finding{Link: link, Status: StatusOK, Detail: d}
	}
	if w.sourceID == nil && w.source != w.profile && w.source != "" {
		return skip(link, "the credentials link is broken")
	}
	id, err := w.aws().CallerIdentity(ctx, w.ref(w.profile))
	if err == nil {
		w.roleOK = true
		return Finding{Link: link, Status: StatusOK, Detail: fmt.Sprintf("assumed role %s as %s", w.roleARN, id.ARN)}
	}
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Kind != awserr.AssumeRoleDenied {
		return awsFail(link, err, fmt.Sprintf("assume role %s with profile %s", w.roleARN, w.profile), "")
	}
	caller, account := ae.Caller, ""
	if w.sourceID != nil {
		caller = firstOf(caller, w.sourceID.ARN)
		account = w.sourceID.Account
	}
	if account == "" {
		if parts := strings.Split(caller, ":"); len(parts) > 4 {
			account = parts[4]
		}
	}
	detail := fmt.Sprintf("%s is not allowed to assume role %s (STS AssumeRole: AccessDenied)", orDefault(caller, "your identity"), w.roleARN)
	var a assumeAnalysis
	if r, err := w.aws().IAM(ctx, w.ref(w.source)); err != nil {
		a = assumeAnalysis{Why: "IAM cannot be read: " + shortErr(err)}
	} else {
		a = explainAssume(ctx, r, caller, account, w.roleARN)
	}
	detail += ". " + a.sentence(caller, w.roleARN)
	user, isUser := userName(caller)
	if !isUser {
		user = "USER"
	}
	fix := fmt.Sprintf("an AWS administrator adds %s to the IAM group allowed to assume the role: kubectl eks-login admin iam --cluster %s --role %s --iam-group GROUP --user %s", user, orDefault(w.cluster, "CLUSTER"), roleName(w.roleARN), user)
	if a.Known && len(a.Allowing) > 0 {
		fix = "the group allows it, so look for a Deny, a permissions boundary or a condition (MFA) on the role or the user"
	}
	if a.Known && a.TrustUnknown == "" && !a.Trusts {
		fix += fmt.Sprintf("; and the role's trust policy must admit account %s (arn:aws:iam::%s:root)", account, account)
	}
	return fail(link, exitcode.AccessDenied, detail, fix)
}

// 3. DescribeCluster works through the role, and the cluster is ACTIVE.
func (w *walk) describe(ctx context.Context) Finding {
	const link = LinkCluster
	if !w.roleOK {
		return skip(link, "the role link is broken")
	}
	if w.cluster == "" {
		return fail(link, exitcode.Input, "no cluster name: the context's exec entry names none", "pass --cluster NAME")
	}
	c, err := w.aws().DescribeCluster(ctx, w.ref(w.profile), w.cluster)
	if err != nil {
		var ae *awserr.Error
		who := "profile " + w.profile
		if w.roleARN != "" {
			who = "role " + w.roleARN
		}
		if errors.As(err, &ae) && ae.Kind == awserr.AccessDenied {
			return fail(link, exitcode.AccessDenied, fmt.Sprintf("%s may not call eks:DescribeCluster on cluster %s (%s)", who, w.cluster, ae.Message),
				fmt.Sprintf("an AWS administrator allows eks:DescribeCluster for the role: kubectl eks-login admin iam --cluster %s --role %s --iam-group GROUP", w.cluster, roleName(orDefault(w.roleARN, "ROLE"))))
		}
		if errors.As(err, &ae) && ae.Kind == awserr.NotFound {
			return fail(link, exitcode.Input, fmt.Sprintf("there is no EKS cluster %s in region %s", w.cluster, w.region), "check --cluster and --region, or the exec entry's")
		}
		return awsFail(link, err, fmt.Sprintf("describe cluster %s as %s", w.cluster, who), "")
	}
	w.desc = &c
	mode := orDefault(c.AuthMode, "not reported (CONFIG_MAP)")
	d := fmt.Sprintf("cluster %s is %s, Kubernetes %s, authentication mode %s, endpoint %s", w.cluster, c.Status, orNone(c.Version), mode, c.Endpoint)
	switch c.Status {
	case "ACTIVE":
		return Finding{Link: link, Status: StatusOK, Detail: d}
	case "UPDATING":
		return Finding{Link: link, Status: StatusWarn, Detail: d}
	}
	return fail(link, exitcode.Failure, d, fmt.Sprintf("wait until it is ACTIVE: aws eks describe-cluster --name %s --region %s", w.cluster, w.region))
}

// 4. The kubeconfig entry agrees with the cluster and can run.
func (w *walk) kubeconfig(ctx context.Context) Finding {
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
	var problems []string
	if w.desc != nil && strings.TrimSuffix(w.kcl.Server, "/") != strings.TrimSuffix(w.desc.Endpoint, "/") {
		problems = append(problems, fmt.Sprintf("the server %s is stale: cluster %s's endpoint is %s", w.kcl.Server, w.cluster, w.desc.Endpoint))
	}
	if w.desc != nil && !sameCA(w.kcl.CertificateAuthorityData, w.desc.CAData) {
		if w.kcl.CertificateAuthorityData == "" {
			problems = append(problems, fmt.Sprintf("cluster %q has no certificate-authority-data; EKS's CA is not in the kubeconfig", w.kctx.Cluster))
		} else {
			problems = append(problems, fmt.Sprintf("the certificate-authority-data of cluster %q is not cluster %s's CA", w.kctx.Cluster, w.cluster))
		}
	}
	look := w.o.LookPath
	if look == nil {
		look = exec.LookPath
	}
	cmdPath := w.exec.Command
	if filepath.IsAbs(cmdPath) {
		if _, err := os.Stat(cmdPath); err != nil {
			problems = append(problems, fmt.Sprintf("the exec command %s does not exist", cmdPath))
		}
	} else if p, err := look(cmdPath); err != nil {
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
	if len(problems) > 0 {
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

func sameCA(a, b string) bool {
	da, err1 := base64.StdEncoding.DecodeString(strings.TrimSpace(a))
	db, err2 := base64.StdEncoding.DecodeString(strings.TrimSpace(b))
	return err1 == nil && err2 == nil && bytes.Equal(bytes.TrimSpace(da), bytes.TrimSpace(db))
}

// 5. The token command mints a token of the right shape.
func (w *walk) token(ctx context.Context) Finding {
	const link = LinkToken
	if !w.roleOK {
		return skip(link, "the role link is broken")
	}
	if w.cluster == "" {
		return skip(link, "no cluster name")
	}
	var out bytes.Buffer
	to := &ptoken.Options{
		IO:          &iostreams.IOStreams{In: w.o.IO.In, Out: &out, ErrOut: io.Discard},
		Getenv:      w.env,
		ClusterName: w.cluster,
		Profile:     w.profile,
		Region:      w.region,
		RoleARN:     w.roleArg,
		STSEndpoint: orDefault(w.stsEndpoint, string(token.EndpointRegional)),
		NoCache:     true,
		Now:         w.o.Now,
	}
	run := w.o.Token
	if run == nil {
		run = ptoken.Run
	}
	by := fmt.Sprintf("kubectl-eks_login token --cluster-name %s --profile %s --region %s --no-cache --verbose", w.cluster, w.profile, w.region)
	if err := run(ctx, to); err != nil {
		return fail(link, exitcode.Of(err), "the token command failed: "+err.Error(), "run '"+by+"' to see each step")
	}
	var cred struct {
		Status struct {
			Token               string     `json:"token"`
			ExpirationTimestamp *time.Time `json:"expirationTimestamp"`
		} `json:"status"`
	}
	if err := json.Unmarshal(out.Bytes(), &cred); err != nil || cred.Status.Token == "" {
		return fail(link, exitcode.Failure, "the token command printed no ExecCredential with a token", "run '"+by+"'")
	}
	w.tok = cred.Status.Token
	u, err := token.Decode(cred.Status.Token)
	if err != nil {
		return fail(link, exitcode.Failure, "the token does not decode: "+err.Error(), "run '"+by+"'")
	}
	ep, _ := token.ParseEndpoint(w.stsEndpoint)
	host, _, herr := token.STSHost(w.region, ep)
	q := u.Query()
	signed := strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	var bad []string
	if herr == nil && u.Host != host {
		bad = append(bad, fmt.Sprintf("it names STS host %s, not %s", u.Host, host))
	}
	if !contains(signed, token.ClusterIDHeader) {
		bad = append(bad, "its signed headers lack "+token.ClusterIDHeader)
	}
	if e := q.Get("X-Amz-Expires"); e != "60" {
		bad = append(bad, fmt.Sprintf("X-Amz-Expires is %q, not 60", e))
	}
	now := w.o.now()
	exp := cred.Status.ExpirationTimestamp
	switch {
	case exp == nil:
		bad = append(bad, "the ExecCredential has no expirationTimestamp")
	case !exp.After(now):
		bad = append(bad, "it has already expired ("+exp.UTC().Format(time.RFC3339)+")")
	case exp.Sub(now) > 15*time.Minute:
		bad = append(bad, "its expiry is more than 15 minutes away ("+exp.UTC().Format(time.RFC3339)+")")
	}
	if len(bad) > 0 {
		return fail(link, exitcode.Failure, "the token has the wrong shape: "+strings.Join(bad, "; "), "run '"+by+"'")
	}
	return Finding{Link: link, Status: StatusOK, Detail: fmt.Sprintf("minted for cluster %s: STS host %s, signed headers %s, X-Amz-Expires=60, valid until %s",
		w.cluster, u.Host, q.Get("X-Amz-SignedHeaders"), exp.UTC().Format(time.RFC3339))}
}

// 6. The API server answers and its certificate verifies with the CA.
func (w *walk) apiserver(ctx context.Context) Finding {
	const link = LinkAPIServer
	if w.kfile == nil || w.kctx == nil || w.kcl == nil {
		return skip(link, "the kubeconfig has no usable context")
	}
	kc, err := kube.Load(kube.Source{Kubeconfig: w.o.Kubeconfig, Context: w.ctxName, Getenv: w.o.env})
	if err != nil {
		return fail(link, exitcode.Input, err.Error(), w.loginFix())
	}
	// The token minted above stands for the exec entry: the requests carry
	// what kubectl would send, and no plugin is run.
	cfg := rest.CopyConfig(kc.REST)
	cfg.ExecProvider, cfg.BearerToken, cfg.BearerTokenFile = nil, w.tok, ""
	cfg.Timeout = 15 * time.Second
	build := w.o.NewKube
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

// mappedARN is the IAM ARN the cluster sees.
func (w *walk) mappedARN() string {
	switch {
	case w.roleArg != "":
		return w.roleArg
	case w.roleARN != "":
		return w.roleARN
	case w.sourceID != nil:
		return w.sourceID.ARN
	}
	return "ARN"
}

// 7. The cluster knows who we are.
func (w *walk) authentication(ctx context.Context) Finding {
	const link = LinkAuthentication
	switch {
	case !w.reached:
		return skip(link, "the API server was not reached")
	case w.tok == "":
		return skip(link, "no token")
	}
	u, err := w.kube.WhoAmI(ctx)
	if err == nil {
		w.user = u
		return Finding{Link: link, Status: StatusOK, Detail: fmt.Sprintf("the cluster takes you for %s (groups: %s)", u.Username, orNone(strings.Join(u.Groups, ", ")))}
	}
	arn := w.mappedARN()
	var te *kube.TransportError
	switch {
	case apierrors.IsUnauthorized(err):
		where := "no aws-auth entry"
		if w.desc != nil && w.desc.AuthMode == "API" {
			where = "no EKS access entry; authentication mode API ignores aws-auth"
		} else if w.desc != nil && w.desc.AuthMode != "" && w.desc.AuthMode != "CONFIG_MAP" {
			where = "no aws-auth entry and no EKS access entry (authentication mode " + w.desc.AuthMode + ")"
		}
		name := strings.ToLower(roleName(arn))
		return fail(link, exitcode.Unauthorized,
			fmt.Sprintf("the API server answered 401 Unauthorized: %s is not mapped to a Kubernetes user (%s)", arn, where),
			fmt.Sprintf("a cluster administrator maps it: kubectl eks-login admin map --role-arn %s --username %s --group GROUP ('kubectl eks-login admin list' shows the mappings)", arn, name))
	case apierrors.IsForbidden(err):
		return fail(link, exitcode.Forbidden, "the cluster knows you but RBAC forbids selfsubjectreviews, which system:basic-user allows every authenticated user: "+err.Error(), "a cluster administrator restores the system:basic-user ClusterRoleBinding")
	case errors.As(err, &te):
		return fail(link, exitcode.Network, err.Error(), "check your network")
	}
	return fail(link, exitcode.Failure, err.Error(), "")
}

// The rights the authorization link asks about.
func (w *walk) accesses() []struct {
	what string
	a    authorizationv1.ResourceAttributes
} {
	ns := "default"
	if w.kctx != nil && w.kctx.Namespace != "" {
		ns = w.kctx.Namespace
	}
	return []struct {
		what string
		a    authorizationv1.ResourceAttributes
	}{
		{"list pods (all namespaces)", authorizationv1.ResourceAttributes{Verb: "list", Resource: "pods"}},
		{"list nodes", authorizationv1.ResourceAttributes{Verb: "list", Resource: "nodes"}},
		{"get secrets (namespace " + ns + ")", authorizationv1.ResourceAttributes{Verb: "get", Resource: "secrets", Namespace: ns}},
		{"create deployments (namespace " + ns + ")", authorizationv1.ResourceAttributes{Verb: "create", Group: "apps", Resource: "deployments", Namespace: ns}},
	}
}

// 8. What RBAC allows.
func (w *walk) authorization(ctx context.Context) Finding {
	const link = LinkAuthorization
	if w.user == nil {
		return skip(link, "the authentication link is broken")
	}
	var rows []accessRow
	var allowed, denied []string
	for _, q := range w.accesses() {
		ok, err := w.kube.CanI(ctx, q.a)
		if err != nil {
			if apierrors.IsForbidden(err) {
				return fail(link, exitcode.Forbidden, "RBAC forbids even selfsubjectaccessreviews: "+err.Error(), "a cluster administrator restores the system:basic-user ClusterRoleBinding")
			}
			return fail(link, exitcode.Failure, "SelfSubjectAccessReview failed: "+err.Error(), "")
		}
		rows = append(rows, accessRow{What: q.what, Allowed: ok})
		if ok {
			allowed = append(allowed, q.what)
		} else {
			denied = append(denied, q.what)
		}
	}
	if len(allowed) == 0 {
		group := "GROUP"
		for _, g := range w.user.Groups {
			if !strings.HasPrefix(g, "system:") {
				group = g
				break
			}
		}
		f := fail(link, exitcode.Forbidden,
			fmt.Sprintf("%s (groups: %s) may do none of: %s; no RBAC binding gives these groups a role", w.user.Username, orNone(strings.Join(w.user.Groups, ", ")), strings.Join(denied, ", ")),
			fmt.Sprintf("a cluster administrator binds the group: kubectl eks-login admin bind --group %s --clusterrole view", group))
		f.table = rows
		return f
	}
	d := fmt.Sprintf("%s may %s", w.user.Username, strings.Join(allowed, ", "))
	if len(denied) > 0 {
		d += "; not " + strings.Join(denied, ", ")
	}
	return Finding{Link: link, Status: StatusOK, Detail: d, table: rows}
}

// parseClusterARN reads arn:aws:eks:REGION:ACCOUNT:cluster/NAME.
func parseClusterARN(s string) (name, region string, ok bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "eks" || !strings.HasPrefix(parts[5], "cluster/") {
		return "", "", false
	}
	return strings.TrimPrefix(parts[5], "cluster/"), parts[3], true
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

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
