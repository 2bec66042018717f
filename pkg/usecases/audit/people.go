package audit

import (
	"slices"

	"github.com/eks-login/eks-login/pkg/iampolicy"
)

// Reach is one way a person gets into a cluster: who, by which principal,
// as which Kubernetes identity, allowed which checks. A person is an IAM
// user of the account, or a principal beyond it that a trust policy
// admits; roles are the ways, never the people.
type Reach struct {
	Cluster string `json:"cluster" yaml:"cluster"`
	// Person is empty when no one may become the principal.
	Person   *Assumer           `json:"person,omitempty" yaml:"person,omitempty"`
	Decision iampolicy.Decision `json:"decision" yaml:"decision"`
	// Principal is the mapped role or user, by its ARN as mapped.
	Principal string   `json:"principal" yaml:"principal"`
	Identity  Identity `json:"identity" yaml:"identity"`
	// Allowed are the checks Kubernetes allows the identity.
	Allowed []string `json:"allowed" yaml:"allowed"`
}

// Reaches are every person's ways into every cluster, in the order of the
// clusters and their mappings; a principal no one may become is listed
// once, without a person, so that no mapping drops out of a report.
func (a *Audit) Reaches() []Reach {
	var out []Reach
	for _, c := range a.Clusters {
		for _, p := range c.Principals {
			var allowed []string
			for _, ans := range p.Access {
				if ans.Allowed {
					allowed = append(allowed, ans.Check)
				}
			}
			base := Reach{Cluster: c.Name, Principal: p.ARN, Identity: p.Identity, Allowed: allowed}
			n := 0
			for _, as := range p.Assumers {
				if as.Kind == KindRole {
					continue
				}
				r := base
				r.Person, r.Decision = &as, as.Decision
				out = append(out, r)
				n++
			}
			if n == 0 {
				base.Decision = iampolicy.NotAllowed
				out = append(out, base)
			}
		}
	}
	return out
}

// Who are the reaches of people allowed check (by its index in the
// audit's checks): who-can's answer.
func (a *Audit) Who(check int) []Reach {
	var out []Reach
	name := a.Checks[check].String()
	for _, r := range a.Reaches() {
		if r.Person != nil && slices.Contains(r.Allowed, name) {
			out = append(out, r)
		}
	}
	return out
}
