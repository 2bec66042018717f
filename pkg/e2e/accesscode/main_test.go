// Package accesscode runs access as code (admin apply, diff and export)
// end to end in a world of its own with two clusters, each with its own API
// server and aws-iam-authenticator, so that access given on one cluster can
// be told apart from access on the other.
package accesscode

import (
	"os"
	"testing"

	"github.com/eks-login/eks-login/pkg/world"
	"github.com/eks-login/eks-login/pkg/world/worldtest"
)

var suite worldtest.Suite

func TestMain(m *testing.M) {
	os.Exit(suite.Main(m, world.Options{SecondCluster: true}))
}
