// Package plan holds the admin commands' plans: ordered steps (an IAM
// object, an aws-auth edit, an access entry, an RBAC binding), each
// computed by reading only, with a diff of what it changes. --dry-run
// prints a plan and a real run applies the very same steps, so a dry run
// cannot lie.
package plan

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// The verbs of steps.
const (
	Create = "create"
	Update = "update"
	Delete = "delete"
	// Keep is an object found as wanted, or left alone on purpose.
	Keep = "keep"
)

// Step is one change of a plan.
type Step struct {
	Verb   string // Create, Update, Delete or Keep
	Object string // e.g. "IAM role EKSMyExampleViewer"
	Note   string // why, or what is left alone
	Diff   string
	// Apply makes the change; nil for Keep.
	Apply func(ctx context.Context) error
}

// Plan is an ordered list of steps.
type Plan struct{ Steps []*Step }

// Add appends steps.
func (p *Plan) Add(steps ...*Step) { p.Steps = append(p.Steps, steps...) }

// Append appends the steps of other.
func (p *Plan) Append(other *Plan) { p.Steps = append(p.Steps, other.Steps...) }

// Changes reports whether applying the plan would change anything.
func (p *Plan) Changes() bool {
	for _, s := range p.Steps {
		if s.Apply != nil {
			return true
		}
	}
	return false
}

var past = map[string]string{Create: "created", Update: "updated", Delete: "deleted", Keep: "found"}

func (s *Step) line(dry bool) string {
	verb := s.Verb
	if !dry {
		verb = past[s.Verb]
	}
	line := verb + " " + s.Object
	if s.Note != "" {
		line += " (" + s.Note + ")"
	}
	return line
}

// Print writes the plan as a dry run shows it: every step with its diff.
// What is found as wanted is said as a fact; the rest as what would be.
func (p *Plan) Print(w io.Writer) {
	for _, s := range p.Steps {
		if s.Verb == Keep {
			fmt.Fprintln(w, s.line(false))
		} else {
			fmt.Fprintf(w, "would %s\n", s.line(true))
		}
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
// stops at the first failure; the lines before it say what was done.
func (p *Plan) Apply(ctx context.Context, w io.Writer) error {
	for _, s := range p.Steps {
		if s.Apply != nil {
			if err := s.Apply(ctx); err != nil {
				return err
			}
		}
		fmt.Fprintln(w, s.line(false))
	}
	return nil
}

// Run prints the plan when dry, and applies it otherwise.
func (p *Plan) Run(ctx context.Context, w io.Writer, dry bool) error {
	if dry {
		p.Print(w)
		return nil
	}
	return p.Apply(ctx, w)
}

func indent(s, prefix string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	if !strings.HasSuffix(s, "\n") {
		b.WriteString("\n")
	}
	return b.String()
}

// Signs are the marks of PrintChanges, as Terraform's plans have them.
var Signs = map[string]string{Create: "+", Update: "~", Delete: "-"}

// Counts are how many objects a plan creates, changes and deletes.
type Counts struct{ Create, Update, Delete int }

// Add adds o's counts to c.
func (c *Counts) Add(o Counts) {
	c.Create, c.Update, c.Delete = c.Create+o.Create, c.Update+o.Update, c.Delete+o.Delete
}

// Total is the number of changes.
func (c Counts) Total() int { return c.Create + c.Update + c.Delete }

// Counts counts the plan's changes.
func (p *Plan) Counts() Counts {
	var c Counts
	for _, s := range p.Steps {
		switch {
		case s.Apply == nil:
		case s.Verb == Create:
			c.Create++
		case s.Verb == Delete:
			c.Delete++
		default:
			c.Update++
		}
	}
	return c
}

// PrintChanges writes the steps that change something, Terraform-style: a
// sign per object (+ create, ~ update, - delete), then its diff, each line
// after prefix. Steps found as wanted are left out.
func (p *Plan) PrintChanges(w io.Writer, prefix string) {
	for _, s := range p.Steps {
		if s.Apply == nil {
			continue
		}
		line := Signs[s.Verb] + " " + s.Object
		if s.Note != "" {
			line += " (" + s.Note + ")"
		}
		fmt.Fprintln(w, prefix+line)
		if s.Diff != "" {
			fmt.Fprint(w, indent(s.Diff, prefix+"    "))
		}
	}
}

// Line is how an applied step is reported: "created X (note)".
func (s *Step) Line() string { return s.line(false) }
