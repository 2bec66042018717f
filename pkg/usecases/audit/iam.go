package audit

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/iampolicy"
)

// IAMReader reads an account's IAM in one paged call; *iam.Client and
// admin.IAMAPI are such.
type IAMReader interface {
	GetAccountAuthorizationDetails(context.Context, *iam.GetAccountAuthorizationDetailsInput, ...func(*iam.Options)) (*iam.GetAccountAuthorizationDetailsOutput, error)
}

// subject is an IAM user or role with everything that decides what it may
// assume.
type subject struct {
	iampolicy.Subject
	name string
	// groupOf names the group a policy (by its name) comes from.
	groupOf map[string]string
	// unread are attached policies whose documents IAM did not return.
	unread []string
}

// role is a role that may be assumed: a subject with a trust policy.
type role struct {
	subject
	trust    iampolicy.Policy
	trustErr error
}

// account is the IAM of one account as GetAccountAuthorizationDetails
// returns it.
type account struct {
	id     string
	users  []*subject
	roles  []*role
	byARN  map[string]*role // lower-case pathless ARN, as aws-auth matches
	userBy map[string]*subject
	// problems are documents that could not be read; they are reported
	// with the answer, never guessed.
	problems []string
}

// readAccount reads every user, group, role and managed policy.
func readAccount(ctx context.Context, r IAMReader) (*account, error) {
	var users []iamtypes.UserDetail
	var roles []iamtypes.RoleDetail
	groups := map[string]iamtypes.GroupDetail{}
	managed := map[string]string{} // ARN -> default version's document
	in := &iam.GetAccountAuthorizationDetailsInput{}
	for {
		page, err := r.GetAccountAuthorizationDetails(ctx, in)
		if err != nil {
			return nil, awserr.Explain(err, "cannot read the account's IAM users, groups, roles and policies (iam:GetAccountAuthorizationDetails, which AWS's SecurityAudit policy allows)")
		}
		users = append(users, page.UserDetailList...)
		roles = append(roles, page.RoleDetailList...)
		for _, g := range page.GroupDetailList {
			groups[aws.ToString(g.GroupName)] = g
		}
		for _, p := range page.Policies {
			for _, v := range p.PolicyVersionList {
				if v.IsDefaultVersion {
					managed[aws.ToString(p.Arn)] = aws.ToString(v.Document)
				}
			}
		}
		if !page.IsTruncated || page.Marker == nil {
			break
		}
		in.Marker = page.Marker
	}
	a := &account{byARN: map[string]*role{}, userBy: map[string]*subject{}}
	pr := policyReader{managed: managed, account: a}
	for _, u := range users {
		s := pr.user(u, groups)
		a.users = append(a.users, s)
		a.userBy[s.ARN] = s
	}
	for _, r := range roles {
		ro := pr.role(r)
		a.roles = append(a.roles, ro)
		a.byARN[pathless(ro.ARN)] = ro
	}
	for _, s := range append(a.users, a.roleSubjects()...) {
		if a.id == "" {
			a.id = s.Account
		}
	}
	sort.Slice(a.users, func(i, j int) bool { return a.users[i].ARN < a.users[j].ARN })
	sort.Slice(a.roles, func(i, j int) bool { return a.roles[i].ARN < a.roles[j].ARN })
	return a, nil
}

func (a *account) roleSubjects() []*subject {
	out := make([]*subject, len(a.roles))
	for i, r := range a.roles {
		out[i] = &r.subject
	}
	return out
}

// policyReader turns IAM's details into named policies.
type policyReader struct {
	managed map[string]string
	account *account
}

func (pr policyReader) parse(name, doc string) (iampolicy.Policy, bool) {
	d, err := iampolicy.Parse(doc)
	if err != nil {
		pr.account.problems = append(pr.account.problems, fmt.Sprintf("%s cannot be read (%v); it is left out", name, err))
		return iampolicy.Policy{}, false
	}
	return iampolicy.Policy{Name: name, Doc: d}, true
}

// attached adds the documents of attached managed policies, or names the
// ones IAM did not return.
func (pr policyReader) attached(s *subject, list []iamtypes.AttachedPolicy, of, group string) {
	for _, ap := range list {
		name := "managed policy " + aws.ToString(ap.PolicyName) + " of " + of
		doc, ok := pr.managed[aws.ToString(ap.PolicyArn)]
		if !ok {
			s.unread = append(s.unread, name)
			continue
		}
		if p, ok := pr.parse(name, doc); ok {
			s.Identity = append(s.Identity, p)
			if group != "" {
				s.groupOf[name] = group
			}
		}
	}
}

func (pr policyReader) inline(s *subject, list []iamtypes.PolicyDetail, of, group string) {
	for _, d := range list {
		name := "inline policy " + aws.ToString(d.PolicyName) + " of " + of
		if p, ok := pr.parse(name, aws.ToString(d.PolicyDocument)); ok {
			s.Identity = append(s.Identity, p)
			if group != "" {
				s.groupOf[name] = group
			}
		}
	}
}

func (pr policyReader) boundary(s *subject, b *iamtypes.AttachedPermissionsBoundary) {
	if b == nil || b.PermissionsBoundaryArn == nil {
		return
	}
	arn := aws.ToString(b.PermissionsBoundaryArn)
	name := "permissions boundary " + arn[strings.LastIndex(arn, "/")+1:]
	doc, ok := pr.managed[arn]
	if !ok {
		s.unread = append(s.unread, name)
		return
	}
	if p, ok := pr.parse(name, doc); ok {
		s.Boundary = &p
	}
}

func newSubject(arn, id, name string) subject {
	acct := ""
	if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 {
		acct = parts[4]
	}
	return subject{Subject: iampolicy.Subject{Principal: iampolicy.Principal{ARN: arn, ID: id, Account: acct},
		Vars: map[string]string{"aws:userid": id, "aws:principalaccount": acct}}, name: name, groupOf: map[string]string{}}
}

func (pr policyReader) user(u iamtypes.UserDetail, groups map[string]iamtypes.GroupDetail) *subject {
	name := aws.ToString(u.UserName)
	s := newSubject(aws.ToString(u.Arn), aws.ToString(u.UserId), name)
	s.Vars["aws:username"] = name
	of := "user " + name
	pr.inline(&s, u.UserPolicyList, of, "")
	pr.attached(&s, u.AttachedManagedPolicies, of, "")
	for _, gname := range u.GroupList {
		g, ok := groups[gname]
		if !ok {
			continue
		}
		pr.inline(&s, g.GroupPolicyList, "group "+gname, gname)
		pr.attached(&s, g.AttachedManagedPolicies, "group "+gname, gname)
	}
	pr.boundary(&s, u.PermissionsBoundary)
	return &s
}

func (pr policyReader) role(r iamtypes.RoleDetail) *role {
	name := aws.ToString(r.RoleName)
	ro := &role{subject: newSubject(aws.ToString(r.Arn), aws.ToString(r.RoleId), name)}
	of := "role " + name
	pr.inline(&ro.subject, r.RolePolicyList, of, "")
	pr.attached(&ro.subject, r.AttachedManagedPolicies, of, "")
	pr.boundary(&ro.subject, r.PermissionsBoundary)
	doc, err := iampolicy.Parse(aws.ToString(r.AssumeRolePolicyDocument))
	if err != nil {
		ro.trustErr = err
		pr.account.problems = append(pr.account.problems, fmt.Sprintf("the trust policy of role %s cannot be read (%v); no one is counted as able to assume it", name, err))
		doc = &iampolicy.Document{}
	}
	ro.trust = iampolicy.Policy{Name: "trust policy of role " + name, Doc: doc}
	return ro
}

// pathless is a role ARN as aws-auth matches it: without its path, in
// any case.
func pathless(arn string) string { return strings.ToLower(awsauth.MatchedARN(arn)) }
