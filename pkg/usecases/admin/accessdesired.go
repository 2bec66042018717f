package admin

import (
	"sort"

	"github.com/eks-login/eks-login/pkg/accessfile"
)

// desired is what an access file declares, with the names it implies:
// ARNs in the caller's account, and each cluster's mappings and bindings.
type desired struct {
	file     *accessfile.File
	env      *iamEnv
	clusters []accessfile.Cluster // the clusters of this run
	// roleARNs are the teams' roles' ARNs, by name, as IAM has them (with
	// their path) or as apply will create them; planTeams fills it.
	roleARNs map[string]string
}

func newDesired(f *accessfile.File, env *iamEnv, clusters []accessfile.Cluster) *desired {
	return &desired{file: f, env: env, clusters: clusters}
}

// clusterARN is the cluster's ARN: given, or in the caller's account.
func (d *desired) clusterARN(c accessfile.Cluster) string {
	if c.ARN != "" {
		return c.ARN
	}
	return "arn:" + d.env.partition + ":eks:" + c.Region + ":" + d.env.account + ":cluster/" + c.Name
}

// teamClusters are the clusters of the file a team has access to.
func (d *desired) teamClusters(t accessfile.Team) []accessfile.Cluster {
	var out []accessfile.Cluster
	for _, g := range t.Access {
		if c, ok := d.file.Cluster(g.Cluster); ok {
			out = append(out, c)
		}
	}
	return out
}

// fileClusterNames are the names of every cluster of the file: the scope of
// the describe policies that prune may remove.
func (d *desired) fileClusterNames() map[string]bool {
	out := map[string]bool{}
	for _, c := range d.file.Clusters {
		out[c.Name] = true
	}
	return out
}

// wantMapping is one team's mapping on a cluster.
type wantMapping struct {
	team     string
	role     string // the role's name
	arn      string // its ARN, with its path
	username string
	groups   []string
}

// clusterWant is what one cluster should have.
type clusterWant struct {
	mappings []wantMapping
	bindings []Binding
}

// onCluster is what the file declares for cluster c: each team's mapping,
// and a binding of each of the team's groups to each cluster role, cluster-
// wide or in each namespace, named GROUP-CLUSTERROLE as bind and grant name
// them.
func (d *desired) onCluster(c accessfile.Cluster) clusterWant {
	var w clusterWant
	seen := map[string]bool{}
	for _, t := range d.file.Teams {
		for _, g := range t.Access {
			gc, ok := d.file.Cluster(g.Cluster)
			if !ok || gc.Name != c.Name || gc.Region != c.Region {
				continue
			}
			w.mappings = append(w.mappings, wantMapping{team: t.Name, role: t.Role.Name, arn: d.roleARN(t.Role.Name), username: t.Kubernetes.Username, groups: t.Kubernetes.Groups})
			for _, group := range t.Kubernetes.Groups {
				for _, cr := range g.ClusterRoles {
					for _, b := range bindingsOf(group, cr) {
						if key := b.diffName(); !seen[key] {
							seen[key] = true
							w.bindings = append(w.bindings, b)
						}
					}
				}
			}
		}
	}
	sort.Slice(w.bindings, func(i, j int) bool { return w.bindings[i].diffName() < w.bindings[j].diffName() })
	return w
}

func bindingsOf(group string, cr accessfile.ClusterRoleOn) []Binding {
	if len(cr.Namespaces) == 0 {
		return []Binding{{Group: group, ClusterRole: cr.ClusterRole}}
	}
	var out []Binding
	for _, ns := range cr.Namespaces {
		out = append(out, Binding{Group: group, ClusterRole: cr.ClusterRole, Namespace: ns})
	}
	return out
}

// roleARN is the ARN of the team's role: as IAM has it, or as it will be
// made.
func (d *desired) roleARN(role string) string {
	if arn, ok := d.roleARNs[role]; ok {
		return arn
	}
	return d.env.roleARN(role)
}
