package e2e

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestNodesAreTheirInstances: a kubelet's token is made from its instance's
// credentials (a session of the node role named after the instance ID), and
// aws-iam-authenticator fills in the aws-auth template
// system:node:{{EC2PrivateDNSName}} by asking EC2 for that instance's
// private DNS name, so each node is the user its Node object is named after.
func TestNodesAreTheirInstances(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if len(theWorld.Nodes) == 0 {
		t.Fatal("the world has no nodes")
	}
	for _, n := range theWorld.Nodes {
		creds, err := theWorld.NodeCredentials(ctx, n.InstanceID)
		if err != nil {
			t.Fatal(err)
		}
		name, groups, err := theWorld.Identify(ctx, creds)
		if err != nil || name != "system:node:"+n.PrivateDNSName || !slices.Contains(groups, "system:nodes") || !slices.Contains(groups, "system:bootstrappers") {
			t.Errorf("node %s (%s) is %q in %q (%v), want system:node:%s in system:nodes and system:bootstrappers", n.PrivateDNSName, n.InstanceID, name, groups, err, n.PrivateDNSName)
		}
	}
}
