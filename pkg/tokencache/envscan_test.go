package tokencache

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sdkModules are the modules of aws-sdk-go-v2 that resolve credentials,
// region and endpoints for the token command, with the folders of each that
// hold that code.
var sdkModules = []struct {
	path string
	dirs []string // "" for the whole module
}{
	{"github.com/aws/aws-sdk-go-v2/config", []string{""}},
	{"github.com/aws/aws-sdk-go-v2/credentials", []string{""}},
	{"github.com/aws/aws-sdk-go-v2/feature/ec2/imds", []string{""}},
	{"github.com/aws/aws-sdk-go-v2", []string{"aws", "internal/shareddefaults", "internal/timeouts"}},
}

// notIdentity are variables the SDK reads that cannot change which
// credentials, role, region or endpoint a token comes from, with the reason.
// Every other name the scan finds must be one EnvForKey takes in: an AWS_*
// variable, or one of KeyEnvVars.
var notIdentity = map[string]string{
	"_X_AMZN_TRACE_ID": "X-Amzn-Trace-Id header of Lambda's recursion detection",
}

// envName looks like an environment variable: upper case words joined by _.
var envName = regexp.MustCompile(`^_?[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$`)

// TestKeyEnvVarsCoverTheSDK reads the SDK's credential chain as it is in the
// module cache and fails when it reads a variable the cache key does not
// cover: a later SDK that learns a new variable fails this test instead of
// serving one identity's token to another.
func TestKeyEnvVarsCoverTheSDK(t *testing.T) {
	found := map[string]string{} // name → file
	for _, m := range sdkModules {
		dir := moduleDir(t, m.path)
		for _, sub := range m.dirs {
			for name, file := range scanEnvNames(t, filepath.Join(dir, sub)) {
				found[name] = file
			}
		}
	}
	// The scan must see the names the review found missing, or it is blind.
	for _, want := range []string{"AWS_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "HOME"} {
		if _, ok := found[want]; !ok {
			t.Errorf("the scan of the SDK did not find %s; the scanner is broken", want)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(found)) {
		if _, ok := notIdentity[name]; ok {
			continue
		}
		// Set only this variable, and see whether the key takes it in.
		getenv := func(k string) string {
			if k == name {
				return "x"
			}
			return ""
		}
		if _, ok := EnvForKey(getenv, []string{name + "=x"})[name]; !ok {
			t.Errorf("%s (read in %s) changes what the SDK resolves and is not in the cache key: add it to KeyEnvVars, or to notIdentity with the reason it cannot change the identity", name, found[name])
		}
	}
	t.Logf("%d variables read by the SDK's credential chain, all covered", len(found))
}

// moduleDir finds m's source in the module cache, downloading it at the
// version go.mod requires.
func moduleDir(t *testing.T, m string) string {
	t.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", m).Output()
	if err != nil {
		t.Skipf("cannot download %s to scan it: %v", m, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		t.Fatalf("go mod download %s: %s %v", m, info.Error, err)
	}
	return info.Dir
}

// scanEnvNames returns the variables that the non-test Go files under dir
// read: the names passed to os.Getenv and os.LookupEnv, and, since the SDK
// often reads a list of names in a loop, every string constant shaped like
// a variable name in a file that reads the environment; plus HOME and
// USERPROFILE where os.UserHomeDir or user.Current is called.
func scanEnvNames(t *testing.T, dir string) map[string]string {
	t.Helper()
	found := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != dir && (d.Name() == "testdata" || strings.Contains(d.Name(), "test")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		for _, name := range envNamesIn(t, path) {
			found[name] = filepath.Join(filepath.Base(dir), rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func envNamesIn(t *testing.T, path string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	readsEnv, readsHome := false, false
	var literals []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if pkg, ok := n.X.(*ast.Ident); ok {
				switch pkg.Name + "." + n.Sel.Name {
				case "os.Getenv", "os.LookupEnv", "os.Environ":
					readsEnv = true
				case "os.UserHomeDir", "user.Current":
					readsHome = true
				}
			}
		case *ast.BasicLit:
			if n.Kind == token.STRING {
				if s, err := strconv.Unquote(n.Value); err == nil && envName.MatchString(s) {
					literals = append(literals, s)
				}
			}
		}
		return true
	})
	var out []string
	if readsEnv {
		out = append(out, literals...)
	}
	if readsHome {
		out = append(out, "HOME", "USERPROFILE")
	}
	return out
}
