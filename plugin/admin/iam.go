package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/plugin/cmdutil"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-login/eks-login/pkg/fsutil"
	"github.com/eks-login/eks-login/pkg/kubeconfig"
)

// createdByTag marks the IAM roles and users eks-login creates, so revoke
// deletes only those.
const createdByTag = "eks-login:created-by"

// createdGroupPath marks the IAM groups eks-login creates, which take no
// tags: revoke deletes a group left empty only when it has this path, so a
// group someone made by hand, empty or not, outlives grant and revoke.
const createdGroupPath = "/eks-login/"

// IAMSpec is the IAM side of access to one cluster through one role.
type IAMSpec struct {
	Cluster       string
	Role          string
	Group         string
	Users         []string
	CreateUsers   bool
	AccessKeyFile string
	MFA           bool
}

func (s IAMSpec) rolePolicyName() string  { return "eks-login-describe-cluster-" + s.Cluster }
func (s IAMSpec) groupPolicyName() string { return "eks-login-assume-" + s.Role }

// IAMOptions are the flags of "admin iam".
type IAMOptions struct {
	*Common
	IAMSpec
}

func (s *IAMSpec) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&s.Cluster, "cluster", "", "The EKS cluster's name.")
	fs.StringVar(&s.Role, "role", "", "The IAM role people take to reach the cluster.")
	fs.StringVar(&s.Group, "iam-group", "", "The IAM group whose members may take the role.")
	stringsFlag(fs, &s.Users, "user", "An IAM user to put in the group (repeatable).")
	fs.BoolVar(&s.CreateUsers, "create-users", false, "Create the --user users that do not exist.")
	fs.StringVar(&s.AccessKeyFile, "access-key-file", "", "Create an access key for each --user and write it to this credentials file as section [USER] (mode 0600); keys are never printed.")
	fs.BoolVar(&s.MFA, "mfa", false, "Let the role be taken only with MFA (aws:MultiFactorAuthPresent).")
}

func (s *IAMSpec) validate() error {
	if s.Cluster == "" || s.Role == "" || s.Group == "" {
		return exitcode.Errorf(exitcode.Usage, "--cluster, --role and --iam-group are required")
	}
	if s.AccessKeyFile != "" && len(s.Users) == 0 {
		return exitcode.Errorf(exitcode.Usage, "--access-key-file needs --user")
	}
	return s.validateNames()
}

func newIAMCmd(f *cmdutil.Factory) *cobra.Command {
	o := &IAMOptions{Common: newCommon(f)}
	fs := pflag.NewFlagSet("iam", pflag.ContinueOnError)
	o.IAMSpec.addFlags(fs)
	o.Common.addFlags(fs)
	cmd := &cobra.Command{
		Use:   "iam --cluster NAME --role ROLE --iam-group GROUP [--user USER ...] [flags]",
		Short: "Create the IAM role, policies and group that let people reach the cluster",
		Long: `Create, or find and leave alone: the IAM role trusting the account (with
--mfa, only callers who signed in with MFA), its inline policy allowing
eks:DescribeCluster on the one cluster, the IAM group, the group's inline
policy allowing sts:AssumeRole on that role alone, and the users in the group.
Users are created only with --create-users, access keys only with
--access-key-file (written there, never printed).`,
		Example: `  kubectl eks-login admin iam --cluster my-example --role EKSMyExampleViewer --iam-group Developers \
    --user dev1 --create-users --access-key-file ./dev1.credentials`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return exitcode.Errorf(exitcode.Usage, "admin iam takes no arguments, got %q", args)
			}
			ctx, cancel := signalContext()
			defer cancel()
			return runIAM(ctx, o)
		},
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().AddFlagSet(fs)
	return cmd
}

func runIAM(ctx context.Context, o *IAMOptions) error {
	if err := o.validate(); err != nil {
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
	if err := plan.run(ctx, o.IO.Out, o.DryRun); err != nil {
		return err
	}
	printLoginHint(o.Common, env, o.IAMSpec)
	return nil
}

func printLoginHint(c *Common, env *iamEnv, s IAMSpec) {
	if len(s.Users) == 0 {
		fmt.Fprintf(c.IO.Out, "\nEach member of %s runs:\n  kubectl eks-login --cluster %s --role-arn %s --source-profile THEIR_PROFILE\n", s.Group, s.Cluster, env.roleARN(s.Role))
		return
	}
	fmt.Fprintf(c.IO.Out, "\nEach user runs, with their keys in the AWS profile of their name:\n")
	for _, u := range s.Users {
		fmt.Fprintf(c.IO.Out, "  kubectl eks-login --cluster %s --role-arn %s --source-profile %s\n", s.Cluster, env.roleARN(s.Role), u)
	}
}

// iamEnv is what the IAM plan needs to know about the account and cluster.
type iamEnv struct {
	iam        IAMAPI
	account    string
	partition  string
	clusterARN string
	region     string
	lockDir    string
}

func (e *iamEnv) roleARN(role string) string {
	return "arn:" + e.partition + ":iam::" + e.account + ":role/" + role
}

func loadIAMEnv(ctx context.Context, c *Common, cluster string) (*iamEnv, error) {
	info, err := describeCluster(ctx, c, cluster, "")
	if err != nil {
		return nil, err
	}
	st, err := c.stsClient(ctx)
	if err != nil {
		return nil, err
	}
	who, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, awserr.Explain(err, "cannot tell which AWS account the credentials belong to (sts:GetCallerIdentity)")
	}
	im, err := c.iamClient(ctx)
	if err != nil {
		return nil, err
	}
	partition := "aws"
	if p := strings.SplitN(aws.ToString(who.Arn), ":", 3); len(p) == 3 {
		partition = p[1]
	}
	home := c.env("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return &iamEnv{iam: im, account: aws.ToString(who.Account), partition: partition, clusterARN: info.ARN, region: info.Region,
		lockDir: kubeconfig.LockDir(c.env, home)}, nil
}

func noSuchEntity(err error) bool {
	var nse *iamtypes.NoSuchEntityException
	return errors.As(err, &nse)
}

type policyDoc struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

type statement struct {
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal,omitempty"`
	Action    any            `json:"Action"`
	Resource  any            `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

func (d policyDoc) String() string {
	b, _ := json.MarshalIndent(d, "", "  ")
	return string(b) + "\n"
}

func trustPolicy(env *iamEnv, mfa bool) policyDoc {
	st := statement{Effect: "Allow", Principal: map[string]any{"AWS": "arn:" + env.partition + ":iam::" + env.account + ":root"}, Action: "sts:AssumeRole"}
	if mfa {
		st.Condition = map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}}
	}
	return policyDoc{Version: "2012-10-17", Statement: []statement{st}}
}

func describePolicy(env *iamEnv) policyDoc {
	return policyDoc{Version: "2012-10-17", Statement: []statement{{Effect: "Allow", Action: "eks:DescribeCluster", Resource: env.clusterARN}}}
}

func assumePolicy(env *iamEnv, role string) policyDoc {
	return policyDoc{Version: "2012-10-17", Statement: []statement{{Effect: "Allow", Action: "sts:AssumeRole", Resource: env.roleARN(role)}}}
}

// sameJSON compares two policy documents by meaning, not bytes; IAM returns
// them URL-encoded.
func sameJSON(have string, want policyDoc) bool {
	if u, err := url.QueryUnescape(have); err == nil {
		have = u
	}
	var a, b any
	if json.Unmarshal([]byte(have), &a) != nil {
		return false
	}
	w, _ := json.Marshal(want)
	json.Unmarshal(w, &b)
	return reflect.DeepEqual(a, b)
}

func prettyJSON(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		s = u
	}
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return s
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b) + "\n"
}

// planIAM reads IAM and plans what is missing.
func planIAM(ctx context.Context, c *Common, env *iamEnv, s IAMSpec) (*Plan, error) {
	im := env.iam
	plan := &Plan{}
	tags := []iamtypes.Tag{{Key: aws.String(createdByTag), Value: aws.String("kubectl eks-login admin")}}

	// The role, trusting the account: who may take it is decided by the
	// group policy below, as in the seed.
	trust := trustPolicy(env, s.MFA)
	roleName := "IAM role " + s.Role
	role, err := im.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(s.Role)})
	switch {
	case noSuchEntity(err):
		plan.add(&Step{Verb: "create", Object: roleName, Note: "trusting account " + env.account + mfaNote(s.MFA),
			Diff: objectDiff("iam/role/"+s.Role+"/trust-policy.json", nil, trust.String()),
			apply: func(ctx context.Context) error {
				_, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(s.Role), AssumeRolePolicyDocument: aws.String(trust.String()),
					Description: aws.String("Access to EKS cluster " + s.Cluster + " (kubectl eks-login)"), Tags: tags})
				return awserr.Explain(err, "cannot create "+roleName+" (iam:CreateRole, iam:TagRole)")
			}})
	case err != nil:
		return nil, awserr.Explain(err, "cannot read "+roleName+" (iam:GetRole)")
	default:
		note := "left alone"
		if !sameJSON(aws.ToString(role.Role.AssumeRolePolicyDocument), trust) {
			note = "its trust policy differs from what eks-login would write; left alone, check it lets the account's users take the role" + mfaNote(s.MFA)
		}
		plan.add(&Step{Verb: "keep", Object: roleName, Note: note})
	}

	plan.add(inlinePolicyStep(ctx, "IAM role "+s.Role+" policy "+s.rolePolicyName(), "iam/role/"+s.Role+"/policy/"+s.rolePolicyName()+".json", "eks:DescribeCluster on "+env.clusterARN, describePolicy(env),
		func(ctx context.Context) (string, error) {
			out, err := im.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(s.Role), PolicyName: aws.String(s.rolePolicyName())})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.PolicyDocument), nil
		},
		func(ctx context.Context, doc string) error {
			_, err := im.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(s.Role), PolicyName: aws.String(s.rolePolicyName()), PolicyDocument: aws.String(doc)})
			return err
		}, "iam:PutRolePolicy"))
	if err := plan.Steps[len(plan.Steps)-1].err; err != nil {
		return nil, err
	}

	groupName := "IAM group " + s.Group
	group, err := im.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(s.Group)})
	members := map[string]bool{}
	switch {
	case noSuchEntity(err):
		group = nil
		plan.add(&Step{Verb: "create", Object: groupName, Note: "path " + createdGroupPath + ", which marks it as eks-login's for revoke", apply: func(ctx context.Context) error {
			_, err := im.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(s.Group), Path: aws.String(createdGroupPath)})
			return awserr.Explain(err, "cannot create "+groupName+" (iam:CreateGroup)")
		}})
	case err != nil:
		return nil, awserr.Explain(err, "cannot read "+groupName+" (iam:GetGroup)")
	default:
		for _, u := range group.Users {
			members[aws.ToString(u.UserName)] = true
		}
		plan.add(&Step{Verb: "keep", Object: groupName, Note: fmt.Sprintf("%d members", len(group.Users))})
	}

	plan.add(inlinePolicyStep(ctx, "IAM group "+s.Group+" policy "+s.groupPolicyName(), "iam/group/"+s.Group+"/policy/"+s.groupPolicyName()+".json", "sts:AssumeRole on "+env.roleARN(s.Role), assumePolicy(env, s.Role),
		func(ctx context.Context) (string, error) {
			if group == nil {
				return "", &iamtypes.NoSuchEntityException{}
			}
			out, err := im.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String(s.Group), PolicyName: aws.String(s.groupPolicyName())})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.PolicyDocument), nil
		},
		func(ctx context.Context, doc string) error {
			_, err := im.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String(s.Group), PolicyName: aws.String(s.groupPolicyName()), PolicyDocument: aws.String(doc)})
			return err
		}, "iam:PutGroupPolicy"))
	if err := plan.Steps[len(plan.Steps)-1].err; err != nil {
		return nil, err
	}

	for _, u := range s.Users {
		userName := "IAM user " + u
		_, err := im.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(u)})
		switch {
		case noSuchEntity(err) && !s.CreateUsers:
			return nil, exitcode.Errorf(exitcode.Usage, "%s does not exist; pass --create-users to create it", userName)
		case noSuchEntity(err):
			plan.add(&Step{Verb: "create", Object: userName, apply: func(ctx context.Context) error {
				_, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u), Tags: tags})
				return awserr.Explain(err, "cannot create "+userName+" (iam:CreateUser, iam:TagUser)")
			}})
		case err != nil:
			return nil, awserr.Explain(err, "cannot read "+userName+" (iam:GetUser)")
		default:
			plan.add(&Step{Verb: "keep", Object: userName})
		}
		if members[u] {
			plan.add(&Step{Verb: "keep", Object: userName + " in " + groupName})
		} else {
			plan.add(&Step{Verb: "update", Object: groupName, Note: "add member " + u,
				apply: func(ctx context.Context) error {
					_, err := im.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(s.Group), UserName: aws.String(u)})
					return awserr.Explain(err, "cannot add "+userName+" to "+groupName+" (iam:AddUserToGroup)")
				}})
		}
		if s.AccessKeyFile != "" {
			step, err := accessKeyStep(env, s.AccessKeyFile, u)
			if err != nil {
				return nil, err
			}
			plan.add(step)
		}
	}
	return plan, nil
}

func mfaNote(mfa bool) string {
	if mfa {
		return ", with MFA"
	}
	return ""
}

// inlinePolicyStep plans one inline policy: create it, keep it, or bring it
// back to what eks-login writes (the policy's name is eks-login's own).
func inlinePolicyStep(ctx context.Context, object, diffName, what string, want policyDoc, get func(context.Context) (string, error), put func(context.Context, string) error, action string) *Step {
	have, err := get(ctx)
	apply := func(ctx context.Context) error {
		return awserr.Explain(put(ctx, want.String()), "cannot write "+object+" ("+action+")")
	}
	switch {
	case noSuchEntity(err):
		return &Step{Verb: "create", Object: object, Note: what, Diff: objectDiff(diffName, nil, want.String()), apply: apply}
	case err != nil:
		return &Step{err: awserr.Explain(err, "cannot read "+object)}
	case sameJSON(have, want):
		return &Step{Verb: "keep", Object: object, Note: what}
	}
	return &Step{Verb: "update", Object: object, Note: what, Diff: objectDiff(diffName, prettyJSON(have), want.String()), apply: apply}
}

// accessKeyStep plans a new access key for user, written to path as the
// credentials-file section [user]. A section already there is kept: the
// user has a key in this file already.
func accessKeyStep(env *iamEnv, path, user string) (*Step, error) {
	old, err := fsutil.ReadFile(path)
	existed := err == nil
	if errors.Is(err, fsutil.ErrRefused) {
		return nil, exitcode.Errorf(exitcode.Input, "the access key file: %w", err)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, exitcode.Errorf(exitcode.Input, "cannot read the access key file %s: %w", path, err)
	}
	object := "access key of IAM user " + user
	if hasSection(old, user) {
		return &Step{Verb: "keep", Object: object, Note: "section [" + user + "] in " + path}, nil
	}
	placeholder := appendSection(old, user, "<new access key id>", "<new secret access key>")
	oldName := path
	if !existed {
		oldName = "/dev/null"
	}
	return &Step{Verb: "create", Object: object, Note: "written to " + path + " as [" + user + "], mode 0600",
		Diff: unifiedFile(oldName, path, old, placeholder),
		apply: func(ctx context.Context) error {
			out, err := env.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
			if err != nil {
				return awserr.Explain(err, "cannot create an access key for IAM user "+user+" (iam:CreateAccessKey)")
			}
			key := out.AccessKey
			if err := writeSection(env.lockDir, path, user, aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey)); err != nil {
				// The key exists but nobody has it: delete it rather than leave it behind.
				env.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(user), AccessKeyId: key.AccessKeyId})
				return err
			}
			return nil
		}}, nil
}

func hasSection(data []byte, name string) bool {
	for _, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == "["+name+"]" {
			return true
		}
	}
	return false
}

func appendSection(data []byte, name, id, secret string) []byte {
	var b bytes.Buffer
	b.Write(data)
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
		b.WriteString("\n")
	}
	if len(data) > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n", name, id, secret)
	return b.Bytes()
}

// writeSection adds the key to path under eks-login's lock for that file,
// re-reading it so that a concurrent edit is kept, and leaves it mode 0600.
func writeSection(lockDir, path, user, id, secret string) error {
	lockPath, err := fsutil.LockPathFor(lockDir, path)
	if err != nil {
		return err
	}
	lock, err := fsutil.Lock(lockPath, fsutil.LockOptions{})
	if err != nil {
		return err
	}
	defer lock.Unlock()
	old, err := fsutil.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot read the access key file %s: %w", path, err)
	}
	if hasSection(old, user) {
		return exitcode.Errorf(exitcode.Conflict, "%s got a section [%s] while the key was being made; nothing was written", path, user)
	}
	// Private from the first byte: the secret goes into a 0600 temporary
	// file, never into one that takes the old file's looser mode.
	if err := fsutil.WriteFilePrivate(path, appendSection(old, user, id, secret), 0o600); err != nil {
		return fmt.Errorf("cannot write the access key file %s: %w", path, err)
	}
	return nil
}

// slicesWithout returns list without the items of drop.
func slicesWithout(list []string, drop ...string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}
