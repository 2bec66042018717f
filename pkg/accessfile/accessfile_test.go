package accessfile

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v3"

	"github.com/eks-login/eks-login/pkg/golden"
)

// TestGoodFiles: the examples parse, and what they declare is read whole.
func TestGoodFiles(t *testing.T) {
	for _, path := range files(t, "good") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := json.MarshalIndent(f, "", "  ")
			golden.Check(t, strings.TrimSuffix(filepath.Base(path), ".yaml")+".golden.json", string(out)+"\n")
		})
	}
}

// TestBadFiles: each mistake is reported at its line and field, with the
// words the file's "# want:" line gives.
func TestBadFiles(t *testing.T) {
	for _, path := range files(t, "bad") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, _ := os.ReadFile(path)
			_, want, _ := strings.Cut(string(data), "# want: ")
			want, _, _ = strings.Cut(want, "\n")
			_, err := Parse("access.yaml", data)
			if err == nil {
				t.Fatalf("accepted; want an error saying %q", want)
			}
			if !strings.HasPrefix(err.Error(), "access.yaml:") || !strings.Contains(err.Error(), want) {
				t.Errorf("error %q\nwant it to say %q", err, want)
			}
		})
	}
}

// TestSchemaAgrees holds the published JSON Schema and the Go checks to the
// same verdicts: every good file is valid under the schema, every bad file
// marked "# shape" is invalid under it, and a file marked "# reference"
// (names that refer to each other, which a schema cannot check) is valid
// under it. The schema is what editors use; the Go checks are what runs.
func TestSchemaAgrees(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(SchemaJSON())))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("access.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("access.schema.json")
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	for _, path := range append(files(t, "good"), files(t, "bad")...) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, _ := os.ReadFile(path)
			var v any
			if err := yaml.Unmarshal(data, &v); err != nil {
				return // not YAML: nothing for the schema to say
			}
			raw, _ := json.Marshal(v)
			inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
			schemaErr := schema.Validate(inst)
			wantValid := strings.Contains(path, "/good/") || strings.HasPrefix(string(data), "# reference")
			if wantValid && schemaErr != nil {
				t.Errorf("the schema refuses it: %v", schemaErr)
			}
			if !wantValid && schemaErr == nil {
				t.Error("the schema accepts it, but the Go checks refuse it")
			}
		})
	}
}

func files(t *testing.T, dir string) []string {
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no files in testdata/%s", dir)
	}
	return paths
}

// TestMarshalRoundTrip: what Marshal writes (export's output) parses back
// to the same file, defaults and all.
func TestMarshalRoundTrip(t *testing.T) {
	for _, path := range files(t, "good") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			data, err := Marshal(f, []string{"exported", ""})
			if err != nil {
				t.Fatal(err)
			}
			back, err := Parse("out.yaml", data)
			if err != nil {
				t.Fatalf("%v\n%s", err, data)
			}
			back.Path = f.Path
			a, _ := json.Marshal(f)
			b, _ := json.Marshal(back)
			if string(a) != string(b) {
				t.Errorf("round trip differs:\n%s\n%s", a, b)
			}
		})
	}
}

// TestREADMEExample: the README's example access file is the one the tests
// validate (testdata/good/three-teams.yaml), but for its schema line, which
// points at the published schema instead of the one beside it.
func TestREADMEExample(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("testdata/good/three-teams.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(example), "\n")
	want := "```yaml\n# yaml-language-server: $schema=" + SchemaURL + "\n" + body + "```\n"
	if !strings.Contains(string(readme), want) {
		t.Errorf("README.md's example is not testdata/good/three-teams.yaml with the schema line\n%s", want)
	}
}
