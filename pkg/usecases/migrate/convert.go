package migrate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/eks-login/eks-login/pkg/awsauth"
)

// Access entry types (EKS CreateAccessEntry's type).
const (
	TypeStandard     = "STANDARD"
	TypeEC2Linux     = "EC2_LINUX"
	TypeEC2Windows   = "EC2_WINDOWS"
	TypeFargateLinux = "FARGATE_LINUX"
)

// ClusterAdminPolicy is the access policy that stands for system:masters.
const ClusterAdminPolicy = "AmazonEKSClusterAdminPolicy"

// The usernames aws-auth gives nodes, which EKS sets itself on node entries.
const (
	ec2NodeUsername     = "system:node:{{EC2PrivateDNSName}}"
	fargateNodeUsername = "system:node:{{SessionName}}"
)

// The groups of node mappings: eksctl and EKS write aws-auth's node roles
// with these, and node access entries get their own set from EKS.
const (
	groupBootstrappers = "system:bootstrappers"
	groupNodes         = "system:nodes"
	groupNodeProxier   = "system:node-proxier"
	groupWindows       = "eks:kube-proxy-windows"
	groupMasters       = "system:masters"
)

// nodeEntryGroups are the groups EKS gives each node entry type
// (DescribeAccessEntry shows them).
var nodeEntryGroups = map[string][]string{
	TypeEC2Linux:     {groupNodes},
	TypeEC2Windows:   {groupNodes, groupWindows},
	TypeFargateLinux: {groupNodeProxier, groupNodes},
}

// reservedUsernamePrefixes start no username EKS accepts in an access entry.
var reservedUsernamePrefixes = []string{"system:", "eks:", "aws:", "amazon:", "iam:"}

// entryTemplates are the username templates access entries fill in (EKS
// User Guide, "Create access entries"): the session name with "@" made "-",
// the raw session name, and the account.
var entryTemplates = []string{"{{SessionName}}", "{{SessionNameRaw}}", "{{AccountID}}"}

// templates lists the {{...}} templates in s. (No regexp: this package is
// linked into the binary kubectl starts on every call, and a package-level
// regexp is compiled at every start.)
func templates(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			return out
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return out
		}
		out = append(out, s[i:i+j+2])
		s = s[i+j+2:]
	}
}

// Want is the access entry that gives a principal the identity its aws-auth
// mapping gives it.
type Want struct {
	Type string `json:"type"`
	// Username and Groups are the entry's; for node types, EKS sets them
	// itself (they are not sent), and these are what it sets.
	Username string   `json:"username,omitempty"`
	Groups   []string `json:"kubernetesGroups,omitempty"`
	// Policies are access policies to associate, cluster-wide.
	Policies []string `json:"accessPolicies,omitempty"`
	// Notes say what changes in form, such as system:masters becoming a policy.
	Notes []string `json:"notes,omitempty"`
}

// Convert gives the access entry that stands for m, or the reason none can.
// It reads nothing: the principal's ARN is m's as written.
func Convert(m awsauth.Mapping) (Want, string) {
	if isNodeMapping(m.Groups) {
		return convertNode(m)
	}
	return convertStandard(m)
}

func isNodeMapping(groups []string) bool {
	return slices.Contains(groups, groupNodes) || slices.Contains(groups, groupBootstrappers) || slices.Contains(groups, groupNodeProxier)
}

// convertNode maps aws-auth's node roles to node entry types: EC2 nodes by
// the username template EKS and eksctl write for them, Fargate pods by the
// node-proxier group and the session-name username.
func convertNode(m awsauth.Mapping) (Want, string) {
	if m.Key != awsauth.KeyRoles {
		return Want{}, fmt.Sprintf("groups %s are node groups, which only node access entries carry, and those take IAM roles, not users", strings.Join(m.Groups, ", "))
	}
	var typ string
	var allowed []string
	switch {
	case m.Username == ec2NodeUsername && slices.Contains(m.Groups, groupWindows):
		typ, allowed = TypeEC2Windows, []string{groupBootstrappers, groupNodes, groupWindows}
	case m.Username == ec2NodeUsername:
		typ, allowed = TypeEC2Linux, []string{groupBootstrappers, groupNodes}
	case m.Username == fargateNodeUsername && slices.Contains(m.Groups, groupNodeProxier):
		typ, allowed = TypeFargateLinux, []string{groupBootstrappers, groupNodes, groupNodeProxier}
	default:
		return Want{}, fmt.Sprintf("groups %s make it a node mapping, but its username %q is neither EC2's %s nor Fargate's %s, which EKS gives node entries",
			strings.Join(m.Groups, ", "), m.Username, ec2NodeUsername, fargateNodeUsername)
	}
	for _, g := range m.Groups {
		if !slices.Contains(allowed, g) {
			return Want{}, fmt.Sprintf("a node access entry (%s) takes no groups of its own, and EKS gives it %s, not %s", typ, strings.Join(nodeEntryGroups[typ], ", "), g)
		}
	}
	w := Want{Type: typ, Username: nodeUsername(typ), Groups: nodeEntryGroups[typ],
		Notes: []string{fmt.Sprintf("node role: EKS sets the username %s and the groups %s", nodeUsername(typ), strings.Join(nodeEntryGroups[typ], ", "))}}
	if slices.Contains(m.Groups, groupBootstrappers) {
		w.Notes = append(w.Notes, "system:bootstrappers is not needed: EKS lets node entries join as they are")
	}
	return w, ""
}

func nodeUsername(typ string) string {
	if typ == TypeFargateLinux {
		return fargateNodeUsername
	}
	return ec2NodeUsername
}

// convertStandard keeps the username and groups, trading system:masters for
// the cluster admin access policy; what EKS would refuse is refused here,
// with the reason.
func convertStandard(m awsauth.Mapping) (Want, string) {
	if reason := checkUsername(m.Username); reason != "" {
		return Want{}, reason
	}
	w := Want{Type: TypeStandard, Username: m.Username}
	for _, g := range m.Groups {
		switch {
		case g == groupMasters:
			w.Policies = []string{ClusterAdminPolicy}
			w.Notes = append(w.Notes, "system:masters becomes the access policy "+ClusterAdminPolicy+" (cluster scope): EKS refuses system: groups in access entries")
		case strings.HasPrefix(g, "system:"):
			return Want{}, fmt.Sprintf("group %s: EKS refuses Kubernetes groups that start with system: in access entries, and no access policy stands for it; bind what it allows to a group of your own first", g)
		case len(templates(g)) > 0:
			return Want{}, fmt.Sprintf("group %q holds a template, which access entries do not fill in", g)
		case !slices.Contains(w.Groups, g):
			w.Groups = append(w.Groups, g)
		}
	}
	return w, ""
}

// checkUsername applies EKS's rules for an access entry's username.
func checkUsername(u string) string {
	if u == "" {
		return "it has no username, and an access entry without one authenticates as EKS's default (the ARN), a different user; give it one with 'admin map' first"
	}
	for _, p := range reservedUsernamePrefixes {
		if strings.HasPrefix(u, p) {
			return fmt.Sprintf("username %q starts with %s, which EKS reserves (system:, eks:, aws:, amazon:, iam:)", u, p)
		}
	}
	for _, t := range templates(u) {
		if !slices.Contains(entryTemplates, t) {
			return fmt.Sprintf("username %q uses the template %s, which access entries cannot fill in (they know %s)", u, t, strings.Join(entryTemplates, ", "))
		}
	}
	for _, t := range entryTemplates[:2] {
		if i := strings.Index(u, t); i >= 0 && !strings.Contains(u[:i], ":") {
			return fmt.Sprintf("username %q: EKS needs a colon before %s", u, t)
		}
	}
	return ""
}
