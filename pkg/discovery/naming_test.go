package discovery

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestContextNames(t *testing.T) {
	a := Cluster{Name: "web", Region: "us-west-2", Account: devAccount, Role: "Viewer"}
	b := Cluster{Name: "web", Region: "eu-west-1", Account: devAccount, Role: "Viewer"}
	c := Cluster{Name: "jobs", Region: "us-west-2", Account: prodAccount, Role: "Viewer", AccountName: "Production"}
	aAdmin := a
	aAdmin.Role = "Admin"
	for _, tt := range []struct {
		name     string
		clusters []Cluster
		tmpl     string
		want     []string
		wantErr  string
	}{
		{name: "unique names: the cluster's", clusters: []Cluster{a, c}, want: []string{"web", "jobs"}},
		{name: "a name twice: account, region and cluster", clusters: []Cluster{a, b, c},
			want: []string{devAccount + "/us-west-2/web", devAccount + "/eu-west-1/web", prodAccount + "/us-west-2/jobs"}},
		{name: "a cluster through two roles: one context each", clusters: []Cluster{a, aAdmin},
			want: []string{devAccount + "/us-west-2/web/Viewer", devAccount + "/us-west-2/web/Admin"}},
		{name: "a template", clusters: []Cluster{c}, tmpl: "{{.AccountName}}-{{.Cluster}}", want: []string{"Production-jobs"}},
		{name: "a template that collides", clusters: []Cluster{a, b, c}, tmpl: "{{.Cluster}}",
			wantErr: `the context template "{{.Cluster}}" gives the same name to different things: "web" for cluster web in us-west-2 of account 111122223333 through role Viewer and cluster web in eu-west-1 of account 111122223333 through role Viewer; choose a template that tells them apart, such as "{{.Account}}/{{.Region}}/{{.Cluster}}/{{.Role}}"`},
		{name: "a template that does not parse", clusters: []Cluster{a}, tmpl: "{{.Cluster", wantErr: `the context template "{{.Cluster" does not parse: `},
		{name: "an unknown field", clusters: []Cluster{a}, tmpl: "{{.Name}}", wantErr: `{{.Name}} is not a field; a name template may use {{.Cluster}}, {{.Region}}, {{.Account}}, {{.Role}} and {{.AccountName}}`},
		{name: "an empty name", clusters: []Cluster{{Name: "x"}}, tmpl: "{{.Role}}", wantErr: "which cannot be used: the context name is empty"},
		{name: "a line break", clusters: []Cluster{{Name: "web", AccountName: "Prod\nx"}}, tmpl: "{{.AccountName}}", wantErr: `contains a control character`},
		{name: "a leading blank", clusters: []Cluster{a}, tmpl: " {{.Cluster}}", wantErr: `the context name " web" starts or ends with a blank`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ContextNames(tt.clusters, tt.tmpl)
			checkNames(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestCollisionsAreListedAll(t *testing.T) {
	clusters := []Cluster{
		{Name: "web", Region: "us-west-2", Account: devAccount}, {Name: "web", Region: "eu-west-1", Account: devAccount},
		{Name: "db", Region: "us-west-2", Account: devAccount}, {Name: "db", Region: "us-west-2", Account: prodAccount},
		{Name: "jobs", Region: "us-west-2", Account: devAccount},
	}
	_, err := ContextNames(clusters, "{{.Cluster}}")
	var collisions *CollisionError
	if !errors.As(err, &collisions) {
		t.Fatalf("got %v", err)
	}
	var names []string
	for _, c := range collisions.Collisions {
		names = append(names, c.Name+":"+strings.Join(c.Of, "|"))
	}
	want := []string{
		"db:cluster db in us-west-2 of account 111122223333 through role |cluster db in us-west-2 of account 444455556666 through role ",
		"web:cluster web in us-west-2 of account 111122223333 through role |cluster web in eu-west-1 of account 111122223333 through role ",
	}
	if !slices.Equal(names, want) {
		t.Errorf("collisions:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
}

func TestProfileNames(t *testing.T) {
	roles := []RoleTarget{{devAccount, "Development", "Viewer"}, {prodAccount, "Production team", "Viewer"}}
	for _, tt := range []struct {
		name, tmpl string
		want       []string
		wantErr    string
	}{
		{name: "default", want: []string{devAccount + "-Viewer", prodAccount + "-Viewer"}},
		{name: "by role alone collides", tmpl: "{{.Role}}", wantErr: `the profile template "{{.Role}}" gives the same name to different things: "Viewer" for role Viewer in account 111122223333 and role Viewer in account 444455556666; choose a template that tells them apart, such as "{{.Account}}-{{.Role}}"`},
		{name: "an account name with a blank", tmpl: "{{.AccountName}}.{{.Role}}", wantErr: `names role Viewer in account 444455556666 "Production team.Viewer", which cannot be used: the profile name "Production team.Viewer" contains a blank`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ProfileNames(roles, tt.tmpl)
			checkNames(t, got, err, tt.want, tt.wantErr)
		})
	}
}

// checkNames wants names, or an error containing wantErr when it is set.
func checkNames(t *testing.T, got []string, err error, want []string, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("got %v (%q), want an error containing %q", err, got, wantErr)
		}
		return
	}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}

// TestNameTemplates: the {{.Field}} syntax of text/template, read the same
// way, and nothing else.
func TestNameTemplates(t *testing.T) {
	d := NameData{Cluster: "web", Region: "us-west-2", Account: "111122223333", Role: "Viewer", AccountName: "Prod"}
	for tmpl, want := range map[string]string{
		"{{.Cluster}}": "web", "{{ .Account }}/{{.Region}}/{{.Cluster}}": "111122223333/us-west-2/web",
		"eks-{{.AccountName}}-{{.Role}}": "eks-Prod-Viewer", "plain": "plain", "a}}b": "a}}b", "": "",
	} {
		p, err := parseTemplate(tmpl)
		if err != nil || p.render(d) != want {
			t.Errorf("%q: %q, %v; want %q", tmpl, p.render(d), err, want)
		}
	}
	for tmpl, wantErr := range map[string]string{
		"{{.Cluster": "has no closing }}", "{{.Nope}}": "{{.Nope}} is not a field", "{{Cluster}}": "is not a field",
		"{{printf \"%s\" .Cluster}}": "is not a field", "{{.Cluster.Name}}": "is not a field",
	} {
		if err := CheckTemplate(tmpl); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%q: %v, want %q", tmpl, err, wantErr)
		}
	}
}
