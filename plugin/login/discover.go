package login

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/eks-login/eks-login/pkg/discovery"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/usecases/login"
)

// runDiscovery runs --all or --sso-session: the same stages as a login to
// one cluster, over every cluster found, with progress on a terminal.
func runDiscovery(ctx context.Context, o *Options) error {
	if o.Verify != "sample" && o.Verify != "all" {
		return exitcode.Errorf(exitcode.Usage, "--verify %q is not sample or all", o.Verify)
	}
	uc := useCase(o)
	bar := newProgress(o.IO)
	uc.Progress = bar.show
	plan, err := uc.Plan(ctx, o.Input)
	bar.done()
	if err != nil {
		var refused *login.RefusedError
		var none *login.NothingFoundError
		switch {
		case errors.As(err, &refused):
			fmt.Fprint(o.IO.ErrOut, refused.Diff)
		case errors.As(err, &none):
			printProblems(o.IO.ErrOut, none.Problems)
		}
		return err
	}
	printSearch(o.IO, plan.Found, len(plan.Targets))
	if o.DryRun {
		printDryRun(o.IO, plan)
		return nil
	}
	written, err := uc.Write(ctx, plan)
	if err != nil {
		return err
	}
	reportMany(o.IO, written)
	if o.NoVerify || len(written.Targets) == 0 {
		return nil
	}
	return reportVerified(o.IO, uc.VerifyMany(ctx, written, o.Verify == "all"))
}

// progress draws discovery's progress on stderr when it is a terminal, on
// one line that it clears when done; elsewhere it draws nothing.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	drawn bool
}

func newProgress(s *iostreams.IOStreams) *progress {
	if !s.ProgressEnabled() {
		return &progress{}
	}
	return &progress{w: s.ErrOut}
}

func (p *progress) show(n discovery.Progress) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r\033[KDiscovering: regions %d/%d, clusters %d/%d", n.RegionsDone, n.Regions, n.ClustersDone, n.Clusters)
	p.drawn = true
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// printSearch says where the discovery looked, what it found and what it
// skipped (on stderr), and what --prune removes.
func printSearch(s *iostreams.IOStreams, f *login.Found, found int) {
	switch {
	case len(f.Roles) > 0:
		fmt.Fprintf(s.Out, "Walked %d account role(s) of the SSO session: %d cluster(s) found, %d skipped.\n", len(f.Roles), found, len(f.Problems))
	case len(f.Regions) > 0:
		from := string(f.RegionSource)
		if f.RegionSource == discovery.RegionsGiven {
			from = "--regions"
		}
		fmt.Fprintf(s.Out, "Searched %d region(s) (from %s): %d cluster(s) found, %d skipped.\n", len(f.Regions), from, found, len(f.Problems))
	}
	if f.RegionsErr != nil {
		iostreams.Linef(s.ErrOut, "note: searched the partition's regions, since %v", f.RegionsErr)
	}
	printProblems(s.ErrOut, f.Problems)
	for _, p := range f.Pruned {
		iostreams.Linef(s.Out, "Prune: %s.", p)
	}
}

// printProblems lists what was skipped, one line each; opt-in regions the
// account has not enabled share one line.
func printProblems(w io.Writer, problems []discovery.Problem) {
	var disabled []string
	for _, p := range problems {
		if p.Kind == discovery.RegionDisabled && p.Cluster == "" {
			if !slices.Contains(disabled, p.Region) {
				disabled = append(disabled, p.Region)
			}
			continue
		}
		iostreams.Linef(w, "warning: %v", p)
	}
	if len(disabled) > 0 {
		fmt.Fprintf(w, "note: skipped %d region(s) not enabled for the account: %s\n", len(disabled), strings.Join(disabled, ", "))
	}
}

// reportMany says what Write did: the profiles, the contexts, and what
// may still keep kubectl from them.
func reportMany(s *iostreams.IOStreams, w *login.Written) {
	var added, updated []string
	for _, step := range w.Config.Steps {
		switch {
		case step.Added:
			added = append(added, step.Profile)
		case step.Removed:
		case step.Changed():
			updated = append(updated, step.Profile)
		}
	}
	for _, l := range []struct {
		verb  string
		names []string
	}{{"Added", added}, {"Updated", updated}} {
		if len(l.names) > 0 {
			iostreams.Linef(s.Out, "%s profile(s) %s in %s.", l.verb, strings.Join(l.names, ", "), w.Config.Path)
		}
	}
	if len(added)+len(updated) == 0 {
		fmt.Fprintf(s.Out, "Profiles in %s are up to date.\n", w.Config.Path)
	}
	verb := "Wrote"
	if !w.Context.Changed() {
		verb = "Up to date:"
	}
	fmt.Fprintf(s.Out, "%s %d context(s) in %s:\n", verb, len(w.Targets), w.Context.Path)
	for _, t := range w.Targets {
		c := t.Cluster
		fmt.Fprintf(s.Out, "  %s\t%s\n", iostreams.Visible(t.Context), iostreams.Visible(fmt.Sprintf("%s in %s of account %s, as profile %s", c.Name, c.Region, c.Account, t.Profile)))
	}
	for _, warn := range w.Warnings {
		iostreams.Linef(s.ErrOut, "warning: %s", warn)
	}
}

// reportVerified prints who each context checked is. It fails, with the
// first failure's code, only when every check failed.
func reportVerified(s *iostreams.IOStreams, results []login.Verified) error {
	var first error
	ok := 0
	for _, v := range results {
		if v.Err != nil {
			fmt.Fprintf(s.ErrOut, "warning: context %s: %v\n", iostreams.Visible(v.Target.Context), v.Err)
			if first == nil {
				first = v.Err
			}
			continue
		}
		ok++
		groups := "none"
		if len(v.User.Groups) > 0 {
			groups = strings.Join(v.User.Groups, ", ")
		}
		iostreams.Linef(s.Out, "Logged in to %s as %s (groups: %s)", v.Target.Context, v.User.Username, groups)
	}
	if ok == 0 && first != nil {
		return first
	}
	return nil
}
