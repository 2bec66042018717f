package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eks-login/eks-login/pkg/accessentry"
	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/names"
)

// What the plan does with each access entry.
const (
	ActCreate    = "create"
	ActDone      = "already done"     // the entry exists as planned
	ActAssociate = "associate policy" // it exists, without the access policy
	ActUpdate    = "update"           // it differs, and --force makes it equal
	ActConflict  = "conflict"         // it differs; nothing changes without --force
)

// Plan is a migration computed by reading only: Run applies it as it is,
// and --dry-run prints it.
type Plan struct {
	Cluster    string `json:"cluster"`
	Region     string `json:"region"`
	ClusterARN string `json:"clusterArn"`
	Mode       string `json:"authenticationMode"`
	// ModeChanges are the switches of authentication mode, in order.
	ModeChanges []ModeChange `json:"modeChanges"`
	Entries     []*Entry     `json:"entries"`
	// NotMigrated are the aws-auth entries no access entry can stand for.
	NotMigrated []Refusal `json:"notMigrated"`
	// Cleanup is the edit of aws-auth --cleanup makes, when asked for.
	Cleanup *Cleanup `json:"cleanup,omitempty"`
	Request Request  `json:"-"`
	account string   // the cluster's
}

// ModeChange is one switch of the authentication mode.
type ModeChange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Source is an aws-auth mapping as written.
type Source struct {
	Key      string   `json:"key"`
	Line     int      `json:"line"`
	ARN      string   `json:"arn"`
	Username string   `json:"username,omitempty"`
	Groups   []string `json:"groups,omitempty"`
}

func (s Source) String() string { return fmt.Sprintf("%s line %d", s.Key, s.Line) }

func (s Source) mapping() awsauth.Mapping {
	return awsauth.Mapping{Key: s.Key, ARN: s.ARN, Username: s.Username, Groups: s.Groups, Line: s.Line}
}

// Entry is one planned access entry.
type Entry struct {
	Source       Source `json:"source"`
	PrincipalARN string `json:"principalArn"`
	Want
	Action   string    `json:"action"`
	Existing *Existing `json:"existing,omitempty"`
	// Check is how its identity is checked: "token" (a token for a session
	// of the role, which the cluster names with a SelfSubjectReview) when
	// the role can be assumed, "described" (the access entry as EKS
	// describes it) otherwise.
	Check string `json:"check"`
}

// Existing is an access entry found for the principal.
type Existing struct {
	Type     string   `json:"type"`
	Username string   `json:"username"`
	Groups   []string `json:"kubernetesGroups,omitempty"`
	Policies []string `json:"accessPolicies,omitempty"`
	// CreatedByMigrate says it carries migrate's tag.
	CreatedByMigrate bool `json:"createdByMigrate"`
}

// Refusal is an aws-auth entry that is not migrated, and why.
type Refusal struct {
	What   string `json:"what"`
	ARN    string `json:"arn,omitempty"`
	Reason string `json:"reason"`
}

// Cleanup is the edit of aws-auth that removes the migrated mappings.
type Cleanup struct {
	Remove []string `json:"remove"`
	Diff   string   `json:"diff"`
}

// Build plans the migration of req.Cluster.
func Build(ctx context.Context, d *Deps, req Request) (*Plan, error) {
	p := &Plan{Cluster: req.Cluster, Request: req, Entries: []*Entry{}, NotMigrated: []Refusal{}, ModeChanges: []ModeChange{}}
	if err := p.describeCluster(ctx, d); err != nil {
		return nil, err
	}
	doc, _, err := awsauth.Read(ctx, d.Kube)
	if err != nil {
		return nil, err
	}
	caller, err := d.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, awserr.Explain(err, "cannot tell whose AWS credentials these are (sts:GetCallerIdentity)")
	}
	if err := p.planEntries(ctx, d, doc, aws.ToString(caller.Account)); err != nil {
		return nil, err
	}
	for _, a := range doc.Accounts() {
		p.NotMigrated = append(p.NotMigrated, Refusal{What: "mapAccounts " + a, Reason: "access entries have no equivalent of mapping every principal of an account; give its roles access entries of their own"})
	}
	p.planModes()
	if req.Cleanup {
		if p.Cleanup, err = planCleanup(ctx, d.Kube, p.migrated()); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *Plan) describeCluster(ctx context.Context, d *Deps) error {
	out, err := d.EKS.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(p.Cluster)})
	if err != nil {
		return awserr.Explain(err, "cannot describe EKS cluster "+p.Cluster+" (eks:DescribeCluster)")
	}
	p.ClusterARN = aws.ToString(out.Cluster.Arn)
	arn, err := names.ParseClusterARN("the cluster's ARN", p.ClusterARN)
	if err != nil {
		return err
	}
	p.Region, p.account = arn.Region, arn.Account
	p.Mode = ModeConfigMap
	if ac := out.Cluster.AccessConfig; ac != nil && ac.AuthenticationMode != "" {
		p.Mode = string(ac.AuthenticationMode)
	}
	return nil
}

func (p *Plan) planEntries(ctx context.Context, d *Deps, doc *awsauth.Doc, caller string) error {
	seen := map[string]int{}
	for _, m := range doc.Mappings() {
		seen[strings.ToLower(m.ARN)]++
	}
	for _, m := range doc.Mappings() {
		src := Source{Key: m.Key, Line: m.Line, ARN: m.ARN, Username: m.Username, Groups: m.Groups}
		e, reason, err := p.planEntry(ctx, d, m, caller, seen[strings.ToLower(m.ARN)])
		if err != nil {
			return err
		}
		if reason != "" {
			p.NotMigrated = append(p.NotMigrated, Refusal{What: src.String(), ARN: m.ARN, Reason: reason})
			continue
		}
		e.Source = src
		p.Entries = append(p.Entries, e)
	}
	return nil
}

// planEntry plans one mapping: its access entry, its real principal, and
// what the cluster has for that principal already.
func (p *Plan) planEntry(ctx context.Context, d *Deps, m awsauth.Mapping, caller string, times int) (*Entry, string, error) {
	if times > 1 {
		return nil, fmt.Sprintf("aws-auth maps %s %d times, and aws-iam-authenticator uses only the last; keep one with 'kubectl edit -n kube-system configmap aws-auth' first", m.ARN, times), nil
	}
	want, reason := Convert(m)
	if reason != "" {
		return nil, reason, nil
	}
	principal, reason, err := resolvePrincipal(ctx, d, m, caller)
	if err != nil || reason != "" {
		return nil, reason, err
	}
	if want.Type != TypeStandard && accountOf(principal) != p.account {
		return nil, fmt.Sprintf("a node access entry (%s) needs a role of the cluster's account %s", want.Type, p.account), nil
	}
	e := &Entry{PrincipalARN: principal, Want: want, Action: ActCreate, Check: "described"}
	if want.Type == TypeStandard && m.Key == awsauth.KeyRoles {
		e.Check = "token"
	}
	if p.Mode == ModeConfigMap {
		return e, "", nil // no access entries exist in CONFIG_MAP
	}
	reason, err = p.compareExisting(ctx, d, e)
	return e, reason, err
}

// resolvePrincipal reads the principal's ARN from IAM: aws-auth writes roles
// without their path (aws-iam-authenticator matches the path-less ARN of the
// role a session belongs to), and an access entry needs the ARN with it.
func resolvePrincipal(ctx context.Context, d *Deps, m awsauth.Mapping, caller string) (string, string, error) {
	kind, name, path, account, ok := splitPrincipal(m.ARN)
	if !ok {
		return "", fmt.Sprintf("%q is not an IAM role or user ARN", m.ARN), nil
	}
	if reason := invalidPrincipal(kind, name, path); reason != "" {
		return "", reason, nil
	}
	if kind == "role" && path != "/" {
		return "", fmt.Sprintf("aws-auth matches roles by their ARN without the path, so %s lets no one in today; not migrated", m.ARN), nil
	}
	if account != caller {
		return "", fmt.Sprintf("the principal is in account %s, and these credentials (account %s) cannot read its path from IAM; create its access entry with its full ARN by hand", account, caller), nil
	}
	real, err := iamARN(ctx, d, kind, name)
	if awserr.KindOf(err) == awserr.NotFound {
		return "", fmt.Sprintf("IAM has no %s %s in account %s, so the mapping lets no one in; not migrated", kind, name, account), nil
	}
	if err != nil {
		return "", "", awserr.Explain(err, fmt.Sprintf("cannot read IAM %s %s, whose ARN with its path the access entry needs (iam:Get%s)", kind, name, strings.ToUpper(kind[:1])+kind[1:]))
	}
	if kind == "user" && !strings.EqualFold(real, m.ARN) {
		return "", fmt.Sprintf("IAM user %s is %s, not %s, so the mapping lets no one in; not migrated", name, real, m.ARN), nil
	}
	return real, "", nil
}

// invalidPrincipal says why IAM can hold no principal of this name or path
// ("" when it can): IAM answers such a name with a ValidationError, which
// would stop the whole plan for one entry that lets no one in.
func invalidPrincipal(kind, name, path string) string {
	if !names.IAM(name, names.MaxRoleName) { // MaxUserName is the same 64
		return fmt.Sprintf("%q is not a valid IAM %s name (letters, digits and +=,.@_- only, at most 64), so IAM can hold no such %s and the mapping lets no one in; not migrated", name, kind, kind)
	}
	if !names.IAMPath(path) {
		return fmt.Sprintf("%q is not a valid IAM path (printable ASCII without spaces, at most 512), so IAM can hold no such %s and the mapping lets no one in; not migrated", path, kind)
	}
	return ""
}

func iamARN(ctx context.Context, d *Deps, kind, name string) (string, error) {
	if kind == "role" {
		out, err := d.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.Role.Arn), nil
	}
	out, err := d.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.User.Arn), nil
}

// splitPrincipal splits arn:PARTITION:iam::ACCOUNT:(role|user)/PATH/NAME.
func splitPrincipal(arn string) (kind, name, path, account string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !names.Account(parts[4]) {
		return "", "", "", "", false
	}
	kind, rest, found := strings.Cut(parts[5], "/")
	if !found || (kind != "role" && kind != "user") {
		return "", "", "", "", false
	}
	i := strings.LastIndex(rest, "/")
	path, name = "/"+rest[:i+1], rest[i+1:]
	if name == "" {
		return "", "", "", "", false
	}
	return kind, name, path, parts[4], true
}

// pathless is a role's ARN as aws-auth writes it, without the path.
func pathless(arn string) string {
	kind, name, _, _, ok := splitPrincipal(arn)
	if !ok || kind != "role" {
		return arn
	}
	return strings.Join(strings.SplitN(arn, ":", 6)[:5], ":") + ":role/" + name
}

func accountOf(arn string) string {
	_, _, _, account, _ := splitPrincipal(arn)
	return account
}

// compareExisting sets the entry's action from the access entry the cluster
// has for the principal; a type EKS cannot change is a reason not to
// migrate it.
func (p *Plan) compareExisting(ctx context.Context, d *Deps, e *Entry) (string, error) {
	ex, err := describeEntry(ctx, d, p.Cluster, e.PrincipalARN)
	if err != nil || ex == nil {
		return "", err
	}
	e.Existing = ex
	switch {
	case ex.Type != e.Type:
		return fmt.Sprintf("it has an access entry of type %s, and EKS cannot change an entry's type to %s; delete that entry by hand to migrate it", ex.Type, e.Type), nil
	case ex.Username != e.Username || !sameSet(ex.Groups, e.Groups):
		e.Action = ActConflict
	case sameSet(ex.Policies, e.Policies):
		e.Action = ActDone
	case subset(ex.Policies, e.Policies):
		e.Action = ActAssociate
	default:
		e.Action = ActConflict
	}
	if e.Action == ActConflict && p.Request.Force {
		e.Action = ActUpdate
	}
	return "", nil
}

// describeEntry reads an access entry and its policies; nil when there is none.
func describeEntry(ctx context.Context, d *Deps, cluster, principal string) (*Existing, error) {
	e, policies, err := accessentry.Read(ctx, d.EKS, cluster, principal)
	var nf *ekstypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Existing{Type: aws.ToString(e.Type), Username: aws.ToString(e.Username), Groups: e.KubernetesGroups,
		CreatedByMigrate: e.Tags[CreatedByTag] == CreatedByValue, Policies: policies}, nil
}

func sameSet(a, b []string) bool {
	return subset(a, b) && subset(b, a)
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// planModes adds the switches the request needs: CONFIG_MAP can have no
// access entries, and API only with --to api.
func (p *Plan) planModes() {
	mode := p.Mode
	if mode == ModeConfigMap {
		p.ModeChanges = append(p.ModeChanges, ModeChange{From: mode, To: ModeBoth})
		mode = ModeBoth
	}
	if p.Request.ToAPI && mode != ModeAPI {
		p.ModeChanges = append(p.ModeChanges, ModeChange{From: mode, To: ModeAPI})
	}
}

// migrated are the entries whose aws-auth mappings the cleanup removes:
// every one that will exist as planned.
func (p *Plan) migrated() []*Entry {
	var out []*Entry
	for _, e := range p.Entries {
		if e.Action != ActConflict {
			out = append(out, e)
		}
	}
	return out
}

// Conflicts are the entries that differ from aws-auth's mappings.
func (p *Plan) Conflicts() []*Entry {
	var out []*Entry
	for _, e := range p.Entries {
		if e.Action == ActConflict {
			out = append(out, e)
		}
	}
	return out
}
