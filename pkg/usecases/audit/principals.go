package audit

import (
	"slices"
	"strings"

	authorizationv1 "k8s.io/api/authorization/v1"

	"github.com/eks-login/eks-login/pkg/iampolicy"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
)

// SourceMapAccounts marks the principals aws-auth's mapAccounts lets in.
const SourceMapAccounts = "aws-auth mapAccounts"

// nodeEntryTypes are the access entry types EKS gives the system:nodes group.
var nodeEntryTypes = map[string]bool{"EC2_LINUX": true, "EC2_WINDOWS": true, "HYBRID_LINUX": true}

// principals are the principals of the listing's active mappings, in its
// order: a shadowed or ignored mapping lets no one in.
func principals(l *admin.Listing, g *assumeGraph) []Principal {
	var out []Principal
	mapped := map[string]bool{}
	for _, e := range l.Entries {
		if e.Status == admin.StatusActive && e.ARN != "" {
			mapped[pathless(e.ARN)] = true
		}
	}
	for _, e := range l.Entries {
		switch {
		case e.Status != admin.StatusActive:
		case e.ARN == "":
			out = append(out, g.accountPrincipals(e.Account, mapped)...)
		default:
			out = append(out, g.mappedPrincipal(e))
		}
	}
	return out
}

// mappedPrincipal is the principal of one aws-auth mapping or access entry.
func (g *assumeGraph) mappedPrincipal(e admin.Entry) Principal {
	p := Principal{ARN: e.ARN, Source: e.Source, Assumers: []Assumer{}, Access: []Answer{}, Identity: Identity{Username: e.Username, Groups: e.Groups, AccessPolicies: e.AccessPolicies}}
	if nodeEntryTypes[e.Type] && !slices.Contains(p.Identity.Groups, "system:nodes") {
		p.Identity.Groups = append(slices.Clone(p.Identity.Groups), "system:nodes")
	}
	p.fillAccount()
	if strings.Contains(e.ARN, ":user/") {
		p.Kind = KindUser
		if u := g.acct.user(e.ARN); u != nil {
			p.Assumers = []Assumer{{Kind: KindUser, ARN: u.ARN, Decision: iampolicy.Allowed, Via: []string{"its own credentials: the mapping names the user"}}}
			p.review.extra, p.review.uid = userExtra(u), authenticatorUID(&u.Subject.Principal)
			return p
		}
		p.Note = "not a user of this account's IAM: who holds its credentials, and its EKS access policies (which know it by its unique ID), are not known"
		return p
	}
	p.Kind = KindRole
	r := g.roleOf[e.ARN]
	if r == nil && e.Source == admin.SourceAWSAuth {
		r = g.acct.byARN[pathless(e.ARN)]
	}
	if r == nil {
		p.Note = "not a role of this account's IAM: who may assume it, and its EKS access policies (which know it by its unique ID), are not known"
		return p
	}
	if r.ARN != e.ARN {
		p.IAMARN = r.ARN
	}
	p.Assumers = g.assumers(r)
	p.review.extra, p.review.uid = roleExtra(r), authenticatorUID(&r.Subject.Principal)
	return p
}

// accountPrincipals are the users and roles of account that mapAccounts
// lets in as themselves (their ARN, no group), when no mapping of their
// own names them.
func (g *assumeGraph) accountPrincipals(account string, mapped map[string]bool) []Principal {
	if account != g.acct.id {
		return []Principal{{Kind: "account", ARN: account, Source: SourceMapAccounts, Assumers: []Assumer{}, Access: []Answer{},
			Note: "every user and role of this account gets in as its own ARN; its IAM is not read (only the credentials' own account is)"}}
	}
	var out []Principal
	for _, u := range g.acct.users {
		if !mapped[pathless(u.ARN)] {
			p := g.mappedPrincipal(admin.Entry{Source: SourceMapAccounts, ARN: u.ARN, Username: u.ARN})
			out = append(out, p)
		}
	}
	for _, r := range g.acct.roles {
		if !mapped[pathless(r.ARN)] {
			// The authenticator names an assumed role by its canonical
			// ARN: the role's, without the path.
			p := g.mappedPrincipal(admin.Entry{Source: SourceMapAccounts, ARN: r.ARN, Username: canonicalRoleARN(r)})
			out = append(out, p)
		}
	}
	return out
}

func (a *account) user(arn string) *subject {
	for _, u := range a.users {
		if strings.EqualFold(u.ARN, arn) {
			return u
		}
	}
	return nil
}

func templated(s string) bool { return strings.Contains(s, "{{") }

// reviewUser is the user a SubjectAccessReview asks about.
type reviewUser struct {
	username string
	groups   []string
	extra    map[string]authorizationv1.ExtraValue
	uid      string
}

// sessionPlaceholder stands for the session name, which each person picks.
const sessionPlaceholder = "{{SessionName}}"

func canonicalRoleARN(r *role) string {
	return "arn:" + partition(r.ARN) + ":iam::" + r.Account + ":role/" + r.name
}

func partition(arn string) string {
	if parts := strings.SplitN(arn, ":", 3); len(parts) == 3 {
		return parts[1]
	}
	return "aws"
}

// roleExtra is the extra aws-iam-authenticator gives a role's session:
// its assumed-role ARN, canonical ARN, session name and unique ID (the
// access key's ID is left out: it differs for every session).
func roleExtra(r *role) map[string]authorizationv1.ExtraValue {
	return map[string]authorizationv1.ExtraValue{
		"arn":          {"arn:" + partition(r.ARN) + ":sts::" + r.Account + ":assumed-role/" + r.name + "/" + sessionPlaceholder},
		"canonicalArn": {canonicalRoleARN(r)},
		"sessionName":  {sessionPlaceholder},
		"principalId":  {r.ID},
	}
}

// userExtra is the extra aws-iam-authenticator gives a user.
func userExtra(u *subject) map[string]authorizationv1.ExtraValue {
	return map[string]authorizationv1.ExtraValue{"arn": {u.ARN}, "canonicalArn": {u.ARN}, "sessionName": {""}, "principalId": {u.ID}}
}

// authenticatorUID is the UID aws-iam-authenticator gives the user.
func authenticatorUID(p *iampolicy.Principal) string {
	return "aws-iam-authenticator:" + p.Account + ":" + p.ID
}
