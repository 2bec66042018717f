// Package accessentries runs EKS access entries end to end in a world of its
// own, since a cluster's authentication mode only ever moves forward: its
// cluster starts in CONFIG_MAP, as the seed's does, and the tests take it to
// API_AND_CONFIG_MAP and then API with the real AWS CLI, proving each mode
// through the real kubectl, aws-iam-authenticator and kube-apiserver.
package accessentries

import (
	"os"
	"testing"

	"github.com/eks-login/eks-login/pkg/world"
	"github.com/eks-login/eks-login/pkg/world/worldtest"
)

var suite worldtest.Suite

func TestMain(m *testing.M) {
	os.Exit(suite.Main(m, world.Options{}))
}
