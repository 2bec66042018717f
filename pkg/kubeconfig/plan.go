package kubeconfig

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"

	"github.com/eks-login/eks-login/pkg/yamlutil"

	yaml "go.yaml.in/yaml/v3"

	"github.com/eks-login/eks-login/pkg/fileplan"
)

// Login is what login writes: a cluster, a user running the token command,
// and a context joining them.
type Login struct {
	ClusterName string // the entry's name: the cluster's ARN
	Server      string
	CAData      string // base64, as DescribeCluster returns it
	UserName    string
	Exec        Exec
	Context     string
	// Namespace is the context's namespace; "" keeps what the context has.
	Namespace string
	// Discovery, when set, marks the context and the user as written by
	// that discovery (DiscoveryMark reads it back), so that a later
	// --prune of the same discovery may remove them, and nothing else;
	// "" leaves a mark there as it is.
	Discovery string
}

// Plan is a planned edit of one kubeconfig file.
type Plan struct {
	fileplan.File
	// Changes describe the edit, one sentence each.
	Changes []string
	// Conflicts describe changes that replace something the user has (a
	// context of that name pointing elsewhere): applying them needs --yes.
	Conflicts []string
}

// Edit is one edit of a file, planned in one pass: the entries of several
// logins, and contexts removed.
type Edit struct {
	Logins []Login
	// Current is the context to make current, one of the logins'; ""
	// leaves current-context as it is.
	Current string
	// Remove are contexts to remove, each with its user and its cluster
	// when no context left uses them, in this file or in Others (the other
	// files of the KUBECONFIG list, which kubectl merges with this one).
	Remove []string
	Others []*File
}

// PlanLogin plans the entries of l, its context made current. Entries that
// already hold these values are left untouched, and when all do the plan
// changes nothing, not even the file's formatting.
func (f *File) PlanLogin(l Login) (*Plan, error) {
	return f.PlanEdit(Edit{Logins: []Login{l}, Current: l.Context})
}

// PlanRemove plans the removal of a context, of its user and cluster when no
// other context uses them, in this file or in others, and of
// current-context when it names the context: the context that was current
// before login (recorded by PlanLogin) becomes current again if it still
// exists, else none is.
func (f *File) PlanRemove(context string, others ...*File) (*Plan, error) {
	return f.PlanEdit(Edit{Remove: []string{context}, Others: others})
}

// PlanEdit plans ed: every login's entries, then the removals, in one
// pass over the file's node tree.
func (f *File) PlanEdit(ed Edit) (*Plan, error) {
	seen := map[string]bool{}
	for _, l := range ed.Logins {
		if l.ClusterName == "" || l.UserName == "" || l.Context == "" || seen[l.Context] {
			return nil, fmt.Errorf("internal error: a login needs a cluster, a user and a context name of its own")
		}
		seen[l.Context] = true
	}
	if ed.Current != "" && !seen[ed.Current] {
		return nil, fmt.Errorf("internal error: the context to make current, %q, is not one of the edit's", ed.Current)
	}
	e, err := f.editor()
	if err != nil {
		return nil, err
	}
	p := &Plan{File: fileplan.File{Path: f.Path, Old: f.Data, Existed: f.Exists}}
	for _, l := range ed.Logins {
		e.login(f, l, ed.Current == l.Context, p)
	}
	for _, name := range ed.Remove {
		e.removeContext(name, ed.Others, p)
	}
	if len(ed.Logins) == 0 && len(p.Changes) == 0 {
		p.New = f.Data // nothing to remove: not even a new file's layout
		return p, nil
	}
	if err := e.finish(f, p); err != nil {
		return nil, err
	}
	return p, checkEdit(f.Path, p.New, ed)
}

// login edits the entries of l into the tree, and makes its context
// current when current is set.
func (e *editor) login(f *File, l Login, current bool, p *Plan) {
	// The cluster entry holds AWS's facts about the cluster: always follow them.
	item, added := e.entry("clusters", l.ClusterName, "cluster")
	body := e.body(item, "cluster")
	var fields []string
	fields = append(fields, e.set(body, "certificate-authority-data", strNode(l.CAData))...)
	fields = append(fields, e.set(body, "server", strNode(l.Server))...)
	// These would contradict the CA we write: kubectl refuses insecure with a CA.
	fields = append(fields, e.del(body, "certificate-authority")...)
	fields = append(fields, e.del(body, "insecure-skip-tls-verify")...)
	p.note(added, fields, "cluster", l.ClusterName)

	item, added = e.entry("users", l.UserName, "user")
	p.note(added, e.user(e.body(item, "user"), l), "user", l.UserName)

	// The context's name is the user's choice: pointing an existing one at
	// another cluster or user is a conflict.
	if old, ok := f.Context(l.Context); ok && (old.Cluster != l.ClusterName || old.User != l.UserName) {
		p.Conflicts = append(p.Conflicts, fmt.Sprintf("context %q in %s uses cluster %q and user %q; it would use cluster %q and user %q", l.Context, f.Path, old.Cluster, old.User, l.ClusterName, l.UserName))
	}
	item, added = e.entry("contexts", l.Context, "context")
	body = e.body(item, "context")
	fields = nil
	fields = append(fields, e.set(body, "cluster", strNode(l.ClusterName))...)
	if l.Namespace != "" {
		fields = append(fields, e.set(body, "namespace", strNode(l.Namespace))...)
	}
	fields = append(fields, e.set(body, "user", strNode(l.UserName))...)
	cur := e.currentContext()
	if current && cur != l.Context {
		// Logout makes it current again (PlanRemove).
		fields = append(fields, e.setExtensionKey(body, previousKey, cur)...)
	}
	if l.Discovery != "" {
		fields = append(fields, e.setExtensionKey(body, discoveryKey, l.Discovery)...)
	}
	p.note(added, fields, "context", l.Context)

	if cc := mapValue(e.root, "current-context"); cc != nil && cc.Value == l.Context && yamlutil.PlainAmbiguous(cc) {
		cc.Style = yaml.DoubleQuotedStyle
		e.changed = true
	}
	if current && cur != l.Context {
		e.set(e.root, "current-context", strNode(l.Context))
		if cur == "" {
			p.Changes = append(p.Changes, fmt.Sprintf("make %q the current context", l.Context))
		} else {
			p.Changes = append(p.Changes, fmt.Sprintf("make %q the current context instead of %q", l.Context, cur))
		}
	}
}

// user edits a user entry's body: the user is ours by its name, so it
// gets its exec entry, and loses other ways to authenticate that kubectl
// would refuse to combine with it.
func (e *editor) user(body *yaml.Node, l Login) []string {
	var fields []string
	for _, k := range []string{"token", "tokenFile", "client-certificate", "client-certificate-data", "client-key", "client-key-data", "username", "password", "auth-provider"} {
		fields = append(fields, e.del(body, k)...)
	}
	ex := e.body(body, "exec")
	fields = append(fields, e.set(ex, "apiVersion", strNode(l.Exec.APIVersion))...)
	fields = append(fields, e.set(ex, "args", strSeq(l.Exec.Args))...)
	fields = append(fields, e.set(ex, "command", strNode(l.Exec.Command))...)
	if l.Exec.InteractiveMode != "" {
		fields = append(fields, e.set(ex, "interactiveMode", strNode(l.Exec.InteractiveMode))...)
	}
	fields = append(fields, e.set(ex, "provideClusterInfo", boolNode(l.Exec.ProvideClusterInfo))...)
	if l.Discovery != "" {
		fields = append(fields, e.setExtensionKey(body, discoveryKey, l.Discovery)...)
	}
	return fields
}

// removeContext removes a context from the tree, with its user and cluster
// when no context left (in the tree or in others) uses them, and restores
// the context that was current before it when it is current.
func (e *editor) removeContext(name string, others []*File, p *Plan) {
	item := e.find("contexts", name)
	if item == nil {
		return
	}
	ctx := decodeEntry[Context](item, "context")
	previous := extensionValue(mapValue(item, "context"), previousKey)
	e.remove("contexts", name)
	p.Changes = append(p.Changes, fmt.Sprintf("remove context %q", name))
	usedCluster, usedUser, previousExists := false, false, false
	left := e.contexts()
	for _, f := range others {
		left = append(left, f.Contexts()...)
	}
	for _, c := range left {
		usedCluster = usedCluster || c.Entry.Cluster == ctx.Cluster
		usedUser = usedUser || c.Entry.User == ctx.User
		previousExists = previousExists || c.Name == previous
	}
	if ctx.User != "" && !usedUser && e.remove("users", ctx.User) {
		p.Changes = append(p.Changes, fmt.Sprintf("remove user %q", ctx.User))
	}
	if ctx.Cluster != "" && !usedCluster && e.remove("clusters", ctx.Cluster) {
		p.Changes = append(p.Changes, fmt.Sprintf("remove cluster %q", ctx.Cluster))
	}
	if e.currentContext() == name {
		if previous != "" && previous != name && previousExists {
			e.set(e.root, "current-context", strNode(previous))
			p.Changes = append(p.Changes, fmt.Sprintf("make %q the current context again", previous))
		} else {
			e.set(e.root, "current-context", strNode(""))
			p.Changes = append(p.Changes, "unset the current context")
		}
	}
}

// checkEdit reads the planned content back and checks that it says what
// the edit meant, so an editing mistake is caught before the file is
// written.
func checkEdit(path string, data []byte, ed Edit) error {
	nf, err := Parse(path, data, true)
	if err != nil {
		return fmt.Errorf("internal error: the planned kubeconfig would not parse: %w", err)
	}
	for _, l := range ed.Logins {
		if err := checkLogin(nf, l, ed.Current == l.Context); err != nil {
			return err
		}
	}
	for _, name := range ed.Remove {
		if _, ok := nf.Context(name); ok {
			return fmt.Errorf("internal error: the planned %s still has context %q", path, name)
		}
	}
	return nil
}

// checkLogin checks that the planned file nf holds the entries of l.
func checkLogin(nf *File, l Login, current bool) error {
	path := nf.Path
	c, _ := nf.Cluster(l.ClusterName)
	u, _ := nf.User(l.UserName)
	x, _ := nf.Context(l.Context)
	switch {
	case c.Server != l.Server || c.CertificateAuthorityData != l.CAData:
		return fmt.Errorf("internal error: the planned %s has cluster %q with server %q", path, l.ClusterName, c.Server)
	case u.Exec == nil || u.Exec.Command != l.Exec.Command || !reflect.DeepEqual(u.Exec.Args, l.Exec.Args) || u.Exec.APIVersion != l.Exec.APIVersion:
		return fmt.Errorf("internal error: the planned %s has user %q with exec %+v", path, l.UserName, u.Exec)
	case x.Cluster != l.ClusterName || x.User != l.UserName || (l.Namespace != "" && x.Namespace != l.Namespace):
		return fmt.Errorf("internal error: the planned %s has context %q = %+v", path, l.Context, x)
	case current && nf.CurrentContext() != l.Context:
		return fmt.Errorf("internal error: the planned %s has current-context %q", path, nf.CurrentContext())
	case l.Discovery != "" && nf.DiscoveryMark(l.Context) != l.Discovery:
		return fmt.Errorf("internal error: the planned %s does not mark context %q as discovered", path, l.Context)
	}
	return nil
}

func (p *Plan) note(added bool, fields []string, kind, name string) {
	switch {
	case added:
		p.Changes = append(p.Changes, fmt.Sprintf("add %s %q", kind, name))
	case len(fields) > 0:
		p.Changes = append(p.Changes, fmt.Sprintf("update %s %q (%s)", kind, name, strings.Join(fields, ", ")))
	}
}

// editor edits a fresh copy of the file's node tree, so the File itself stays
// as read.
type editor struct {
	doc     *yaml.Node
	root    *yaml.Node
	changed bool
}

func (f *File) editor() (*editor, error) {
	e := &editor{}
	if f.root != nil {
		var doc yaml.Node
		if err := yaml.Unmarshal(f.Data, &doc); err != nil {
			return nil, yamlError(f.Path, err)
		}
		e.doc, e.root = &doc, doc.Content[0]
		return e, nil
	}
	// A new or empty file gets kubectl's layout.
	e.root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	e.doc = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{e.root}}
	appendPair(e.root, "apiVersion", strNode("v1"))
	appendPair(e.root, "clusters", emptySeq())
	appendPair(e.root, "contexts", emptySeq())
	appendPair(e.root, "current-context", strNode(""))
	appendPair(e.root, "kind", strNode("Config"))
	appendPair(e.root, "preferences", &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle})
	appendPair(e.root, "users", emptySeq())
	e.changed = true
	return e, nil
}

// finish encodes the tree into p.New, or keeps the old bytes when nothing
// changed.
func (e *editor) finish(f *File, p *Plan) error {
	if !e.changed {
		p.New = f.Data
		return nil
	}
	yamlutil.KeepFlowNulls(e.doc)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(f.style.indent)
	if f.style.compact {
		enc.CompactSeqIndent()
	}
	if err := enc.Encode(e.doc); err != nil {
		return fmt.Errorf("cannot encode the kubeconfig %s: %w", f.Path, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("cannot encode the kubeconfig %s: %w", f.Path, err)
	}
	p.New = f.style.lineEnds(b.Bytes())
	return nil
}

// entry finds the named item in a list of the root, adding it (and the list)
// when missing. kubectl orders an item's keys alphabetically, so "cluster" and
// "context" come before "name" and "user" after it.
func (e *editor) entry(kind, name, field string) (item *yaml.Node, added bool) {
	seq := mapValue(e.root, kind)
	if seq == nil || seq.Kind != yaml.SequenceNode {
		seq = emptySeq()
		e.set(e.root, kind, seq)
	}
	for _, it := range seq.Content {
		if entryName(it) == name {
			if n := mapValue(it, "name"); yamlutil.PlainAmbiguous(n) {
				n.Style = yaml.DoubleQuotedStyle // kubectl would read it as a bool or a number
				e.changed = true
			}
			return it, false
		}
	}
	item = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	body := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if field < "name" {
		appendPair(item, field, body)
		appendPair(item, "name", strNode(name))
	} else {
		appendPair(item, "name", strNode(name))
		appendPair(item, field, body)
	}
	seq.Style = 0 // an empty "[]" list becomes a block list
	seq.Content = append(seq.Content, item)
	e.changed = true
	return item, true
}

// body returns the mapping under key in m, replacing a null or missing one.
func (e *editor) body(m *yaml.Node, key string) *yaml.Node {
	v := mapValue(m, key)
	if v != nil && v.Kind == yaml.MappingNode {
		if v.Style == yaml.FlowStyle && len(v.Content) == 0 {
			v.Style = 0
		}
		return v
	}
	v = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	e.set(m, key, v)
	return v
}

// set puts val under key in mapping m unless an equal value is there, and
// returns the key when it changed. A scalar that changes keeps its node, and
// so its comments; a new key goes after the existing ones.
func (e *editor) set(m *yaml.Node, key string, val *yaml.Node) []string {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != key {
			continue
		}
		old := m.Content[i+1]
		if sameValue(old, val) {
			return nil
		}
		e.changed = true
		if old.Kind == yaml.ScalarNode && val.Kind == yaml.ScalarNode {
			old.Value, old.Tag = val.Value, val.Tag
			if old.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || val.Tag != "!!str" {
				old.Style = 0
			}
			if yamlutil.PlainAmbiguous(old) {
				old.Style = val.Style
			}
			return []string{key}
		}
		val.HeadComment, val.LineComment, val.FootComment = old.HeadComment, old.LineComment, old.FootComment
		m.Content[i+1] = val
		return []string{key}
	}
	appendPair(m, key, val)
	e.changed = true
	return []string{key}
}

// extensionName names eks-login's entry in a context's (or a user's)
// extensions.
const extensionName = "eks-login"

// previousKey is the key, in that entry, of the context that was current
// before login.
const previousKey = "previous-current-context"

// discoveryKey is the key, in that entry, of the discovery that wrote the
// context or the user (Login.Discovery).
const discoveryKey = "discovery"

// ourExtension returns eks-login's item in the extensions of body, and the
// list; either may be nil.
func ourExtension(body *yaml.Node) (exts, ours *yaml.Node) {
	exts = mapValue(body, "extensions")
	if exts == nil || exts.Kind != yaml.SequenceNode {
		return nil, nil
	}
	for _, it := range exts.Content {
		if entryName(it) == extensionName {
			ours = it
		}
	}
	return exts, ours
}

// extensionValue reads key of eks-login's extension in body; "" when unset.
func extensionValue(body *yaml.Node, key string) string {
	_, ours := ourExtension(body)
	if v := mapValue(mapValue(ours, "extension"), key); v != nil && v.Kind == yaml.ScalarNode && !isNull(v) {
		return v.Value
	}
	return ""
}

// setExtensionKey sets key of eks-login's extension in an entry's body to
// value; "" removes the key, and the extension once it holds nothing.
func (e *editor) setExtensionKey(body *yaml.Node, key, value string) []string {
	exts, ours := ourExtension(body)
	if value == "" {
		ext := mapValue(ours, "extension")
		if ext == nil || len(e.del(ext, key)) == 0 {
			return nil
		}
		if len(ext.Content) == 0 {
			e.removeItem(exts, ours)
			if len(exts.Content) == 0 {
				e.del(body, "extensions")
			}
		}
		return []string{"extensions"}
	}
	if exts == nil {
		exts = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		e.setSorted(body, "extensions", exts)
	}
	if ours == nil {
		ours = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		appendPair(ours, "extension", &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"})
		appendPair(ours, "name", strNode(extensionName))
		exts.Style = 0
		exts.Content = append(exts.Content, ours)
		e.changed = true
	}
	if len(e.set(e.body(ours, "extension"), key, strNode(value))) > 0 {
		return []string{"extensions"}
	}
	return nil
}

// find returns the first item of a root list with the given name.
func (e *editor) find(kind, name string) *yaml.Node {
	if seq := mapValue(e.root, kind); seq != nil && seq.Kind == yaml.SequenceNode {
		for _, it := range seq.Content {
			if entryName(it) == name {
				return it
			}
		}
	}
	return nil
}

// contexts lists the tree's contexts, as edited so far.
func (e *editor) contexts() []Named[Context] {
	var out []Named[Context]
	if seq := mapValue(e.root, "contexts"); seq != nil && seq.Kind == yaml.SequenceNode {
		for _, it := range seq.Content {
			out = append(out, Named[Context]{entryName(it), decodeEntry[Context](it, "context")})
		}
	}
	return out
}

// currentContext is the tree's current-context, as edited so far.
func (e *editor) currentContext() string {
	if cc := mapValue(e.root, "current-context"); cc != nil && cc.Kind == yaml.ScalarNode && !isNull(cc) {
		return cc.Value
	}
	return ""
}

// setSorted adds key to mapping m before the first key that sorts after
// it, as kubectl orders keys, when m does not have it.
func (e *editor) setSorted(m *yaml.Node, key string, val *yaml.Node) {
	if mapValue(m, key) != nil {
		e.set(m, key, val)
		return
	}
	i := 0
	for i+1 < len(m.Content) && m.Content[i].Value < key {
		i += 2
	}
	m.Content = append(m.Content[:i], append([]*yaml.Node{strNode(key), val}, m.Content[i:]...)...)
	e.changed = true
}

// removeItem drops item from the sequence seq.
func (e *editor) removeItem(seq, item *yaml.Node) {
	for i, it := range seq.Content {
		if it == item {
			seq.Content = append(seq.Content[:i], seq.Content[i+1:]...)
			e.changed = true
			return
		}
	}
}

// del removes key from mapping m and returns it when it was there.
func (e *editor) del(m *yaml.Node, key string) []string {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			e.changed = true
			return []string{"-" + key}
		}
	}
	return nil
}

// remove deletes every item of a root list with the given name.
func (e *editor) remove(kind, name string) bool {
	seq := mapValue(e.root, kind)
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return false
	}
	kept := seq.Content[:0]
	removed := false
	for _, it := range seq.Content {
		if entryName(it) == name {
			removed = true
			continue
		}
		kept = append(kept, it)
	}
	seq.Content = kept
	if removed {
		e.changed = true
	}
	return removed
}

// sameValue compares two nodes by what they decode to, so "true" and true,
// or a quoted and a plain string, compare as YAML readers see them. A plain
// "on" (a string to yaml.v3, true to kubectl) is never the same as the
// string "on": it must be written again, quoted.
func sameValue(a, b *yaml.Node) bool {
	if hasPlainAmbiguous(a) {
		return false
	}
	var va, vb any
	if a.Decode(&va) != nil || b.Decode(&vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// hasPlainAmbiguous tells whether n holds a string a YAML 1.1 reader would
// misread (see yamlutil.PlainAmbiguous).
func hasPlainAmbiguous(n *yaml.Node) bool {
	if yamlutil.PlainAmbiguous(n) {
		return true
	}
	for _, c := range n.Content {
		if hasPlainAmbiguous(c) {
			return true
		}
	}
	return false
}

func appendPair(m *yaml.Node, key string, val *yaml.Node) {
	m.Content = append(m.Content, strNode(key), val)
}

// strNode is a string scalar, quoted when a YAML 1.1 reader such as
// kubectl's would read it as another type ("on", "no", "1.5", "").
func strNode(s string) *yaml.Node { return yamlutil.Str(s) }

func boolNode(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(b)}
}

func strSeq(items []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, s := range items {
		n.Content = append(n.Content, strNode(s))
	}
	return n
}

func emptySeq() *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
}

// encStyle is how the file indents, so a re-encoded file keeps its look.
type encStyle struct {
	indent  int  // spaces per mapping level
	compact bool // list items at their key's column ("- " counts as indentation), as kubectl writes
	crlf    bool // lines end in CRLF (a file edited on Windows)
	bom     bool // the file starts with a UTF-8 byte order mark
}

var utf8BOM = []byte("\xef\xbb\xbf")

// detectLineEnds reads the file's first line end and its byte order mark:
// the encoder writes LF and no mark, which would rewrite every line.
func (st *encStyle) detectLineEnds(data []byte) {
	st.bom = bytes.HasPrefix(data, utf8BOM)
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		st.crlf = true
	}
}

// lineEnds gives encoded output the file's line ends and byte order mark.
// Every line break the encoder writes is one (it escapes CR and LF inside
// quoted scalars), so they can all be replaced.
func (st encStyle) lineEnds(out []byte) []byte {
	if st.crlf {
		out = bytes.ReplaceAll(out, []byte("\n"), []byte("\r\n"))
	}
	if st.bom {
		out = append(append([]byte{}, utf8BOM...), out...)
	}
	return out
}

// detectStyle reads the line ends of data and the indentation of the first
// block list of named entries under root (nil for an empty file).
func detectStyle(root *yaml.Node, data []byte) encStyle {
	st := encStyle{indent: 2, compact: true}
	st.detectLineEnds(data)
	if root == nil {
		return st
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, seq := root.Content[i], root.Content[i+1]
		if seq.Kind != yaml.SequenceNode || seq.Style&yaml.FlowStyle != 0 || len(seq.Content) == 0 {
			continue
		}
		item := seq.Content[0]
		st.compact = seq.Column == key.Column
		if item.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(item.Content); j += 2 {
				body := item.Content[j+1]
				if body.Kind == yaml.MappingNode && body.Style&yaml.FlowStyle == 0 && len(body.Content) > 0 {
					if d := body.Content[0].Column - item.Content[j].Column; d >= 2 && d <= 8 {
						st.indent = d
					}
					break
				}
			}
		}
		return st
	}
	return st
}
