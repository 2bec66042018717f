package adminflags_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/usecases/admin"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags"
	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags/adminflagstest"
)

// TestCommonFlagsBuildTheUseCases: the shared flags reach the use cases'
// source, read when the command runs, not when it is made.
func TestCommonFlagsBuildTheUseCases(t *testing.T) {
	c := adminflags.New(adminflagstest.Factory(&bytes.Buffer{}))
	var ran bool
	cmd := adminflags.Setup(&cobra.Command{Use: "x"}, c, c, func(*pflag.FlagSet) {}, nil, func(ctx context.Context, c *adminflags.Common) error {
		ran = ctx.Err() == nil
		return nil
	})
	err := adminflagstest.Parse(cmd, "--kubeconfig", "k", "--context", "ctx", "--profile", "p", "--region", "r", "--dry-run")
	if err != nil || !ran {
		t.Fatalf("run: %v, ran %v", err, ran)
	}
	a := c.Admin()
	if want := (admin.Source{Kubeconfig: "k", Context: "ctx", Profile: "p", Region: "r"}); a.Source.Kubeconfig != want.Kubeconfig || a.Source.Context != want.Context ||
		a.Source.Profile != want.Profile || a.Source.Region != want.Region || a.Source.Getenv == nil || !c.DryRun {
		t.Errorf("source %+v, dry run %v", a.Source, c.DryRun)
	}
	if a.Source.MFA != nil {
		t.Error("an MFA prompt without PromptMFA")
	}
	c.PromptMFA("run it at a terminal")
	if _, err := c.Admin().Source.MFA("arn:aws:iam::123456789012:mfa/dev"); err == nil || !strings.Contains(err.Error(), "run it at a terminal") {
		t.Errorf("PromptMFA without a terminal: %v", err)
	}
	// The flags are the command's own first, then the common ones.
	var names []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	if len(names) != 6 || names[0] != "kubeconfig" || names[5] != "help" {
		t.Errorf("flags: %v", names)
	}
}

// TestRunFReplacesTheRun: a test's runF gets the options; the command's own
// run is not called.
func TestRunFReplacesTheRun(t *testing.T) {
	c := adminflags.New(adminflagstest.Factory(&bytes.Buffer{}))
	cmd := adminflags.Setup(&cobra.Command{Use: "x"}, c, c, func(fs *pflag.FlagSet) { fs.Bool("own", false, "") },
		func(*adminflags.Common) error { return errors.New("runF") },
		func(context.Context, *adminflags.Common) error { t.Error("run was called"); return nil })
	if err := adminflagstest.Parse(cmd, "--own"); err == nil || err.Error() != "runF" {
		t.Errorf("err = %v", err)
	}
}

func TestMarkRequiredOfAnUnknownFlagPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	adminflags.MarkRequired(&cobra.Command{Use: "x"}, "nope")
}

// TestSpecFlags: the flags several commands share fill their specs.
func TestSpecFlags(t *testing.T) {
	var g admin.GrantSpec
	var m admin.MapSpec
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	adminflags.AddGrantFlags(cmd.Flags(), &g)
	target := &cobra.Command{Use: "y", RunE: func(*cobra.Command, []string) error { return nil }}
	adminflags.AddTargetFlags(target, &m)
	err := adminflagstest.Parse(cmd, "--cluster", "c", "--role", "R", "--iam-group", "G", "--user", "u", "--create-users", "--mfa",
		"--access-key-file", "k", "--k8s-group", "g", "--clusterrole", "view", "-n", "ns", "--username", "n", "--mode", "api", "--force")
	if err != nil || g.Cluster != "c" || g.Role != "R" || g.Group != "G" || g.Users[0] != "u" || !g.CreateUsers || !g.MFA || g.AccessKeyFile != "k" ||
		g.K8sGroup != "g" || g.ClusterRole != "view" || g.Namespace != "ns" || g.Username != "n" || g.Mode != "api" || !g.Force {
		t.Errorf("grant spec %+v (%v)", g, err)
	}
	err = adminflagstest.Parse(target, "--user-arn", "arn:aws:iam::1:user/u", "--cluster", "c", "--mode", "configmap", "--force")
	if err != nil || m.UserARN != "arn:aws:iam::1:user/u" || m.Cluster != "c" || m.Mode != "configmap" || !m.Force {
		t.Errorf("map spec %+v (%v)", m, err)
	}
}

func TestPrintLoginHint(t *testing.T) {
	var out bytes.Buffer
	s := admin.IAMSpec{Cluster: "c", Group: "G"}
	adminflags.PrintLoginHint(&out, s, "arn:aws:iam::1:role/R")
	s.Users = []string{"a", "b"}
	adminflags.PrintLoginHint(&out, s, "arn:aws:iam::1:role/R")
	want := `
Each member of G runs:
  kubectl eks-login --cluster c --role-arn arn:aws:iam::1:role/R --source-profile THEIR_PROFILE

Each user runs, with their keys in the AWS profile of their name:
  kubectl eks-login --cluster c --role-arn arn:aws:iam::1:role/R --source-profile a
  kubectl eks-login --cluster c --role-arn arn:aws:iam::1:role/R --source-profile b
`
	if out.String() != want {
		t.Errorf("hint:\n%s\nwant:\n%s", out.String(), want)
	}
}
