package login

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/eks-login/eks-login/pkg/discovery"
)

// pruned is what --prune removes: contexts of the kubeconfig file written
// (each with its user and cluster when nothing else uses them) and SSO
// role profiles.
type pruned struct {
	contexts, profiles []string
}

// search is what one profile's discovery looked at: the regions it listed,
// and the clusters it found or skipped there (by ARN, or by region and
// name for those it could not describe). Only a cluster of a region
// listed, neither found nor skipped, is gone.
type search struct {
	listed map[string]bool // regions listed without a problem
	seen   map[string]bool // cluster ARNs, and "region/name" of the skipped
}

func newSearch(res *discovery.Result) *search {
	s := &search{listed: map[string]bool{}, seen: map[string]bool{}}
	for _, r := range res.Regions {
		s.listed[r] = true
	}
	for _, p := range res.Problems {
		if p.Cluster == "" {
			delete(s.listed, p.Region)
		} else {
			s.seen[p.Region+"/"+p.Cluster] = true
		}
	}
	for _, c := range res.Clusters {
		s.seen[c.ARN] = true
	}
	return s
}

// planPrune finds, with --prune, the contexts of the kubeconfig file
// written that this discovery marked and whose cluster or role is gone.
// Contexts of other discoveries, of logins by hand, and of regions,
// accounts or roles this run did not search are kept.
func (l *Login) planPrune(p *Plan) error {
	if !p.Input.Prune || p.r.scope == "" {
		return nil
	}
	f := p.loc.File
	writing := map[string]bool{}
	for _, t := range p.Targets {
		writing[t.Context] = true
	}
	for _, c := range f.Contexts() {
		if writing[c.Name] || f.DiscoveryMark(c.Name) != p.r.scope {
			continue
		}
		profile, _, _ := strings.Cut(c.Entry.User, "@")
		if why := p.gone(profile, c.Entry.Cluster); why != "" {
			p.prune.contexts = append(p.prune.contexts, c.Name)
			p.Found.Pruned = append(p.Found.Pruned, fmt.Sprintf("context %s: %s", c.Name, why))
		}
	}
	return nil
}

// gone says why the cluster clusterARN, reached through profile, is gone;
// "" when it is not, or when this run cannot tell.
func (p *Plan) gone(profile, clusterARN string) string {
	if slices.Contains(p.prune.profiles, profile) {
		return "its role's profile " + profile + " is gone"
	}
	s := p.searches[profile]
	a, err := arn.Parse(clusterARN)
	name, isCluster := strings.CutPrefix(a.Resource, "cluster/")
	if s == nil || err != nil || !isCluster || !s.listed[a.Region] || s.seen[clusterARN] || s.seen[a.Region+"/"+name] || !p.searchedAccount(profile, a.AccountID) {
		return ""
	}
	return fmt.Sprintf("cluster %s is no longer in %s", name, a.Region)
}

// searchedAccount tells whether profile's discovery saw the clusters of
// account: --all sees its role's account, an SSO role its own.
func (p *Plan) searchedAccount(profile, account string) bool {
	for _, e := range p.profiles {
		if e.Name != profile {
			continue
		}
		for _, s := range e.Settings {
			if s.Key == "sso_account_id" {
				return s.Value == account
			}
			if s.Key == "role_arn" {
				r, err := arn.Parse(s.Value)
				return err == nil && r.AccountID == account
			}
		}
	}
	return false
}

// goneProfiles are, with --prune, the SSO role profiles this discovery
// wrote whose account and role the patterns select but the walk no longer
// found under their name: found are the roles the walk found, and named
// the profile names --profile-template gives them.
func (l *Login) goneProfiles(p *Plan, found []discovery.RoleTarget, named []string) []string {
	if !p.Input.Prune {
		return nil
	}
	renamed := map[[2]string]string{}
	for i, t := range found {
		renamed[[2]string{t.AccountID, t.RoleName}] = named[i]
	}
	var out []string
	for _, prof := range p.r.cfgFile.Discovered(p.r.scope) {
		account, role := prof.Values["sso_account_id"], prof.Values["sso_role_name"]
		if slices.Contains(named, prof.Name) || !matchAny(p.Input.Accounts, account) || !matchAny(p.Input.RoleNames, role) {
			continue
		}
		out = append(out, prof.Name)
		why := fmt.Sprintf("role %s of account %s is no longer assigned", role, account)
		if now, ok := renamed[[2]string{account, role}]; ok {
			why = fmt.Sprintf("its name no longer matches --profile-template; role %s of account %s is still assigned, now as profile %s", role, account, now)
		}
		p.Found.Pruned = append(p.Found.Pruned, fmt.Sprintf("profile %s: %s", prof.Name, why))
	}
	return out
}

// matchAny tells whether v matches one of the glob patterns (none: all).
func matchAny(patterns []string, v string) bool {
	for _, pat := range patterns {
		if ok, _ := path.Match(pat, v); ok {
			return true
		}
	}
	return len(patterns) == 0
}
