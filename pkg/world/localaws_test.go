package world

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/eks-login/eks-login/pkg/awsclient"
)

const (
	testAccount   = "123456789012" // moto's default account
	emptySHA256   = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	viewerRole    = "EKSMyExampleViewer"
	mfaRole       = "EKSMyExampleMFA"
	testCAPEM     = "-----BEGIN CERTIFICATE-----\nTUlJQmxvY2FsYXdzCg==\n-----END CERTIFICATE-----\n"
	otherCluster  = "other-cluster"
	clusterARNFmt = "arn:aws:eks:" + Region + ":" + testAccount + ":cluster/%s"
)

var viewerRoleARN = "arn:aws:iam::" + testAccount + ":role/" + viewerRole

// localAWSSeed is the seed's IAM world, as the tests need it.
type localAWSSeed struct {
	admin, dev1, outsider aws.Credentials
	mfaSerial             string
	viewerRoleID          string
}

func startTestLocalAWS(t *testing.T, opts LocalAWSOptions) *LocalAWS {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts.LogPath = filepath.Join(t.TempDir(), "localaws.log")
	la, err := StartLocalAWS(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := la.Stop(); err != nil {
			t.Error(err)
		}
		if t.Failed() {
			if log, err := os.ReadFile(opts.LogPath); err == nil {
				t.Logf("localaws log:\n%s", log)
			}
		}
	})
	return la
}

// httpConfig talks to la at its own URL (endpoint overrides), without
// retries so that every call is counted exactly once.
func httpConfig(la *LocalAWS, creds aws.Credentials) aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.StaticCredentialsProvider{Value: creds},
		BaseEndpoint: aws.String(la.URL),
		HTTPClient:   awsclient.HoldBodies(nil),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

func policy(statements ...string) *string {
	return aws.String(`{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`)
}

// must(call())(t) is call's result, or a fatal error.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func userKeys(ctx context.Context, t *testing.T, im *iam.Client, name string) aws.Credentials {
	t.Helper()
	must(im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}))(t)
	k := must(im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)}))(t).AccessKey
	return aws.Credentials{AccessKeyID: aws.ToString(k.AccessKeyId), SecretAccessKey: aws.ToString(k.SecretAccessKey)}
}

// seedLocalAWS makes the seed's objects with enforcement off, as the world
// does, then switches enforcement on.
func seedLocalAWS(ctx context.Context, t *testing.T, la *LocalAWS) localAWSSeed {
	t.Helper()
	var s localAWSSeed
	boot := iam.NewFromConfig(httpConfig(la, aws.Credentials{AccessKeyID: "AKIAWORLDBOOTSTRAP00", SecretAccessKey: "bootstrap"}))
	s.admin = userKeys(ctx, t, boot, "admin")
	must(boot.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("admin"), PolicyName: aws.String("AdministratorAccess"),
		PolicyDocument: policy(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}))(t)

	im := iam.NewFromConfig(httpConfig(la, s.admin))
	s.dev1 = userKeys(ctx, t, im, "dev1")
	s.outsider = userKeys(ctx, t, im, "outsider")
	must(im.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Developers")}))(t)
	must(im.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("Developers"), UserName: aws.String("dev1")}))(t)
	must(im.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("Developers"), PolicyName: aws.String("AssumeEKSRoles"),
		PolicyDocument: policy(fmt.Sprintf(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":["%s","arn:aws:iam::%s:role/%s"]}`, viewerRoleARN, testAccount, mfaRole))}))(t)

	rootTrust := fmt.Sprintf(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}`, testAccount)
	role := must(im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(viewerRole), AssumeRolePolicyDocument: policy(rootTrust)}))(t).Role
	s.viewerRoleID = aws.ToString(role.RoleId)
	describeMyExample := fmt.Sprintf(`{"Effect":"Allow","Action":"eks:DescribeCluster","Resource":"`+clusterARNFmt+`"}`, ClusterName)
	must(im.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(viewerRole), PolicyName: aws.String("DescribeMyExample"), PolicyDocument: policy(describeMyExample)}))(t)

	mfaTrust := fmt.Sprintf(`{"Effect":"Allow","Principal":{"AWS":"%s"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`, testAccount)
	must(im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(mfaRole), AssumeRolePolicyDocument: policy(mfaTrust)}))(t)
	must(im.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(mfaRole), PolicyName: aws.String("DescribeMyExample"), PolicyDocument: policy(describeMyExample)}))(t)
	device := must(im.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("dev1")}))(t).VirtualMFADevice
	s.mfaSerial = aws.ToString(device.SerialNumber)
	must(im.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("dev1"), SerialNumber: device.SerialNumber,
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")}))(t)

	ek := eks.NewFromConfig(httpConfig(la, s.admin))
	for _, name := range []string{ClusterName, otherCluster} {
		must(ek.CreateCluster(ctx, &eks.CreateClusterInput{
			Name:               aws.String(name),
			RoleArn:            aws.String("arn:aws:iam::" + testAccount + ":role/MyExampleEKSCluster"),
			ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-0a1b2c3d"}},
		}))(t)
	}
	if err := la.EnforceIAM(ctx, true); err != nil {
		t.Fatal(err)
	}
	return s
}

func assumeRole(ctx context.Context, la *LocalAWS, creds aws.Credentials, roleARN, session string, mfa ...string) (aws.Credentials, error) {
	in := &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String(session)}
	if len(mfa) == 2 {
		in.SerialNumber, in.TokenCode = aws.String(mfa[0]), aws.String(mfa[1])
	}
	out, err := sts.NewFromConfig(httpConfig(la, creds)).AssumeRole(ctx, in)
	if err != nil {
		return aws.Credentials{}, err
	}
	c := out.Credentials
	return aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)}, nil
}

func describeCluster(ctx context.Context, la *LocalAWS, creds aws.Credentials, name string) (*ekstypes.Cluster, error) {
	out, err := eks.NewFromConfig(httpConfig(la, creds)).DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
	if err != nil {
		return nil, err
	}
	return out.Cluster, nil
}

// checkAPIError fails unless err is an AWS API error with code and a message
// containing msg ("" for nil err).
func checkAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	if apiErr.ErrorCode() != code || !strings.Contains(apiErr.ErrorMessage(), msg) {
		t.Fatalf("want %s %q, got %s %q", code, msg, apiErr.ErrorCode(), apiErr.ErrorMessage())
	}
}

func TestLocalAWS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	la := startTestLocalAWS(t, LocalAWSOptions{})
	seed := seedLocalAWS(ctx, t, la)
	viewer, err := assumeRole(ctx, la, seed.dev1, viewerRoleARN, "dev1-session")
	if err != nil {
		t.Fatalf("dev1 assumes %s: %v", viewerRole, err)
	}

	t.Run("Authorization", func(t *testing.T) {
		deniedDescribe := func(who, cluster string) string {
			return fmt.Sprintf("User: %s is not authorized to perform: eks:DescribeCluster on resource: "+clusterARNFmt, who, cluster)
		}
		tests := []struct {
			name      string
			call      func() error
			code, msg string
		}{
			{"dev1 may not describe the cluster", func() error { _, err := describeCluster(ctx, la, seed.dev1, ClusterName); return err },
				"AccessDeniedException", deniedDescribe("arn:aws:iam::"+testAccount+":user/dev1", ClusterName)},
			{"the role may describe my-example", func() error { _, err := describeCluster(ctx, la, viewer, ClusterName); return err }, "", ""},
			{"the role may not describe another cluster", func() error { _, err := describeCluster(ctx, la, viewer, otherCluster); return err },
				"AccessDeniedException", deniedDescribe("arn:aws:sts::"+testAccount+":assumed-role/"+viewerRole+"/dev1-session", otherCluster)},
			{"the admin's EKS GETs pass the signature check", func() error {
				_, err := eks.NewFromConfig(httpConfig(la, seed.admin)).ListClusters(ctx, &eks.ListClustersInput{})
				return err
			}, "", ""},
			{"a user outside the group may not assume the role", func() error {
				_, err := assumeRole(ctx, la, seed.outsider, viewerRoleARN, "s")
				return err
			}, "AccessDenied", "User: arn:aws:iam::" + testAccount + ":user/outsider is not authorized to perform: sts:AssumeRole on resource: " + viewerRoleARN},
			{"a wrong secret key", func() error {
				_, err := describeCluster(ctx, la, aws.Credentials{AccessKeyID: seed.admin.AccessKeyID, SecretAccessKey: "wrong"}, ClusterName)
				return err
			}, "InvalidSignatureException", "signature"},
			{"an unknown access key", func() error {
				_, err := sts.NewFromConfig(httpConfig(la, aws.Credentials{AccessKeyID: "AKIAUNKNOWN000000000", SecretAccessKey: "x"})).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
				return err
			}, "InvalidClientTokenId", "security token"},
			{"a role session with a wrong token", func() error {
				bad := viewer
				bad.SessionToken = "not-the-token"
				_, err := describeCluster(ctx, la, bad, ClusterName)
				return err
			}, "UnrecognizedClientException", "security token"},
			{"dev1 may not use IAM", func() error {
				_, err := iam.NewFromConfig(httpConfig(la, seed.dev1)).ListUsers(ctx, &iam.ListUsersInput{})
				return err
			}, "AccessDenied", "iam:ListUsers"},
			{"anyone may ask who they are", func() error {
				out, err := sts.NewFromConfig(httpConfig(la, viewer)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
				if err == nil && aws.ToString(out.Arn) != "arn:aws:sts::"+testAccount+":assumed-role/"+viewerRole+"/dev1-session" {
					err = fmt.Errorf("GetCallerIdentity says %s", aws.ToString(out.Arn))
				}
				return err
			}, "", ""},
			{"without MFA the MFA role is refused", func() error {
				_, err := assumeRole(ctx, la, seed.dev1, "arn:aws:iam::"+testAccount+":role/"+mfaRole, "s")
				return err
			},
				"AccessDenied", "sts:AssumeRole on resource: arn:aws:iam::" + testAccount + ":role/" + mfaRole},
			{"a bad MFA code is refused", func() error {
				_, err := assumeRole(ctx, la, seed.dev1, "arn:aws:iam::"+testAccount+":role/"+mfaRole, "s", seed.mfaSerial, "12345x")
				return err
			}, "AccessDenied", "MultiFactorAuthentication failed"},
			{"with MFA the MFA role may be assumed and used", func() error {
				creds, err := assumeRole(ctx, la, seed.dev1, "arn:aws:iam::"+testAccount+":role/"+mfaRole, "s", seed.mfaSerial, "123456")
				if err == nil {
					_, err = describeCluster(ctx, la, creds, ClusterName)
				}
				return err
			}, "", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { checkAPIError(t, tt.call(), tt.code, tt.msg) })
		}
	})

	t.Run("EnforcementSwitch", func(t *testing.T) {
		if err := la.EnforceIAM(ctx, false); err != nil {
			t.Fatal(err)
		}
		_, err := describeCluster(ctx, la, seed.dev1, ClusterName)
		checkAPIError(t, err, "", "")
		if err := la.EnforceIAM(ctx, true); err != nil {
			t.Fatal(err)
		}
		_, err = describeCluster(ctx, la, seed.dev1, ClusterName)
		checkAPIError(t, err, "AccessDeniedException", "eks:DescribeCluster")
	})

	t.Run("PresignedGetCallerIdentity", func(t *testing.T) {
		userARN := "arn:aws:iam::" + testAccount + ":user/dev1"
		sessionARN := "arn:aws:sts::" + testAccount + ":assumed-role/" + viewerRole + "/dev1-session"
		wrongToken := viewer
		wrongToken.SessionToken = "not-the-token"
		now := time.Now()
		tests := []struct {
			name     string
			creds    aws.Credentials
			signedAt time.Time
			tamper   func(q url.Values)
			header   http.Header // sent instead of the signed x-k8s-aws-id
			wantCode int
			want     string // ARN on success, error text otherwise
		}{
			{name: "user", creds: seed.dev1, signedAt: now, wantCode: 200, want: userARN},
			{name: "role session", creds: viewer, signedAt: now, wantCode: 200, want: sessionARN},
			{name: "14 minutes old: X-Amz-Expires is ignored as STS does", creds: seed.dev1, signedAt: now.Add(-14 * time.Minute), wantCode: 200, want: userARN},
			{name: "tampered signature", creds: seed.dev1, signedAt: now, wantCode: 403, want: "SignatureDoesNotMatch",
				tamper: func(q url.Values) { s := q.Get("X-Amz-Signature"); q.Set("X-Amz-Signature", s[1:]+s[:1]) }},
			{name: "tampered action parameter", creds: seed.dev1, signedAt: now, wantCode: 403, want: "SignatureDoesNotMatch",
				tamper: func(q url.Values) { q.Set("Version", "2011-06-16") }},
			{name: "16 minutes old", creds: seed.dev1, signedAt: now.Add(-16 * time.Minute), wantCode: 403, want: "Signature expired"},
			{name: "session token mismatch", creds: wrongToken, signedAt: now, wantCode: 403, want: "InvalidClientTokenId"},
			{name: "session token dropped", creds: viewer, signedAt: now, wantCode: 403, want: "InvalidClientTokenId",
				tamper: func(q url.Values) { q.Del("X-Amz-Security-Token") }},
			{name: "cluster header unsigned", creds: seed.dev1, signedAt: now, wantCode: 403, want: "x-k8s-aws-id",
				header: http.Header{"X-K8s-Aws-Id": {ClusterName}, "Accept": {"application/json"}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				sign := http.Header{"X-K8s-Aws-Id": {ClusterName}}
				if tt.header != nil {
					sign = nil
				}
				u := presignGetCallerIdentity(t, tt.creds, tt.signedAt, sign)
				if tt.tamper != nil {
					q := u.Query()
					tt.tamper(q)
					u.RawQuery = q.Encode()
				}
				header := tt.header
				if header == nil {
					header = http.Header{"X-K8s-Aws-Id": {ClusterName}, "Accept": {"application/json"}}
				}
				code, body := sendPresigned(t, http.DefaultClient, la.URL, u, header)
				if code != tt.wantCode {
					t.Fatalf("HTTP %d, want %d: %s", code, tt.wantCode, body)
				}
				if code != 200 {
					if !strings.Contains(string(body), tt.want) {
						t.Fatalf("want %q in %s", tt.want, body)
					}
					return
				}
				id := decodeCallerIdentity(t, body)
				if id.Arn != tt.want || id.Account != testAccount {
					t.Fatalf("got %+v, want ARN %s", id, tt.want)
				}
				if tt.creds.SessionToken != "" && id.UserID != seed.viewerRoleID+":dev1-session" {
					t.Fatalf("UserId %q, want %s:dev1-session", id.UserID, seed.viewerRoleID)
				}
			})
		}
		t.Run("XML without Accept: application/json", func(t *testing.T) {
			u := presignGetCallerIdentity(t, seed.dev1, now, http.Header{"X-K8s-Aws-Id": {ClusterName}})
			code, body := sendPresigned(t, http.DefaultClient, la.URL, u, http.Header{"X-K8s-Aws-Id": {ClusterName}})
			var x struct {
				Arn string `xml:"GetCallerIdentityResult>Arn"`
			}
			if err := xml.Unmarshal(body, &x); code != 200 || err != nil || x.Arn != userARN {
				t.Fatalf("HTTP %d %v: %s", code, err, body)
			}
		})
	})

	t.Run("SetCluster", func(t *testing.T) {
		err := la.SetCluster(ctx, ClusterOverride{Region: Region, Name: ClusterName, Endpoint: "https://127.0.0.1:6443", CAData: testCAPEM, AuthenticationMode: "API_AND_CONFIG_MAP"})
		if err != nil {
			t.Fatal(err)
		}
		c, err := describeCluster(ctx, la, viewer, ClusterName)
		if err != nil {
			t.Fatal(err)
		}
		ca, _ := base64.StdEncoding.DecodeString(aws.ToString(c.CertificateAuthority.Data))
		if aws.ToString(c.Endpoint) != "https://127.0.0.1:6443" || string(ca) != testCAPEM || c.AccessConfig.AuthenticationMode != ekstypes.AuthenticationModeApiAndConfigMap {
			t.Fatalf("endpoint %s, CA %q, access %+v", aws.ToString(c.Endpoint), ca, c.AccessConfig)
		}
		// A cluster moto does not know yet is created.
		if err := la.SetCluster(ctx, ClusterOverride{Region: Region, Name: "made-by-control", Endpoint: "https://127.0.0.1:7443"}); err != nil {
			t.Fatal(err)
		}
		list := must(eks.NewFromConfig(httpConfig(la, seed.admin)).ListClusters(ctx, &eks.ListClustersInput{}))(t)
		if !strings.Contains(strings.Join(list.Clusters, ","), "made-by-control") {
			t.Fatalf("ListClusters: %v", list.Clusters)
		}
		if err := la.SetCluster(ctx, ClusterOverride{Region: Region, Name: ClusterName, AuthenticationMode: "NOPE"}); err == nil {
			t.Fatal("a bad authentication mode was accepted")
		}
	})

	t.Run("AccessEntries", func(t *testing.T) {
		ek := eks.NewFromConfig(httpConfig(la, seed.admin))
		principal := viewerRoleARN
		view := "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
		entry := &eks.DescribeAccessEntryInput{ClusterName: aws.String(ClusterName), PrincipalArn: aws.String(principal)}

		created := must(ek.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: aws.String(ClusterName), PrincipalArn: aws.String(principal), KubernetesGroups: []string{"viewers"}}))(t).AccessEntry
		if aws.ToString(created.Username) != "arn:aws:sts::"+testAccount+":assumed-role/"+viewerRole+"/{{SessionName}}" || aws.ToString(created.Type) != "STANDARD" ||
			!strings.HasPrefix(aws.ToString(created.AccessEntryArn), "arn:aws:eks:"+Region+":"+testAccount+":access-entry/"+ClusterName+"/role/") {
			t.Fatalf("created %+v", created)
		}
		_, err := ek.CreateAccessEntry(ctx, &eks.CreateAccessEntryInput{ClusterName: aws.String(ClusterName), PrincipalArn: aws.String(principal)})
		checkAPIError(t, err, "ResourceInUseException", "already in use")

		got := must(ek.DescribeAccessEntry(ctx, entry))(t).AccessEntry
		if strings.Join(got.KubernetesGroups, ",") != "viewers" {
			t.Fatalf("described %+v", got)
		}
		must(ek.UpdateAccessEntry(ctx, &eks.UpdateAccessEntryInput{ClusterName: aws.String(ClusterName), PrincipalArn: aws.String(principal), KubernetesGroups: []string{"a", "b"}}))(t)
		if got := must(ek.DescribeAccessEntry(ctx, entry))(t).AccessEntry; strings.Join(got.KubernetesGroups, ",") != "a,b" {
			t.Fatalf("after update %+v", got)
		}
		if l := must(ek.ListAccessEntries(ctx, &eks.ListAccessEntriesInput{ClusterName: aws.String(ClusterName)}))(t); strings.Join(l.AccessEntries, ",") != principal {
			t.Fatalf("ListAccessEntries: %v", l.AccessEntries)
		}

		assoc := must(ek.AssociateAccessPolicy(ctx, &eks.AssociateAccessPolicyInput{ClusterName: aws.String(ClusterName), PrincipalArn: aws.String(principal), PolicyArn: aws.String(view),
			AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeNamespace, Namespaces: []string{"default"}}}))(t)
		if aws.ToString(assoc.AssociatedAccessPolicy.PolicyArn) != view || assoc.AssociatedAccessPolicy.AccessScope.Type != ekstypes.AccessScopeTypeNamespace {
			t.Fatalf("associated %+v", assoc.AssociatedAccessPolicy)
		}
		pols := must(ek.ListAssociatedAccessPolicies(ctx, &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String(ClusterName), PrincipalArn: aws.String(principal)}))(t)
		if len(pols.AssociatedAccessPolicies) != 1 || strings.Join(pols.AssociatedAccessPolicies[0].AccessScope.Namespaces, ",") != "default" {
			t.Fatalf("associated policies %+v", pols.AssociatedAccessPolicies)
		}
		if l := must(ek.ListAccessEntries(ctx, &eks.ListAccessEntriesInput{ClusterName: aws.String(ClusterName), AssociatedPolicyArn: aws.String(view)}))(t); len(l.AccessEntries) != 1 {
			t.Fatalf("entries with the view policy: %v", l.AccessEntries)
		}
		all := must(ek.ListAccessPolicies(ctx, &eks.ListAccessPoliciesInput{}))(t)
		var names []string
		for _, p := range all.AccessPolicies {
			names = append(names, aws.ToString(p.Name))
		}
		if strings.Join(names, ",") != "AmazonEKSViewPolicy,AmazonEKSEditPolicy,AmazonEKSAdminPolicy,AmazonEKSClusterAdminPolicy" {
			t.Fatalf("ListAccessPolicies: %v", names)
		}
		must(ek.DisassociateAccessPolicy(ctx, &eks.DisassociateAccessPolicyInput{ClusterName: aws.String(ClusterName), PrincipalArn: aws.String(principal), PolicyArn: aws.String(view)}))(t)
		must(ek.DeleteAccessEntry(ctx, &eks.DeleteAccessEntryInput{ClusterName: aws.String(ClusterName), PrincipalArn: aws.String(principal)}))(t)
		_, err = ek.DescribeAccessEntry(ctx, entry)
		checkAPIError(t, err, "ResourceNotFoundException", "principalArn")

		// The access-entry API is subject to IAM too.
		_, err = eks.NewFromConfig(httpConfig(la, seed.dev1)).ListAccessEntries(ctx, &eks.ListAccessEntriesInput{ClusterName: aws.String(ClusterName)})
		checkAPIError(t, err, "AccessDeniedException", "eks:ListAccessEntries on resource: "+fmt.Sprintf(clusterARNFmt, ClusterName))

		// A CONFIG_MAP cluster has no access entries until its mode changes.
		other := &eks.CreateAccessEntryInput{ClusterName: aws.String(otherCluster), PrincipalArn: aws.String(principal)}
		_, err = ek.CreateAccessEntry(ctx, other)
		checkAPIError(t, err, "InvalidParameterException", "authentication mode")
		up := must(ek.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: aws.String(otherCluster), AccessConfig: &ekstypes.UpdateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeApi}}))(t)
		if up.Update.Type != ekstypes.UpdateTypeAccessConfigUpdate {
			t.Fatalf("update %+v", up.Update)
		}
		must(ek.CreateAccessEntry(ctx, other))(t)
		_, err = ek.UpdateClusterConfig(ctx, &eks.UpdateClusterConfigInput{Name: aws.String(otherCluster), AccessConfig: &ekstypes.UpdateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationModeConfigMap}})
		checkAPIError(t, err, "InvalidParameterException", "Unsupported authentication mode update")
	})

	t.Run("CallCounting", func(t *testing.T) {
		if err := la.ResetCalls(ctx); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := assumeRole(ctx, la, seed.dev1, viewerRoleARN, "counted"); err != nil {
				t.Fatal(err)
			}
		}
		_, _ = describeCluster(ctx, la, seed.dev1, ClusterName) // denied, still a call
		sendPresigned(t, http.DefaultClient, la.URL, presignGetCallerIdentity(t, seed.dev1, time.Now(), http.Header{"X-K8s-Aws-Id": {ClusterName}}), http.Header{"X-K8s-Aws-Id": {ClusterName}})
		calls, err := la.Calls(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"sts:AssumeRole": 2, "eks:DescribeCluster": 1, "sts:GetCallerIdentity": 1}
		if fmt.Sprint(calls) != fmt.Sprint(want) {
			t.Fatalf("calls %v, want %v", calls, want)
		}
	})

	// GetAccountAuthorizationDetails, as who-can reads IAM: every document
	// URL-encoded, trust policies too, and managed policies named.
	t.Run("GetAccountAuthorizationDetails", func(t *testing.T) {
		im := iam.NewFromConfig(httpConfig(la, seed.admin))
		p := must(im.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Describe"), PolicyDocument: policy(`{"Effect":"Allow","Action":"eks:Describe*","Resource":"*"}`)}))(t).Policy
		must(im.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(viewerRole), PolicyArn: p.Arn}))(t)
		out := must(im.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{}))(t)
		var trust string
		for _, r := range out.RoleDetailList {
			if aws.ToString(r.RoleName) == viewerRole {
				trust = aws.ToString(r.AssumeRolePolicyDocument)
			}
		}
		if decoded, err := url.PathUnescape(trust); err != nil || !strings.HasPrefix(trust, "%7B") || !strings.Contains(decoded, `"arn:aws:iam::`+testAccount+`:root"`) {
			t.Errorf("the viewer role's trust policy: %q (%v)", trust, err)
		}
		var names []string
		for _, mp := range out.Policies {
			names = append(names, aws.ToString(mp.PolicyName)+" "+aws.ToString(mp.PolicyId))
			if doc := aws.ToString(mp.PolicyVersionList[0].Document); !strings.HasPrefix(doc, "%7B") {
				t.Errorf("managed policy %s's document is not URL-encoded: %q", aws.ToString(mp.Arn), doc)
			}
		}
		if len(names) != 1 || !strings.HasPrefix(names[0], "Describe ") || names[0] == "Describe " {
			t.Errorf("managed policies: %q", names)
		}
	})

	// eks-login reads profiles through config.LoadDefaultConfig. A profile's
	// role_arn AssumeRole ignores AWS_ENDPOINT_URL, so it needs
	// AWS_ENDPOINT_URL_STS as well.
	t.Run("SharedConfigProfileWithRole", func(t *testing.T) {
		dir := t.TempDir()
		cfgFile, credFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
		profile := fmt.Sprintf("[profile viewer]\nrole_arn = %s\nsource_profile = dev1\nrole_session_name = from-profile\nregion = %s\n", viewerRoleARN, Region)
		if err := os.WriteFile(cfgFile, []byte(profile), 0o600); err != nil {
			t.Fatal(err)
		}
		keys := fmt.Sprintf("[dev1]\naws_access_key_id = %s\naws_secret_access_key = %s\n", seed.dev1.AccessKeyID, seed.dev1.SecretAccessKey)
		if err := os.WriteFile(credFile, []byte(keys), 0o600); err != nil {
			t.Fatal(err)
		}
		for k, v := range map[string]string{
			"AWS_CONFIG_FILE": cfgFile, "AWS_SHARED_CREDENTIALS_FILE": credFile, "AWS_PROFILE": "viewer",
			"AWS_ENDPOINT_URL": la.URL, "AWS_ENDPOINT_URL_STS": la.URL,
			"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_REGION": "", "AWS_DEFAULT_REGION": "",
		} {
			t.Setenv(k, v)
		}
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out, err := eks.NewFromConfig(cfg).DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(ClusterName)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.Cluster.Endpoint) != "https://127.0.0.1:6443" {
			t.Fatalf("endpoint %s", aws.ToString(out.Cluster.Endpoint))
		}
	})
}

// TestLocalAWSRealEndpoints serves HTTPS and lets the SDK resolve the real
// AWS endpoints, as in the world; only the dialer maps them to loopback.
func TestLocalAWSRealEndpoints(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	ca, err := newCertAuthority()
	if err != nil {
		t.Fatal(err)
	}
	cert, key, err := ca.issue(dir, "localaws", leafSpec{commonName: "localaws", dnsNames: awsHostNames(), ips: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	la := startTestLocalAWS(t, LocalAWSOptions{TLSCert: cert, TLSKey: key})
	addr := strings.TrimPrefix(la.URL, "https://")
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.certPEM)
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		DialContext: func(ctx context.Context, network, hostport string) (net.Conn, error) {
			if host, _, _ := net.SplitHostPort(hostport); !strings.HasSuffix(host, ".amazonaws.com") {
				return nil, fmt.Errorf("refusing to dial %s", hostport)
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr) // loopback only
		},
	}}
	cfg := func(c aws.Credentials) aws.Config {
		return aws.Config{Region: Region, Credentials: credentials.StaticCredentialsProvider{Value: c}, HTTPClient: awsclient.HoldBodies(client), Retryer: func() aws.Retryer { return aws.NopRetryer{} }}
	}

	boot := iam.NewFromConfig(cfg(aws.Credentials{AccessKeyID: "AKIAWORLDBOOTSTRAP00", SecretAccessKey: "bootstrap"}))
	admin := userKeys(ctx, t, boot, "admin")
	must(boot.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("admin"), PolicyName: aws.String("all"), PolicyDocument: policy(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}))(t)
	if err := la.EnforceIAM(ctx, true); err != nil {
		t.Fatal(err)
	}
	must(eks.NewFromConfig(cfg(admin)).CreateCluster(ctx, &eks.CreateClusterInput{Name: aws.String(ClusterName),
		RoleArn: aws.String("arn:aws:iam::" + testAccount + ":role/c"), ResourcesVpcConfig: &ekstypes.VpcConfigRequest{}}))(t)
	if err := la.SetCluster(ctx, ClusterOverride{Region: Region, Name: ClusterName, Endpoint: "https://127.0.0.1:6443"}); err != nil {
		t.Fatal(err)
	}
	c := must(eks.NewFromConfig(cfg(admin)).DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(ClusterName)}))(t).Cluster
	if aws.ToString(c.Endpoint) != "https://127.0.0.1:6443" {
		t.Fatalf("endpoint %s", aws.ToString(c.Endpoint))
	}
	id := must(sts.NewFromConfig(cfg(admin)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)
	if aws.ToString(id.Arn) != "arn:aws:iam::"+testAccount+":user/admin" {
		t.Fatalf("GetCallerIdentity: %s", aws.ToString(id.Arn))
	}
	u := presignGetCallerIdentity(t, admin, time.Now(), http.Header{"X-K8s-Aws-Id": {ClusterName}})
	code, body := sendPresigned(t, client, u.Scheme+"://"+u.Host, u, http.Header{"X-K8s-Aws-Id": {ClusterName}, "Accept": {"application/json"}})
	if code != 200 || decodeCallerIdentity(t, body).Arn != "arn:aws:iam::"+testAccount+":user/admin" {
		t.Fatalf("presigned: HTTP %d %s", code, body)
	}
	calls, err := la.Calls(ctx)
	if err != nil || calls["sts:GetCallerIdentity"] != 2 || calls["iam:CreateUser"] != 1 {
		t.Fatalf("calls %v %v", calls, err)
	}
}

// presignGetCallerIdentity builds a token's URL the way aws-iam-authenticator
// does; header lists the extra headers to sign.
func presignGetCallerIdentity(t *testing.T, creds aws.Credentials, signedAt time.Time, header http.Header) *url.URL {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "https://sts."+Region+".amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60", nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, emptySHA256, "sts", Region, signedAt)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// sendPresigned GETs u's query from base while keeping u's host name in the
// Host header, which the signature covers.
func sendPresigned(t *testing.T, client *http.Client, base string, u *url.URL, header http.Header) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/?"+u.RawQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = u.Host
	req.Header = header
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

type callerIdentity struct{ Account, Arn, UserID string }

func decodeCallerIdentity(t *testing.T, body []byte) callerIdentity {
	t.Helper()
	var w struct {
		GetCallerIdentityResponse struct {
			GetCallerIdentityResult struct {
				Account string `json:"Account"`
				Arn     string `json:"Arn"`
				UserID  string `json:"UserId"`
			} `json:"GetCallerIdentityResult"`
			ResponseMetadata struct {
				RequestID string `json:"RequestId"`
			} `json:"ResponseMetadata"`
		} `json:"GetCallerIdentityResponse"`
	}
	if err := json.Unmarshal(body, &w); err != nil || w.GetCallerIdentityResponse.ResponseMetadata.RequestID == "" {
		t.Fatalf("not a GetCallerIdentity answer (%v): %s", err, body)
	}
	r := w.GetCallerIdentityResponse.GetCallerIdentityResult
	return callerIdentity{Account: r.Account, Arn: r.Arn, UserID: r.UserID}
}
