package audit

import (
	"fmt"
	"strings"

	authorizationv1 "k8s.io/api/authorization/v1"

	"github.com/eks-login/eks-login/pkg/names"
)

// Check is one question put to Kubernetes: may an identity do Verb on a
// resource (of Group, with Subresource, in Namespace, named Name)? An empty
// Namespace of a namespaced resource asks about every namespace.
type Check struct {
	Verb        string `json:"verb" yaml:"verb"`
	Group       string `json:"group,omitempty" yaml:"group,omitempty"`
	Resource    string `json:"resource" yaml:"resource"`
	Subresource string `json:"subresource,omitempty" yaml:"subresource,omitempty"`
	Namespace   string `json:"namespace,omitempty" yaml:"namespace,omitempty"`
	Name        string `json:"name,omitempty" yaml:"name,omitempty"`
}

// What is the check's object without its verb: "secrets in kube-system",
// "pods/exec", "configmaps named aws-auth in kube-system".
func (c Check) What() string {
	s := c.Resource
	if c.Group != "" {
		s += "." + c.Group
	}
	if c.Subresource != "" {
		s += "/" + c.Subresource
	}
	if c.Name != "" {
		s += " named " + c.Name
	}
	if c.Namespace != "" {
		s += " in " + c.Namespace
	}
	return s
}

func (c Check) String() string { return c.Verb + " " + c.What() }

func (c Check) attributes() *authorizationv1.ResourceAttributes {
	return &authorizationv1.ResourceAttributes{Verb: c.Verb, Group: c.Group, Resource: c.Resource,
		Subresource: c.Subresource, Namespace: c.Namespace, Name: c.Name}
}

// Item is a line of the sensitive list: verbs on one object, each verb a
// Check.
type Item struct {
	Verbs []string
	Check Check // Verb empty
}

func (i Item) String() string { return strings.Join(i.Verbs, ",") + " " + i.Check.What() }

// Checks are the item's checks, one per verb.
func (i Item) Checks() []Check {
	out := make([]Check, len(i.Verbs))
	for j, v := range i.Verbs {
		c := i.Check
		c.Verb = v
		out[j] = c
	}
	return out
}

// DefaultSensitive is access-report's list when --sensitive is not given:
// what lets someone read every secret, run commands in pods, see the
// nodes, grant themselves more (RBAC's escalate and bind apply to roles,
// not to bindings), or rewrite who the cluster lets in.
var DefaultSensitive = []string{
	"get,list secrets",
	"get,list secrets in kube-system",
	"create pods/exec",
	"get,list nodes",
	"create,update,escalate,bind roles.rbac.authorization.k8s.io",
	"create,update,escalate,bind clusterroles.rbac.authorization.k8s.io",
	"create,update rolebindings.rbac.authorization.k8s.io",
	"create,update clusterrolebindings.rbac.authorization.k8s.io",
	"update configmaps named aws-auth in kube-system",
}

// ParseItem reads "VERB[,VERB...] RESOURCE[.GROUP][/SUBRESOURCE] [named
// NAME] [in NAMESPACE]", as the sensitive list and its table write items.
func ParseItem(s string) (Item, error) {
	f := strings.Fields(s)
	const want = `expected "VERB[,VERB...] RESOURCE[.GROUP][/SUBRESOURCE] [named NAME] [in NAMESPACE]", such as "get,list secrets in kube-system"`
	if len(f) < 2 || len(f)%2 != 0 {
		return Item{}, fmt.Errorf("%q: %s", s, want)
	}
	var it Item
	for _, v := range strings.Split(f[0], ",") {
		if !verbName(v) {
			return Item{}, fmt.Errorf("%q: %q is not a verb (lower-case letters, or *); %s", s, v, want)
		}
		it.Verbs = append(it.Verbs, v)
	}
	c, err := ParseResource(f[1])
	if err != nil {
		return Item{}, fmt.Errorf("%q: %w", s, err)
	}
	for i := 2; i < len(f); i += 2 {
		switch f[i] {
		case "in":
			c.Namespace = f[i+1]
		case "named":
			c.Name = f[i+1]
		default:
			return Item{}, fmt.Errorf("%q: %q is neither \"in\" nor \"named\"; %s", s, f[i], want)
		}
	}
	if err := c.validate(); err != nil {
		return Item{}, fmt.Errorf("%q: %w", s, err)
	}
	it.Check = c
	return it, nil
}

// ParseResource reads RESOURCE[.GROUP][/SUBRESOURCE].
func ParseResource(s string) (Check, error) {
	var c Check
	rest, sub, _ := strings.Cut(s, "/")
	c.Resource, c.Group, _ = strings.Cut(rest, ".")
	c.Subresource = sub
	if !resourceName(c.Resource) || c.Group != "" && !groupName(c.Group) || sub != "" && !resourceName(sub) {
		return Check{}, fmt.Errorf("%q is not a resource: expected RESOURCE[.GROUP][/SUBRESOURCE] in lower case, such as secrets, pods/exec or clusterroles.rbac.authorization.k8s.io", s)
	}
	return c, nil
}

// NewCheck is who-can's question: verb and resource as kubectl auth can-i
// takes them (RESOURCE[.GROUP][/NAME]), with the namespace and
// subresource of their flags.
func NewCheck(verb, resource, subresource, namespace string) (Check, error) {
	if !verbName(verb) {
		return Check{}, fmt.Errorf("%q is not a verb (lower-case letters, or *), such as get, list, create or update", verb)
	}
	rest, name, _ := strings.Cut(resource, "/")
	c, err := ParseResource(rest)
	if err != nil {
		return Check{}, err
	}
	c.Verb, c.Name, c.Namespace, c.Subresource = verb, name, namespace, subresource
	if subresource != "" && !resourceName(subresource) {
		return Check{}, fmt.Errorf("--subresource %q is not a subresource name (lower case, such as exec or log)", subresource)
	}
	return c, c.validate()
}

func (c Check) validate() error {
	switch {
	case c.Namespace != "" && !names.DNSLabel(c.Namespace):
		return fmt.Errorf("namespace %q is not a Kubernetes namespace name", c.Namespace)
	case c.Name != "" && !names.RBAC(c.Name):
		return fmt.Errorf("name %q is not a Kubernetes object name", c.Name)
	}
	return nil
}

func verbName(s string) bool {
	if s == "*" {
		return true
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

func resourceName(s string) bool {
	if s == "*" {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return s != ""
}

// groupName is an API group: a DNS subdomain in lower case.
func groupName(s string) bool {
	if len(s) > 253 || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '.' {
			return false
		}
	}
	return true
}
