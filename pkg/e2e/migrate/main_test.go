// Package migrate runs "admin migrate" end to end in a world of its own,
// since it takes the cluster's authentication mode to API, which EKS never
// undoes: the seed's cluster, set up by hand as the seed describes (aws-auth
// with the node role and the developers' role, a ClusterRoleBinding to
// view), is migrated to access entries with the real kubectl, AWS CLI,
// aws-iam-authenticator and kube-apiserver, and nobody's access changes.
package migrate

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
