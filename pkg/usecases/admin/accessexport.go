package admin

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/eks-login/eks-login/pkg/accessfile"
	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/kube"
)

// ExportSpec names the clusters export reads.
type ExportSpec struct {
	Clusters []accessfile.Cluster
	// Kubeconfig and Context reach the cluster when there is one.
	Kubeconfig, Context string
}

// exported is one role's mapping as found on a cluster, with its bindings.
type exported struct {
	roleARN  string
	username string
	groups   []string
	roles    []accessfile.ClusterRoleOn
}

// ExportAccess reads the clusters' mappings of IAM roles (aws-auth or
// access entries), the bindings of the groups they map to, and the IAM side
// where it can be read (the group allowed to assume each role, its members,
// the role's MFA condition), and writes them as an access file. Notes say
// what could not be expressed.
func (a *Admin) ExportAccess(ctx context.Context, s ExportSpec) (*accessfile.File, []string, error) {
	env, err := a.accountEnv(ctx)
	if err != nil {
		return nil, nil, err
	}
	f := &accessfile.File{APIVersion: accessfile.APIVersion, Kind: accessfile.Kind}
	x := &exporter{env: env, teams: map[string]*accessfile.Team{}}
	spec := AccessSpec{File: &accessfile.File{Clusters: s.Clusters}, Kubeconfig: s.Kubeconfig, Context: s.Context}
	for _, c := range s.Clusters {
		if len(s.Clusters) > 1 {
			spec.Only = c.Name
		}
		t, err := a.target(ctx, spec, c)
		if err != nil {
			return nil, nil, fmt.Errorf("cluster %s: %w", c.Name, err)
		}
		found, mapping, err := t.exportMappings(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("cluster %s: %w", c.Name, err)
		}
		if c.Mapping == accessfile.MappingAuto && mapping != t.mapping() {
			c.Mapping = mapping // auto would pick the other source
		}
		f.Clusters = append(f.Clusters, c)
		ref := c.Name
		if c.ARN != "" {
			ref = c.ARN
		}
		x.addCluster(ref, found)
	}
	if err := x.iamSide(ctx); err != nil {
		return nil, nil, err
	}
	f.Teams = x.sortedTeams()
	return f, x.notes, nil
}

// exportMappings reads the cluster's role mappings from the source its
// mapping mode picks, or the other one when only that has any, with the
// bindings of their groups.
func (t *target) exportMappings(ctx context.Context) ([]exported, string, error) {
	first, other := t.mapping(), ""
	if t.decl.Mapping == accessfile.MappingAuto && t.info.AuthMode == AuthAPIAndConfigMap {
		other = map[string]string{accessfile.MappingAccessEntry: accessfile.MappingAWSAuth, accessfile.MappingAWSAuth: accessfile.MappingAccessEntry}[first]
	}
	found, err := t.readMappings(ctx, first)
	if err == nil && len(found) == 0 && other != "" {
		if found, err = t.readMappings(ctx, other); len(found) > 0 {
			first = other
		}
	}
	if err != nil {
		return nil, "", err
	}
	k, err := t.kube()
	if err != nil {
		return nil, "", err
	}
	if err := bindingsOfGroups(ctx, k, found); err != nil {
		return nil, "", err
	}
	return found, first, nil
}

func (t *target) readMappings(ctx context.Context, source string) ([]exported, error) {
	if source == accessfile.MappingAccessEntry {
		return t.entryMappings(ctx)
	}
	return t.awsAuthMappings(ctx)
}

func (t *target) awsAuthMappings(ctx context.Context) ([]exported, error) {
	k, err := t.kube()
	if err != nil {
		return nil, err
	}
	d, _, err := awsauth.Read(ctx, k)
	if err != nil {
		return nil, err
	}
	var out []exported
	for _, m := range d.Mappings() {
		if m.Key == awsauth.KeyRoles && !m.Protected() {
			out = append(out, exported{roleARN: m.ARN, username: m.Username, groups: m.Groups})
		}
	}
	return out, nil
}

func (t *target) entryMappings(ctx context.Context) ([]exported, error) {
	principals, err := t.listEntries(ctx)
	if err != nil {
		return nil, err
	}
	var out []exported
	for _, principal := range principals {
		if key, err := awsauth.KeyFor(principal); err != nil || key != awsauth.KeyRoles {
			continue
		}
		_, cur, err := t.readAccessEntry(ctx, principal, t.info)
		if err != nil {
			return nil, err
		}
		if cur != nil && !protectedEntry(cur) {
			out = append(out, exported{roleARN: principal, username: aws.ToString(cur.Username), groups: cur.KubernetesGroups})
		}
	}
	return out, nil
}

// bindingsOfGroups fills each mapping's cluster roles: those bound to one
// of its groups, cluster-wide or per namespace.
func bindingsOfGroups(ctx context.Context, k *kube.Client, found []exported) error {
	var crbs rbacv1.ClusterRoleBindingList
	if err := k.List(ctx, kube.ClusterRoleBindings, "", "", &crbs); err != nil {
		return kube.Explain(err, "cannot list the ClusterRoleBindings")
	}
	var rbs rbacv1.RoleBindingList
	if err := k.List(ctx, kube.RoleBindings, "", "", &rbs); err != nil {
		return kube.Explain(err, "cannot list the RoleBindings")
	}
	for i := range found {
		e := &found[i]
		wide, perNS := map[string]bool{}, map[string][]string{}
		for _, b := range crbs.Items {
			if b.RoleRef.Kind == "ClusterRole" && bindsGroup(b.Subjects, e.groups) {
				wide[b.RoleRef.Name] = true
			}
		}
		for _, b := range rbs.Items {
			if b.RoleRef.Kind == "ClusterRole" && bindsGroup(b.Subjects, e.groups) && !slices.Contains(perNS[b.RoleRef.Name], b.Namespace) {
				perNS[b.RoleRef.Name] = append(perNS[b.RoleRef.Name], b.Namespace)
			}
		}
		for _, r := range slices.Sorted(mapKeys(wide)) {
			e.roles = append(e.roles, accessfile.ClusterRoleOn{ClusterRole: r})
		}
		for _, r := range slices.Sorted(func(yield func(string) bool) {
			for k := range perNS {
				if !wide[k] && !yield(k) {
					return
				}
			}
		}) {
			sort.Strings(perNS[r])
			e.roles = append(e.roles, accessfile.ClusterRoleOn{ClusterRole: r, Namespaces: perNS[r]})
		}
	}
	return nil
}

func bindsGroup(subs []rbacv1.Subject, groups []string) bool {
	return slices.ContainsFunc(subs, func(s rbacv1.Subject) bool { return s.Kind == rbacv1.GroupKind && slices.Contains(groups, s.Name) })
}

// roleName is the last part of a role ARN.
func roleName(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }
