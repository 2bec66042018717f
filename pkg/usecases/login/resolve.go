package login

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/awsprofile"
	"github.com/eks-login/eks-login/pkg/discovery"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/pkg/token"
)

// resolved is the input made definite: its defaults filled, the files read,
// the region and the role's ARN found.
type resolved struct {
	in                Input
	files             files
	cfgFile, credFile *awsconfig.File
	region            string
	role              string // the role's ARN
	// sso is the sso-session section of --sso-session.
	sso discovery.SSOSession
	// scope names a discovery in the marks it leaves ("" for a login to
	// one cluster): --prune removes only what the same scope wrote.
	scope string
}

// files are the paths login reads and writes.
type files struct {
	config, credentials, lockDir, home string
}

// resolve is the first stage: it checks in, reads the AWS files and every
// kubeconfig file before AWS is asked anything (or an MFA code: a file that
// cannot be used stops login before, not after, them), and finds the source
// profile, the region and the role.
func (l *Login) resolve(ctx context.Context, in Input) (*resolved, error) {
	r := &resolved{}
	var err error
	if r.in, err = l.normalize(in); err != nil {
		return nil, err
	}
	if r.files, err = l.locate(); err != nil {
		return nil, err
	}
	if r.cfgFile, err = awsconfig.Load(r.files.config, awsconfig.ConfigFile); err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	if r.credFile, err = awsconfig.Load(r.files.credentials, awsconfig.CredentialsFile); err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	if _, err := kubeconfig.Locate(r.in.Kubeconfig, l.Env.Getenv("KUBECONFIG"), r.files.home, nil); err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	if r.in.SSOSession != "" {
		return r, l.resolveSSO(r)
	}
	if r.in.All {
		r.scope = "all " + r.in.Profile
	}
	if r.region, err = l.region(r); err != nil {
		return nil, err
	}
	if r.role, err = l.resolveRole(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// locate finds the files in the environment.
func (l *Login) locate() (files, error) {
	home := l.Env.Getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return files{}, exitcode.Errorf(exitcode.Input, "cannot find your home folder (%v); set HOME", err)
		}
	}
	return files{
		config:      awsconfig.ConfigPath(l.Env.Getenv, home),
		credentials: awsconfig.CredentialsPath(l.Env.Getenv, home),
		lockDir:     kubeconfig.LockDir(l.Env.Getenv, home),
		home:        home,
	}, nil
}

// region finds the source profile, and the region: --region, the source
// profile's, AWS_REGION or AWS_DEFAULT_REGION.
func (l *Login) region(r *resolved) (string, error) {
	in, fp := r.in, r.files
	srcConfig, inConfig := r.cfgFile.Profile(in.SourceProfile)
	_, inCreds := r.credFile.Profile(in.SourceProfile)
	if !inConfig && !inCreds {
		return "", exitcode.Errorf(exitcode.Credentials, "the source profile %q is in neither %s nor %s; create it with 'aws configure --profile %s', or name another one with --source-profile", in.SourceProfile, fp.config, fp.credentials, in.SourceProfile)
	}
	l.Log.Printf("source profile %s found in %s", in.SourceProfile, map[bool]string{true: fp.config, false: fp.credentials}[inConfig])
	region, from := in.Region, "--region"
	if region == "" && inConfig {
		region, from = srcConfig.Values["region"], fmt.Sprintf("profile %s in %s", in.SourceProfile, fp.config)
	}
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if region == "" {
			region, from = l.Env.Getenv(k), k
		}
	}
	if region == "" {
		return "", exitcode.Errorf(exitcode.Usage, "no AWS region: pass --region, or set region in profile %s of %s, or set AWS_REGION", in.SourceProfile, fp.config)
	}
	if _, err := token.PartitionOf(region); err != nil {
		return "", exitcode.Errorf(exitcode.Input, "the region from %s: %v", from, err)
	}
	l.Log.Printf("region %s (from %s)", region, from)
	return region, nil
}

// resolveRole returns the role ARN: --role-arn as given, or --role in the
// account of the source profile's identity.
func (l *Login) resolveRole(ctx context.Context, r *resolved) (string, error) {
	in := r.in
	if in.RoleARN != "" {
		return in.RoleARN, nil
	}
	path, name, _ := parseRoleName(in.Role) // checked by normalize
	src := awsprofile.Ref{Name: in.SourceProfile, Region: r.region, ConfigFile: r.files.config, CredentialsFile: r.files.credentials}
	l.Log.Printf("GetCallerIdentity as profile %s, for the account of role %s", in.SourceProfile, in.Role)
	id, err := l.AWS.CallerIdentity(ctx, src)
	if err != nil {
		return "", explainAWS(err, r, "find your AWS account (STS GetCallerIdentity) with profile "+in.SourceProfile, "")
	}
	partition := "aws"
	if parts := strings.SplitN(id.ARN, ":", 3); len(parts) == 3 {
		partition = parts[1]
	}
	role := roleARN{Partition: partition, Account: id.Account, Path: path, Name: name}
	if _, err := parseRoleARN(role.String()); err != nil {
		return "", fmt.Errorf("STS answered an identity (%s, account %q) that gives no valid role ARN: %w", id.ARN, id.Account, err)
	}
	l.Log.Printf("you are %s; role %s", id.ARN, role)
	return role.String(), nil
}

// resolveSSO finds the sso-session section of --sso-session, and the
// region of the profiles: --region, else the session's sso_region.
func (l *Login) resolveSSO(r *resolved) error {
	name, path := r.in.SSOSession, r.files.config
	sec, ok := r.cfgFile.SSOSession(name)
	if !ok {
		return exitcode.Errorf(exitcode.Input, "%s has no [sso-session %s] section; create it with 'aws configure sso-session', sign in with 'aws sso login --sso-session %s', then run this again", path, name, name)
	}
	r.sso = discovery.SSOSession{Name: name, StartURL: sec.Values["sso_start_url"], Region: sec.Values["sso_region"]}
	for key, v := range map[string]string{"sso_start_url": r.sso.StartURL, "sso_region": r.sso.Region} {
		if v == "" {
			return exitcode.Errorf(exitcode.Input, "%s line %d: [sso-session %s] has no %s; 'aws configure sso-session' writes it", path, sec.Line, name, key)
		}
	}
	if _, err := token.PartitionOf(r.sso.Region); err != nil {
		return exitcode.Errorf(exitcode.Input, "%s line %d: the sso_region of [sso-session %s]: %v", path, sec.KeyLines["sso_region"], name, err)
	}
	r.region = r.in.Region
	if r.region == "" {
		r.region = r.sso.Region
	}
	r.scope = "sso-session " + name
	l.Log.Printf("sso-session %s: %s in %s; profiles in region %s", name, r.sso.StartURL, r.sso.Region, r.region)
	return nil
}

// normalize checks the input alone and fills the defaults that need no
// file. Its messages name login's flags.
func (l *Login) normalize(in Input) (Input, error) {
	if in.discovering() {
		return normalizeDiscovery(in, l.Env.Getenv("AWS_PROFILE"))
	}
	if err := checkRole(in); err != nil {
		return Input{}, err
	}
	if in.SourceProfile == "" {
		in.SourceProfile = l.Env.Getenv("AWS_PROFILE")
	}
	if in.SourceProfile == "" {
		in.SourceProfile = "default"
	}
	if in.Profile == "" {
		in.Profile = in.SourceProfile + "-eks"
	}
	if in.Alias == "" {
		in.Alias = in.Cluster
	}
	var err error
	if in.ExecAPIVersion, err = execAPIVersion(in.ExecAPIVersion); err != nil {
		return Input{}, err
	}
	return in, checkNames(in)
}

func usage(format string, args ...any) error { return exitcode.Errorf(exitcode.Usage, format, args...) }

// checkRole checks the cluster and the role. Which of --role and
// --role-arn to pass is the command's rule; here --role-arn wins.
func checkRole(in Input) error {
	if !ValidClusterName(in.Cluster) {
		return usage("--cluster %q is not an EKS cluster name (letters, digits, - and _, starting with a letter or digit, at most 100)", in.Cluster)
	}
	return checkRoleFlags(in)
}

// checkRoleFlags checks --role-arn or --role.
func checkRoleFlags(in Input) error {
	switch {
	case in.RoleARN != "":
		if _, err := parseRoleARN(in.RoleARN); err != nil {
			return exitcode.WithCode(exitcode.Usage, err)
		}
	case in.Role == "":
		return usage("name the IAM role with --role-arn ARN or --role NAME")
	default:
		if _, _, err := parseRoleName(in.Role); err != nil {
			return exitcode.WithCode(exitcode.Usage, err)
		}
	}
	return nil
}

// checkNames checks the names login writes into the files.
func checkNames(in Input) error {
	if err := checkProfileNames(in); err != nil {
		return err
	}
	return checkOtherNames(in)
}

// checkProfileNames checks --source-profile and --profile.
func checkProfileNames(in Input) error {
	for _, p := range []struct{ flag, v string }{{"--source-profile", in.SourceProfile}, {"--profile", in.Profile}} {
		if err := awsconfig.ValidateProfileName(p.v); err != nil {
			return usage("%s: %v", p.flag, err)
		}
	}
	if in.Profile == in.SourceProfile {
		return usage("--profile %q is also the source profile; the role profile needs its own name (the default is %s-eks)", in.Profile, in.SourceProfile)
	}
	return nil
}

// checkOtherNames checks the names and values that are not profiles.
func checkOtherNames(in Input) error {
	switch {
	case in.MFASerial != "" && strings.ContainsAny(in.MFASerial, " \t\r\n"):
		return usage("--mfa-serial %q contains a blank", in.MFASerial)
	case strings.ContainsAny(in.Alias, "\r\n\t") || strings.TrimSpace(in.Alias) != in.Alias:
		return usage("--alias %q must not contain line breaks or tabs, nor start or end with a blank", in.Alias)
	case in.Namespace != "" && !validNamespace(in.Namespace):
		return usage("--namespace %q is not a Kubernetes namespace name (lower case letters, digits and -, at most 63)", in.Namespace)
	}
	if in.Region != "" {
		if _, err := token.PartitionOf(in.Region); err != nil {
			return usage("--region: %v", err)
		}
	}
	return nil
}

// execAPIVersion is the exec entry's full apiVersion for --exec-api-version.
func execAPIVersion(v string) (string, error) {
	switch v {
	case "v1", "v1beta1":
		return "client.authentication.k8s.io/" + v, nil
	case "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1":
		return v, nil
	case "":
		return "client.authentication.k8s.io/v1beta1", nil
	}
	return "", usage("--exec-api-version %q is not v1 or v1beta1", v)
}
