package admin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/plugin/cmdutil"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/awsauth"
)

// Modes of map and unmap.
const (
	ModeAuto      = "auto"
	ModeConfigMap = "configmap"
	ModeAPI       = "api"
)

// accessPolicies are the EKS access policies --access-policy names.
var accessPolicies = map[string]string{
	"view":          "AmazonEKSViewPolicy",
	"edit":          "AmazonEKSEditPolicy",
	"admin":         "AmazonEKSAdminPolicy",
	"cluster-admin": "AmazonEKSClusterAdminPolicy",
}

func accessPolicyARN(short string) string {
	return "arn:aws:eks::aws:cluster-access-policy/" + accessPolicies[short]
}

// MapOptions are the flags of "admin map" and "admin unmap".
type MapOptions struct {
	*Common
	RoleARN, UserARN string
	Username         string
	Groups           []string
	Mode             string
	AccessPolicy     string
	Namespaces       []string
	Cluster          string
	Force            bool
}

func (o *MapOptions) arn() string {
	if o.RoleARN != "" {
		return o.RoleARN
	}
	return o.UserARN
}

func (o *MapOptions) addTargetFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.RoleARN, "role-arn", "", "The IAM role to map.")
	fs.StringVar(&o.UserARN, "user-arn", "", "The IAM user to map.")
	fs.StringVar(&o.Mode, "mode", ModeAuto, "Where the mapping lives: configmap (kube-system/aws-auth), api (EKS access entries), or auto (access entries when the cluster's authentication mode allows them).")
	fs.StringVar(&o.Cluster, "cluster", "", "The EKS cluster's name, for access entries (default: from the kubeconfig context).")
	fs.BoolVar(&o.Force, "force", false, "Allow changing node-role and system:masters mappings.")
}

func newMapCmd(f *cmdutil.Factory) *cobra.Command {
	o := &MapOptions{Common: newCommon(f)}
	fs := pflag.NewFlagSet("map", pflag.ContinueOnError)
	o.addTargetFlags(fs)
	fs.StringVar(&o.Username, "username", "", "The Kubernetes user name; templates such as developer:{{SessionName}} are filled in at each login.")
	stringsFlag(fs, &o.Groups, "group", "A Kubernetes group for the identity (repeatable).")
	fs.StringVar(&o.AccessPolicy, "access-policy", "", "Access entries only: associate the EKS access policy view, edit, admin or cluster-admin.")
	stringsFlag(fs, &o.Namespaces, "namespace", "Access entries only: limit --access-policy to these namespaces (repeatable).")
	o.addFlags(fs)
	cmd := &cobra.Command{
		Use:   "map (--role-arn ARN | --user-arn ARN) --username NAME --group GROUP [flags]",
		Short: "Map an IAM role or user to a Kubernetes user and groups",
		Long: `Map an IAM role or user to a Kubernetes user name and groups, in the
kube-system/aws-auth ConfigMap or as an EKS access entry.

In aws-auth, other entries keep their order and content; a concurrent edit is
never lost (the write carries the resourceVersion it read, and a conflict is
re-read and redone). Node-role entries (system:nodes, system:bootstrappers)
and system:masters entries are changed only with --force.`,
		Example: `  # The seed's mapping: the role EKSMyExampleViewer is user developer in group developers
  kubectl eks-login admin map --role-arn arn:aws:iam::123456789012:role/EKSMyExampleViewer \
    --username developer --group developers

  # Keep each person's session name in the audit log
  kubectl eks-login admin map --role-arn arn:aws:iam::123456789012:role/EKSMyExampleViewer \
    --username 'developer:{{SessionName}}' --group developers --mode configmap --dry-run

  # An access entry with the EKS view policy in two namespaces
  kubectl eks-login admin map --cluster my-example --mode api --role-arn arn:aws:iam::123456789012:role/EKSMyExampleViewer \
    --username developer --access-policy view --namespace default --namespace team-a`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return exitcode.Errorf(exitcode.Usage, "admin map takes no arguments, got %q", args)
			}
			ctx, cancel := signalContext()
			defer cancel()
			return runMap(ctx, o)
		},
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().AddFlagSet(fs)
	return cmd
}

func newUnmapCmd(f *cmdutil.Factory) *cobra.Command {
	o := &MapOptions{Common: newCommon(f)}
	fs := pflag.NewFlagSet("unmap", pflag.ContinueOnError)
	o.addTargetFlags(fs)
	o.addFlags(fs)
	cmd := &cobra.Command{
		Use:   "unmap (--role-arn ARN | --user-arn ARN) [flags]",
		Short: "Remove the mapping of an IAM role or user",
		Long: `Remove an IAM role's or user's mapping from kube-system/aws-auth, or its EKS
access entry. Node-role and system:masters entries are removed only with --force.`,
		Example: `  kubectl eks-login admin unmap --role-arn arn:aws:iam::123456789012:role/EKSMyExampleViewer --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return exitcode.Errorf(exitcode.Usage, "admin unmap takes no arguments, got %q", args)
			}
			ctx, cancel := signalContext()
			defer cancel()
			return runUnmap(ctx, o)
		},
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().AddFlagSet(fs)
	return cmd
}

func (o *MapOptions) validate(mapping bool) error {
	if (o.RoleARN == "") == (o.UserARN == "") {
		return exitcode.Errorf(exitcode.Usage, "give exactly one of --role-arn and --user-arn")
	}
	key, err := awsauth.KeyFor(o.arn())
	if err != nil {
		return exitcode.WithCode(exitcode.Usage, err)
	}
	if (key == awsauth.KeyRoles) != (o.RoleARN != "") {
		return exitcode.Errorf(exitcode.Usage, "%s is not a %s ARN; use --%s-arn", o.arn(), map[bool]string{true: "role", false: "user"}[o.RoleARN != ""], map[bool]string{true: "role", false: "user"}[key == awsauth.KeyRoles])
	}
	switch o.Mode {
	case ModeAuto, ModeConfigMap, ModeAPI:
	default:
		return exitcode.Errorf(exitcode.Usage, "--mode must be auto, configmap or api, not %q", o.Mode)
	}
	if !mapping {
		return nil
	}
	if o.Username == "" {
		return exitcode.Errorf(exitcode.Usage, "--username is required")
	}
	if o.AccessPolicy != "" {
		if _, ok := accessPolicies[o.AccessPolicy]; !ok {
			return exitcode.Errorf(exitcode.Usage, "--access-policy must be view, edit, admin or cluster-admin, not %q", o.AccessPolicy)
		}
		if o.Mode == ModeConfigMap {
			return exitcode.Errorf(exitcode.Usage, "--access-policy needs access entries; drop --mode configmap, or bind the groups with 'admin bind'")
		}
	} else if len(o.Namespaces) > 0 {
		return exitcode.Errorf(exitcode.Usage, "--namespace limits --access-policy; give --access-policy too")
	}
	return nil
}

func runMap(ctx context.Context, o *MapOptions) error {
	if err := o.validate(true); err != nil {
		return err
	}
	plan, err := planMap(ctx, o)
	if err != nil {
		return err
	}
	return plan.run(ctx, o.IO.Out, o.DryRun)
}

func runUnmap(ctx context.Context, o *MapOptions) error {
	if err := o.validate(false); err != nil {
		return err
	}
	plan, err := planUnmap(ctx, o)
	if err != nil {
		return err
	}
	return plan.run(ctx, o.IO.Out, o.DryRun)
}

// planMap computes the mapping's steps in the mode chosen.
func planMap(ctx context.Context, o *MapOptions) (*Plan, error) {
	mode, cluster, err := resolveMode(ctx, o)
	if err != nil {
		return nil, err
	}
	plan := &Plan{}
	if mode == ModeAPI {
		steps, err := accessEntrySteps(ctx, o, cluster)
		if err != nil {
			return nil, err
		}
		plan.Steps = steps
		return plan, nil
	}
	k, err := o.kube()
	if err != nil {
		return nil, err
	}
	m := awsauth.Mapping{ARN: o.arn(), Username: o.Username, Groups: o.Groups}
	step, err := awsAuthStep(ctx, k, "map "+o.arn(), func(d *awsauth.Doc) (awsauth.Change, error) { return d.Set(m, o.Force) })
	if err != nil {
		return nil, err
	}
	plan.add(step)
	return plan, nil
}

func planUnmap(ctx context.Context, o *MapOptions) (*Plan, error) {
	mode, cluster, err := resolveMode(ctx, o)
	if err != nil {
		return nil, err
	}
	plan := &Plan{}
	if mode == ModeAPI {
		step, err := deleteAccessEntryStep(ctx, o, cluster)
		if err != nil {
			return nil, err
		}
		plan.add(step)
		return plan, nil
	}
	k, err := o.kube()
	if err != nil {
		return nil, err
	}
	arn := o.arn()
	step, err := awsAuthStep(ctx, k, "unmap "+arn, func(d *awsauth.Doc) (awsauth.Change, error) { return d.Remove(arn, o.Force) })
	if err != nil {
		return nil, err
	}
	plan.add(step)
	return plan, nil
}

// clusterInfo is the EKS cluster the command works on.
type clusterInfo struct {
	Name, Region, ARN string
	AuthMode          string
}

// resolveMode picks aws-auth or access entries. auto prefers access entries
// when the cluster's authentication mode is API or API_AND_CONFIG_MAP; when
// the cluster's name cannot be told, only aws-auth is possible.
func resolveMode(ctx context.Context, o *MapOptions) (string, *clusterInfo, error) {
	if o.Mode == ModeConfigMap {
		return ModeConfigMap, nil, nil
	}
	name, region := o.Cluster, ""
	if name == "" {
		name, region = o.clusterFromKubeconfig()
	}
	if name == "" {
		if o.Mode == ModeAPI {
			return "", nil, exitcode.Errorf(exitcode.Usage, "access entries need the cluster's name: pass --cluster")
		}
		fmt.Fprintln(o.IO.ErrOut, "note: the kubeconfig context does not name the EKS cluster (pass --cluster to use access entries); editing aws-auth")
		return ModeConfigMap, nil, nil
	}
	c, err := describeCluster(ctx, o.Common, name, region)
	if err != nil {
		return "", nil, err
	}
	switch {
	case c.AuthMode == string(ekstypes.AuthenticationModeApi) || c.AuthMode == string(ekstypes.AuthenticationModeApiAndConfigMap):
		return ModeAPI, c, nil
	case o.Mode == ModeAPI:
		return "", nil, exitcode.Errorf(exitcode.Usage, "cluster %s uses authentication mode %s, which has no access entries; switch it with 'aws eks update-cluster-config --name %s --access-config authenticationMode=API_AND_CONFIG_MAP', or use --mode configmap", name, c.AuthMode, name)
	}
	return ModeConfigMap, c, nil
}

func describeCluster(ctx context.Context, c *Common, name, region string) (*clusterInfo, error) {
	ek, err := c.eksClient(ctx, region)
	if err != nil {
		return nil, err
	}
	out, err := ek.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
	if err != nil {
		return nil, awserr.Explain(err, "cannot describe EKS cluster "+name+" (eks:DescribeCluster)")
	}
	info := &clusterInfo{Name: name, Region: region, ARN: aws.ToString(out.Cluster.Arn), AuthMode: string(ekstypes.AuthenticationModeConfigMap)}
	if _, r := parseClusterARN(info.ARN); r != "" {
		info.Region = r
	}
	if ac := out.Cluster.AccessConfig; ac != nil && ac.AuthenticationMode != "" {
		info.AuthMode = string(ac.AuthenticationMode)
	}
	return info, nil
}

func isNotFound(err error) bool {
	var nf *ekstypes.ResourceNotFoundException
	return errors.As(err, &nf)
}

// accessEntryView is an access entry as diffs show it.
func accessEntryView(principal, username string, groups []string) map[string]any {
	v := map[string]any{"principalArn": principal, "username": username}
	if len(groups) > 0 {
		v["kubernetesGroups"] = groups
	}
	return v
}

// accessEntrySteps plans an access entry with the username and groups, and
// the access policy association when one is asked for.
func accessEntrySteps(ctx context.Context, o *MapOptions, c *clusterInfo) ([]*Step, error) {
	ek, err := o.eksClient(ctx, c.Region)
	if err != nil {
		return nil, err
	}
	principal := o.arn()
	name := fmt.Sprintf("EKS access entry %s on cluster %s", principal, c.Name)
	want := accessEntryView(principal, o.Username, o.Groups)
	var steps []*Step
	cur, err := ek.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String(c.Name), PrincipalArn: aws.String(principal)})
	switch {
	case isNotFound(err):
		steps = append(steps, &Step{Verb: "create", Object: name, Diff: objectDiff("access-entry/"+principal, nil, want),
			apply: func(ctx context.Context) error {
				_, err := ek.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: aws.String(c.Name), PrincipalArn: aws.String(principal),
					Username: aws.String(o.Username), KubernetesGroups: o.Groups})
				return awserr.Explain(err, "cannot create the "+name+" (eks:CreateAccessEntry)")
			}})
	case err != nil:
		return nil, awserr.Explain(err, "cannot read the "+name+" (eks:DescribeAccessEntry)")
	default:
		e := cur.AccessEntry
		if t := aws.ToString(e.Type); t != "" && t != "STANDARD" && !o.Force {
			return nil, exitcode.Errorf(exitcode.Conflict, "the %s is of type %s (nodes use it); refusing to change it without --force", name, t)
		}
		have := accessEntryView(principal, aws.ToString(e.Username), e.KubernetesGroups)
		if aws.ToString(e.Username) == o.Username && slices.Equal(e.KubernetesGroups, o.Groups) {
			steps = append(steps, &Step{Verb: "keep", Object: name, Note: "username and groups as wanted"})
		} else {
			groups := o.Groups
			if groups == nil {
				groups = []string{}
			}
			steps = append(steps, &Step{Verb: "update", Object: name, Diff: objectDiff("access-entry/"+principal, have, want),
				apply: func(ctx context.Context) error {
					_, err := ek.UpdateAccessEntry(ctx, &eks.UpdateAccessEntryInput{ClusterName: aws.String(c.Name), PrincipalArn: aws.String(principal),
						Username: aws.String(o.Username), KubernetesGroups: groups})
					return awserr.Explain(err, "cannot update the "+name+" (eks:UpdateAccessEntry)")
				}})
		}
	}
	if o.AccessPolicy == "" {
		return steps, nil
	}
	policy := accessPolicyARN(o.AccessPolicy)
	scope := &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}
	if len(o.Namespaces) > 0 {
		scope = &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeNamespace, Namespaces: o.Namespaces}
	}
	scopeView := func(s *ekstypes.AccessScope) map[string]any {
		v := map[string]any{"policyArn": policy, "accessScope": map[string]any{"type": string(s.Type)}}
		if len(s.Namespaces) > 0 {
			v["accessScope"].(map[string]any)["namespaces"] = s.Namespaces
		}
		return v
	}
	pname := fmt.Sprintf("access policy %s for %s", accessPolicies[o.AccessPolicy], principal)
	var have any
	if cur != nil && err == nil {
		list, err := ek.ListAssociatedAccessPolicies(ctx, &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String(c.Name), PrincipalArn: aws.String(principal)})
		if err != nil {
			return nil, awserr.Explain(err, "cannot list the access policies of the "+name+" (eks:ListAssociatedAccessPolicies)")
		}
		for _, p := range list.AssociatedAccessPolicies {
			if aws.ToString(p.PolicyArn) == policy && p.AccessScope != nil {
				if p.AccessScope.Type == scope.Type && slices.Equal(p.AccessScope.Namespaces, scope.Namespaces) {
					return append(steps, &Step{Verb: "keep", Object: pname, Note: "associated with this scope"}), nil
				}
				have = scopeView(p.AccessScope)
			}
		}
	}
	verb := "create"
	if have != nil {
		verb = "update"
	}
	return append(steps, &Step{Verb: verb, Object: pname, Diff: objectDiff("access-policy/"+accessPolicies[o.AccessPolicy], have, scopeView(scope)),
		apply: func(ctx context.Context) error {
			_, err := ek.AssociateAccessPolicy(ctx, &eks.AssociateAccessPolicyInput{ClusterName: aws.String(c.Name), PrincipalArn: aws.String(principal),
				PolicyArn: aws.String(policy), AccessScope: scope})
			return awserr.Explain(err, "cannot associate "+pname+" (eks:AssociateAccessPolicy)")
		}}), nil
}

func deleteAccessEntryStep(ctx context.Context, o *MapOptions, c *clusterInfo) (*Step, error) {
	ek, err := o.eksClient(ctx, c.Region)
	if err != nil {
		return nil, err
	}
	principal := o.arn()
	name := fmt.Sprintf("EKS access entry %s on cluster %s", principal, c.Name)
	cur, err := ek.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String(c.Name), PrincipalArn: aws.String(principal)})
	if isNotFound(err) {
		return &Step{Verb: "keep", Object: name, Note: "absent: nothing to remove"}, nil
	}
	if err != nil {
		return nil, awserr.Explain(err, "cannot read the "+name+" (eks:DescribeAccessEntry)")
	}
	e := cur.AccessEntry
	protected := (aws.ToString(e.Type) != "" && aws.ToString(e.Type) != "STANDARD") || strings.HasPrefix(aws.ToString(e.Username), "system:node:")
	for _, g := range e.KubernetesGroups {
		if slices.Contains(awsauth.ProtectedGroups, g) {
			protected = true
		}
	}
	if protected && !o.Force {
		return nil, exitcode.Errorf(exitcode.Conflict, "the %s lets nodes or cluster admins in (type %s, username %s); refusing to remove it without --force", name, aws.ToString(e.Type), aws.ToString(e.Username))
	}
	return &Step{Verb: "delete", Object: name, Note: "with its access policies",
		Diff: objectDiff("access-entry/"+principal, accessEntryView(principal, aws.ToString(e.Username), e.KubernetesGroups), nil),
		apply: func(ctx context.Context) error {
			_, err := ek.DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{ClusterName: aws.String(c.Name), PrincipalArn: aws.String(principal)})
			if isNotFound(err) {
				return nil
			}
			return awserr.Explain(err, "cannot delete the "+name+" (eks:DeleteAccessEntry)")
		}}, nil
}
