// Package login is "kubectl eks-login" (the default command): it parses
// login's flags, runs the login use case (pkg/usecases/login) stage by
// stage, and prints what each stage did.
package login

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"github.com/eks-login/eks-login/pkg/awsprofile"
	"github.com/eks-login/eks-login/pkg/env"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/prompt"
	"github.com/eks-login/eks-login/pkg/usecases/login"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// Options are the command's flags and what it takes from its surroundings.
type Options struct {
	IO  *iostreams.IOStreams
	Env env.Env

	login.Input
	DryRun   bool
	NoVerify bool
	// Verify is "sample" (the first context of each profile) or "all": the
	// contexts a discovery checks.
	Verify  string
	Verbose bool

	// AWS answers the AWS calls; NewCmd sets the SDK, asking MFA codes on
	// the terminal or stdin.
	AWS login.AWS
	// ExecCommand is written into the kubeconfig user; "" means
	// login.ExecCommand.
	ExecCommand string
	// LookPath finds a command on PATH (exec.LookPath).
	LookPath func(string) (string, error)
	// Finder finds clusters for --all and --sso-session; NewCmd sets the SDK.
	Finder login.Finder
}

// NewCmd builds the login command; runF, when set, runs instead of the
// command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, Env: f.Environment(), LookPath: exec.LookPath}
	// A person runs login: the code may come from the terminal, or be
	// piped to stdin.
	sdk := awsprofile.New((&prompt.MFA{In: o.IO.In, Out: o.IO.ErrOut, TTY: o.IO.IsStdinTTY(), Allowed: true}).Code)
	o.AWS, o.Finder = sdk, sdk
	cmd := &cobra.Command{
		Use:     "login (--cluster NAME | --all) (--role-arn ARN | --role NAME) [flags], or login --sso-session NAME [flags]",
		Short:   "Set up kubectl access to an EKS cluster through an IAM role (the default command)",
		Long:    longHelp,
		Example: examples,
		Args:    cmdutil.NoArgs("name the cluster with --cluster"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(o)
			}
			ctx, cancel := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer cancel()
			if o.All || o.SSOSession != "" {
				return runDiscovery(ctx, o)
			}
			return runLogin(ctx, o)
		},
	}
	addFlags(cmd, o)
	cmdutil.OneRequiredFlag(cmd, "--cluster is required: the name of the EKS cluster (or find them all with --all or --sso-session NAME)", "cluster", "all", "sso-session")
	cmdutil.ExclusiveFlags(cmd, "--cluster, --all and --sso-session each say which clusters to log in to; pass one of them", "cluster", "all", "sso-session")
	cmdutil.OneRequiredFlag(cmd, "name the IAM role with --role-arn ARN or --role NAME", "role-arn", "role", "sso-session")
	cmdutil.ExclusiveFlags(cmd, "--role-arn and --role both name the role; pass one of them", "role-arn", "role")
	return cmd
}

func addFlags(cmd *cobra.Command, o *Options) {
	fs := cmd.Flags()
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
	addDiscoveryFlags(cmd, o)
}

func addDiscoveryFlags(cmd *cobra.Command, o *Options) {
	fs := cmd.Flags()
	fs.BoolVar(&o.All, "all", false, "Find every cluster the role can see and write a context for each.")
	fs.StringVar(&o.SSOSession, "sso-session", "", "Write a profile for every account and role of this sso-session of ~/.aws/config, and a context for each of their clusters.")
	fs.StringSliceVar(&o.Regions, "regions", nil, "Regions to search, comma-separated; every region enabled for the account otherwise.")
	fs.StringSliceVar(&o.Accounts, "account", nil, "With --sso-session: accounts (ID or name, glob patterns) to include; all otherwise.")
	fs.StringSliceVar(&o.RoleNames, "role-name", nil, "With --sso-session: role names (glob patterns) to include; all otherwise.")
	fs.StringVar(&o.ContextTemplate, "context-template", "", "Template of the context names: {{.Cluster}} when unique, else {{.Account}}/{{.Region}}/{{.Cluster}} (and /{{.Role}} when one cluster is reached through two roles).")
	fs.StringVar(&o.ProfileTemplate, "profile-template", "", "With --sso-session: template of the profile names; {{.Account}}-{{.Role}} by default.")
	fs.BoolVar(&o.Prune, "prune", false, "Remove the contexts (and SSO profiles) an earlier discovery of the same kind wrote whose cluster or role is gone.")
	fs.StringVar(&o.Verify, "verify", "sample", "Contexts a discovery checks after writing: sample (one per profile) or all.")
}

// runLogin runs the use case's stages and prints what each did.
func runLogin(ctx context.Context, o *Options) error {
	uc := useCase(o)
	plan, err := uc.Plan(ctx, o.Input)
	if err != nil {
		var refused *login.RefusedError
		if errors.As(err, &refused) {
			fmt.Fprint(o.IO.ErrOut, refused.Diff)
		}
		return err
	}
	if o.DryRun {
		printDryRun(o.IO, plan)
		return nil
	}
	written, err := uc.Write(ctx, plan)
	if err != nil {
		return err
	}
	report(o.IO, written)
	if o.NoVerify {
		return nil
	}
	u, err := uc.Verify(ctx, written)
	if err != nil {
		return err
	}
	groups := "none"
	if len(u.Groups) > 0 {
		groups = strings.Join(u.Groups, ", ")
	}
	fmt.Fprintf(o.IO.Out, "Logged in to %s as %s (groups: %s)\n", written.Input.Cluster, u.Username, groups)
	return nil
}

// printDryRun prints both files' plans as diffs.
func printDryRun(s *iostreams.IOStreams, plan *login.Plan) {
	for _, f := range plan.Files() {
		cmdutil.PrintPlan(s.Out, f)
	}
	fmt.Fprintln(s.Out, "Dry run: nothing was written.")
}

// useCase is the login use case with the command's surroundings.
func useCase(o *Options) *login.Login {
	return &login.Login{Env: o.Env, Log: cmdutil.Verbose(o.IO.ErrOut, o.Verbose), AWS: o.AWS, Finder: o.Finder, ExecCommand: o.ExecCommand, LookPath: o.LookPath}
}

// report says what Write did, and what may still keep kubectl from it.
func report(io *iostreams.IOStreams, w *login.Written) {
	profile, alias := w.Input.Profile, w.Input.Alias
	switch {
	case w.Profile.Added:
		fmt.Fprintf(io.Out, "Added profile %s to %s.\n", profile, w.Profile.Path)
	case w.Profile.Changed():
		fmt.Fprintf(io.Out, "Updated profile %s in %s.\n", profile, w.Profile.Path)
	default:
		fmt.Fprintf(io.Out, "Profile %s in %s is up to date.\n", profile, w.Profile.Path)
	}
	if w.Context.Changed() {
		fmt.Fprintf(io.Out, "Wrote context %q to %s: %s.\n", alias, w.Context.Path, strings.Join(w.Context.Changes, "; "))
	} else {
		fmt.Fprintf(io.Out, "Context %q in %s is up to date.\n", alias, w.Context.Path)
	}
	for _, s := range w.Warnings {
		fmt.Fprintln(io.ErrOut, "warning: "+s)
	}
}

const longHelp = `Set up kubectl access to Amazon EKS clusters through IAM roles.

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
overwrite each other, and the context --alias or the cluster's name.

Many clusters: --all writes one role profile and a context for every cluster
the role can see (eks:ListClusters, eks:DescribeCluster) in --regions, or in
every region enabled for the account (account:ListRegions, else the
partition's regions). --sso-session NAME writes an SSO profile (sso_session,
sso_account_id, sso_role_name, region) for every account and role of that
IAM Identity Center sign-in (aws sso login --sso-session NAME first), and a
context for each of their clusters. Regions and clusters the role is denied
are reported and skipped: the exit code is 0 when a context was written, 5
when everything was denied. Names come from --context-template and
--profile-template; names that collide are refused, never overwritten. The
current context stays as it is. --prune removes what an earlier run of the
same discovery wrote (marked in the kubeconfig and in the profile) whose
cluster or role is gone, and nothing else.`

const examples = `  # Access cluster my-example through role EKSMyExampleViewer, with your profile dev1
  kubectl eks-login --cluster my-example --role EKSMyExampleViewer --source-profile dev1

  # The same with a full role ARN, a context name and a namespace
  kubectl eks-login --cluster my-example --role-arn arn:aws:iam::123456789012:role/EKSMyExampleViewer \
    --source-profile dev1 --alias example --namespace team-a

  # See what would change, change nothing
  kubectl eks-login --cluster my-example --role EKSMyExampleViewer --dry-run

  # Every cluster role EKSMyExampleViewer can see in two regions, one context each
  kubectl eks-login --all --role EKSMyExampleViewer --source-profile dev1 --regions us-west-2,eu-west-1

  # Every account and role of your IAM Identity Center sign-in, and their clusters
  aws sso login --sso-session corp
  kubectl eks-login --sso-session corp --account 'Dev*' --role-name 'EKS*' \
    --context-template '{{.AccountName}}-{{.Cluster}}' --verify all

  # Again later: also remove the contexts of clusters deleted since
  kubectl eks-login --all --role EKSMyExampleViewer --source-profile dev1 --prune`
