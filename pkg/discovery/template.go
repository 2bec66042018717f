package discovery

import (
	"fmt"
	"strings"
)

// nameTemplate is a parsed name template: text with {{.Field}} placeholders
// for the fields of NameData, the part of Go's text/template syntax that
// names need, read the same way. text/template itself is not used: its
// Execute looks methods up by name through reflection, which makes the
// linker keep every exported method of every type in the binary (8 MiB
// more for the token command, which never renders a name).
type nameTemplate []templatePart

type templatePart struct {
	text  string
	field string // "" for text
}

// templateFields are the fields a template may use, with their values.
var templateFields = map[string]func(NameData) string{
	"Cluster":     func(d NameData) string { return d.Cluster },
	"Region":      func(d NameData) string { return d.Region },
	"Account":     func(d NameData) string { return d.Account },
	"Role":        func(d NameData) string { return d.Role },
	"AccountName": func(d NameData) string { return d.AccountName },
}

// CheckTemplate tells whether tmpl is a name template; its error names
// what is wrong and what may be used.
func CheckTemplate(tmpl string) error {
	_, err := parseTemplate(tmpl)
	return err
}

func parseTemplate(s string) (nameTemplate, error) {
	var t nameTemplate
	for s != "" {
		open := strings.Index(s, "{{")
		if open < 0 {
			return append(t, templatePart{text: s}), nil
		}
		if open > 0 {
			t = append(t, templatePart{text: s[:open]})
		}
		end := strings.Index(s[open:], "}}")
		if end < 0 {
			return nil, fmt.Errorf("%q has no closing }}", s[open:])
		}
		action := strings.TrimSpace(s[open+2 : open+end])
		field, ok := strings.CutPrefix(action, ".")
		if _, known := templateFields[field]; !ok || !known {
			return nil, fmt.Errorf("{{%s}} is not a field; a name template may use {{.Cluster}}, {{.Region}}, {{.Account}}, {{.Role}} and {{.AccountName}}", action)
		}
		t = append(t, templatePart{field: field})
		s = s[open+end+2:]
	}
	return t, nil
}

func (t nameTemplate) render(d NameData) string {
	var b strings.Builder
	for _, p := range t {
		if p.field == "" {
			b.WriteString(p.text)
		} else {
			b.WriteString(templateFields[p.field](d))
		}
	}
	return b.String()
}
