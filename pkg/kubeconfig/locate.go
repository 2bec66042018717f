package kubeconfig

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Location is the kubeconfig file an edit goes to, with the list kubectl
// loads it from.
type Location struct {
	// File is the chosen file, parsed.
	File *File
	// List is kubectl's loading list: the --kubeconfig file alone, the
	// KUBECONFIG entries, or ~/.kube/config.
	List []string
}

// Locate picks the file to edit the way kubectl's own "config set-*" commands
// would: --kubeconfig when given; else, of the files KUBECONFIG lists, the
// first that already holds the entry we are after (holds), else the first;
// without KUBECONFIG, ~/.kube/config. Every file of the list is parsed, since
// kubectl would refuse to work with a broken one too.
func Locate(explicit, kubeconfigEnv, home string, holds func(*File) bool) (*Location, error) {
	if explicit != "" {
		f, err := Load(explicit)
		if err != nil {
			return nil, err
		}
		return &Location{File: f, List: []string{explicit}}, nil
	}
	var list []string
	seen := map[string]bool{}
	for _, p := range filepath.SplitList(kubeconfigEnv) {
		if p = strings.TrimSpace(p); p != "" && !seen[p] {
			seen[p] = true
			list = append(list, p)
		}
	}
	if len(list) == 0 {
		p := DefaultPath(home)
		f, err := Load(p)
		if err != nil {
			return nil, err
		}
		return &Location{File: f, List: []string{p}}, nil
	}
	var first, chosen *File
	for _, p := range list {
		f, err := Load(p)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = f
		}
		if chosen == nil && holds != nil && holds(f) {
			chosen = f
		}
	}
	if chosen == nil {
		chosen = first
	}
	return &Location{File: chosen, List: list}, nil
}

// Shadows warns about entries that kubectl will not take from the chosen
// file because an earlier file of the list has them: kubectl uses the first
// file that names an entry, and the first file that sets current-context.
func (l *Location) Shadows(clusterName, userName, context string) ([]string, error) {
	var out []string
	for _, p := range l.List {
		if p == l.File.Path {
			break
		}
		f, err := Load(p)
		if err != nil {
			return nil, err
		}
		if cc := f.CurrentContext(); cc != "" {
			out = append(out, fmt.Sprintf("%s sets current-context %q and comes first in KUBECONFIG, so kubectl will not switch to %q; run 'kubectl config use-context %s'", p, cc, context, context))
		}
		if _, ok := f.Cluster(clusterName); ok {
			out = append(out, fmt.Sprintf("%s also has a cluster %q and comes first in KUBECONFIG, so kubectl uses that one", p, clusterName))
		}
		if _, ok := f.User(userName); ok {
			out = append(out, fmt.Sprintf("%s also has a user %q and comes first in KUBECONFIG, so kubectl uses that one", p, userName))
		}
		if _, ok := f.Context(context); ok {
			out = append(out, fmt.Sprintf("%s also has a context %q and comes first in KUBECONFIG, so kubectl uses that one", p, context))
		}
	}
	return out, nil
}

// Others loads the files of the list other than the chosen one, in order.
func (l *Location) Others() ([]*File, error) {
	var out []*File
	for _, p := range l.List {
		if p == l.File.Path {
			continue
		}
		f, err := Load(p)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// Conflicts lists, for the files of the list other than the chosen one, a
// context named context that uses another cluster or user. kubectl merges
// the files, taking each name from the first file that has it: writing our
// context would change what the name means, or be hidden behind it, as
// surely as replacing it in one file would.
func (l *Location) Conflicts(context, cluster, user string) ([]string, error) {
	others, err := l.Others()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range others {
		if old, ok := f.Context(context); ok && (old.Cluster != cluster || old.User != user) {
			out = append(out, fmt.Sprintf("context %q in %s (also in KUBECONFIG) uses cluster %q and user %q; it would use cluster %q and user %q", context, f.Path, old.Cluster, old.User, cluster, user))
		}
	}
	return out, nil
}
