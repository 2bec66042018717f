// Package token is "kubectl eks-login token", the exec credential provider
// kubectl runs before its requests. It reads what kubectl tells it
// (KUBERNETES_EXEC_INFO), gets the token from the gettoken use case (the
// cache, or a mint through the AWS SDK) and prints it as an ExecCredential.
package token

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/eks-login/eks-login/pkg/env"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/usecases/gettoken"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// Options are the command's flags and what it takes from its surroundings.
type Options struct {
	IO  *iostreams.IOStreams
	Env env.Env
	// Executable is this binary, named in the command we ask people to run
	// by hand when an MFA code cannot be asked for.
	Executable string

	gettoken.Input
	Verbose bool
}

// NewCmd builds the token command; runF, when set, runs instead of the
// command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, Env: f.Environment(), Executable: f.Executable}
	cmd := &cobra.Command{
		Use:     "token --cluster-name NAME [flags]",
		Short:   "Print an ExecCredential with an EKS token (what kubectl runs)",
		Long:    longHelp,
		Example: examples,
		Args:    cmdutil.NoArgs("pass the cluster with --cluster-name"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(o)
			}
			return runToken(cmd.Context(), o)
		},
	}
	fs := cmd.Flags()
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
	cmdutil.RequireFlag(cmd, "cluster-name", "--cluster-name is required: the name of the EKS cluster the token is for; see 'kubectl eks-login token --help'")
	cmdutil.ExclusiveFlags(cmd, "--session-name and --forward-session-name both name the session; pass one of them", "session-name", "forward-session-name")
	cmdutil.ExclusiveFlags(cmd, "--no-cache and --force-refresh cannot go together: --no-cache already skips the cache", "no-cache", "force-refresh")
	return cmd
}

// runToken prints the ExecCredential for o.
func runToken(ctx context.Context, o *Options) error {
	info, err := token.ParseExecInfo(o.Env.Getenv("KUBERNETES_EXEC_INFO"))
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	got, err := o.useCase(info).Do(ctx, o.Input)
	if err != nil {
		return err
	}
	out, err := token.EncodeExecCredential(info.APIVersion, got.Token)
	if err != nil {
		return err
	}
	if _, err := o.IO.Out.Write(out); err != nil {
		return fmt.Errorf("cannot write the ExecCredential to stdout: %w", err)
	}
	return nil
}

// useCase is the token use case for this call.
func (o *Options) useCase(info token.ExecInfo) *gettoken.GetToken {
	return &gettoken.GetToken{
		Env:         o.Env,
		Log:         cmdutil.Verbose(o.IO.ErrOut, o.Verbose),
		IO:          o.IO,
		Interactive: mayPrompt(o.IO, info),
		Executable:  o.Executable,
	}
}

// mayPrompt says whether a person can be asked for an MFA code. kubectl
// says so in KUBERNETES_EXEC_INFO: when it has a terminal to give, it hands
// it on as our stdin. Without it (run by hand, an old kubectl), the streams
// decide.
func mayPrompt(io *iostreams.IOStreams, info token.ExecInfo) bool {
	if info.InteractiveKnown {
		return info.Interactive
	}
	return io.CanPrompt()
}

const longHelp = `Print an ExecCredential with a token for an Amazon EKS cluster.

kubectl runs this command from the exec section of a kubeconfig user before
its requests. The token is a presigned STS GetCallerIdentity request, signed
with the credentials of the AWS profile (after assuming --role-arn, if given),
and is valid for 14 minutes.

Tokens and the temporary credentials behind them are cached under
--cache-dir, so most calls read one small file and make no network call.
A profile that needs an MFA code prompts on the terminal; when kubectl gives
no terminal, run the command once by hand and kubectl then uses the cache.`

const examples = `  # The token for cluster my-example, as the role profile dev1-eks
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
        interactiveMode: IfAvailable`
