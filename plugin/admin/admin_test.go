package admin

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/plugin/admin/shared/sharedtest"
)

// TestSubcommands: admin assembles its subcommands, and alone prints its
// help.
func TestSubcommands(t *testing.T) {
	var out bytes.Buffer
	cmd := NewCmd(sharedtest.Factory(&out))
	var names []string
	for _, c := range cmd.Commands() {
		names = append(names, c.Name())
	}
	if want := "access-report bind grant iam list map revoke unmap who-can"; strings.Join(names, " ") != want {
		t.Errorf("subcommands: %v, want %s", names, want)
	}
	cmd.SetOut(&out)
	if err := sharedtest.Parse(cmd); err != nil {
		t.Fatal(err)
	}
}

// TestImportsNoOtherCommand: the admin commands import no command package
// but cmdutil and their shared helper; only this parent imports its
// subcommands, to assemble them (issue 17). The use cases are in pkg.
func TestImportsNoOtherCommand(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}} {{join .TestImports \" \"}} {{join .XTestImports \" \"}}", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const plugin = "github.com/eks-login/eks-login/plugin/"
	allowed := map[string]bool{plugin + "cmdutil": true, plugin + "admin/shared": true, plugin + "admin/shared/sharedtest": true}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := fields[0]
		for _, imp := range fields[1:] {
			parent := pkg == plugin+"admin" && strings.HasPrefix(imp, plugin+"admin/")
			if strings.HasPrefix(imp, plugin) && !allowed[imp] && !parent && imp != pkg {
				t.Errorf("%s imports %s; commands share code through pkg/ or plugin/admin/shared", pkg, imp)
			}
		}
	}
}
