// Package accessfile reads an access file: who may do what on which EKS
// clusters, declared as YAML (apiVersion eks-login/v1alpha1, kind Access)
// and checked against the JSON Schema published beside this file
// (access.schema.json), which editors can use too. Every error names the
// file, the line and the field, and says what to write instead.
package accessfile

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/eks-login/eks-login/pkg/fsutil"
	"github.com/eks-login/eks-login/pkg/yamlutil"
)

// APIVersion and Kind head every access file.
const (
	APIVersion = "eks-login/v1alpha1"
	Kind       = "Access"
)

// Mapping modes of a cluster.
const (
	MappingAuto        = "auto"
	MappingAWSAuth     = "aws-auth"
	MappingAccessEntry = "access-entry"
)

// File is an access file.
type File struct {
	Path       string    `json:"-" yaml:"-"`
	APIVersion string    `json:"apiVersion" yaml:"apiVersion"`
	Kind       string    `json:"kind" yaml:"kind"`
	Clusters   []Cluster `json:"clusters" yaml:"clusters"`
	Teams      []Team    `json:"teams" yaml:"teams"`
}

// Cluster is a cluster the file manages.
type Cluster struct {
	Name    string `json:"name,omitempty" yaml:"name,omitempty"`
	Region  string `json:"region,omitempty" yaml:"region,omitempty"`
	ARN     string `json:"arn,omitempty" yaml:"arn,omitempty"`
	Context string `json:"context,omitempty" yaml:"context,omitempty"`
	Mapping string `json:"mapping,omitempty" yaml:"mapping,omitempty"`
}

// Team is an IAM group whose members may assume one role, mapped to one
// Kubernetes identity, with the cluster roles it gets on each cluster.
type Team struct {
	Name       string   `json:"name" yaml:"name"`
	IAMGroup   string   `json:"iamGroup" yaml:"iamGroup"`
	Role       Role     `json:"role" yaml:"role"`
	Members    []string `json:"members,omitempty" yaml:"members,omitempty"`
	Kubernetes Identity `json:"kubernetes" yaml:"kubernetes"`
	Access     []Grant  `json:"access,omitempty" yaml:"access,omitempty"`
}

// Role is the team's IAM role.
type Role struct {
	Name       string `json:"name" yaml:"name"`
	RequireMFA bool   `json:"requireMFA,omitempty" yaml:"requireMFA,omitempty"`
}

// Identity is who the role is in Kubernetes.
type Identity struct {
	Username string   `json:"username" yaml:"username"`
	Groups   []string `json:"groups" yaml:"groups"`
}

// Grant is what a team gets on one cluster.
type Grant struct {
	Cluster      string          `json:"cluster" yaml:"cluster"`
	ClusterRoles []ClusterRoleOn `json:"clusterRoles" yaml:"clusterRoles"`
}

// ClusterRoleOn is a cluster role bound cluster-wide, or in namespaces.
type ClusterRoleOn struct {
	ClusterRole string   `json:"clusterRole" yaml:"clusterRole"`
	Namespaces  []string `json:"namespaces,omitempty" yaml:"namespaces,omitempty"`
}

// Error is a mistake in an access file, at a line, in a field.
type Error struct {
	Path  string
	Line  int
	Field string // such as teams[0].role.name; "" for the whole file
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	return b.String() + ": " + e.Msg
}

//go:embed access.schema.json
var schemaJSON []byte

// SchemaJSON is the published JSON Schema of access files. The binary does
// not validate with it at run time: the JSON Schema library's package init
// would add 4.6 to 7.2 ms to every kubectl call (make bench measures it: BENCHMARKS.md, Start-up). The checks
// below say the same in Go, and a test holds both to the same verdicts.
func SchemaJSON() []byte { return slices.Clone(schemaJSON) }

// Load reads and checks the access file at path.
func Load(path string) (*File, error) {
	data, err := fsutil.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the access file: %w", err)
	}
	return Parse(path, data)
}

// Parse checks data, the content of the access file at path: YAML, the
// shape the schema describes, then what a schema cannot say (names that
// refer to each other).
func Parse(path string, data []byte) (*File, error) {
	doc, err := decodeOne(path, data)
	if err != nil {
		return nil, err
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &Error{Path: path, Msg: "the file is empty; start it with apiVersion: " + APIVersion + " and kind: " + Kind}
	}
	p := &parser{path: path, budget: aliasBudget(doc)}
	f := p.file(doc.Content[0])
	if p.err != nil {
		return nil, p.err
	}
	f.Path = path
	if err := p.references(f); err != nil {
		return nil, err
	}
	return f, nil
}

// decodeOne reads the file's one YAML document. A second one is refused,
// not ignored: apply would otherwise prune what it declares.
func decodeOne(path string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc, next yaml.Node
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		line, msg := yamlutil.Line(err)
		return nil, &Error{Path: path, Line: line, Msg: msg + "; the access file must be YAML"}
	}
	if err := dec.Decode(&next); err == nil {
		return nil, &Error{Path: path, Line: next.Line, Msg: "the file holds a second YAML document (after ---); an access file is one document, so merge them"}
	} else if !errors.Is(err, io.EOF) {
		line, msg := yamlutil.Line(err)
		return nil, &Error{Path: path, Line: line, Msg: msg + "; the access file must be YAML"}
	}
	return &doc, nil
}

// SchemaURL is where editors find the published schema; Marshal names it in
// the yaml-language-server modeline that VS Code's YAML extension and other
// editors read.
const SchemaURL = "https://raw.githubusercontent.com/eks-login/eks-login/main/pkg/accessfile/access.schema.json"

// Marshal writes f as an access file: the schema modeline, the comment
// lines of header, then the YAML, with the default mapping (auto) left out.
func Marshal(f *File, header []string) ([]byte, error) {
	out := *f
	out.APIVersion, out.Kind = APIVersion, Kind
	out.Clusters = slices.Clone(f.Clusters)
	for i := range out.Clusters {
		c := &out.Clusters[i]
		if c.Mapping == MappingAuto {
			c.Mapping = ""
		}
		if c.ARN != "" { // the ARN says both
			c.Name, c.Region = "", ""
		}
	}
	if out.Teams == nil {
		out.Teams = []Team{}
	}
	var b strings.Builder
	b.WriteString("# yaml-language-server: $schema=" + SchemaURL + "\n")
	for _, h := range header {
		b.WriteString(strings.TrimRight("# "+h, " ") + "\n")
	}
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&out); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}
