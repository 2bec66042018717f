// Package awsauth reads and edits the data of the kube-system/aws-auth
// ConfigMap, which aws-iam-authenticator (and EKS in CONFIG_MAP and
// API_AND_CONFIG_MAP modes) reads to turn an IAM identity into a Kubernetes
// user and groups.
//
// The ConfigMap holds YAML documents inside string values:
//
//	data:
//	  mapRoles: |
//	    - rolearn: arn:aws:iam::123456789012:role/EKSMyExampleViewer
//	      username: developer
//	      groups:
//	      - developers
//	  mapUsers: |
//	    - userarn: arn:aws:iam::123456789012:user/alice
//	      username: alice
//	  mapAccounts: |
//	    - "123456789012"
//
// Edits work on the YAML node tree, so entries keep their order, fields this
// package does not know and their comments, and keys it does not touch keep
// their bytes. A key that is edited is written again in the style eksctl and
// kubectl use (list items at their key's column).
//
// A username may be a template that aws-iam-authenticator fills in at each
// login: {{AccountID}}, {{SessionName}}, {{SessionNameRaw}} for roles,
// {{EC2PrivateDNSName}} for node roles; for example
// "developer:{{SessionName}}" keeps the person's session name in the audit
// log. Templates are kept as they are written.
//
// Some entries keep the cluster alive: node roles (groups system:nodes or
// system:bootstrappers) let the kubelets in, and system:masters entries are
// often the last way in for an admin. They are never rewritten or removed
// unless the caller forces it.
package awsauth

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/eks-login/eks-login/pkg/yamlutil"

	yaml "go.yaml.in/yaml/v3"
)

// The ConfigMap's keys.
const (
	KeyRoles    = "mapRoles"
	KeyUsers    = "mapUsers"
	KeyAccounts = "mapAccounts"
)

// ProtectedGroups are the groups whose entries need force to be changed.
var ProtectedGroups = []string{"system:nodes", "system:bootstrappers", "system:masters"}

// Mapping is one entry of mapRoles or mapUsers.
type Mapping struct {
	// Key is KeyRoles or KeyUsers.
	Key      string
	ARN      string
	Username string
	Groups   []string
	// Line is where the entry starts inside its key's value (1-based), 0 for
	// one not written yet.
	Line int
}

// Protected reports whether the mapping holds a group from ProtectedGroups.
func (m Mapping) Protected() bool {
	for _, g := range m.Groups {
		for _, p := range ProtectedGroups {
			if g == p {
				return true
			}
		}
	}
	return false
}

// ParseError names the key and the line of aws-auth that cannot be read.
type ParseError struct {
	Key  string
	Line int // inside the key's value, 1-based; 0 when unknown
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("ConfigMap kube-system/aws-auth key %s line %d: %s; fix it with 'kubectl edit -n kube-system configmap aws-auth' first", e.Key, e.Line, e.Msg)
	}
	return fmt.Sprintf("ConfigMap kube-system/aws-auth key %s: %s; fix it with 'kubectl edit -n kube-system configmap aws-auth' first", e.Key, e.Msg)
}

// ErrProtected is wrapped by the errors of edits that would change a node
// role or system:masters entry without force.
var ErrProtected = errors.New("protected entry")

// Change says what an edit did.
type Change string

const (
	Added     Change = "added"
	Updated   Change = "updated"
	Unchanged Change = "unchanged"
	Removed   Change = "removed"
	Absent    Change = "absent"
)

// Doc is the parsed data of an aws-auth ConfigMap.
type Doc struct {
	data    map[string]string
	seqs    map[string]*yaml.Node // the parsed sequences of mapRoles and mapUsers
	docs    map[string]*yaml.Node // their document nodes, with head comments
	dirty   map[string]bool
	compact map[string]bool
}

// Parse reads the ConfigMap's data. Keys other than mapRoles and mapUsers
// are kept untouched; mapAccounts is checked to be a list.
func Parse(data map[string]string) (*Doc, error) {
	d := &Doc{data: map[string]string{}, seqs: map[string]*yaml.Node{}, docs: map[string]*yaml.Node{}, dirty: map[string]bool{}, compact: map[string]bool{}}
	for k, v := range data {
		d.data[k] = v
	}
	for _, key := range []string{KeyRoles, KeyUsers, KeyAccounts} {
		text, ok := d.data[key]
		if !ok {
			continue
		}
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
			line, msg := yamlutil.Line(err)
			return nil, &ParseError{Key: key, Line: line, Msg: msg}
		}
		if doc.Kind == 0 || len(doc.Content) == 0 || isNull(doc.Content[0]) {
			continue // empty value: no entries
		}
		seq := doc.Content[0]
		if seq.Kind != yaml.SequenceNode {
			return nil, &ParseError{Key: key, Line: seq.Line, Msg: "must be a YAML list of entries"}
		}
		if key == KeyAccounts {
			for _, item := range seq.Content {
				if item.Kind != yaml.ScalarNode {
					return nil, &ParseError{Key: key, Line: item.Line, Msg: "each entry must be an account ID"}
				}
			}
			continue
		}
		for _, item := range seq.Content {
			if _, err := decodeEntry(key, item); err != nil {
				return nil, err
			}
		}
		d.seqs[key] = seq
		d.docs[key] = &doc
		d.compact[key] = compactStyle(text)
	}
	return d, nil
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// compactStyle reports whether the value writes nested lists at their key's
// column ("groups:\n- a"), as eksctl does, rather than indented.
func compactStyle(text string) bool {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		t := strings.TrimLeft(l, " -")
		if strings.HasSuffix(strings.TrimSpace(t), ":") && i+1 < len(lines) {
			next := lines[i+1]
			nt := strings.TrimLeft(next, " ")
			if strings.HasPrefix(nt, "- ") {
				keyCol := len(l) - len(t)
				return len(next)-len(nt) == keyCol
			}
		}
	}
	return true
}

func arnField(key string) string {
	if key == KeyUsers {
		return "userarn"
	}
	return "rolearn"
}

func decodeEntry(key string, item *yaml.Node) (Mapping, error) {
	if item.Kind != yaml.MappingNode {
		return Mapping{}, &ParseError{Key: key, Line: item.Line, Msg: "each entry must be a mapping with " + arnField(key) + ", username and groups"}
	}
	var e struct {
		RoleARN  string   `yaml:"rolearn"`
		UserARN  string   `yaml:"userarn"`
		Username string   `yaml:"username"`
		Groups   []string `yaml:"groups"`
	}
	if err := item.Decode(&e); err != nil {
		return Mapping{}, &ParseError{Key: key, Line: item.Line, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	arn := e.RoleARN
	if key == KeyUsers {
		arn = e.UserARN
	}
	if arn == "" {
		return Mapping{}, &ParseError{Key: key, Line: item.Line, Msg: "entry has no " + arnField(key)}
	}
	return Mapping{Key: key, ARN: arn, Username: e.Username, Groups: e.Groups, Line: item.Line}, nil
}

// Mappings lists mapRoles then mapUsers, each in file order.
func (d *Doc) Mappings() []Mapping {
	var out []Mapping
	for _, key := range []string{KeyRoles, KeyUsers} {
		if seq := d.seqs[key]; seq != nil {
			for _, item := range seq.Content {
				m, _ := decodeEntry(key, item) // checked by Parse
				out = append(out, m)
			}
		}
	}
	return out
}

// Accounts lists mapAccounts.
func (d *Doc) Accounts() []string {
	var out []string
	if text, ok := d.data[KeyAccounts]; ok {
		var ids []any
		if yaml.Unmarshal([]byte(text), &ids) == nil {
			for _, id := range ids {
				out = append(out, fmt.Sprint(id))
			}
		}
	}
	return out
}

// KeyFor tells which key maps arn: mapRoles for a role, mapUsers for a user.
func KeyFor(arn string) (string, error) {
	if !utf8.ValidString(arn) {
		return "", fmt.Errorf("%q is not an IAM role or user ARN: it is not valid UTF-8", arn)
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" {
		switch {
		case strings.HasPrefix(parts[5], "role/"):
			return KeyRoles, nil
		case strings.HasPrefix(parts[5], "user/"):
			return KeyUsers, nil
		}
	}
	return "", fmt.Errorf("%q is not an IAM role or user ARN (arn:aws:iam::ACCOUNT:role/NAME or arn:aws:iam::ACCOUNT:user/NAME)", arn)
}

// MatchedARN is arn as aws-auth must name it to be matched.
// aws-iam-authenticator looks a caller's role up by the role ARN made from
// STS's assumed-role ARN, which has no path, so a role is matched without
// its path: arn:aws:iam::ACCOUNT:role/aws-reserved/sso.amazonaws.com/R is
// matched as arn:aws:iam::ACCOUNT:role/R (eksctl writes it so too). A user's
// ARN is matched as GetCallerIdentity names it, with its path. Either is
// compared without regard to case.
func MatchedARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return arn
	}
	parts[5] = "role/" + parts[5][strings.LastIndex(parts[5], "/")+1:]
	return strings.Join(parts, ":")
}

// find returns the indexes of the entries of key for arn.
func (d *Doc) find(key, arn string) []int {
	var idx []int
	if seq := d.seqs[key]; seq != nil {
		for i, item := range seq.Content {
			if m, _ := decodeEntry(key, item); m.ARN == arn {
				idx = append(idx, i)
			}
		}
	}
	return idx
}

func (d *Doc) single(key, arn string) (int, error) {
	idx := d.find(key, arn)
	switch len(idx) {
	case 0:
		return -1, nil
	case 1:
		return idx[0], nil
	}
	var lines []string
	for _, i := range idx {
		lines = append(lines, strconv.Itoa(d.seqs[key].Content[i].Line))
	}
	return -1, fmt.Errorf("ConfigMap kube-system/aws-auth key %s maps %s %d times (lines %s); keep one of them with 'kubectl edit -n kube-system configmap aws-auth' first", key, arn, len(idx), strings.Join(lines, ", "))
}

// protectedError reads as a sentence and matches ErrProtected.
type protectedError struct{ msg string }

func (e *protectedError) Error() string        { return e.msg }
func (e *protectedError) Is(target error) bool { return target == ErrProtected }

func protectedErr(m Mapping, what string) error {
	return &protectedError{fmt.Sprintf("ConfigMap kube-system/aws-auth key %s line %d maps %s to groups %s, which nodes or cluster admins need; refusing to %s it without --force",
		m.Key, m.Line, m.ARN, strings.Join(m.Groups, ", "), what)}
}

// Set adds the mapping for m.ARN, or rewrites the username and groups of the
// existing one, keeping its other fields and its place.
func (d *Doc) Set(m Mapping, force bool) (Change, error) {
	key, err := KeyFor(m.ARN)
	if err != nil {
		return "", err
	}
	m.Key = key
	for _, v := range append([]string{m.Username}, m.Groups...) {
		if !utf8.ValidString(v) {
			return "", fmt.Errorf("the username or group %q is not valid UTF-8, which aws-auth cannot hold", v)
		}
	}
	i, err := d.single(key, m.ARN)
	if err != nil {
		return "", err
	}
	if i < 0 {
		seq := d.seq(key)
		seq.Content = append(seq.Content, entryNode(m))
		d.dirty[key] = true
		return Added, nil
	}
	item := d.seqs[key].Content[i]
	old, _ := decodeEntry(key, item)
	if old.Username == m.Username && equal(old.Groups, m.Groups) && !misread(item) {
		return Unchanged, nil
	}
	if old.Protected() && !force {
		return "", protectedErr(old, "rewrite")
	}
	setField(item, "username", scalar(m.Username))
	setField(item, "groups", groupsNode(m.Groups))
	d.dirty[key] = true
	return Updated, nil
}

// Remove deletes the mapping for arn; Absent when there is none.
func (d *Doc) Remove(arn string, force bool) (Change, error) {
	key, err := KeyFor(arn)
	if err != nil {
		return "", err
	}
	i, err := d.single(key, arn)
	if err != nil || i < 0 {
		return Absent, err
	}
	seq := d.seqs[key]
	old, _ := decodeEntry(key, seq.Content[i])
	if old.Protected() && !force {
		return "", protectedErr(old, "remove")
	}
	seq.Content = append(seq.Content[:i:i], seq.Content[i+1:]...)
	d.dirty[key] = true
	return Removed, nil
}

// Get returns the mapping for arn.
func (d *Doc) Get(arn string) (Mapping, bool) {
	key, err := KeyFor(arn)
	if err != nil {
		return Mapping{}, false
	}
	for _, m := range d.Mappings() {
		if m.Key == key && m.ARN == arn {
			return m, true
		}
	}
	return Mapping{}, false
}

func (d *Doc) seq(key string) *yaml.Node {
	if d.seqs[key] == nil {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		d.seqs[key] = seq
		d.docs[key] = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{seq}}
		d.compact[key] = true
	}
	return d.seqs[key]
}

// Data returns the ConfigMap's data with the edits made: edited keys are
// written again, every other key keeps its bytes.
func (d *Doc) Data() map[string]string {
	out := map[string]string{}
	for k, v := range d.data {
		out[k] = v
	}
	for key := range d.dirty {
		seq := d.seqs[key]
		if len(seq.Content) == 0 {
			out[key] = "[]\n"
			continue
		}
		seq.Style = 0 // a flow list ("[]") becomes a block list once it has entries
		yamlutil.KeepFlowNulls(d.docs[key])
		var b bytes.Buffer
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if d.compact[key] {
			enc.CompactSeqIndent()
		}
		if err := enc.Encode(d.docs[key]); err != nil {
			panic(fmt.Sprintf("awsauth: encode %s: %v", key, err)) // only nodes we built or parsed
		}
		enc.Close()
		out[key] = b.String()
	}
	return out
}

func entryNode(m Mapping) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	setField(n, arnField(m.Key), scalar(m.ARN))
	setField(n, "username", scalar(m.Username))
	setField(n, "groups", groupsNode(m.Groups))
	return n
}

// scalar is a string, quoted when aws-iam-authenticator's YAML 1.1 reader
// would take it for a boolean, a null or a number ("on", "no", "1.5").
func scalar(s string) *yaml.Node { return yamlutil.Str(s) }

// misread tells an entry whose username or groups are written plain where
// aws-iam-authenticator reads something else ("- on" is true to it, and the
// mapping's groups come out empty): setting it writes them again, quoted.
func misread(item *yaml.Node) bool {
	for i := 0; i+1 < len(item.Content); i += 2 {
		switch v := item.Content[i+1]; item.Content[i].Value {
		case "username":
			if yamlutil.PlainAmbiguous(v) {
				return true
			}
		case "groups":
			for _, g := range v.Content {
				if yamlutil.PlainAmbiguous(g) {
					return true
				}
			}
		}
	}
	return false
}

func groupsNode(groups []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, g := range groups {
		n.Content = append(n.Content, scalar(g))
	}
	return n
}

// setField sets key in mapping n, in place when present; an empty scalar or
// list removes the field, as aws-iam-authenticator treats both alike.
func setField(n *yaml.Node, key string, v *yaml.Node) {
	empty := (v.Kind == yaml.ScalarNode && v.Value == "") || (v.Kind == yaml.SequenceNode && len(v.Content) == 0)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			if empty {
				n.Content = append(n.Content[:i:i], n.Content[i+2:]...)
				return
			}
			if old := n.Content[i+1]; old.Kind == v.Kind && old.Kind == yaml.ScalarNode {
				old.Value, old.Tag, old.Style = v.Value, v.Tag, v.Style
				return
			}
			n.Content[i+1] = v
			return
		}
	}
	if !empty {
		n.Content = append(n.Content, scalar(key), v)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
