package admin

import (
	"bytes"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/plugin/cmdutil/adminflags/adminflagstest"
)

// TestSubcommands: admin assembles its subcommands, and alone prints its
// help.
func TestSubcommands(t *testing.T) {
	var out bytes.Buffer
	cmd := NewCmd(adminflagstest.Factory(&out))
	var names []string
	for _, c := range cmd.Commands() {
		names = append(names, c.Name())
	}
	if want := "access-report apply bind diff export grant iam list map migrate revoke unmap who-can"; strings.Join(names, " ") != want {
		t.Errorf("subcommands: %v, want %s", names, want)
	}
	cmd.SetOut(&out)
	if err := adminflagstest.Parse(cmd); err != nil {
		t.Fatal(err)
	}
}
