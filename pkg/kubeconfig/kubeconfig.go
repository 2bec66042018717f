// Package kubeconfig reads kubeconfig files and plans the edits that login and
// logout make to them.
//
// Edits work on the YAML node tree (go.yaml.in/yaml/v3, the maintained
// continuation of gopkg.in/yaml.v3), never on a decoded struct, so every
// entry we do not own keeps its place, its comments, its quoting and its
// values, and fields this package does not know (extensions, proxy-url...)
// survive. A file that kubectl wrote comes out byte for byte as it went in
// apart from our entries; a hand-formatted one keeps its content but takes
// one indentation throughout. Nothing here imports client-go: the package is
// linked into the binary that kubectl runs on every call.
//
// Entry names written by login:
//
//   - cluster: the cluster's ARN, as "aws eks update-kubeconfig" names it, so
//     both tools share one cluster entry.
//   - user: "PROFILE@CLUSTER-ARN" (UserName). A user per profile and cluster,
//     so logging in to one cluster with two roles gives two users instead of
//     the second overwriting the first (aws-cli issue 4079).
//   - context: --alias, by default the cluster's name.
package kubeconfig

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/eks-login/eks-login/pkg/fsutil"
	"github.com/eks-login/eks-login/pkg/yamlutil"
)

// UserName names the user entry of a profile on a cluster.
func UserName(profile, clusterARN string) string { return profile + "@" + clusterARN }

// ParseError reports a kubeconfig that cannot be read, with the line to fix.
type ParseError struct {
	Path string
	Line int // 1-based; 0 when unknown
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s line %d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// File is a parsed kubeconfig with its raw bytes.
type File struct {
	Path string
	// Data is the file's content; Exists is false for a missing file, which
	// reads as empty.
	Data   []byte
	Exists bool

	root  *yaml.Node // the top mapping; nil for an empty file
	style encStyle
}

// Cluster is a cluster entry's fields that eks-login reads or writes.
type Cluster struct {
	Server string `yaml:"server"`
	// CertificateAuthorityData is base64, as in the file.
	CertificateAuthorityData string `yaml:"certificate-authority-data"`
}

// Context is a context entry.
type Context struct {
	Cluster   string `yaml:"cluster"`
	User      string `yaml:"user"`
	Namespace string `yaml:"namespace"`
}

// User is a user entry's fields that eks-login reads or writes.
type User struct {
	Exec *Exec `yaml:"exec"`
}

// Exec is a user's credential plugin, as kubectl runs it.
type Exec struct {
	APIVersion         string    `yaml:"apiVersion"`
	Command            string    `yaml:"command"`
	Args               []string  `yaml:"args"`
	Env                []ExecEnv `yaml:"env"`
	InteractiveMode    string    `yaml:"interactiveMode"`
	ProvideClusterInfo bool      `yaml:"provideClusterInfo"`
}

// ExecEnv is one environment variable of an exec entry.
type ExecEnv struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

// Named pairs an entry with its name, in file order.
type Named[T any] struct {
	Name  string
	Entry T
}

// Load reads and parses path; a missing file reads as empty.
func Load(path string) (*File, error) {
	data, err := fsutil.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Parse(path, nil, false)
	}
	if errors.Is(err, fsutil.ErrRefused) {
		return nil, fmt.Errorf("the kubeconfig: %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the kubeconfig %s: %w", path, err)
	}
	return Parse(path, data, true)
}

// Parse parses data as the content of path and checks the shape kubectl
// needs: a mapping whose clusters, contexts and users are lists of named
// mappings.
func Parse(path string, data []byte, exists bool) (*File, error) {
	f := &File{Path: path, Data: data, Exists: exists}
	root, err := parseRoot(path, data)
	if err != nil {
		return nil, err
	}
	f.root = root
	f.style = detectStyle(root, data)
	if root == nil {
		return f, nil
	}
	for _, kind := range []string{"clusters", "contexts", "users"} {
		seq := mapValue(root, kind)
		if seq == nil || isNull(seq) {
			continue
		}
		if seq.Kind != yaml.SequenceNode {
			return nil, &ParseError{Path: path, Line: seq.Line, Msg: fmt.Sprintf("%s must be a list", kind)}
		}
		field := strings.TrimSuffix(kind, "s")
		for i, item := range seq.Content {
			if item.Kind != yaml.MappingNode {
				return nil, &ParseError{Path: path, Line: item.Line, Msg: fmt.Sprintf("%s[%d] must be a mapping with name and %s", kind, i, field)}
			}
			name := mapValue(item, "name")
			if name == nil || name.Kind != yaml.ScalarNode || name.Value == "" {
				return nil, &ParseError{Path: path, Line: item.Line, Msg: fmt.Sprintf("%s[%d] has no name", kind, i)}
			}
			body := mapValue(item, field)
			if body == nil || isNull(body) {
				continue
			}
			if body.Kind != yaml.MappingNode {
				return nil, &ParseError{Path: path, Line: body.Line, Msg: fmt.Sprintf("%s %s: %s must be a mapping", kind, fsutil.QuoteShort(name.Value), field)}
			}
			var err error
			switch field {
			case "cluster":
				err = body.Decode(&Cluster{})
			case "context":
				err = body.Decode(&Context{})
			case "user":
				err = body.Decode(&User{})
			}
			if err == nil {
				// Every field, not only ours: client-go reads the whole entry,
				// so an alias bomb in a field we skip must be refused here too.
				var whole any
				err = body.Decode(&whole)
			}
			if err != nil {
				return nil, &ParseError{Path: path, Line: body.Line, Msg: fmt.Sprintf("%s %s: %s", kind, fsutil.QuoteShort(name.Value), strings.TrimPrefix(err.Error(), "yaml: "))}
			}
		}
	}
	if cc := mapValue(root, "current-context"); cc != nil && cc.Kind != yaml.ScalarNode {
		return nil, &ParseError{Path: path, Line: cc.Line, Msg: "current-context must be a string"}
	}
	return f, nil
}

// parseRoot returns the top mapping of data, nil for a file with no content.
func parseRoot(path string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, yamlError(path, err)
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		return nil, &ParseError{Path: path, Line: next.Line, Msg: "holds more than one YAML document; kubectl reads only one"}
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(path, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if isNull(root) {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &ParseError{Path: path, Line: root.Line, Msg: "the top level must be a mapping (apiVersion, clusters, contexts, users...)"}
	}
	return root, nil
}

func yamlError(path string, err error) error {
	line, msg := yamlutil.Line(err)
	return &ParseError{Path: path, Line: line, Msg: "is not valid YAML: " + msg}
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// mapValue returns the value of key in mapping m, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// entries lists the named items of clusters, contexts or users.
func (f *File) entries(kind string) []*yaml.Node {
	seq := mapValue(f.root, kind)
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil
	}
	return seq.Content
}

func entryName(item *yaml.Node) string {
	if n := mapValue(item, "name"); n != nil {
		return n.Value
	}
	return ""
}

// find returns the first entry of kind with the given name: kubectl, too,
// uses the first of two entries with one name.
func (f *File) find(kind, name string) *yaml.Node {
	for _, item := range f.entries(kind) {
		if entryName(item) == name {
			return item
		}
	}
	return nil
}

func decodeEntry[T any](item *yaml.Node, field string) T {
	var v T
	if body := mapValue(item, field); body != nil && !isNull(body) {
		_ = body.Decode(&v) // checked by Parse
	}
	return v
}

// Cluster returns the named cluster entry.
func (f *File) Cluster(name string) (Cluster, bool) {
	item := f.find("clusters", name)
	if item == nil {
		return Cluster{}, false
	}
	return decodeEntry[Cluster](item, "cluster"), true
}

// Context returns the named context entry.
func (f *File) Context(name string) (Context, bool) {
	item := f.find("contexts", name)
	if item == nil {
		return Context{}, false
	}
	return decodeEntry[Context](item, "context"), true
}

// User returns the named user entry.
func (f *File) User(name string) (User, bool) {
	item := f.find("users", name)
	if item == nil {
		return User{}, false
	}
	return decodeEntry[User](item, "user"), true
}

// Contexts lists the context entries in file order.
func (f *File) Contexts() []Named[Context] {
	var out []Named[Context]
	for _, item := range f.entries("contexts") {
		out = append(out, Named[Context]{entryName(item), decodeEntry[Context](item, "context")})
	}
	return out
}

// Users lists the user entries in file order.
func (f *File) Users() []Named[User] {
	var out []Named[User]
	for _, item := range f.entries("users") {
		out = append(out, Named[User]{entryName(item), decodeEntry[User](item, "user")})
	}
	return out
}

// PreviousContext is the context that was current before login made the
// named one current, as login recorded it in the context's extensions; ""
// when there is none.
func (f *File) PreviousContext(name string) string {
	return extensionValue(mapValue(f.find("contexts", name), "context"), previousKey)
}

// DiscoveryMark is the discovery that wrote the named context
// (Login.Discovery), "" when none did.
func (f *File) DiscoveryMark(context string) string {
	return extensionValue(mapValue(f.find("contexts", context), "context"), discoveryKey)
}

// CurrentContext is the file's current-context, "" when unset.
func (f *File) CurrentContext() string {
	if cc := mapValue(f.root, "current-context"); cc != nil && cc.Kind == yaml.ScalarNode && !isNull(cc) {
		return cc.Value
	}
	return ""
}

// ArgValue returns the value that follows flag in an exec entry's args
// ("--profile dev1-eks" or "--profile=dev1-eks"), "" when absent.
func (e *Exec) ArgValue(flag string) string {
	if e == nil {
		return ""
	}
	return ArgValue(e.Args, flag)
}

// ArgValue returns the value that follows flag in args ("--profile
// dev1-eks" or "--profile=dev1-eks"), "" when absent.
func ArgValue(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, flag+"="); ok {
			return v
		}
	}
	return ""
}

// DefaultPath is kubectl's default kubeconfig, ~/.kube/config.
func DefaultPath(home string) string { return filepath.Join(home, ".kube", "config") }

// CacheDir is kubectl's cache folder: $KUBECACHEDIR, else ~/.kube/cache.
// eks-login keeps its token cache and its lock files below it.
func CacheDir(getenv func(string) string, home string) string {
	if d := getenv("KUBECACHEDIR"); d != "" {
		return d
	}
	return filepath.Join(home, ".kube", "cache")
}

// LockDir is where eks-login keeps the lock files that serialise its edits
// of ~/.aws/config and kubeconfig files.
func LockDir(getenv func(string) string, home string) string {
	return filepath.Join(CacheDir(getenv, home), "eks-login", "locks")
}
