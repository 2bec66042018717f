package admin

import (
	"context"
	"fmt"
	"io"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/eks-login/eks-login/pkg/fileplan"
)

// Step is one change of a plan: an IAM object, an aws-auth edit, a binding,
// an access entry. Plans are computed by reading only; --dry-run prints them
// and a real run applies the very same steps, so a dry run cannot lie.
type Step struct {
	// Verb is "create", "update", "delete", or "keep" for an object that is
	// already as wanted (found, left alone).
	Verb   string
	Object string // e.g. "IAM role EKSMyExampleViewer"
	Note   string // why, or what is left alone
	Diff   string
	// apply makes the change; nil for "keep".
	apply func(ctx context.Context) error
	// err is a failure met while planning the step.
	err error
}

// Plan is an ordered list of steps.
type Plan struct{ Steps []*Step }

func (p *Plan) add(s *Step) { p.Steps = append(p.Steps, s) }

// Changes reports whether applying the plan would change anything.
func (p *Plan) Changes() bool {
	for _, s := range p.Steps {
		if s.apply != nil {
			return true
		}
	}
	return false
}

var past = map[string]string{"create": "created", "update": "updated", "delete": "deleted", "keep": "found"}

func (s *Step) line(dry bool) string {
	verb := s.Verb
	if !dry {
		verb = past[s.Verb]
	} else if s.Verb == "keep" {
		verb = "found"
	}
	line := verb + " " + s.Object
	if s.Note != "" {
		line += " (" + s.Note + ")"
	}
	return line
}

// Print writes the plan as a dry run shows it: every step with its diff.
func (p *Plan) Print(w io.Writer) {
	for _, s := range p.Steps {
		fmt.Fprintf(w, "would %s\n", s.line(true))
		if s.Diff != "" {
			fmt.Fprint(w, indent(s.Diff, "    "))
		}
	}
	if !p.Changes() {
		fmt.Fprintln(w, "nothing to change")
	} else {
		fmt.Fprintln(w, "dry run: nothing was changed")
	}
}

// Apply makes the plan's changes in order, printing each as it happens. It
// stops at the first failure, saying what was done before it.
func (p *Plan) Apply(ctx context.Context, w io.Writer) error {
	for _, s := range p.Steps {
		if s.apply != nil {
			if err := s.apply(ctx); err != nil {
				return err
			}
		}
		fmt.Fprintln(w, s.line(false))
	}
	return nil
}

// run prints the plan under dry or applies it.
func (p *Plan) run(ctx context.Context, w io.Writer, dry bool) error {
	if dry {
		p.Print(w)
		return nil
	}
	return p.Apply(ctx, w)
}

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	if !strings.HasSuffix(s, "\n") {
		b.WriteString("\n")
	}
	return b.String()
}

// objectDiff is the unified diff between two renderings of an object; nil
// stands for "does not exist".
func objectDiff(name string, old, new any) string {
	oldName, newName := name, name
	var a, b []byte
	if old == nil {
		oldName = "/dev/null"
	} else {
		a = renderYAML(old)
	}
	if new == nil {
		newName = "/dev/null"
	} else {
		b = renderYAML(new)
	}
	return fileplan.Unified(oldName, newName, a, b)
}

func renderYAML(v any) []byte {
	if s, ok := v.(string); ok {
		if !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		return []byte(s)
	}
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	enc.CompactSeqIndent()
	if err := enc.Encode(v); err != nil {
		return []byte(fmt.Sprintf("%v\n", v))
	}
	enc.Close()
	return []byte(b.String())
}

func unifiedFile(oldName, newName string, old, new []byte) string {
	return fileplan.Unified(oldName, newName, old, new)
}
