// Package doctor is "kubectl eks-login doctor": it walks every link from the
// AWS credentials to RBAC for a kubeconfig context (profile, role,
// DescribeCluster, the kubeconfig entry, the token, the API server, who the
// cluster takes us for, what RBAC allows) and names the first broken one
// with the command that fixes it.
//
// It reuses the other commands' code for each link: login's profile loading
// and error sorting for AWS, the token command itself (in-process) for the
// token, pkg/kube for the API server. It never prints a secret or the token.
package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
	"k8s.io/client-go/rest"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/plugin/cmdutil"
	ptoken "github.com/eks-login/eks-login/plugin/token"
)

// Options are the command's flags and what it takes from its surroundings.
type Options struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string

	Context    string
	Kubeconfig string
	Cluster    string
	Profile    string
	Region     string
	Output     string

	// AWS answers the AWS calls; nil means the SDK through login's loading.
	AWS AWS
	// NewKube builds the API server client; nil means pkg/kube.
	NewKube func(*rest.Config) (Kube, error)
	// Token runs the token command; nil means the token command's own
	// code (plugin/token.Run), in-process.
	Token func(context.Context, *ptoken.Options) error
	// LookPath finds a command on PATH; nil means exec.LookPath.
	LookPath func(string) (string, error)
	// IsTerminal says whether Out is a terminal (marks ✓ ✗ !); nil checks IO.Out.
	IsTerminal func() bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// NewCmd builds the doctor command.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	o := &Options{IO: f.IOStreams, Getenv: f.Env}
	fs := pflag.NewFlagSet("doctor", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.StringVar(&o.Context, "context", "", "Kubeconfig context to check; the current context otherwise.")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", "", "Kubeconfig file; as kubectl chooses otherwise (KUBECONFIG, ~/.kube/config).")
	fs.StringVar(&o.Cluster, "cluster", "", "EKS cluster name; read from the context's exec entry otherwise.")
	fs.StringVar(&o.Profile, "profile", "", "AWS profile the token is signed with; read from the context's exec entry otherwise.")
	fs.StringVar(&o.Region, "region", "", "AWS region of the cluster; read from the exec entry or the profile otherwise.")
	fs.StringVarP(&o.Output, "output", "o", "", "Output format: json for a JSON array of findings; text otherwise.")
	cmd := &cobra.Command{
		Use:   "doctor [--context NAME] [--cluster NAME] [--profile PROFILE] [--region REGION] [-o json] [flags]",
		Short: "Check every link from AWS credentials to RBAC and name the first broken one",
		Long: `Check every link from your AWS credentials to Kubernetes RBAC for a kubeconfig
context, and name the first broken one with the command that fixes it.

The links, in order:
  1. credentials     the profile exists and its source credentials work (STS GetCallerIdentity)
  2. role            the profile's role can be assumed; if not, IAM is read to say why
  3. cluster         DescribeCluster works through the role, the cluster is ACTIVE
  4. kubeconfig      server and CA match the cluster, the exec command is on PATH,
                     its arguments name the same cluster, profile and region
  5. token           a token is minted by the token command and has the right shape
  6. apiserver       the API server answers and its certificate verifies with the CA
  7. authentication  the cluster knows who you are (SelfSubjectReview)
  8. authorization   what RBAC allows you (SelfSubjectAccessReviews)

The cluster, profile and region are read from the context's exec entry
("kubectl-eks_login token ..." or "aws eks get-token ..."); the flags override
them. The exit code is 0 when every link holds, otherwise the code of the first
broken link (4 credentials, 5 AWS access denied, 6 network, 7 unauthorized,
8 forbidden, 3 a file). Nothing is written, and no secret or token is printed.`,
		Example: `  # Check the current context
  kubectl eks-login doctor

  # Check context my-example, as profile dev1-eks in ap-northeast-2
  kubectl eks-login doctor --context my-example --cluster my-example --profile dev1-eks --region ap-northeast-2

  # The findings as JSON, for a script or a support ticket
  kubectl eks-login doctor -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return exitcode.Errorf(exitcode.Usage, "doctor takes no arguments, got %q; name the context with --context", strings.Join(args, " "))
			}
			ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
			defer cancel()
			return runDoctor(ctx, o)
		},
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().AddFlagSet(fs)
	return cmd
}

// Status is a link's state.
type Status string

const (
	StatusOK   Status = "ok"
	StatusFail Status = "fail"
	StatusWarn Status = "warn"
	StatusSkip Status = "skip" // not checked: an earlier link it needs is broken
)

// Finding is one link's result.
type Finding struct {
	Link   string `json:"link"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix"`

	code  int         // exit code when Status is fail
	table []accessRow // the authorization table, for text output
}

type accessRow struct {
	What    string
	Allowed bool
}

// runDoctor walks the links, prints the findings and returns the exit code
// of the first broken link as an error.
func runDoctor(ctx context.Context, o *Options) error {
	switch o.Output {
	case "", "text", "json":
	default:
		return exitcode.Errorf(exitcode.Usage, "--output %q is not json or text", o.Output)
	}
	w := &walk{o: o}
	findings := w.run(ctx)
	if err := o.print(findings, w.header()); err != nil {
		return err
	}
	for _, f := range findings {
		if f.Status == StatusFail {
			return exitcode.Errorf(f.code, "doctor: link %q is broken: %s", f.Link, firstSentence(f.Detail))
		}
	}
	return nil
}

func (o *Options) print(findings []Finding, header string) error {
	if o.Output == "json" {
		b, err := json.MarshalIndent(findings, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(o.IO.Out, "%s\n", b)
		return err
	}
	fancy := o.isTerminal()
	out := o.IO.Out
	if header != "" {
		fmt.Fprintln(out, header)
	}
	for _, f := range findings {
		fmt.Fprintf(out, "%s %-14s %s\n", mark(f.Status, fancy), f.Link, f.Detail)
		for _, r := range f.table {
			ans := "no"
			if r.Allowed {
				ans = "yes"
			}
			fmt.Fprintf(out, "       %-40s %s\n", r.What, ans)
		}
		if f.Fix != "" {
			fmt.Fprintf(out, "       fix: %s\n", f.Fix)
		}
	}
	return nil
}

func mark(s Status, fancy bool) string {
	if fancy {
		switch s {
		case StatusOK:
			return "✓"
		case StatusFail:
			return "✗"
		case StatusWarn:
			return "!"
		}
		return "-"
	}
	switch s {
	case StatusOK:
		return "ok  "
	case StatusFail:
		return "FAIL"
	case StatusWarn:
		return "warn"
	}
	return "skip"
}

func (o *Options) isTerminal() bool {
	if o.IsTerminal != nil {
		return o.IsTerminal()
	}
	f, ok := o.IO.Out.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

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

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i]
	}
	return strings.TrimSuffix(s, ".")
}
