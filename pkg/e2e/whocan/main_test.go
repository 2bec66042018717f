// Package whocan runs "admin who-can" and "admin access-report" end to end
// in a world of its own, whose cluster it takes to API_AND_CONFIG_MAP so
// that aws-auth mappings and access entries (with an access policy) let
// people in side by side. Every answer is checked by trying it: a token
// minted as each person through each mapped principal, and kubectl.
package whocan

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
