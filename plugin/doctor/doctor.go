// Package doctor is "kubectl eks-login doctor": it parses doctor's flags,
// runs the doctor use case (pkg/usecases/doctor), which walks every link from
// the AWS credentials to RBAC, and prints the findings as text or JSON. It
// exits with the code of the first broken link.
package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/eks-login/eks-login/pkg/awsprofile"
	"github.com/eks-login/eks-login/pkg/env"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/prompt"
	"github.com/eks-login/eks-login/pkg/usecases/doctor"
	"github.com/eks-login/eks-login/plugin/cmdutil"
)

// Options are the command's flags and what it takes from its surroundings.
type Options struct {
	IO  *iostreams.IOStreams
	Env env.Env

	doctor.Input
	Output string

	// Doctor is the use case without its input; NewCmd gives it the SDK
	// (asking MFA codes as login does) and exec.LookPath.
	Doctor *doctor.Doctor
}

// NewCmd builds the doctor command; runF, when set, runs instead of the
// command (tests of the flags).
func NewCmd(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, Env: f.Environment()}
	o.Doctor = &doctor.Doctor{
		Env: o.Env, IO: o.IO, LookPath: exec.LookPath,
		AWS: awsprofile.New((&prompt.MFA{In: o.IO.In, Out: o.IO.ErrOut, TTY: o.IO.IsStdinTTY(), Allowed: true}).Code),
	}
	cmd := &cobra.Command{
		Use:     "doctor [--context NAME] [--cluster NAME] [--profile PROFILE] [--region REGION] [-o json] [flags]",
		Short:   "Check every link from AWS credentials to RBAC and name the first broken one",
		Long:    longHelp,
		Example: examples,
		Args:    cmdutil.NoArgs("name the context with --context"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(o)
			}
			ctx, cancel := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer cancel()
			return runDoctor(ctx, o)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&o.Context, "context", "", "Kubeconfig context to check; the current context otherwise.")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", "", "Kubeconfig file; as kubectl chooses otherwise (KUBECONFIG, ~/.kube/config).")
	fs.StringVar(&o.Cluster, "cluster", "", "EKS cluster name; read from the context's exec entry otherwise.")
	fs.StringVar(&o.Profile, "profile", "", "AWS profile the token is signed with; read from the context's exec entry otherwise.")
	fs.StringVar(&o.Region, "region", "", "AWS region of the cluster; read from the exec entry or the profile otherwise.")
	fs.StringVarP(&o.Output, "output", "o", "", "Output format: json for a JSON array of findings; text otherwise.")
	cmdutil.CompleteValues(cmd, "output", "json", "text")
	return cmd
}

func runDoctor(ctx context.Context, o *Options) error {
	switch o.Output {
	case "", "text", "json":
	default:
		return exitcode.Errorf(exitcode.Usage, "--output %q is not json or text", o.Output)
	}
	report := o.Doctor.Diagnose(ctx, o.Input)
	if err := o.print(report); err != nil {
		return err
	}
	return report.Err()
}

func (o *Options) print(r *doctor.Report) error {
	out := o.IO.Out
	if o.Output == "json" {
		b, err := json.MarshalIndent(r.Findings, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "%s\n", b)
		return err
	}
	fancy := o.IO.ColorEnabled()
	if r.Header != "" {
		iostreams.Linef(out, "%s", r.Header)
	}
	for _, f := range r.Findings {
		iostreams.Linef(out, "%s %-14s %s", mark(f.Status, fancy), f.Link, f.Detail)
		for _, row := range f.Table {
			ans := "no"
			if row.Allowed {
				ans = "yes"
			}
			iostreams.Linef(out, "       %-40s %s", row.What, ans)
		}
		if f.Fix != "" {
			iostreams.Linef(out, "       fix: %s", f.Fix)
		}
	}
	return nil
}

// mark is a finding's status: a symbol on a terminal that takes colour and
// symbols, a word of four letters otherwise (scripts, logs, NO_COLOR).
func mark(s doctor.Status, fancy bool) string {
	symbols := map[doctor.Status][2]string{
		doctor.StatusOK:   {"✓", "ok  "},
		doctor.StatusFail: {"✗", "FAIL"},
		doctor.StatusWarn: {"!", "warn"},
		doctor.StatusSkip: {"-", "skip"},
	}
	m, ok := symbols[s]
	if !ok {
		m = symbols[doctor.StatusSkip]
	}
	if fancy {
		return m[0]
	}
	return m[1]
}

const longHelp = `Check every link from your AWS credentials to Kubernetes RBAC for a kubeconfig
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
8 forbidden, 3 a file). Nothing is written, and no secret or token is printed.`

const examples = `  # Check the current context
  kubectl eks-login doctor

  # Check context my-example, as profile dev1-eks in ap-northeast-2
  kubectl eks-login doctor --context my-example --cluster my-example --profile dev1-eks --region ap-northeast-2

  # The findings as JSON, for a script or a support ticket
  kubectl eks-login doctor -o json`
