// Package admin implements "kubectl eks-login admin": the cluster
// administrator's side of giving people access to an EKS cluster through IAM
// roles. Its subcommands create the IAM role, group and policies (iam), map
// the role to a Kubernetes user and groups in aws-auth or in EKS access
// entries (map, unmap, list), bind those groups to RBAC roles (bind), and do
// all of it at once (grant) or undo it (revoke).
//
// Every subcommand computes a Plan by reading only, then prints it under
// --dry-run (with a diff per object) or applies it: one code path, so a dry
// run shows exactly what a real run does.
package admin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/plugin/cmdutil"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/plugin/admin/migrate"
)

// Common holds the flags and clients every admin subcommand shares.
type Common struct {
	IO *iostreams.IOStreams

	Kubeconfig string
	Context    string
	Profile    string
	Region     string
	DryRun     bool

	getenv func(string) string
	// Injected for tests; built from the flags when nil.
	Kube *kube.Client
	IAM  IAMAPI
	EKS  EKSAPI
	STS  STSAPI

	awsCfg *aws.Config
	kcfg   *kube.Config
	kcErr  error
}

func (c *Common) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.Kubeconfig, "kubeconfig", "", "Path to the kubeconfig file to use (as kubectl's --kubeconfig).")
	fs.StringVar(&c.Context, "context", "", "The kubeconfig context to use (as kubectl's --context).")
	fs.StringVar(&c.Profile, "profile", "", "The AWS profile to use for IAM and EKS calls.")
	fs.StringVar(&c.Region, "region", "", "The AWS region of the cluster.")
	fs.BoolVar(&c.DryRun, "dry-run", false, "Print the plan, with a diff for every object, and change nothing.")
}

// NewCmd builds "admin" with its subcommands.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "Give people access to the cluster: IAM role and group, aws-auth or access entries, RBAC",
		Long: `Give people access to an EKS cluster through an IAM role, as the cluster's
administrator. "grant" does the whole setup at once: the IAM role, group and
policies, the role's mapping to a Kubernetes user and group, and the RBAC
binding of that group. The other commands do one part each.

Every command takes --dry-run, which prints what would change with a diff
for every object, and changes nothing.`,
		Example: `  # Everything the developers need to view the cluster my-example:
  kubectl eks-login admin grant --cluster my-example --iam-group Developers \
    --role EKSMyExampleViewer --k8s-group developers --clusterrole view --user dev1

  # Only the mapping of the role, in aws-auth:
  kubectl eks-login admin map --role-arn arn:aws:iam::123456789012:role/EKSMyExampleViewer \
    --username developer --group developers --mode configmap`,
		Args: cmdutil.UnknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newMapCmd(f), newUnmapCmd(f), newListCmd(f), newBindCmd(f), newIAMCmd(f), newGrantCmd(f), newRevokeCmd(f), migrate.NewCmd(f, nil))
	return cmd
}

func newCommon(f *cmdutil.Factory) *Common {
	return &Common{IO: f.IOStreams, getenv: f.Env}
}

// signalContext is the context of one command run: cancelled on Ctrl-C so a
// retry loop or an AWS call stops at once.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

func (c *Common) env(k string) string {
	if c.getenv == nil {
		return os.Getenv(k)
	}
	return c.getenv(k)
}

// kubeConfig loads the kubeconfig context of --kubeconfig and --context
// the way kubectl does.
func (c *Common) kubeConfig() (*kube.Config, error) {
	if c.kcfg == nil && c.kcErr == nil {
		c.kcfg, c.kcErr = kube.Load(kube.Source{Kubeconfig: c.Kubeconfig, Context: c.Context, Getenv: c.env})
	}
	if c.kcErr != nil {
		return nil, exitcode.WithCode(exitcode.Input, c.kcErr)
	}
	return c.kcfg, nil
}

// kube returns the API server client of the chosen context.
func (c *Common) kube() (*kube.Client, error) {
	if c.Kube != nil {
		return c.Kube, nil
	}
	cfg, err := c.kubeConfig()
	if err != nil {
		return nil, err
	}
	client, err := kube.New(cfg.REST)
	if err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	c.Kube = client
	return client, nil
}

// clusterFromKubeconfig guesses the EKS cluster's name and region from the
// context: the exec entry's --cluster-name (aws eks get-token, eks-login
// token) or --cluster-id (aws-iam-authenticator), or a cluster entry named
// by its ARN as update-kubeconfig and login write it.
func (c *Common) clusterFromKubeconfig() (name, region string) {
	cfg, err := c.kubeConfig()
	if err != nil {
		return "", ""
	}
	name, region = parseClusterARN(cfg.ClusterName())
	for _, flag := range []string{"--cluster-name", "--cluster", "--cluster-id", "-i"} {
		if v := cfg.ExecArg(flag); v != "" {
			name = v
			break
		}
	}
	if region == "" {
		region = cfg.ExecArg("--region")
	}
	return name, region
}

// parseClusterARN splits arn:aws:eks:REGION:ACCOUNT:cluster/NAME.
func parseClusterARN(s string) (name, region string) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && parts[2] == "eks" && strings.HasPrefix(parts[5], "cluster/") {
		return strings.TrimPrefix(parts[5], "cluster/"), parts[3]
	}
	return "", ""
}

// aws loads the AWS configuration of --profile and --region, as every
// command does (awsclient).
func (c *Common) aws(ctx context.Context, regionHint string) (aws.Config, error) {
	if c.awsCfg != nil {
		return *c.awsCfg, nil
	}
	cfgFile, credFile := awsclient.Files(c.env)
	cfg, err := awsclient.Load(ctx, awsclient.Request{Profile: c.Profile, Region: c.Region, ConfigFile: cfgFile, CredentialsFile: credFile})
	if err != nil {
		return aws.Config{}, awserr.Explain(err, fmt.Sprintf("cannot load the AWS configuration (profile %q)", c.Profile))
	}
	if cfg.Region == "" {
		cfg.Region = regionHint
	}
	c.awsCfg = &cfg
	return cfg, nil
}

func (c *Common) iamClient(ctx context.Context) (IAMAPI, error) {
	if c.IAM != nil {
		return c.IAM, nil
	}
	cfg, err := c.aws(ctx, "")
	if err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1" // IAM is global; the SDK still wants a region to sign with
	}
	c.IAM = iam.NewFromConfig(cfg)
	return c.IAM, nil
}

func (c *Common) eksClient(ctx context.Context, regionHint string) (EKSAPI, error) {
	if c.EKS != nil {
		return c.EKS, nil
	}
	cfg, err := c.aws(ctx, regionHint)
	if err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		return nil, exitcode.Errorf(exitcode.Usage, "no AWS region: pass --region or set one in the profile")
	}
	c.EKS = eks.NewFromConfig(cfg)
	return c.EKS, nil
}

func (c *Common) stsClient(ctx context.Context) (STSAPI, error) {
	if c.STS != nil {
		return c.STS, nil
	}
	cfg, err := c.aws(ctx, "")
	if err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	c.STS = sts.NewFromConfig(cfg)
	return c.STS, nil
}

// kubeErr turns an API server error into one with the right exit code and a
// hint about what to do.
func kubeErr(err error, doing string) error {
	if err == nil {
		return nil
	}
	var te *kube.TransportError
	var ee *kube.ExecError
	switch {
	case apierrors.IsUnauthorized(err):
		return exitcode.Errorf(exitcode.Unauthorized, "%s: the cluster does not know the kubeconfig's user; use a context with cluster-admin access (--context): %w", doing, err)
	case apierrors.IsForbidden(err):
		return exitcode.Errorf(exitcode.Forbidden, "%s: RBAC forbids it; the admin commands need a context with cluster-admin access (--context): %w", doing, err)
	case apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err):
		return exitcode.Errorf(exitcode.Conflict, "%s: someone else changed it meanwhile; run the command again to plan from what is there now: %w", doing, err)
	case errors.As(err, &te):
		return exitcode.Errorf(exitcode.Network, "%s: %w", doing, err)
	case errors.As(err, &ee):
		return exitcode.Errorf(exitcode.Credentials, "%s: %w", doing, err)
	}
	if exitcode.Of(err) != exitcode.Failure {
		return err
	}
	return fmt.Errorf("%s: %w", doing, err)
}

// inputErr gives aws-auth problems their exit codes.
func inputErr(err error) error {
	var pe *awsauth.ParseError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe):
		return exitcode.WithCode(exitcode.Input, err)
	case errors.Is(err, awsauth.ErrProtected):
		return exitcode.WithCode(exitcode.Conflict, err)
	}
	return err
}

// stringsFlag is a repeatable flag that also takes comma-separated values.
func stringsFlag(fs *pflag.FlagSet, p *[]string, name, usage string) {
	fs.StringSliceVar(p, name, nil, usage)
}
