package admin

import (
	"context"
	"fmt"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/plugin/cmdutil"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// GrantOptions are the flags of "admin grant" and "admin revoke".
type GrantOptions struct {
	*Common
	IAMSpec
	K8sGroup    string
	ClusterRole string
	Namespace   string
	Username    string
	Mode        string
	Force       bool
}

func (o *GrantOptions) addFlags(fs *pflag.FlagSet) {
	o.IAMSpec.addFlags(fs)
	fs.StringVar(&o.K8sGroup, "k8s-group", "", "The Kubernetes group the role maps to.")
	fs.StringVar(&o.ClusterRole, "clusterrole", "", "The ClusterRole the group is bound to, e.g. view.")
	fs.StringVarP(&o.Namespace, "namespace", "n", "", "Bind in this namespace only instead of cluster-wide.")
	fs.StringVar(&o.Username, "username", "", "The Kubernetes user name of the role (default K8S-GROUP:{{SessionName}}, which keeps each person's session name).")
	fs.StringVar(&o.Mode, "mode", ModeAuto, "Where the mapping lives: configmap, api or auto (see 'admin map --help').")
	fs.BoolVar(&o.Force, "force", false, "Replace a binding of the same name that binds something else.")
	o.Common.addFlags(fs)
}

func (o *GrantOptions) validate() error {
	if err := o.IAMSpec.validate(); err != nil {
		return err
	}
	if o.K8sGroup == "" || o.ClusterRole == "" {
		return exitcode.Errorf(exitcode.Usage, "--k8s-group and --clusterrole are required")
	}
	if o.Username == "" {
		o.Username = o.K8sGroup + ":{{SessionName}}"
	}
	return o.binding().validate()
}

const grantExample = `  # The seed's whole setup in one command
  kubectl eks-login admin grant --cluster my-example --iam-group Developers --role EKSMyExampleViewer \
    --k8s-group developers --clusterrole view --username developer \
    --user dev1 --create-users --access-key-file ./dev1.credentials`

func newGrantCmd(f *cmdutil.Factory) *cobra.Command {
	o := &GrantOptions{Common: newCommon(f)}
	fs := pflag.NewFlagSet("grant", pflag.ContinueOnError)
	o.addFlags(fs)
	cmd := &cobra.Command{
		Use:   "grant --cluster NAME --iam-group GROUP --role ROLE --k8s-group GROUP --clusterrole ROLE [flags]",
		Short: "Give an IAM group access to the cluster: iam, map and bind in one go",
		Long: `Do the administrator's whole setup in order, printing each step as it happens:
the IAM role, policies, group and users ('admin iam'), the role's mapping to
the Kubernetes group ('admin map'), and the group's RBAC binding ('admin
bind'). Running it again changes nothing. 'admin revoke' with the same flags
undoes it.`,
		Example: grantExample,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return exitcode.Errorf(exitcode.Usage, "admin grant takes no arguments, got %q", args)
			}
			ctx, cancel := signalContext()
			defer cancel()
			return runGrant(ctx, o)
		},
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().AddFlagSet(fs)
	return cmd
}

func newRevokeCmd(f *cmdutil.Factory) *cobra.Command {
	o := &GrantOptions{Common: newCommon(f)}
	fs := pflag.NewFlagSet("revoke", pflag.ContinueOnError)
	o.addFlags(fs)
	cmd := &cobra.Command{
		Use:   "revoke --cluster NAME --iam-group GROUP --role ROLE --k8s-group GROUP --clusterrole ROLE [flags]",
		Short: "Undo what grant made, leaving what other things use",
		Long: `Undo 'admin grant' run with the same flags: the binding (when it binds only
the group to the role), the role's mapping, the group's and role's
eks-login policies, the users' membership, the users grant created (with
--create-users; with their access keys) and the role grant created. A group
or role that still has other members or policies is left in place.`,
		Example: `  kubectl eks-login admin revoke --cluster my-example --iam-group Developers --role EKSMyExampleViewer \
    --k8s-group developers --clusterrole view --user dev1 --create-users --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return exitcode.Errorf(exitcode.Usage, "admin revoke takes no arguments, got %q", args)
			}
			ctx, cancel := signalContext()
			defer cancel()
			return runRevoke(ctx, o)
		},
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().AddFlagSet(fs)
	return cmd
}

func (o *GrantOptions) mapOptions(env *iamEnv) *MapOptions {
	return &MapOptions{Common: o.Common, RoleARN: env.roleARN(o.Role), Username: o.Username, Groups: []string{o.K8sGroup},
		Mode: o.Mode, Cluster: o.Cluster}
}

func (o *GrantOptions) binding() Binding {
	return Binding{Group: o.K8sGroup, ClusterRole: o.ClusterRole, Namespace: o.Namespace}
}

func runGrant(ctx context.Context, o *GrantOptions) error {
	if err := o.validate(); err != nil {
		return err
	}
	mo := &MapOptions{Mode: o.Mode}
	if err := mo.validateMode(); err != nil {
		return err
	}
	env, err := loadIAMEnv(ctx, o.Common, o.Cluster)
	if err != nil {
		return err
	}
	plan, err := planIAM(ctx, o.Common, env, o.IAMSpec)
	if err != nil {
		return err
	}
	mapPlan, err := planMap(ctx, o.mapOptions(env))
	if err != nil {
		return err
	}
	plan.Steps = append(plan.Steps, mapPlan.Steps...)
	k, err := o.kube()
	if err != nil {
		return err
	}
	bind, err := bindStep(ctx, k, o.binding(), o.Force)
	if err != nil {
		return err
	}
	plan.add(bind)
	if err := plan.run(ctx, o.IO.Out, o.DryRun); err != nil {
		return err
	}
	printLoginHint(o.Common, env, o.IAMSpec)
	return nil
}

func runRevoke(ctx context.Context, o *GrantOptions) error {
	if err := o.validate(); err != nil {
		return err
	}
	mo := &MapOptions{Mode: o.Mode}
	if err := mo.validateMode(); err != nil {
		return err
	}
	env, err := loadIAMEnv(ctx, o.Common, o.Cluster)
	if err != nil {
		return err
	}
	k, err := o.kube()
	if err != nil {
		return err
	}
	plan := &Plan{}
	unbind, err := unbindStep(ctx, k, o.binding())
	if err != nil {
		return err
	}
	plan.add(unbind)
	unmap, err := planUnmap(ctx, o.mapOptions(env))
	if err != nil {
		return err
	}
	plan.Steps = append(plan.Steps, unmap.Steps...)
	iamPlan, err := planRevokeIAM(ctx, env, o.IAMSpec)
	if err != nil {
		return err
	}
	plan.Steps = append(plan.Steps, iamPlan.Steps...)
	return plan.run(ctx, o.IO.Out, o.DryRun)
}

func (o *MapOptions) validateMode() error {
	switch o.Mode {
	case ModeAuto, ModeConfigMap, ModeAPI:
		return nil
	}
	return exitcode.Errorf(exitcode.Usage, "--mode must be auto, configmap or api, not %q", o.Mode)
}

func taggedByUs(tags []iamtypes.Tag) bool {
	for _, t := range tags {
		if aws.ToString(t.Key) == createdByTag {
			return true
		}
	}
	return false
}

// planRevokeIAM plans undoing planIAM: what eks-login's names and tags say
// it made goes; what else uses the group or role stays.
func planRevokeIAM(ctx context.Context, env *iamEnv, s IAMSpec) (*Plan, error) {
	im := env.iam
	plan := &Plan{}
	groupName := "IAM group " + s.Group
	group, err := im.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(s.Group)})
	if err != nil && !noSuchEntity(err) {
		return nil, awserr.Explain(err, "cannot read "+groupName+" (iam:GetGroup)")
	}
	var members []string
	if group != nil && err == nil {
		for _, u := range group.Users {
			members = append(members, aws.ToString(u.UserName))
		}
	} else {
		group = nil
	}

	for _, u := range s.Users {
		userName := "IAM user " + u
		if contains(members, u) {
			plan.add(&Step{Verb: "update", Object: groupName, Note: "remove member " + u, apply: func(ctx context.Context) error {
				_, err := im.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String(s.Group), UserName: aws.String(u)})
				return awserr.Explain(err, "cannot remove "+userName+" from "+groupName+" (iam:RemoveUserFromGroup)")
			}})
			members = slicesWithout(members, u)
		}
		if !s.CreateUsers {
			continue
		}
		step, err := deleteUserStep(ctx, im, u, s.Group)
		if err != nil {
			return nil, err
		}
		plan.add(step)
	}

	if group != nil {
		g, p := aws.String(s.Group), aws.String(s.groupPolicyName())
		others, err := planRevokeInlinePolicy(ctx, plan, policyHolder{
			kind: "Group", name: groupName, policy: s.groupPolicyName(),
			get: func(ctx context.Context) error {
				_, err := im.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: g, PolicyName: p})
				return err
			},
			del: func(ctx context.Context) error {
				_, err := im.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: g, PolicyName: p})
				return err
			},
			list: func(ctx context.Context) ([]string, int, error) {
				inline, err := im.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: g})
				if err != nil {
					return nil, 0, err
				}
				attached, err := im.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: g})
				if err != nil {
					return nil, 0, err
				}
				return inline.PolicyNames, len(attached.AttachedPolicies), nil
			},
		})
		if err != nil {
			return nil, err
		}
		switch {
		case group.Group == nil || aws.ToString(group.Group.Path) != createdGroupPath:
			plan.add(&Step{Verb: "keep", Object: groupName, Note: "not created by eks-login: left alone"})
		case len(members) == 0 && others == 0:
			plan.add(&Step{Verb: "delete", Object: groupName, Note: "no members or policies left", apply: func(ctx context.Context) error {
				_, err := im.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String(s.Group)})
				return awserr.Explain(err, "cannot delete "+groupName+" (iam:DeleteGroup)")
			}})
		default:
			plan.add(&Step{Verb: "keep", Object: groupName, Note: fmt.Sprintf("%d other members and %d other policies still use it: left alone", len(members), others)})
		}
	}

	roleName := "IAM role " + s.Role
	role, err := im.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(s.Role)})
	if noSuchEntity(err) {
		return plan, nil
	}
	if err != nil {
		return nil, awserr.Explain(err, "cannot read "+roleName+" (iam:GetRole)")
	}
	r, rpName := aws.String(s.Role), aws.String(s.rolePolicyName())
	others, err := planRevokeInlinePolicy(ctx, plan, policyHolder{
		kind: "Role", name: roleName, policy: s.rolePolicyName(),
		get: func(ctx context.Context) error {
			_, err := im.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: r, PolicyName: rpName})
			return err
		},
		del: func(ctx context.Context) error {
			_, err := im.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: r, PolicyName: rpName})
			return err
		},
		list: func(ctx context.Context) ([]string, int, error) {
			inline, err := im.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: r})
			if err != nil {
				return nil, 0, err
			}
			attached, err := im.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: r})
			if err != nil {
				return nil, 0, err
			}
			return inline.PolicyNames, len(attached.AttachedPolicies), nil
		},
	})
	if err != nil {
		return nil, err
	}
	switch {
	case !taggedByUs(role.Role.Tags):
		plan.add(&Step{Verb: "keep", Object: roleName, Note: "not created by eks-login: left alone"})
	case others > 0:
		plan.add(&Step{Verb: "keep", Object: roleName, Note: fmt.Sprintf("%d other policies still use it: left alone", others)})
	default:
		plan.add(&Step{Verb: "delete", Object: roleName, Diff: objectDiff("iam/role/"+s.Role+"/trust-policy.json", prettyJSON(aws.ToString(role.Role.AssumeRolePolicyDocument)), nil),
			apply: func(ctx context.Context) error {
				_, err := im.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(s.Role)})
				return awserr.Explain(err, "cannot delete "+roleName+" (iam:DeleteRole)")
			}})
	}
	return plan, nil
}

// policyHolder is a group or a role as revoke sees it: eks-login's inline
// policy on it, and the policies it holds. The calls differ by kind (IAM has
// Group and Role variants of each); the planning does not.
type policyHolder struct {
	kind, name, policy string // "Group" or "Role", "IAM group Developers", the inline policy's name
	get, del           func(context.Context) error
	list               func(context.Context) (inline []string, attached int, err error)
}

// planRevokeInlinePolicy plans deleting eks-login's inline policy from h when
// it is there, and returns how many other policies h keeps, which decides
// whether h itself may go.
func planRevokeInlinePolicy(ctx context.Context, plan *Plan, h policyHolder) (others int, err error) {
	object := h.name + " policy " + h.policy
	switch err := h.get(ctx); {
	case err == nil:
		plan.add(&Step{Verb: "delete", Object: object, apply: func(ctx context.Context) error {
			return awserr.Explain(h.del(ctx), "cannot delete "+object+" (iam:Delete"+h.kind+"Policy)")
		}})
	case !noSuchEntity(err):
		return 0, awserr.Explain(err, "cannot read "+object+" (iam:Get"+h.kind+"Policy)")
	}
	inline, attached, err := h.list(ctx)
	if err != nil {
		return 0, awserr.Explain(err, "cannot list the policies of "+h.name+" (iam:List"+h.kind+"Policies, iam:ListAttached"+h.kind+"Policies)")
	}
	return len(slicesWithout(inline, h.policy)) + attached, nil
}

// deleteUserStep plans deleting a user grant created, with its access keys,
// unless it is in other groups or has policies of its own.
func deleteUserStep(ctx context.Context, im IAMAPI, u, group string) (*Step, error) {
	userName := "IAM user " + u
	user, err := im.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(u)})
	if noSuchEntity(err) {
		return &Step{Verb: "keep", Object: userName, Note: "absent: nothing to remove"}, nil
	}
	if err != nil {
		return nil, awserr.Explain(err, "cannot read "+userName+" (iam:GetUser)")
	}
	if !taggedByUs(user.User.Tags) {
		return &Step{Verb: "keep", Object: userName, Note: "not created by eks-login: left alone"}, nil
	}
	groups, err := im.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String(u)})
	if err != nil {
		return nil, awserr.Explain(err, "cannot list the groups of "+userName+" (iam:ListGroupsForUser)")
	}
	inline, err := im.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String(u)})
	if err != nil {
		return nil, awserr.Explain(err, "cannot list the policies of "+userName+" (iam:ListUserPolicies)")
	}
	attached, err := im.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(u)})
	if err != nil {
		return nil, awserr.Explain(err, "cannot list the policies of "+userName+" (iam:ListAttachedUserPolicies)")
	}
	var otherGroups []string
	for _, g := range groups.Groups {
		if aws.ToString(g.GroupName) != group {
			otherGroups = append(otherGroups, aws.ToString(g.GroupName))
		}
	}
	if len(otherGroups) > 0 || len(inline.PolicyNames)+len(attached.AttachedPolicies) > 0 {
		return &Step{Verb: "keep", Object: userName, Note: "in other groups or with policies of its own: left alone"}, nil
	}
	keys, err := im.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(u)})
	if err != nil {
		return nil, awserr.Explain(err, "cannot list the access keys of "+userName+" (iam:ListAccessKeys)")
	}
	note := "created by eks-login"
	if n := len(keys.AccessKeyMetadata); n > 0 {
		note += fmt.Sprintf(", with its %d access keys", n)
	}
	return &Step{Verb: "delete", Object: userName, Note: note, apply: func(ctx context.Context) error {
		for _, k := range keys.AccessKeyMetadata {
			if _, err := im.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(u), AccessKeyId: k.AccessKeyId}); err != nil && !noSuchEntity(err) {
				return awserr.Explain(err, "cannot delete an access key of "+userName+" (iam:DeleteAccessKey)")
			}
		}
		_, err := im.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(u)})
		return awserr.Explain(err, "cannot delete "+userName+" (iam:DeleteUser)")
	}}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
