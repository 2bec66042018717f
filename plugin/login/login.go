// Package login is "kubectl eks-login" (the default command): it writes an
// AWS profile that assumes the user's EKS role and a kubeconfig context whose
// user runs "kubectl-eks_login token", then checks with the API server who
// the cluster takes the user for.
//
// It plans before it writes: both edits are computed as data (fileplan), the
// role profile is tried against EKS from a temporary copy of the planned
// config file, and only then are both files written. --dry-run prints the
// same plans as unified diffs, so it cannot show anything but what a real
// run would write; a failure before the write leaves both files as they were.
package login

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/token"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/eks-login/eks-login/pkg/awsconfig"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
	"github.com/eks-login/eks-login/pkg/tokencache"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	tokencmd "github.com/eks-login/eks-login/plugin/token"
)

// ExecCommand is the command kubeconfig users run for tokens. It is the
// plugin's name, found on PATH as kubectl finds the plugin itself, rather
// than this binary's path, which changes with every upgrade or install.
const ExecCommand = "kubectl-eks_login"

// Options are the command's flags and what it takes from its surroundings.
type Options struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string

	Cluster        string
	RoleARN        string
	Role           string
	SourceProfile  string
	Profile        string
	Region         string
	MFASerial      string
	Alias          string
	Namespace      string
	Kubeconfig     string
	ExecAPIVersion string
	DryRun         bool
	Yes            bool
	NoVerify       bool
	Verbose        bool

	// AWS answers the AWS calls; nil means the SDK.
	AWS AWS
	// ExecCommand is written into the kubeconfig user; "" means ExecCommand.
	ExecCommand string
	// LookPath finds a command on PATH; nil means exec.LookPath.
	LookPath func(string) (string, error)

	region string // resolved
}

// NewCmd builds the login command.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	o := &Options{IO: f.IOStreams, Getenv: f.Env}
	fs := pflag.NewFlagSet("login", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.StringVar(&o.Cluster, "cluster", "", "Name of the EKS cluster (required).")
	fs.StringVar(&o.RoleARN, "role-arn", "", "ARN of the IAM role that gives access to the cluster.")
	fs.StringVar(&o.Role, "role", "", "Name of that role in your own account, instead of --role-arn.")
	fs.StringVar(&o.SourceProfile, "source-profile", "", "AWS profile with your own credentials; $AWS_PROFILE, else default.")
	fs.StringVar(&o.Profile, "profile", "", "AWS profile to write for the role; SOURCE-eks by default.")
	fs.StringVar(&o.Region, "region", "", "AWS region of the cluster; the source profile's region, AWS_REGION or AWS_DEFAULT_REGION otherwise.")
	fs.StringVar(&o.MFASerial, "mfa-serial", "", "ARN of your MFA device, when the role requires MFA.")
	fs.StringVar(&o.Alias, "alias", "", "Name of the kubeconfig context; the cluster's name by default.")
	fs.StringVar(&o.Namespace, "namespace", "", "Namespace of the context (kept as it is when not given).")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", "", "Kubeconfig file to write; as kubectl chooses otherwise (KUBECONFIG, ~/.kube/config).")
	fs.StringVar(&o.ExecAPIVersion, "exec-api-version", "v1beta1", "client.authentication.k8s.io version of the exec entry: v1 or v1beta1.")
	fs.BoolVar(&o.DryRun, "dry-run", false, "Print the changes to both files as diffs and write nothing.")
	fs.BoolVar(&o.Yes, "yes", false, "Replace a profile or context of the same name that holds other values.")
	fs.BoolVar(&o.NoVerify, "no-verify", false, "Do not ask the API server who you are after writing.")
	fs.BoolVar(&o.Verbose, "verbose", false, "Log each step to stderr.")
	cmd := &cobra.Command{
		Use:   "login --cluster NAME (--role-arn ARN | --role NAME) [flags]",
		Short: "Set up kubectl access to an EKS cluster through an IAM role (the default command)",
		Long: `Set up kubectl access to an Amazon EKS cluster through an IAM role.

Login writes two things:
  - a profile in ~/.aws/config (or AWS_CONFIG_FILE) that assumes the role with
    your own credentials: role_arn, source_profile, region, output;
  - a kubeconfig cluster, user and context; the user runs
    "kubectl-eks_login token --cluster-name NAME --profile PROFILE --region R",
    and the context becomes the current one.

Before writing, it calls EKS DescribeCluster through the new profile, so a role
you may not assume, or a cluster that does not exist, changes nothing. After
writing, it asks the API server who you are (SelfSubjectReview).

Running it again with the same flags changes nothing. A profile of the same
name with other values (or with keys of its own in the credentials file), or a
context of the same name in any file of KUBECONFIG that points elsewhere, is
only replaced with --yes. Other profiles, comments, line ends and entries of
both files are kept as they are.

Entry names: the cluster is named by its ARN (as "aws eks update-kubeconfig"
does), the user PROFILE@CLUSTER-ARN, so two roles on one cluster do not
overwrite each other, and the context --alias or the cluster's name.`,
		Example: `  # Access cluster my-example through role EKSMyExampleViewer, with your profile dev1
  kubectl eks-login --cluster my-example --role EKSMyExampleViewer --source-profile dev1

  # The same with a full role ARN, a context name and a namespace
  kubectl eks-login --cluster my-example --role-arn arn:aws:iam::123456789012:role/EKSMyExampleViewer \
    --source-profile dev1 --alias example --namespace team-a

  # See what would change, change nothing
  kubectl eks-login --cluster my-example --role EKSMyExampleViewer --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return exitcode.Errorf(exitcode.Usage, "login takes no arguments, got %q; name the cluster with --cluster", strings.Join(args, " "))
			}
			ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
			defer cancel()
			return runLogin(ctx, o)
		},
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().AddFlagSet(fs)
	return cmd
}

func (o *Options) env(k string) string {
	if o.Getenv == nil {
		return os.Getenv(k)
	}
	return o.Getenv(k)
}

func (o *Options) logf(format string, args ...any) {
	if o.Verbose {
		fmt.Fprintf(o.IO.ErrOut, "eks-login: "+format+"\n", args...)
	}
}

func (o *Options) home() (string, error) {
	if h := o.env("HOME"); h != "" {
		return h, nil
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return "", exitcode.Errorf(exitcode.Input, "cannot find your home folder (%v); set HOME", err)
	}
	return h, nil
}

// validate checks the flags alone and fills the defaults that need no file.
func (o *Options) validate() error {
	usage := func(format string, args ...any) error { return exitcode.Errorf(exitcode.Usage, format, args...) }
	switch {
	case o.Cluster == "":
		return usage("--cluster is required: the name of the EKS cluster")
	case !ValidClusterName(o.Cluster):
		return usage("--cluster %q is not an EKS cluster name (letters, digits, - and _, starting with a letter or digit, at most 100)", o.Cluster)
	case o.RoleARN == "" && o.Role == "":
		return usage("name the IAM role with --role-arn ARN or --role NAME")
	case o.RoleARN != "" && o.Role != "":
		return usage("--role-arn and --role both name the role; pass one of them")
	}
	if o.RoleARN != "" {
		if _, err := parseRoleARN(o.RoleARN); err != nil {
			return exitcode.WithCode(exitcode.Usage, err)
		}
	} else if _, _, err := parseRoleName(o.Role); err != nil {
		return exitcode.WithCode(exitcode.Usage, err)
	}
	if o.SourceProfile == "" {
		o.SourceProfile = o.env("AWS_PROFILE")
	}
	if o.SourceProfile == "" {
		o.SourceProfile = "default"
	}
	if o.Profile == "" {
		o.Profile = o.SourceProfile + "-eks"
	}
	for _, p := range []struct{ flag, v string }{{"--source-profile", o.SourceProfile}, {"--profile", o.Profile}} {
		if err := awsconfig.ValidateProfileName(p.v); err != nil {
			return usage("%s: %v", p.flag, err)
		}
	}
	if o.Profile == o.SourceProfile {
		return usage("--profile %q is also the source profile; the role profile needs its own name (the default is %s-eks)", o.Profile, o.SourceProfile)
	}
	if o.Region != "" {
		if _, err := token.PartitionOf(o.Region); err != nil {
			return usage("--region: %v", err)
		}
	}
	if o.MFASerial != "" && strings.ContainsAny(o.MFASerial, " \t\r\n") {
		return usage("--mfa-serial %q contains a blank", o.MFASerial)
	}
	if o.Alias == "" {
		o.Alias = o.Cluster
	}
	if strings.ContainsAny(o.Alias, "\r\n\t") || strings.TrimSpace(o.Alias) != o.Alias {
		return usage("--alias %q must not contain line breaks or tabs, nor start or end with a blank", o.Alias)
	}
	if o.Namespace != "" && !validNamespace(o.Namespace) {
		return usage("--namespace %q is not a Kubernetes namespace name (lower case letters, digits and -, at most 63)", o.Namespace)
	}
	switch o.ExecAPIVersion {
	case "v1", "v1beta1":
		o.ExecAPIVersion = "client.authentication.k8s.io/" + o.ExecAPIVersion
	case "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1":
	case "":
		o.ExecAPIVersion = "client.authentication.k8s.io/v1beta1"
	default:
		return usage("--exec-api-version %q is not v1 or v1beta1", o.ExecAPIVersion)
	}
	if o.ExecCommand == "" {
		o.ExecCommand = ExecCommand
	}
	if o.AWS == nil {
		o.AWS = newSDKAWS(o.IO.In, o.IO.ErrOut)
	}
	return nil
}

// files are the paths login reads and writes.
type files struct {
	config, credentials, lockDir, home string
}

func runLogin(ctx context.Context, o *Options) error {
	if err := o.validate(); err != nil {
		return err
	}
	home, err := o.home()
	if err != nil {
		return err
	}
	fp := files{
		config:      awsconfig.ConfigPath(o.env, home),
		credentials: awsconfig.CredentialsPath(o.env, home),
		lockDir:     kubeconfig.LockDir(o.env, home),
		home:        home,
	}
	cfgFile, err := awsconfig.Load(fp.config, awsconfig.ConfigFile)
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	credFile, err := awsconfig.Load(fp.credentials, awsconfig.CredentialsFile)
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	// Every kubeconfig file is read before AWS is asked anything (or an MFA
	// code): one that cannot be used stops login before, not after, them.
	if _, err := kubeconfig.Locate(o.Kubeconfig, o.env("KUBECONFIG"), home, nil); err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}

	// The source profile: it holds the user's own credentials.
	srcConfig, inConfig := cfgFile.Profile(o.SourceProfile)
	_, inCreds := credFile.Profile(o.SourceProfile)
	if !inConfig && !inCreds {
		return exitcode.Errorf(exitcode.Credentials, "the source profile %q is in neither %s nor %s; create it with 'aws configure --profile %s', or name another one with --source-profile", o.SourceProfile, fp.config, fp.credentials, o.SourceProfile)
	}
	o.logf("source profile %s found in %s", o.SourceProfile, map[bool]string{true: fp.config, false: fp.credentials}[inConfig])

	region, from := o.Region, "--region"
	if region == "" && inConfig {
		region, from = srcConfig.Values["region"], fmt.Sprintf("profile %s in %s", o.SourceProfile, fp.config)
	}
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if region == "" {
			region, from = o.env(k), k
		}
	}
	if region == "" {
		return exitcode.Errorf(exitcode.Usage, "no AWS region: pass --region, or set region in profile %s of %s, or set AWS_REGION", o.SourceProfile, fp.config)
	}
	if _, err := token.PartitionOf(region); err != nil {
		return exitcode.Errorf(exitcode.Input, "the region from %s: %v", from, err)
	}
	o.logf("region %s (from %s)", region, from)
	o.region = region

	role, err := o.resolveRole(ctx, fp, region)
	if err != nil {
		return err
	}

	// Plan the profile, and refuse to replace other values without --yes
	// before anything else is asked of AWS.
	settings := []awsconfig.Setting{
		{Key: "role_arn", Value: role, Defining: true},
		{Key: "source_profile", Value: o.SourceProfile},
		{Key: "region", Value: region},
		{Key: "output", Value: "json", KeepExisting: true},
	}
	if o.MFASerial != "" {
		settings = append(settings, awsconfig.Setting{Key: "mfa_serial", Value: o.MFASerial})
	}
	iniPlan, err := cfgFile.PlanSetProfile(o.Profile, settings)
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	if err := o.refuseProfileConflicts(iniPlan, credFile, role); err != nil {
		fmt.Fprint(o.IO.ErrOut, iniPlan.Diff())
		return err
	}

	// Try the planned role profile before writing anything.
	cluster, err := o.describeCluster(ctx, fp, iniPlan, region, role)
	if err != nil {
		return err
	}

	loc, err := kubeconfig.Locate(o.Kubeconfig, o.env("KUBECONFIG"), home, func(f *kubeconfig.File) bool {
		_, ok := f.Cluster(cluster.ARN)
		return ok
	})
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	userName := kubeconfig.UserName(o.Profile, cluster.ARN)
	kLogin := kubeconfig.Login{
		ClusterName: cluster.ARN,
		Server:      cluster.Endpoint,
		CAData:      cluster.CAData,
		UserName:    userName,
		Exec: kubeconfig.Exec{
			APIVersion: o.ExecAPIVersion,
			Command:    o.ExecCommand,
			// The profile is an argument, never AWS_PROFILE in env: an env
			// entry would be overridden by, or leak into, the user's own
			// environment (aws-cli issue 7794).
			Args:            []string{"token", "--cluster-name", o.Cluster, "--profile", o.Profile, "--region", region},
			InteractiveMode: "IfAvailable",
		},
		Context:   o.Alias,
		Namespace: o.Namespace,
	}
	kPlan, err := loc.File.PlanLogin(kLogin)
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	if err := o.refuseContextConflicts(kPlan, loc, kLogin); err != nil {
		fmt.Fprint(o.IO.ErrOut, kPlan.Diff())
		return err
	}

	if o.DryRun {
		printPlan(o.IO.Out, &iniPlan.File)
		printPlan(o.IO.Out, &kPlan.File)
		fmt.Fprintln(o.IO.Out, "Dry run: nothing was written.")
		return nil
	}

	// Both files are checked before either is written, so a folder that
	// cannot be written does not leave the profile without its context.
	for _, p := range []*fileplan.File{&iniPlan.File, &kPlan.File} {
		if err := p.CheckWritable(); err != nil {
			return exitcode.Errorf(exitcode.Input, "%w; nothing was written", err)
		}
	}
	// Another login (for another cluster, say) may write either file between
	// our plan and our write: plan again from what is there now, with the
	// same checks, rather than fail.
	err = applyReplanning(&iniPlan.File, fp.lockDir, func() (*fileplan.File, error) {
		cf, err := awsconfig.Load(fp.config, awsconfig.ConfigFile)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, err)
		}
		np, err := cf.PlanSetProfile(o.Profile, settings)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, err)
		}
		if err := o.refuseProfileConflicts(np, credFile, role); err != nil {
			return nil, err
		}
		iniPlan = np
		return &np.File, nil
	})
	if err != nil {
		return err
	}
	err = applyReplanning(&kPlan.File, fp.lockDir, func() (*fileplan.File, error) {
		kf, err := kubeconfig.Load(kPlan.Path)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, err)
		}
		np, err := kf.PlanLogin(kLogin)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, err)
		}
		if err := o.refuseContextConflicts(np, loc, kLogin); err != nil {
			return nil, err
		}
		kPlan = np
		return &np.File, nil
	})
	if err != nil {
		if iniPlan.Changed() {
			return fmt.Errorf("%w (profile %s was written to %s; running the command again is safe)", err, o.Profile, fp.config)
		}
		return err
	}
	o.report(iniPlan, kPlan)
	if shadows, err := loc.Shadows(cluster.ARN, userName, o.Alias); err == nil {
		for _, s := range shadows {
			fmt.Fprintln(o.IO.ErrOut, "warning: "+s)
		}
	}
	if o.LookPath == nil {
		o.LookPath = exec.LookPath
	}
	if _, err := o.LookPath(o.ExecCommand); err != nil && !filepath.IsAbs(o.ExecCommand) {
		fmt.Fprintf(o.IO.ErrOut, "warning: %s is not on your PATH, so kubectl cannot run it for tokens; put the folder that holds it on PATH\n", o.ExecCommand)
	}
	if iniPlan.Changed() {
		o.pruneTokenCache()
	}
	o.primeTokenCache(ctx, region)
	if o.NoVerify {
		return nil
	}
	return o.verify(ctx, loc.File.Path, kPlan.New, role)
}

// refuseProfileConflicts refuses, without --yes, a plan that changes what an
// existing profile means: one that replaces values of the user's, or one
// that turns a profile with keys of its own in the credentials file into a
// role profile (the config file's role_arn wins over the credentials
// file's keys, for every tool).
func (o *Options) refuseProfileConflicts(plan *awsconfig.Plan, cred *awsconfig.File, role string) error {
	if o.Yes {
		return nil
	}
	var why []string
	if len(plan.Conflicts()) > 0 {
		why = append(why, plan.ConflictSummary())
	}
	if p, ok := cred.Profile(o.Profile); ok && plan.Added {
		why = append(why, fmt.Sprintf("profile %s already exists in the credentials file %s (line %d), and every tool using profile %s would assume role %s once the config file gives it a role_arn", o.Profile, cred.Path, p.Line, o.Profile, role))
	}
	if len(why) == 0 {
		return nil
	}
	return exitcode.Errorf(exitcode.Conflict, "%s; nothing was written. Run again with --yes to write the change shown above, or choose another profile name with --profile", strings.Join(why, "; "))
}

// refuseContextConflicts refuses, without --yes, a context that would
// replace one of the same name, in the file written or in any other file
// of the KUBECONFIG list.
func (o *Options) refuseContextConflicts(plan *kubeconfig.Plan, loc *kubeconfig.Location, l kubeconfig.Login) error {
	if o.Yes {
		return nil
	}
	others, err := loc.Conflicts(l.Context, l.ClusterName, l.UserName)
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	why := append(append([]string{}, plan.Conflicts...), others...)
	if len(why) == 0 {
		return nil
	}
	return exitcode.Errorf(exitcode.Conflict, "%s; nothing was written. Run again with --yes to write the change shown above, or choose another context name with --alias", strings.Join(why, "; "))
}

// pruneTokenCache removes the cache entries that the edit of the config
// file made unreachable: each was keyed on the file as it was, and keeps
// live role credentials that no call would use again.
func (o *Options) pruneTokenCache() {
	dir, err := tokencache.DefaultDir(o.env)
	if err != nil {
		return
	}
	if n, err := (&tokencache.Cache{Dir: dir}).Prune(); err != nil {
		o.logf("cannot prune the token cache: %v", err)
	} else if n > 0 {
		o.logf("removed %d cached token(s) that no call can use since the config file changed", n)
	}
}

// primeTokenCache hands the role credentials that DescribeCluster got to
// the token command's cache, under the key its exec entry will compute now
// that the files are written. With an MFA profile the code is then asked
// once: neither the check below nor the first kubectl call asks again. A
// failure only costs that second prompt, so it is logged, not returned.
func (o *Options) primeTokenCache(ctx context.Context, region string) {
	rs, ok := o.AWS.(interface {
		RoleSession(profile string) (aws.Credentials, tokencmd.Assumed, bool)
	})
	if !ok {
		return
	}
	creds, who, ok := rs.RoleSession(o.Profile)
	if !ok {
		return
	}
	to := &tokencmd.Options{IO: o.IO, Getenv: o.env, ClusterName: o.Cluster, Profile: o.Profile, Region: region}
	if err := tokencmd.Prime(ctx, to, creds, who); err != nil {
		o.logf("cannot cache the role's credentials for the token command (%v); its first run will assume the role again", err)
		return
	}
	o.logf("cached the role's credentials for the token command (session %s)", who.CallerARN)
}

// resolveRole returns the role ARN: --role-arn as given, or --role in the
// account of the source profile's identity.
func (o *Options) resolveRole(ctx context.Context, fp files, region string) (string, error) {
	if o.RoleARN != "" {
		return o.RoleARN, nil
	}
	path, name, _ := parseRoleName(o.Role) // checked by validate
	src := ProfileRef{Name: o.SourceProfile, Region: region, ConfigFile: fp.config, CredentialsFile: fp.credentials}
	o.logf("GetCallerIdentity as profile %s, for the account of role %s", o.SourceProfile, o.Role)
	id, err := o.AWS.CallerIdentity(ctx, src)
	if err != nil {
		return "", o.explainAWS(err, "find your AWS account (STS GetCallerIdentity) with profile "+o.SourceProfile, "", o.SourceProfile)
	}
	partition := "aws"
	if parts := strings.SplitN(id.ARN, ":", 3); len(parts) == 3 {
		partition = parts[1]
	}
	r := roleARN{Partition: partition, Account: id.Account, Path: path, Name: name}
	if _, err := parseRoleARN(r.String()); err != nil {
		return "", fmt.Errorf("STS answered an identity (%s, account %q) that gives no valid role ARN: %w", id.ARN, id.Account, err)
	}
	o.logf("you are %s; role %s", id.ARN, r)
	return r.String(), nil
}

// describeCluster calls DescribeCluster as the planned role profile, read
// from a private temporary copy of the planned config file.
func (o *Options) describeCluster(ctx context.Context, fp files, plan *awsconfig.Plan, region, role string) (Cluster, error) {
	planned, err := writePlannedConfig(plan.New, fp.config)
	if err != nil {
		return Cluster{}, err
	}
	defer planned.Remove()
	ref := ProfileRef{Name: o.Profile, Region: region, ConfigFile: planned.Path, CredentialsFile: fp.credentials}
	o.logf("DescribeCluster %s in %s as profile %s (role %s), before writing", o.Cluster, region, o.Profile, role)
	c, err := o.AWS.DescribeCluster(ctx, ref, o.Cluster)
	if err != nil {
		return Cluster{}, o.explainAWS(err, fmt.Sprintf("describe cluster %s in %s as role %s", o.Cluster, region, role), role, o.Profile)
	}
	if err := checkCluster(c, o.Cluster, region); err != nil {
		return Cluster{}, exitcode.WithCode(exitcode.Failure, fmt.Errorf("%w; nothing was written", err))
	}
	o.logf("cluster %s: %s, Kubernetes %s, %s", c.ARN, c.Status, c.Version, c.Endpoint)
	return c, nil
}

// explainAWS turns a failed AWS call into a sentence naming who asked, for
// what, and who can fix it. Nothing has been written when it is called.
func (o *Options) explainAWS(err error, what, role, profile string) error {
	var ae *awserr.Error
	if !errors.As(err, &ae) {
		return exitcode.Errorf(exitcode.Failure, "cannot %s: %v; nothing was written", what, err)
	}
	caller := ae.Caller
	if caller == "" {
		caller = "your identity (profile " + o.SourceProfile + ")"
	}
	switch ae.Kind {
	case awserr.AssumeRoleDenied:
		return exitcode.Errorf(exitcode.AccessDenied, "%s may not assume role %s (STS AssumeRole: AccessDenied); nothing was written. Ask an AWS administrator to add you to the IAM group that may assume the role (kubectl eks-login admin iam), and check that the role trusts your account", caller, role)
	case awserr.AccessDenied:
		if role != "" {
			return exitcode.Errorf(exitcode.AccessDenied, "role %s may not call eks:DescribeCluster on cluster %s (%s); nothing was written. Ask an AWS administrator to allow eks:DescribeCluster for the role (kubectl eks-login admin iam)", role, o.Cluster, ae.Message)
		}
		return exitcode.Errorf(exitcode.AccessDenied, "cannot %s: AWS denied it (%s); nothing was written", what, ae.Message)
	case awserr.NotFound:
		return exitcode.Errorf(exitcode.Usage, "there is no EKS cluster %s in region %s (%s); check --cluster and --region; nothing was written", o.Cluster, o.region, ae.Message)
	case awserr.BadConfig:
		return exitcode.Errorf(exitcode.Input, "cannot %s: %v; fix the file, then run login again; nothing was written", what, ae)
	case awserr.MFA:
		return exitcode.Errorf(exitcode.Credentials, "cannot %s: %v; nothing was written", what, ae)
	case awserr.ExpiredCredentials, awserr.InvalidCredentials, awserr.NoCredentials, awserr.SignIn:
		return exitcode.Errorf(exitcode.Credentials, "cannot %s: the credentials of profile %s do not work (%v); check them with 'aws sts get-caller-identity --profile %s'; nothing was written", what, o.SourceProfile, ae, o.SourceProfile)
	case awserr.Network:
		return exitcode.Errorf(exitcode.Network, "cannot %s: AWS could not be reached (%v); check your network, proxy and the region; nothing was written", what, ae.Err)
	}
	return exitcode.Errorf(exitcode.Failure, "cannot %s: %v; nothing was written", what, ae)
}

func printPlan(w io.Writer, p *fileplan.File) {
	if d := p.Diff(); d != "" {
		fmt.Fprint(w, d)
	} else {
		fmt.Fprintf(w, "%s: no change\n", p.Path)
	}
}

// applyReplanning applies p; when the file changed meanwhile it asks replan
// for a plan made from the file's new content and tries again, a few times.
func applyReplanning(p *fileplan.File, lockDir string, replan func() (*fileplan.File, error)) error {
	for attempt := 0; ; attempt++ {
		err := apply(p, lockDir)
		if err == nil || attempt == 9 || !errors.Is(err, fileplan.ErrChangedMeanwhile) {
			return err
		}
		if p, err = replan(); err != nil {
			return err
		}
	}
}

// apply writes a plan, sorting its failures: a file changed meanwhile can be
// retried, an unwritable folder is the user's to fix.
func apply(p *fileplan.File, lockDir string) error {
	err := p.Apply(lockDir)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fileplan.ErrChangedMeanwhile):
		return exitcode.WithCode(exitcode.Conflict, err)
	}
	return exitcode.WithCode(exitcode.Input, err)
}

func (o *Options) report(iniPlan *awsconfig.Plan, kPlan *kubeconfig.Plan) {
	switch {
	case iniPlan.Added:
		fmt.Fprintf(o.IO.Out, "Added profile %s to %s.\n", o.Profile, iniPlan.Path)
	case iniPlan.Changed():
		fmt.Fprintf(o.IO.Out, "Updated profile %s in %s.\n", o.Profile, iniPlan.Path)
	default:
		fmt.Fprintf(o.IO.Out, "Profile %s in %s is up to date.\n", o.Profile, iniPlan.Path)
	}
	if kPlan.Changed() {
		fmt.Fprintf(o.IO.Out, "Wrote context %q to %s: %s.\n", o.Alias, kPlan.Path, strings.Join(kPlan.Changes, "; "))
	} else {
		fmt.Fprintf(o.IO.Out, "Context %q in %s is up to date.\n", o.Alias, kPlan.Path)
	}
}

// verify asks the API server who the new context is, running its exec entry
// as kubectl would (client-go's exec authenticator).
func (o *Options) verify(ctx context.Context, path string, data []byte, role string) error {
	cfg, err := kube.LoadBytes(path, data, o.Alias)
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	client, err := kube.New(cfg.REST)
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	o.logf("SelfSubjectReview at %s through context %s", client.Server(), o.Alias)
	u, err := client.WhoAmI(ctx)
	if err == nil {
		groups := "none"
		if len(u.Groups) > 0 {
			groups = strings.Join(u.Groups, ", ")
		}
		fmt.Fprintf(o.IO.Out, "Logged in to %s as %s (groups: %s)\n", o.Cluster, u.Username, groups)
		return nil
	}
	written := fmt.Sprintf("The profile and the context are written; once this is fixed, run 'kubectl --context %s auth whoami' to check.", o.Alias)
	var ee *kube.ExecError
	var te *kube.TransportError
	switch {
	case apierrors.IsUnauthorized(err):
		r, _ := parseRoleARN(role)
		return exitcode.Errorf(exitcode.Unauthorized,
			"cluster %s does not know role %s (the API server answered 401 Unauthorized): the role is not mapped to a Kubernetes user, neither in the aws-auth ConfigMap nor by an EKS access entry. A cluster administrator can map it with:\n  kubectl eks-login admin map --role-arn %s --username %s --group GROUP\n%s",
			o.Cluster, role, role, r.Name, written)
	case apierrors.IsForbidden(err):
		return exitcode.Errorf(exitcode.Forbidden,
			"cluster %s knows role %s but RBAC forbids it to create selfsubjectreviews (authentication.k8s.io), which the system:basic-user ClusterRole allows every authenticated user; the server said: %v. Ask a cluster administrator to restore that binding. %s",
			o.Cluster, role, err, written)
	case errors.As(err, &ee):
		code := exitcode.Credentials
		if ee.ExitCode >= exitcode.Input && ee.ExitCode <= exitcode.Conflict {
			code = ee.ExitCode // the token command's own kind of failure
		}
		return exitcode.Errorf(code, "cannot check the login: %v. %s", err, written)
	case errors.As(err, &te):
		return exitcode.Errorf(exitcode.Network, "cannot check the login: %v. %s", err, written)
	}
	return exitcode.Errorf(exitcode.Failure, "cannot check the login: %v. %s", err, written)
}
