package discovery

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/eks-login/eks-login/pkg/awsconfig"
)

// The templates that name what discovery writes (--context-template,
// --profile-template). Their data is NameData.
const (
	// ContextByCluster is the default when every cluster's name is unique.
	ContextByCluster = "{{.Cluster}}"
	// ContextByAccountRegion is the default when two clusters share a name.
	ContextByAccountRegion = "{{.Account}}/{{.Region}}/{{.Cluster}}"
	// ContextByRole is the default when one cluster was found through
	// several roles (the SSO walk): a context for each role.
	ContextByRole = "{{.Account}}/{{.Region}}/{{.Cluster}}/{{.Role}}"
	// DefaultProfileTemplate names an SSO role's profile. Account IDs and
	// role names are always valid in a profile name; account names may hold
	// blanks, which a profile name cannot.
	DefaultProfileTemplate = "{{.Account}}-{{.Role}}"
)

// NameData is what a name template may use.
type NameData struct {
	Cluster, Region, Account, Role, AccountName string
}

// Collision is a name that the template gives to more than one thing.
type Collision struct {
	Name string
	// Of describes each thing that would take the name.
	Of []string
}

// CollisionError refuses names that collide: writing them would silently
// overwrite one context or profile with another.
type CollisionError struct {
	What       string // "context" or "profile"
	Template   string
	Collisions []Collision
	// Suggestion is a template that tells more apart.
	Suggestion string
}

func (e *CollisionError) Error() string {
	var parts []string
	for _, c := range e.Collisions {
		parts = append(parts, fmt.Sprintf("%q for %s", c.Name, strings.Join(c.Of, " and ")))
	}
	return fmt.Sprintf("the %s template %q gives the same name to different things: %s; choose a template that tells them apart, such as %q",
		e.What, e.Template, strings.Join(parts, "; "), e.Suggestion)
}

// DefaultContextTemplate is ContextByCluster when the clusters' names are
// unique, ContextByAccountRegion when two share a name but not an account
// and region, and ContextByRole when one cluster was found through several
// roles.
func DefaultContextTemplate(clusters []Cluster) string {
	names, places := map[string]bool{}, map[string]bool{}
	template := ContextByCluster
	for _, c := range clusters {
		place := c.Account + "/" + c.Region + "/" + c.Name
		if places[place] {
			return ContextByRole
		}
		if names[c.Name] {
			template = ContextByAccountRegion
		}
		names[c.Name], places[place] = true, true
	}
	return template
}

// ContextNames names a context for each cluster with tmpl (empty: the
// default for these clusters). The names come in the clusters' order. Names
// that collide are refused with a *CollisionError listing every collision;
// names a kubeconfig must not hold are refused too.
func ContextNames(clusters []Cluster, tmpl string) ([]string, error) {
	if tmpl == "" {
		tmpl = DefaultContextTemplate(clusters)
	}
	return render("context", tmpl, ContextByRole, clusters, func(c Cluster) NameData {
		return NameData{Cluster: c.Name, Region: c.Region, Account: c.Account, Role: c.Role, AccountName: c.AccountName}
	}, func(c Cluster) string {
		return fmt.Sprintf("cluster %s in %s of account %s through role %s", c.Name, c.Region, c.Account, c.Role)
	}, ValidateContextName)
}

// ProfileNames names an AWS config profile for each SSO role with tmpl
// (empty: DefaultProfileTemplate), refusing collisions and names the config
// file cannot hold.
func ProfileNames(roles []RoleTarget, tmpl string) ([]string, error) {
	if tmpl == "" {
		tmpl = DefaultProfileTemplate
	}
	return render("profile", tmpl, DefaultProfileTemplate, roles, func(r RoleTarget) NameData {
		return NameData{Account: r.AccountID, Role: r.RoleName, AccountName: r.AccountName}
	}, func(r RoleTarget) string {
		return fmt.Sprintf("role %s in account %s", r.RoleName, r.AccountID)
	}, awsconfig.ValidateProfileName)
}

func render[T any](what, tmpl, suggestion string, items []T, data func(T) NameData, describe func(T) string, validate func(string) error) ([]string, error) {
	t, err := parseTemplate(tmpl)
	if err != nil {
		return nil, fmt.Errorf("the %s template %q does not parse: %w", what, tmpl, err)
	}
	names := make([]string, len(items))
	holders := map[string][]string{}
	for i, item := range items {
		names[i] = t.render(data(item))
		if err := validate(names[i]); err != nil {
			return nil, fmt.Errorf("the %s template %q names %s %q, which cannot be used: %w", what, tmpl, describe(item), names[i], err)
		}
		holders[names[i]] = append(holders[names[i]], describe(item))
	}
	var collisions []Collision
	for name, of := range holders {
		if len(of) > 1 {
			collisions = append(collisions, Collision{Name: name, Of: of})
		}
	}
	if len(collisions) > 0 {
		slices.SortFunc(collisions, func(a, b Collision) int { return strings.Compare(a.Name, b.Name) })
		return nil, &CollisionError{What: what, Template: tmpl, Collisions: collisions, Suggestion: suggestion}
	}
	return names, nil
}

// ValidateContextName refuses a kubeconfig context name that kubectl could
// not be given or that would read differently: empty, with a control
// character (line breaks and tabs included), or starting or ending with a
// blank. These are the rules login applies to --alias.
func ValidateContextName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("the context name is empty")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return fmt.Errorf("the context name %q contains a control character (a line break or a tab, say)", name)
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("the context name %q starts or ends with a blank", name)
	}
	return nil
}
