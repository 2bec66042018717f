package audit

import (
	"fmt"
	"slices"
	"testing"

	"github.com/eks-login/eks-login/pkg/iampolicy"
)

func testRole(name, trust string, identity ...string) *role {
	r := &role{subject: newSubject("arn:aws:iam::123456789012:role/"+name, "AROA"+name, name)}
	r.trust = iampolicy.Policy{Name: "trust policy of role " + name, Doc: iampolicy.MustParse(trust)}
	for i, doc := range identity {
		r.Identity = append(r.Identity, iampolicy.Policy{Name: fmt.Sprintf("policy %d of role %s", i, name), Doc: iampolicy.MustParse(doc)})
	}
	return r
}

// TestRoleCycles: roles that may each take the other (any role of the
// account, with AssumeRole on everything) end the search, and each keeps
// the shortest way; a conditional first step makes the whole way
// conditional.
func TestRoleCycles(t *testing.T) {
	const (
		root     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
		anything = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`
		onlyA    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/A","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	)
	acct := &account{id: "123456789012"}
	acct.roles = []*role{testRole("A", root, anything), testRole("B", root, anything), testRole("C", root, anything)}
	u := newSubject("arn:aws:iam::123456789012:user/u", "AIDAU", "u")
	u.Identity = []iampolicy.Policy{{Name: "policy of user u", Doc: iampolicy.MustParse(onlyA)}}
	acct.users = []*subject{&u}
	g := newAssumeGraph(acct)
	var got []string
	for _, a := range g.assumers(acct.roles[2]) {
		got = append(got, fmt.Sprintf("%s %s %v", a.Short(), a.Decision, a.Through))
	}
	want := []string{"user/u conditional [arn:aws:iam::123456789012:role/A]", "role/A allowed []", "role/B allowed []"}
	if !slices.Equal(got, want) {
		t.Errorf("assumers of C: %q, want %q", got, want)
	}
}
