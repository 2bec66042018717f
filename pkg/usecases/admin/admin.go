// Package admin holds the cluster administrator's use cases: the IAM role,
// group and policies that let people reach a cluster (iam), the role's
// mapping to a Kubernetes user and groups in aws-auth or in EKS access
// entries (map, unmap, list), the RBAC binding of those groups (bind), all
// of it at once (grant), and its undoing (revoke).
//
// Every use case computes a plan.Plan by reading only; the commands print
// it under --dry-run or apply it, one code path, so a dry run shows exactly
// what a real run does. The use cases know no flags: they take specs and
// an Admin, which carries the AWS and Kubernetes clients they call.
package admin

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kube"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
)

// Source says where the clients come from: the kubeconfig context and the
// AWS profile, as the commands' flags name them.
type Source struct {
	Kubeconfig, Context string
	Profile, Region     string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// AWSOptions are added to the SDK's loading last; tests point its HTTP
	// client at a fake.
	AWSOptions []func(*config.LoadOptions) error
	// MFA answers the MFA prompt of a role profile with mfa_serial; nil
	// means such a profile fails for want of a code.
	MFA func(serial string) (string, error)
}

// Admin runs the use cases. Its clients are built from Source on first
// use, so bind never loads the AWS configuration and map --mode configmap
// asks AWS nothing; tests set them to clients of a fake instead.
type Admin struct {
	Source Source
	Kube   *kube.Client
	IAM    IAMAPI
	EKS    EKSAPI
	STS    STSAPI
	// KubeContexts, when set (tests), is the API server client of each
	// kubeconfig context that apply, diff and export reach a cluster by.
	KubeContexts map[string]*kube.Client
	// Notes receives remarks beside the plan, such as the reason aws-auth
	// is edited rather than access entries; nil discards them.
	Notes io.Writer

	awsCfg   *aws.Config
	kcfg     *kube.Config
	kcErr    error
	clusters map[string]*clusterInfo
}

// New is an Admin whose clients come from src.
func New(src Source, notes io.Writer) *Admin { return &Admin{Source: src, Notes: notes} }

func (a *Admin) env(k string) string {
	if a.Source.Getenv == nil {
		return os.Getenv(k)
	}
	return a.Source.Getenv(k)
}

// notesMu keeps notes whole when clusters are worked on in parallel.
var notesMu sync.Mutex

func (a *Admin) note(format string, args ...any) {
	if a.Notes != nil {
		notesMu.Lock()
		defer notesMu.Unlock()
		fmt.Fprintf(a.Notes, "note: "+format+"\n", args...)
	}
}

// lockDir is where eks-login's locks of user files live.
func (a *Admin) lockDir() string {
	home := a.env("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return kubeconfig.LockDir(a.env, home)
}

// kubeConfig loads the kubeconfig context of Source the way kubectl does.
func (a *Admin) kubeConfig() (*kube.Config, error) {
	if a.kcfg == nil && a.kcErr == nil {
		a.kcfg, a.kcErr = kube.Load(kube.Source{Kubeconfig: a.Source.Kubeconfig, Context: a.Source.Context, Getenv: a.env})
	}
	if a.kcErr != nil {
		return nil, exitcode.WithCode(exitcode.Input, a.kcErr)
	}
	return a.kcfg, nil
}

// kube returns the API server client of the chosen context.
func (a *Admin) kube() (*kube.Client, error) {
	if a.Kube != nil {
		return a.Kube, nil
	}
	cfg, err := a.kubeConfig()
	if err != nil {
		return nil, err
	}
	client, err := kube.New(cfg.REST)
	if err != nil {
		return nil, exitcode.WithCode(exitcode.Input, err)
	}
	a.Kube = client
	return client, nil
}

// aws loads the AWS configuration of the profile and region, as every
// command does (awsclient).
func (a *Admin) aws(ctx context.Context) (aws.Config, error) {
	if a.awsCfg != nil {
		return *a.awsCfg, nil
	}
	cfgFile, credFile := awsclient.Files(a.env)
	cfg, err := awsclient.Load(ctx, awsclient.Request{Profile: a.Source.Profile, Region: a.Source.Region,
		ConfigFile: cfgFile, CredentialsFile: credFile, MFA: a.Source.MFA, Options: a.Source.AWSOptions})
	if err != nil {
		return aws.Config{}, awserr.Explain(err, fmt.Sprintf("cannot load the AWS configuration (profile %q)", a.Source.Profile))
	}
	a.awsCfg = &cfg
	return cfg, nil
}

// globalConfig is the configuration for IAM and STS, which need a region
// to sign with even where the service is global.
func (a *Admin) globalConfig(ctx context.Context) (aws.Config, error) {
	cfg, err := a.aws(ctx)
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return cfg, err
}

// KubeClient is the API server client of the chosen context, for use cases
// beside these (the audit's SubjectAccessReviews).
func (a *Admin) KubeClient() (*kube.Client, error) { return a.kube() }

// IAMClient is the IAM client of the chosen profile.
func (a *Admin) IAMClient(ctx context.Context) (IAMAPI, error) { return a.iamClient(ctx) }

func (a *Admin) iamClient(ctx context.Context) (IAMAPI, error) {
	if a.IAM == nil {
		cfg, err := a.globalConfig(ctx)
		if err != nil {
			return nil, err
		}
		a.IAM = iam.NewFromConfig(cfg)
	}
	return a.IAM, nil
}

func (a *Admin) stsClient(ctx context.Context) (STSAPI, error) {
	if a.STS == nil {
		cfg, err := a.globalConfig(ctx)
		if err != nil {
			return nil, err
		}
		a.STS = sts.NewFromConfig(cfg)
	}
	return a.STS, nil
}

func (a *Admin) eksClient(ctx context.Context, regionHint string) (EKSAPI, error) {
	if a.EKS == nil {
		cfg, err := a.regionalConfig(ctx, regionHint)
		if err != nil {
			return nil, err
		}
		a.EKS = eks.NewFromConfig(cfg)
	}
	return a.EKS, nil
}

// regionalConfig is the configuration for the cluster's region: --region or
// the profile's, else regionHint (the kubeconfig's, or the cluster ARN's).
func (a *Admin) regionalConfig(ctx context.Context, regionHint string) (aws.Config, error) {
	cfg, err := a.aws(ctx)
	if err != nil {
		return aws.Config{}, err
	}
	if cfg.Region == "" {
		cfg.Region = regionHint
	}
	if cfg.Region == "" {
		return aws.Config{}, exitcode.Errorf(exitcode.Usage, "no AWS region: pass --region or set one in the profile")
	}
	return cfg, nil
}
