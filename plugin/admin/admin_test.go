package admin

import (
	"bytes"
	"testing"

	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags/adminflagstest"
)

// TestSubcommands: admin assembles its eleven subcommands, and alone prints
// its help.
func TestSubcommands(t *testing.T) {
	var out bytes.Buffer
	cmd := NewCmd(adminflagstest.Factory(&out))
	var names []string
	for _, c := range cmd.Commands() {
		names = append(names, c.Name())
	}
	if len(names) != 11 {
		t.Errorf("subcommands: %v", names)
	}
	cmd.SetOut(&out)
	if err := adminflagstest.Parse(cmd); err != nil {
		t.Fatal(err)
	}
}
