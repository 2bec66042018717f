// Package e2e runs eks-login's scenarios end to end in the test world: the
// local AWS, a real kube-apiserver with RBAC and aws-iam-authenticator as its
// token webhook, the real AWS CLI and the real kubectl.
package e2e

import (
	"os"
	"testing"

	"github.com/eks-login/eks-login/pkg/world"
	"github.com/eks-login/eks-login/pkg/world/worldtest"
)

var (
	theWorld *world.World
	suite    = worldtest.Suite{Started: func(w *world.World) { theWorld = w }}
)

// pluginDir returns the folder holding the kubectl-eks_login under test, for
// every person's PATH.
func pluginDir(t *testing.T) string { return suite.PluginDir(t) }

// TestMain runs the package inside the world's namespaces and starts one
// world for all its tests; each test makes its own IAM users and files.
func TestMain(m *testing.M) {
	os.Exit(suite.Main(m, world.Options{}))
}
