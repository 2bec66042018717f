// Package adminflags holds what the admin commands share: the flags every one
// takes (--kubeconfig, --context, --profile, --region, --dry-run), the use
// cases built from them, the flags of the specs several commands plan, and
// the running of a plan. The commands are in the packages beside it.
package adminflags

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/plan"
	"github.com/eks-login/eks-login/pkg/prompt"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// Common is what every admin command's Options hold.
type Common struct {
	IO *iostreams.IOStreams

	Kubeconfig string
	Context    string
	Profile    string
	Region     string
	DryRun     bool

	// Admin builds the use cases from the flags; tests replace it with one
	// over a fake.
	Admin func() *admin.Admin
	// AdminAt builds them for another kubeconfig context (the audit's
	// clusters, each through its own).
	AdminAt func(context string) *admin.Admin
	// Getenv reads the environment (KUBECONFIG, HOME).
	Getenv func(string) string
	// MFA answers a role profile's MFA prompt; nil (the default) refuses
	// such profiles. A command that loads one AWS configuration sets it
	// (PromptMFA); those that reach several clusters at once do not, so
	// that no two prompts race for the terminal.
	MFA func(serial string) (string, error)
}

// New is the Common of one command, reading the flags when it builds the
// use cases.
func New(f *cmdutil.Factory) *Common {
	c := &Common{IO: f.IOStreams, Getenv: f.Env}
	c.AdminAt = func(context string) *admin.Admin {
		return admin.New(admin.Source{Kubeconfig: c.Kubeconfig, Context: context, Profile: c.Profile, Region: c.Region, Getenv: f.Env, MFA: c.MFA}, c.IO.ErrOut)
	}
	c.Admin = func() *admin.Admin { return c.AdminAt(c.Context) }
	return c
}

// PromptMFA lets the command ask for a role profile's MFA code at the
// terminal; refusal says what to do where there is none.
func (c *Common) PromptMFA(refusal string) {
	c.MFA = (&prompt.MFA{In: c.IO.In, Out: c.IO.ErrOut, Allowed: c.IO.CanPrompt(), Refusal: refusal}).Code
}

// AddFlags adds the flags every admin command takes, after its own.
func (c *Common) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.Kubeconfig, "kubeconfig", "", "Path to the kubeconfig file to use (as kubectl's --kubeconfig).")
	fs.StringVar(&c.Context, "context", "", "The kubeconfig context to use (as kubectl's --context).")
	fs.StringVar(&c.Profile, "profile", "", "The AWS profile to use for IAM and EKS calls.")
	fs.StringVar(&c.Region, "region", "", "The AWS region of the cluster.")
	fs.BoolVar(&c.DryRun, "dry-run", false, "Print the plan, with a diff for every object, and change nothing.")
}

// Run prints the plan under --dry-run, or applies it.
func (c *Common) Run(ctx context.Context, p *plan.Plan) error {
	return p.Run(ctx, c.IO.Out, c.DryRun)
}

// Setup finishes an admin command: its own flags as addFlags adds them,
// then the common ones, in that order in help; no positional arguments;
// and RunE calling runF when a test gives one (flags parsed, nothing run),
// else run under a context that Ctrl-C cancels, so a retry loop or an AWS
// call stops at once.
func Setup[O any](cmd *cobra.Command, c *Common, opts O, addFlags func(*pflag.FlagSet), runF func(O) error, run func(context.Context, O) error) *cobra.Command {
	fs := cmd.Flags()
	fs.SortFlags = false
	addFlags(fs)
	c.AddFlags(fs)
	cmd.Args = cmdutil.NoArgs("every value is given with its flag")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if runF != nil {
			return runF(opts)
		}
		ctx, cancel := signal.NotifyContext(cmd.Context(), os.Interrupt)
		defer cancel()
		return run(ctx, opts)
	}
	return cmd
}

// MarkRequired marks flags cobra checks before running (exit 2), each
// with a sentence made of its own usage text.
func MarkRequired(cmd *cobra.Command, names ...string) {
	for _, n := range names {
		fl := cmd.Flags().Lookup(n)
		if fl == nil {
			panic("no flag --" + n) // a programming error
		}
		cmdutil.RequireFlag(cmd, n, fmt.Sprintf("--%s is required: %s", n, strings.TrimSuffix(lowerFirst(fl.Usage), ".")))
	}
}

func lowerFirst(s string) string {
	if s == "" || strings.HasPrefix(s, "IAM") || strings.HasPrefix(s, "EKS") {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// AddIAMFlags adds the flags of the IAM spec (iam, grant, revoke).
func AddIAMFlags(fs *pflag.FlagSet, s *admin.IAMSpec) {
	fs.StringVar(&s.Cluster, "cluster", "", "The EKS cluster's name.")
	fs.StringVar(&s.Role, "role", "", "The IAM role people take to reach the cluster.")
	fs.StringVar(&s.Group, "iam-group", "", "The IAM group whose members may take the role.")
	fs.StringSliceVar(&s.Users, "user", nil, "An IAM user to put in the group (repeatable).")
	fs.BoolVar(&s.CreateUsers, "create-users", false, "Create the --user users that do not exist.")
	fs.StringVar(&s.AccessKeyFile, "access-key-file", "", "Create an access key for each --user and write it to this credentials file as section [USER] (mode 0600); keys are never printed.")
	fs.BoolVar(&s.MFA, "mfa", false, "Let the role be taken only with MFA (aws:MultiFactorAuthPresent).")
}

// AddGrantFlags adds the flags of grant and revoke, which take the same.
func AddGrantFlags(fs *pflag.FlagSet, s *admin.GrantSpec) {
	AddIAMFlags(fs, &s.IAMSpec)
	fs.StringVar(&s.K8sGroup, "k8s-group", "", "The Kubernetes group the role maps to.")
	fs.StringVar(&s.ClusterRole, "clusterrole", "", "The ClusterRole the group is bound to, e.g. view.")
	fs.StringVarP(&s.Namespace, "namespace", "n", "", "Bind in this namespace only instead of cluster-wide.")
	fs.StringVar(&s.Username, "username", "", "The Kubernetes user name of the role (default K8S-GROUP:{{SessionName}}, which keeps each person's session name).")
	fs.StringVar(&s.Mode, "mode", admin.ModeAuto, "Where the mapping lives: configmap, api or auto (see 'admin map --help').")
	fs.BoolVar(&s.Force, "force", false, "Replace a binding of the same name that binds something else.")
}

// GrantRequired are the flags grant and revoke cannot do without.
var GrantRequired = []string{"cluster", "role", "iam-group", "k8s-group", "clusterrole"}

// AddTargetFlags adds the flags naming what map and unmap work on, and
// makes cobra require exactly one of --role-arn and --user-arn.
func AddTargetFlags(cmd *cobra.Command, s *admin.MapSpec) {
	fs := cmd.Flags()
	fs.StringVar(&s.RoleARN, "role-arn", "", "The IAM role to map.")
	fs.StringVar(&s.UserARN, "user-arn", "", "The IAM user to map.")
	fs.StringVar(&s.Mode, "mode", admin.ModeAuto, "Where the mapping lives: configmap (kube-system/aws-auth), api (EKS access entries), or auto (access entries when the cluster's authentication mode allows them).")
	fs.StringVar(&s.Cluster, "cluster", "", "The EKS cluster's name, for access entries (default: from the kubeconfig context).")
	fs.BoolVar(&s.Force, "force", false, "Allow changing node-role and system:masters mappings.")
	cmdutil.OneRequiredFlag(cmd, "name the IAM principal with --role-arn ARN or --user-arn ARN", "role-arn", "user-arn")
	cmdutil.ExclusiveFlags(cmd, "--role-arn and --user-arn both name the principal; pass one of them", "role-arn", "user-arn")
}

// PrintLoginHint tells the people the IAM plan gave access how to log in.
func PrintLoginHint(w io.Writer, s admin.IAMSpec, roleARN string) {
	if len(s.Users) == 0 {
		fmt.Fprintf(w, "\nEach member of %s runs:\n  kubectl eks-login --cluster %s --role-arn %s --source-profile THEIR_PROFILE\n", s.Group, s.Cluster, roleARN)
		return
	}
	fmt.Fprintf(w, "\nEach user runs, with their keys in the AWS profile of their name:\n")
	for _, u := range s.Users {
		fmt.Fprintf(w, "  kubectl eks-login --cluster %s --role-arn %s --source-profile %s\n", s.Cluster, roleARN, u)
	}
}
