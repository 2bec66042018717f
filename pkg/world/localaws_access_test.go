package world

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

const (
	nodeRole = "MyExampleEKSNode"
	// An IAM Identity Center role: its ARN has a path, which access entries
	// need and aws-auth must leave out.
	identityCenterRole = "AWSReservedSSO_Developers_0123456789abcdef"
	identityCenterPath = "/aws-reserved/sso.amazonaws.com/ap-northeast-2/"
)

// accessWorld is a local AWS with the seed, an API_AND_CONFIG_MAP cluster, a
// node role and an IAM Identity Center role.
type accessWorld struct {
	la                         *LocalAWS
	seed                       localAWSSeed
	ek                         *eks.Client
	nodeARN, ssoARN, ssoRoleID string
}

func newAccessWorld(ctx context.Context, t *testing.T) accessWorld {
	t.Helper()
	la := startTestLocalAWS(t, LocalAWSOptions{})
	seed := seedLocalAWS(ctx, t, la)
	im := iam.NewFromConfig(httpConfig(la, seed.admin))
	trust := policy(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`)
	node := must(im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(nodeRole), AssumeRolePolicyDocument: trust}))(t).Role
	sso := must(im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(identityCenterRole), Path: aws.String(identityCenterPath), AssumeRolePolicyDocument: trust}))(t).Role
	if err := la.SetCluster(ctx, ClusterOverride{Region: Region, Name: ClusterName, AuthenticationMode: "API_AND_CONFIG_MAP"}); err != nil {
		t.Fatal(err)
	}
	return accessWorld{la: la, seed: seed, ek: eks.NewFromConfig(httpConfig(la, seed.admin)),
		nodeARN: aws.ToString(node.Arn), ssoARN: aws.ToString(sso.Arn), ssoRoleID: aws.ToString(sso.RoleId)}
}

// TestLocalAWSAccessEntryTypes: what CreateAccessEntry accepts and fills in,
// per type and principal, with EKS's errors.
func TestLocalAWSAccessEntryTypes(t *testing.T) {
	skipShort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	w := newAccessWorld(ctx, t)
	userARN := "arn:aws:iam::" + testAccount + ":user/dev1"
	pathless := "arn:aws:iam::" + testAccount + ":role/" + identityCenterRole
	tests := []struct {
		name               string
		in                 eks.CreateAccessEntryInput
		wantUser           string
		wantGroups         []string
		wantCode, wantText string
	}{
		{"a role, defaults", eks.CreateAccessEntryInput{PrincipalArn: aws.String(viewerRoleARN)},
			"arn:aws:sts::" + testAccount + ":assumed-role/" + viewerRole + "/{{SessionName}}", nil, "", ""},
		{"a user, defaults", eks.CreateAccessEntryInput{PrincipalArn: aws.String(userARN)}, userARN, nil, "", ""},
		{"a role with a path: the username leaves it out", eks.CreateAccessEntryInput{PrincipalArn: aws.String(w.ssoARN)},
			"arn:aws:sts::" + testAccount + ":assumed-role/" + identityCenterRole + "/{{SessionName}}", nil, "", ""},
		{"a role with a path named without it, as aws-auth has it", eks.CreateAccessEntryInput{PrincipalArn: aws.String(pathless)},
			"", nil, "InvalidParameterException", pathless + " does not exist"},
		{"username and groups", eks.CreateAccessEntryInput{PrincipalArn: aws.String(viewerRoleARN), Username: aws.String("dev:{{SessionName}}"), KubernetesGroups: []string{"viewers"}},
			"dev:{{SessionName}}", []string{"viewers"}, "", ""},
		{"EC2_LINUX", eks.CreateAccessEntryInput{PrincipalArn: aws.String(w.nodeARN), Type: aws.String("EC2_LINUX")},
			"system:node:{{EC2PrivateDNSName}}", []string{"system:nodes"}, "", ""},
		{"EC2_WINDOWS", eks.CreateAccessEntryInput{PrincipalArn: aws.String(w.nodeARN), Type: aws.String("EC2_WINDOWS")},
			"system:node:{{EC2PrivateDNSName}}", []string{"system:nodes", "eks:kube-proxy-windows"}, "", ""},
		{"FARGATE_LINUX", eks.CreateAccessEntryInput{PrincipalArn: aws.String(w.nodeARN), Type: aws.String("FARGATE_LINUX")},
			"system:node:{{SessionName}}", []string{"system:node-proxier", "system:nodes"}, "", ""},
		{"EC2_LINUX with groups", eks.CreateAccessEntryInput{PrincipalArn: aws.String(w.nodeARN), Type: aws.String("EC2_LINUX"), KubernetesGroups: []string{"nodes"}},
			"", nil, "InvalidParameterException", "kubernetesGroups cannot be specified for access entries of type EC2_LINUX"},
		{"FARGATE_LINUX with a username", eks.CreateAccessEntryInput{PrincipalArn: aws.String(w.nodeARN), Type: aws.String("FARGATE_LINUX"), Username: aws.String("fargate")},
			"", nil, "InvalidParameterException", "username cannot be specified for access entries of type FARGATE_LINUX"},
		{"EC2_WINDOWS for a user", eks.CreateAccessEntryInput{PrincipalArn: aws.String(userARN), Type: aws.String("EC2_WINDOWS")},
			"", nil, "InvalidParameterException", "need an IAM role"},
		{"system:masters as a group", eks.CreateAccessEntryInput{PrincipalArn: aws.String(viewerRoleARN), KubernetesGroups: []string{"system:masters"}},
			"", nil, "InvalidParameterException", "The kubernetes group name system:masters is invalid, it cannot start with system:"},
		{"a system: username", eks.CreateAccessEntryInput{PrincipalArn: aws.String(viewerRoleARN), Username: aws.String("system:node:x")},
			"", nil, "InvalidParameterException", "The username must not begin with system:"},
		{"an eks: username", eks.CreateAccessEntryInput{PrincipalArn: aws.String(viewerRoleARN), Username: aws.String("eks:me")},
			"", nil, "InvalidParameterException", "The username must not begin with eks:"},
		{"{{SessionName}} without a colon before it", eks.CreateAccessEntryInput{PrincipalArn: aws.String(viewerRoleARN), Username: aws.String("john{{SessionName}}")},
			"", nil, "InvalidParameterException", "needs a colon before it"},
		{"a type this world does not model", eks.CreateAccessEntryInput{PrincipalArn: aws.String(w.nodeARN), Type: aws.String("HYBRID_LINUX")},
			"", nil, "InvalidParameterException", "not supported by the eks-login test world"},
		{"no such type", eks.CreateAccessEntryInput{PrincipalArn: aws.String(w.nodeARN), Type: aws.String("LINUX")},
			"", nil, "InvalidParameterException", "The type LINUX is invalid"},
		{"a service-linked role", eks.CreateAccessEntryInput{PrincipalArn: aws.String("arn:aws:iam::" + testAccount + ":role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS")},
			"", nil, "InvalidParameterException", "principalArn is invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.ClusterName = aws.String(ClusterName)
			out, err := w.ek.CreateAccessEntry(ctx, &in)
			checkAPIError(t, err, tt.wantCode, tt.wantText)
			if err != nil {
				return
			}
			defer w.ek.DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{ClusterName: in.ClusterName, PrincipalArn: in.PrincipalArn})
			e := out.AccessEntry
			wantType := aws.ToString(in.Type)
			if wantType == "" {
				wantType = "STANDARD"
			}
			if aws.ToString(e.Username) != tt.wantUser || strings.Join(e.KubernetesGroups, ",") != strings.Join(tt.wantGroups, ",") || aws.ToString(e.Type) != wantType {
				t.Fatalf("got username %q groups %q type %s, want %q %q %s", aws.ToString(e.Username), e.KubernetesGroups, aws.ToString(e.Type), tt.wantUser, tt.wantGroups, wantType)
			}
		})
	}
}

// TestLocalAWSNodeEntriesAreFixed: a node entry takes no groups, username or
// access policy later either; a standard one keeps the rules on update.
func TestLocalAWSNodeEntriesAreFixed(t *testing.T) {
	skipShort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	w := newAccessWorld(ctx, t)
	cluster := aws.String(ClusterName)
	must(w.ek.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: cluster, PrincipalArn: aws.String(w.nodeARN), Type: aws.String("EC2_LINUX")}))(t)
	must(w.ek.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: cluster, PrincipalArn: aws.String(viewerRoleARN)}))(t)
	view := aws.String("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy")
	clusterScope := &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}
	tests := []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"groups on a node entry", func() error {
			_, err := w.ek.UpdateAccessEntry(ctx, &eks.UpdateAccessEntryInput{ClusterName: cluster, PrincipalArn: aws.String(w.nodeARN), KubernetesGroups: []string{"nodes"}})
			return err
		}, "InvalidParameterException", notStandardMessage},
		{"a username on a node entry", func() error {
			_, err := w.ek.UpdateAccessEntry(ctx, &eks.UpdateAccessEntryInput{ClusterName: cluster, PrincipalArn: aws.String(w.nodeARN), Username: aws.String("node")})
			return err
		}, "InvalidParameterException", notStandardMessage},
		{"an access policy on a node entry", func() error {
			_, err := w.ek.AssociateAccessPolicy(ctx, &eks.AssociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: aws.String(w.nodeARN), PolicyArn: view, AccessScope: clusterScope})
			return err
		}, "InvalidParameterException", notStandardMessage},
		{"a system: group on a standard entry", func() error {
			_, err := w.ek.UpdateAccessEntry(ctx, &eks.UpdateAccessEntryInput{ClusterName: cluster, PrincipalArn: aws.String(viewerRoleARN), KubernetesGroups: []string{"system:nodes"}})
			return err
		}, "InvalidParameterException", "The kubernetes group name system:nodes is invalid"},
		{"an aws: username on a standard entry", func() error {
			_, err := w.ek.UpdateAccessEntry(ctx, &eks.UpdateAccessEntryInput{ClusterName: cluster, PrincipalArn: aws.String(viewerRoleARN), Username: aws.String("aws:x")})
			return err
		}, "InvalidParameterException", "The username must not begin with aws:"},
		{"an access policy on a standard entry", func() error {
			_, err := w.ek.AssociateAccessPolicy(ctx, &eks.AssociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: aws.String(viewerRoleARN), PolicyArn: view, AccessScope: clusterScope})
			return err
		}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkAPIError(t, tt.call(), tt.code, tt.msg) })
	}
	got := must(w.ek.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: cluster, PrincipalArn: aws.String(w.nodeARN)}))(t).AccessEntry
	if aws.ToString(got.Username) != "system:node:{{EC2PrivateDNSName}}" || strings.Join(got.KubernetesGroups, ",") != "system:nodes" {
		t.Fatalf("the node entry changed: %+v", got)
	}
}

// notStandardMessage is EKS's answer to changing what a node entry fills in.
const notStandardMessage = `This operation can only be performed on Access Entries with a type of "STANDARD".`

// TestLocalAWSAuthenticationModeIsOneWay: UpdateClusterConfig moves the mode
// forward only, with EKS's error, and records the update.
func TestLocalAWSAuthenticationModeIsOneWay(t *testing.T) {
	skipShort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	la := startTestLocalAWS(t, LocalAWSOptions{})
	seed := seedLocalAWS(ctx, t, la)
	ek := eks.NewFromConfig(httpConfig(la, seed.admin))
	tests := []struct{ from, to, wantErr string }{
		{"CONFIG_MAP", "API_AND_CONFIG_MAP", ""},
		{"CONFIG_MAP", "API", ""},
		{"API_AND_CONFIG_MAP", "API", ""},
		{"API_AND_CONFIG_MAP", "CONFIG_MAP", "Unsupported authentication mode update from API_AND_CONFIG_MAP to CONFIG_MAP."},
		{"API", "API_AND_CONFIG_MAP", "Unsupported authentication mode update from API to API_AND_CONFIG_MAP."},
		{"API", "CONFIG_MAP", "Unsupported authentication mode update from API to CONFIG_MAP."},
		{"API", "API", "Unsupported authentication mode update from API to API."},
	}
	for i, tt := range tests {
		t.Run(tt.from+" to "+tt.to, func(t *testing.T) {
			name := aws.String("mode-" + string(rune('a'+i)))
			if err := la.SetCluster(ctx, ClusterOverride{Region: Region, Name: *name, AuthenticationMode: tt.from}); err != nil {
				t.Fatal(err)
			}
			out, err := ek.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: name, AccessConfig: &ekstypes.UpdateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationMode(tt.to)}})
			want := tt.from
			if tt.wantErr != "" {
				checkAPIError(t, err, "InvalidParameterException", tt.wantErr)
			} else {
				checkAPIError(t, err, "", "")
				want = tt.to
				// No world enforces this cluster: the update is done at once.
				u := must(ek.DescribeUpdate(ctx, &eks.DescribeUpdateInput{Name: name, UpdateId: out.Update.Id}))(t).Update
				ids := must(ek.ListUpdates(ctx, &eks.ListUpdatesInput{Name: name}))(t).UpdateIds
				if u.Type != ekstypes.UpdateTypeAccessConfigUpdate || u.Status != ekstypes.UpdateStatusSuccessful || len(u.Params) != 1 ||
					aws.ToString(u.Params[0].Value) != tt.to || !slices.Equal(ids, []string{aws.ToString(u.Id)}) {
					t.Fatalf("update %+v, updates %v", u, ids)
				}
			}
			if c := must(describeCluster(ctx, la, seed.admin, *name))(t); string(c.AccessConfig.AuthenticationMode) != want {
				t.Fatalf("DescribeCluster reports %s, want %s", c.AccessConfig.AuthenticationMode, want)
			}
		})
	}
}

// TestLocalAWSAccessSync: a world watching a cluster receives its access
// entries with the principals' unique IDs and their policies; a change
// returns to its caller only once the world reports it applied, and a mode
// switch stays InProgress (the cluster UPDATING) until then.
func TestLocalAWSAccessSync(t *testing.T) {
	skipShort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	w := newAccessWorld(ctx, t)
	la, cluster := w.la, aws.String(ClusterName)
	if err := la.SetCluster(ctx, ClusterOverride{Region: Region, Name: ClusterName, AuthenticationMode: "CONFIG_MAP"}); err != nil {
		t.Fatal(err)
	}
	st := must(la.WatchAccess(ctx, Region, ClusterName, -1, 0))(t) // from now on, the world
	if st.AuthenticationMode != "CONFIG_MAP" || len(st.Entries) != 0 {
		t.Fatalf("first state %+v", st)
	}
	must(0, la.ReportAccessApplied(ctx, Region, ClusterName, st.Version))(t)

	// change runs call as a client would and plays the world's part: it
	// receives the new state, checks that call is still waiting, and applies.
	change := func(t *testing.T, call func() error, check func(AccessState)) AccessState {
		t.Helper()
		returned := make(chan error, 1)
		go func() { returned <- call() }()
		next := must(la.WatchAccess(ctx, Region, ClusterName, st.Version, 20*time.Second))(t)
		if next.Version <= st.Version {
			t.Fatalf("no new version after %d: %+v", st.Version, next)
		}
		select {
		case err := <-returned:
			t.Fatalf("the call returned (%v) before the world applied its change", err)
		default:
		}
		if check != nil {
			check(next)
		}
		must(0, la.ReportAccessApplied(ctx, Region, ClusterName, next.Version))(t)
		if err := <-returned; err != nil {
			t.Fatal(err)
		}
		st = next
		return next
	}

	var update *ekstypes.Update
	change(t, func() error {
		out, err := w.ek.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: cluster,
			AccessConfig: &ekstypes.UpdateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeApiAndConfigMap}})
		if err == nil {
			update = out.Update
		}
		return err
	}, func(next AccessState) {
		c := must(describeCluster(ctx, la, w.seed.admin, ClusterName))(t)
		if next.AuthenticationMode != "API_AND_CONFIG_MAP" || c.Status != ekstypes.ClusterStatusUpdating {
			t.Fatalf("mode %s, cluster %s", next.AuthenticationMode, c.Status)
		}
	})
	if update.Status != ekstypes.UpdateStatusInProgress {
		t.Fatalf("UpdateClusterConfig answered %+v", update)
	}
	u := must(w.ek.DescribeUpdate(ctx, &eks.DescribeUpdateInput{Name: cluster, UpdateId: update.Id}))(t).Update
	if c := must(describeCluster(ctx, la, w.seed.admin, ClusterName))(t); u.Status != ekstypes.UpdateStatusSuccessful || c.Status != ekstypes.ClusterStatusActive {
		t.Fatalf("after the world applied it: update %s, cluster %s", u.Status, c.Status)
	}

	change(t, func() error {
		_, err := w.ek.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: cluster, PrincipalArn: aws.String(w.ssoARN), KubernetesGroups: []string{"developers"}})
		return err
	}, nil)
	next := change(t, func() error {
		_, err := w.ek.AssociateAccessPolicy(ctx, &eks.AssociateAccessPolicyInput{ClusterName: cluster, PrincipalArn: aws.String(w.ssoARN),
			PolicyArn:   aws.String("arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"),
			AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeNamespace, Namespaces: []string{"team-*"}}})
		return err
	}, nil)
	if len(next.Entries) != 1 {
		t.Fatalf("entries %+v", next.Entries)
	}
	e := next.Entries[0]
	if e.PrincipalARN != w.ssoARN || e.PrincipalID != w.ssoRoleID || e.Kind != "role" || e.Type != "STANDARD" ||
		e.Username != "arn:aws:sts::"+testAccount+":assumed-role/"+identityCenterRole+"/{{SessionName}}" || strings.Join(e.KubernetesGroups, ",") != "developers" ||
		len(e.AccessPolicies) != 1 || e.AccessPolicies[0].Name != "AmazonEKSEditPolicy" || e.AccessPolicies[0].AccessScope.Type != "namespace" ||
		strings.Join(e.AccessPolicies[0].AccessScope.Namespaces, ",") != "team-*" {
		t.Fatalf("entry %+v", e)
	}
	listed := must(w.ek.ListAccessEntries(ctx, &eks.ListAccessEntriesInput{ClusterName: cluster, AssociatedPolicyArn: aws.String("arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy")}))(t)
	if !slices.Equal(listed.AccessEntries, []string{w.ssoARN}) {
		t.Fatalf("entries with the edit policy: %v", listed.AccessEntries)
	}
	// A refused change makes no version: nothing for the world to do.
	_, err := w.ek.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: cluster, PrincipalArn: aws.String(w.ssoARN)})
	checkAPIError(t, err, "ResourceInUseException", "already in use")
	if again := must(la.WatchAccess(ctx, Region, ClusterName, st.Version, 0))(t); again.Version != st.Version {
		t.Fatalf("a refused call made version %d", again.Version)
	}
	change(t, func() error {
		_, err := w.ek.DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{ClusterName: cluster, PrincipalArn: aws.String(w.ssoARN)})
		return err
	}, func(next AccessState) {
		if len(next.Entries) != 0 {
			t.Fatalf("entries after delete %+v", next.Entries)
		}
	})
}

// TestLocalAWSWorldProbesAreNotCounted: the world's own IAM users (its
// authenticator probes) stay out of the call counts tests read.
func TestLocalAWSWorldProbesAreNotCounted(t *testing.T) {
	skipShort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	la := startTestLocalAWS(t, LocalAWSOptions{})
	seed := seedLocalAWS(ctx, t, la)
	im := iam.NewFromConfig(httpConfig(la, seed.admin))
	probeKeys := userKeys(ctx, t, im, WorldInternalUserPrefix+"test-probe")
	must(0, la.ResetCalls(ctx))(t)
	for _, creds := range []aws.Credentials{probeKeys, seed.dev1} {
		u := presignGetCallerIdentity(t, creds, time.Now(), http.Header{"X-K8s-Aws-Id": {ClusterName}})
		if code, body := sendPresigned(t, http.DefaultClient, la.URL, u, http.Header{"X-K8s-Aws-Id": {ClusterName}, "Accept": {"application/json"}}); code != 200 {
			t.Fatalf("HTTP %d: %s", code, body)
		}
	}
	if calls := must(la.Calls(ctx))(t); calls["sts:GetCallerIdentity"] != 1 {
		t.Fatalf("calls %v: want dev1's GetCallerIdentity alone", calls)
	}
}

func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts moto; skipped with -short")
	}
}
