// Package token is "kubectl eks-login token", the exec credential provider
// kubectl runs before its requests. It prints an ExecCredential holding an
// EKS token, served from the token cache when it can be (reading one small
// file, no AWS config, no network) and minted through the AWS SDK otherwise.
package token

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fsutil"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/tokencache"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// Options are the command's flags and what it takes from its surroundings.
type Options struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string
	// Environ lists the environment's variables ("NAME=VALUE"), for the
	// cache key's AWS_* variables; nil means the process's. Values are
	// read through Getenv.
	Environ func() []string
	// Executable is this binary, named in the command we ask people to run
	// by hand when an MFA code cannot be asked for.
	Executable string

	ClusterName        string
	Profile            string
	Region             string
	RoleARN            string
	SessionName        string
	ForwardSessionName bool
	ExternalID         string
	STSEndpoint        string
	CacheDir           string
	NoCache            bool
	ForceRefresh       bool
	Verbose            bool

	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// PromptMFA asks for the code of the MFA device serial; nil means the
	// terminal prompt. It is called only when IsInteractive allows.
	PromptMFA func(serial string) (string, error)
	// IsTerminal says whether stdin is a terminal, which decides whether we
	// may prompt when kubectl did not tell us; nil means checking IO.In.
	IsTerminal func() bool

	// loadOptions are added to the SDK's config loading; tests point the SDK
	// at a local endpoint and turn off instance metadata with them.
	loadOptions []func(*config.LoadOptions) error
	// loadConfig replaces awsclient.Load in tests that check it is not called.
	loadConfig func(context.Context, awsclient.Request) (aws.Config, error)
}

// NewCmd builds the token command.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	o := &Options{IO: f.IOStreams, Getenv: f.Env, Executable: f.Executable}
	fs := pflag.NewFlagSet("token", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.StringVar(&o.ClusterName, "cluster-name", "", "Name of the EKS cluster the token is for (required).")
	fs.StringVar(&o.Profile, "profile", "", "AWS profile whose credentials sign the token; AWS_PROFILE otherwise.")
	fs.StringVar(&o.Region, "region", "", "AWS region of the cluster; AWS_REGION, AWS_DEFAULT_REGION or the profile's region otherwise.")
	fs.StringVar(&o.RoleARN, "role-arn", "", "IAM role to assume on top of the profile's credentials.")
	fs.StringVar(&o.SessionName, "session-name", "", "Role session name, seen by the cluster and in CloudTrail; derived from your identity otherwise.")
	fs.BoolVar(&o.ForwardSessionName, "forward-session-name", false, "Use your own IAM user or session name as the role session name.")
	fs.StringVar(&o.ExternalID, "external-id", "", "External ID to pass when assuming --role-arn.")
	fs.StringVar(&o.STSEndpoint, "sts-endpoint", "regional", "STS host the token names: regional or global (aws partition only).")
	fs.StringVar(&o.CacheDir, "cache-dir", "", "Token cache folder; $KUBECACHEDIR/eks-login or ~/.kube/cache/eks-login otherwise.")
	fs.BoolVar(&o.NoCache, "no-cache", false, "Neither read nor write the token cache.")
	fs.BoolVar(&o.ForceRefresh, "force-refresh", false, "Get new credentials and a new token, replacing the cached ones.")
	fs.BoolVar(&o.Verbose, "verbose", false, "Log each step to stderr (never a secret or a token).")
	cmd := &cobra.Command{
		Use:   "token --cluster-name NAME [flags]",
		Short: "Print an ExecCredential with an EKS token (what kubectl runs)",
		Long: `Print an ExecCredential with a token for an Amazon EKS cluster.

kubectl runs this command from the exec section of a kubeconfig user before
its requests. The token is a presigned STS GetCallerIdentity request, signed
with the credentials of the AWS profile (after assuming --role-arn, if given),
and is valid for 14 minutes.

Tokens and the temporary credentials behind them are cached under
--cache-dir, so most calls read one small file and make no network call.
A profile that needs an MFA code prompts on the terminal; when kubectl gives
no terminal, run the command once by hand and kubectl then uses the cache.`,
		Example: `  # The token for cluster my-example, as the role profile dev1-eks
  kubectl eks-login token --cluster-name my-example --profile dev1-eks --region ap-northeast-2

  # The same, assuming one more role on top of profile dev1
  kubectl eks-login token --cluster-name my-example --profile dev1 \
    --role-arn arn:aws:iam::123456789012:role/EKSMyExampleViewer

  # Show what happens (cache, identity, AssumeRole) without the cache
  kubectl eks-login token --cluster-name my-example --profile dev1-eks --no-cache --verbose

  # The kubeconfig user that runs it
  users:
  - name: dev1@my-example
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1
        command: kubectl-eks_login
        args: [token, --cluster-name, my-example, --profile, dev1-eks, --region, ap-northeast-2]
        interactiveMode: IfAvailable`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return exitcode.Errorf(exitcode.Usage, "token takes no arguments, got %q; pass the cluster with --cluster-name", strings.Join(args, " "))
			}
			return runToken(context.Background(), o)
		},
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().AddFlagSet(fs)
	return cmd
}

// runToken prints the ExecCredential for o.
func runToken(ctx context.Context, o *Options) error {
	info, err := token.ParseExecInfo(o.env("KUBERNETES_EXEC_INFO"))
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	if err := o.validate(); err != nil {
		return err
	}
	endpoint, _ := token.ParseEndpoint(o.STSEndpoint) // checked by validate
	cfgFile, credFile := o.sharedFiles()

	mode := tokencache.Use
	switch {
	case o.NoCache:
		mode = tokencache.Bypass
	case o.ForceRefresh:
		mode = tokencache.Refresh
	}
	cache, key, err := o.cacheEntry(mode, endpoint, cfgFile, credFile)
	if err != nil {
		return err
	}
	m := &minter{o: o, info: info, endpoint: endpoint, configFile: cfgFile, credentialsFile: credFile}
	m.asking = noteAsking(cache)
	cache.GiveUp = func(h fsutil.Holder) bool { return h.Doing == tokencache.PromptingMFA && !m.interactive() }
	e, outcome, err := cache.Get(ctx, key, mode, m)
	if err != nil {
		var coded *exitcode.Error
		if busy := (*fsutil.BusyError)(nil); errors.As(err, &busy) {
			err = o.busy(busy)
		} else if !errors.As(err, &coded) {
			// Not from the minter, which codes all its errors: the cache folder.
			err = exitcode.WithCode(exitcode.Input, err)
		}
		return err
	}
	out, err := token.EncodeExecCredential(info.APIVersion, token.Token{Value: e.Token, Expiration: e.Expiration})
	if err != nil {
		return err
	}
	as := ""
	if e.CallerARN != "" {
		as = " as " + e.CallerARN
	}
	o.logf("token for cluster %s%s (%s), valid until %s", o.ClusterName, as, outcome, e.Expiration.UTC().Format(time.RFC3339))
	if _, err := o.IO.Out.Write(out); err != nil {
		return fmt.Errorf("cannot write the ExecCredential to stdout: %w", err)
	}
	return nil
}

// cacheEntry is the cache and the key of o's entry: everything that can
// change which token o gets is in the key, down to the stat of the AWS
// files, so that a warm call reads no ini.
func (o *Options) cacheEntry(mode tokencache.Mode, endpoint token.Endpoint, cfgFile, credFile string) (*tokencache.Cache, string, error) {
	dir := o.CacheDir
	if dir == "" && mode != tokencache.Bypass {
		var err error
		if dir, err = tokencache.DefaultDir(o.env); err != nil {
			return nil, "", exitcode.WithCode(exitcode.Input, err)
		}
	}
	files, err := stampFiles(cfgFile, credFile)
	if err != nil {
		return nil, "", err
	}
	environ := o.Environ
	if environ == nil {
		environ = os.Environ
	}
	key := tokencache.Key(tokencache.KeyInput{
		ClusterName:        o.ClusterName,
		Region:             o.Region,
		Profile:            o.Profile,
		RoleARN:            o.RoleARN,
		SessionName:        o.SessionName,
		ForwardSessionName: o.ForwardSessionName,
		ExternalID:         o.ExternalID,
		STSEndpoint:        string(endpoint),
		Env:                tokencache.EnvForKey(o.env, environ()),
		Files:              files,
	})
	return &tokencache.Cache{Dir: dir, Now: o.now, Logf: o.logf, Files: files}, key, nil
}

// stampFiles stamps the AWS files for the key. A path that is not a regular
// file (a named pipe, /dev/zero, a folder) is refused here, before the SDK
// would hang reading it.
func stampFiles(paths ...string) ([]tokencache.FileStamp, error) {
	var out []tokencache.FileStamp
	for _, p := range paths {
		s, err := tokencache.StampFile(p)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, fmt.Errorf("the AWS shared config: %w", err))
		}
		out = append(out, s)
	}
	return out, nil
}

var (
	sessionNameShape = lazyRegexp(`^[\w+=,.@-]{2,64}$`)
	roleARNShape     = lazyRegexp(`^arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+$`)
)

// validate checks the flags and the region from flag or environment; the
// profile's region is checked once it is read, on the cold path.
func (o *Options) validate() error {
	if o.ClusterName == "" {
		return exitcode.Errorf(exitcode.Usage, "--cluster-name is required; see 'kubectl eks-login token --help'")
	}
	if o.SessionName != "" && o.ForwardSessionName {
		return exitcode.Errorf(exitcode.Usage, "--session-name and --forward-session-name both name the session; pass one of them")
	}
	if o.SessionName != "" && !sessionNameShape().MatchString(o.SessionName) {
		return exitcode.Errorf(exitcode.Usage, "--session-name %q is not a valid role session name: use 2 to 64 letters, digits or any of _+=,.@-", o.SessionName)
	}
	if o.ExternalID != "" && o.RoleARN == "" {
		return exitcode.Errorf(exitcode.Usage, "--external-id goes with --role-arn; for a profile's role, set external_id in the profile")
	}
	if o.RoleARN != "" && !roleARNShape().MatchString(o.RoleARN) {
		return exitcode.Errorf(exitcode.Usage, "--role-arn %q is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)", o.RoleARN)
	}
	if o.NoCache && o.ForceRefresh {
		return exitcode.Errorf(exitcode.Usage, "--no-cache and --force-refresh cannot go together: --no-cache already skips the cache")
	}
	ep, err := token.ParseEndpoint(o.STSEndpoint)
	if err != nil {
		return exitcode.WithCode(exitcode.Usage, fmt.Errorf("--sts-endpoint: %w", err))
	}
	if region, from := o.explicitRegion(); region != "" {
		if _, _, err := token.STSHost(region, ep); err != nil {
			return exitcode.Errorf(exitcode.Usage, "the region from %s: %w", from, err)
		}
	}
	return nil
}

// explicitRegion is the region given on the command line or in the
// environment, and where it came from; empty means the profile decides.
func (o *Options) explicitRegion() (region, from string) {
	if o.Region != "" {
		return o.Region, "--region"
	}
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if v := o.env(k); v != "" {
			return v, k
		}
	}
	return "", ""
}

// profile is the profile the SDK will load, and what chose it.
func (o *Options) profile() (name, from string) {
	if o.Profile != "" {
		return o.Profile, "--profile"
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		if v := o.env(k); v != "" {
			return v, k
		}
	}
	return "", ""
}

// sharedFiles are the AWS config and credentials files, resolved from this
// command's environment. They are passed to the SDK explicitly, so the files
// it reads are the ones the cache key was stamped from.
func (o *Options) sharedFiles() (cfgFile, credFile string) { return awsclient.Files(o.env) }

func (o *Options) env(k string) string {
	if o.Getenv == nil {
		return os.Getenv(k)
	}
	return o.Getenv(k)
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// logf writes a --verbose line to stderr. Callers never pass secrets.
func (o *Options) logf(format string, args ...any) {
	if o.Verbose && o.IO.ErrOut != nil {
		fmt.Fprintf(o.IO.ErrOut, "eks-login: "+format+"\n", args...)
	}
}

// Run runs the token command for o in-process, exactly as kubectl's call
// would; doctor uses it to check the token path.
func Run(ctx context.Context, o *Options) error { return runToken(ctx, o) }
