package audit

import (
	"maps"
	"slices"
	"strings"

	authorizationv1 "k8s.io/api/authorization/v1"

	"github.com/eks-login/eks-login/pkg/rolesession"
)

// Session is a role principal as one person's eks-login session shows it to
// Kubernetes: a mapping's username or groups with {{SessionName}} are
// filled in with the session name eks-login gives that person, and asked
// about as filled in, so a binding of that one name counts for that person
// alone.
type Session struct {
	// Person is the IAM user's ARN; Name the session name eks-login gives
	// its sessions.
	Person   string   `json:"person" yaml:"person"`
	Name     string   `json:"name" yaml:"name"`
	Identity Identity `json:"identity" yaml:"identity"`
	Access   []Answer `json:"access" yaml:"access"`

	review reviewUser
}

// The templates aws-iam-authenticator fills in a mapping's username and
// groups (its config.go; EKS access entries take the same).
const (
	tmplAccountID      = "{{AccountID}}"
	tmplSessionName    = "{{SessionName}}"
	tmplSessionNameRaw = "{{SessionNameRaw}}"
)

// fillAccount fills {{AccountID}}, the principal's account, which every
// session of the principal shares.
// It also sets the user the principal's own review asks about.
func (p *Principal) fillAccount() {
	if account := accountOf(p.ARN); account != "" {
		fill := func(s string) string { return strings.ReplaceAll(s, tmplAccountID, account) }
		p.Identity.Username = fill(p.Identity.Username)
		if slices.ContainsFunc(p.Identity.Groups, templated) {
			p.Identity.Groups = mapStrings(p.Identity.Groups, fill)
		}
	}
	p.review.username, p.review.groups = p.Identity.Username, p.Identity.Groups
	p.Identity.Templated = templated(p.Identity.Username) || slices.ContainsFunc(p.Identity.Groups, templated)
}

// addSessions gives a role principal whose username or groups name the
// session one Session for each IAM user who may become it: the sessions
// eks-login opens name the session after the user (rolesession.NameFor),
// through every role on the way. Who opens the session some other way (the
// AWS CLI's --role-session-name, a federated or outside principal) picks
// the name freely, so the principal's own review, as written, stays for
// them.
func (p *Principal) addSessions(forward bool) {
	if p.Kind != KindRole || !sessionTemplated(p.Identity) {
		return
	}
	seen := map[string]bool{}
	for _, as := range p.Assumers {
		if as.Kind != KindUser || seen[as.ARN] {
			continue
		}
		seen[as.ARN] = true
		name := rolesession.NameFor(as.ARN, forward)
		fill := func(s string) string {
			// The authenticator writes "@" as "-" in {{SessionName}} only.
			s = strings.ReplaceAll(s, tmplSessionNameRaw, name)
			return strings.ReplaceAll(s, tmplSessionName, strings.ReplaceAll(name, "@", "-"))
		}
		id := p.Identity
		id.Username, id.Groups = fill(id.Username), mapStrings(id.Groups, fill)
		id.Templated = templated(id.Username) || slices.ContainsFunc(id.Groups, templated)
		r := reviewUser{username: id.Username, groups: id.Groups, uid: p.review.uid, extra: sessionExtra(p.review.extra, name)}
		p.Sessions = append(p.Sessions, Session{Person: as.ARN, Name: name, Identity: id, Access: []Answer{}, review: r})
	}
}

// session is the person's Session of the principal, if it has one.
func (p *Principal) session(person string) *Session {
	for i := range p.Sessions {
		if p.Sessions[i].Person == person {
			return &p.Sessions[i]
		}
	}
	return nil
}

// writtenReached: someone reaches the principal as mapped, not through a
// Session (or no one does, and the mapping is shown all the same).
func (p *Principal) writtenReached() bool {
	if len(p.Sessions) == 0 {
		return true
	}
	for _, as := range p.Assumers {
		if as.Kind != KindRole && p.session(as.ARN) == nil {
			return true
		}
	}
	return false
}

func sessionTemplated(id Identity) bool {
	has := func(s string) bool {
		return strings.Contains(s, tmplSessionName) || strings.Contains(s, tmplSessionNameRaw)
	}
	return has(id.Username) || slices.ContainsFunc(id.Groups, has)
}

// sessionExtra is the extra of a role's session named name: its
// assumed-role ARN and session name, as the authenticator sets them.
func sessionExtra(extra map[string]authorizationv1.ExtraValue, name string) map[string]authorizationv1.ExtraValue {
	if extra == nil {
		return nil
	}
	out := maps.Clone(extra)
	for _, k := range []string{"arn", "sessionName"} {
		out[k] = mapStrings(extra[k], func(s string) string { return strings.ReplaceAll(s, sessionPlaceholder, name) })
	}
	return out
}

func accountOf(arn string) string {
	if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 {
		return parts[4]
	}
	return ""
}

func mapStrings(in []string, f func(string) string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}
