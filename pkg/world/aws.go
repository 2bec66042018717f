package world

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/awsclient"
)

// AWSConfig returns an SDK configuration for the world's AWS with the given
// keys. It uses the real endpoints; the world's hosts file and CA do the rest.
func (w *World) AWSConfig(accessKeyID, secretAccessKey string) aws.Config {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(w.CAData)
	return aws.Config{
		Region:      Region,
		Credentials: credentials.NewStaticCredentialsProvider(accessKeyID, secretAccessKey, ""),
		HTTPClient:  awsclient.HoldBodies(&http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}),
	}
}

// AdminAWSConfig is AWSConfig with the admin's keys.
func (w *World) AdminAWSConfig() aws.Config {
	return w.AWSConfig(w.AdminAccessKeyID, w.AdminSecretAccessKey)
}

const allowEverything = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// seedAWS makes the account as the seed finds it: an admin user who created
// the cluster, the node role, and the cluster itself pointing at the world's
// API server. IAM enforcement goes on last, so every later call is checked.
func (w *World) seedAWS(ctx context.Context, opts Options) error {
	// Before enforcement any key works; this one only bootstraps the admin.
	boot := w.AWSConfig("AKIAWORLDBOOTSTRAP00", "bootstrap")
	im := iam.NewFromConfig(boot)
	if !opts.AWSOnly {
		for i, name := range []string{accessProbeUser, modeProbeUser} {
			var err error
			if w.probes[i], err = newProbe(ctx, im, name); err != nil {
				return err
			}
		}
	}
	if _, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("admin")}); err != nil {
		return fmt.Errorf("create the admin user: %w", err)
	}
	if _, err := im.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("admin"), PolicyName: aws.String("AdministratorAccess"), PolicyDocument: aws.String(allowEverything)}); err != nil {
		return fmt.Errorf("give the admin user rights: %w", err)
	}
	key, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("admin")})
	if err != nil {
		return fmt.Errorf("create the admin's access key: %w", err)
	}
	w.AdminAccessKeyID, w.AdminSecretAccessKey = aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey)
	ec2Trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("MyExampleEKSNode"), AssumeRolePolicyDocument: aws.String(ec2Trust)}); err != nil {
		return fmt.Errorf("create the node role: %w", err)
	}
	if !opts.AWSOnly {
		if err := w.seedNodes(ctx, im); err != nil {
			return err
		}
	}
	eksTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	clusterRole, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("MyExampleEKSCluster"), AssumeRolePolicyDocument: aws.String(eksTrust)})
	if err != nil {
		return fmt.Errorf("create the cluster role: %w", err)
	}
	mode := opts.AuthenticationMode
	if mode == "" {
		mode = "CONFIG_MAP"
	}
	ek := eks.NewFromConfig(w.AdminAWSConfig())
	if _, err := ek.CreateCluster(ctx, &eks.CreateClusterInput{
		Name:               aws.String(ClusterName),
		RoleArn:            clusterRole.Role.Arn,
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-0a1b2c3d"}},
		AccessConfig:       &ekstypes.CreateAccessConfigRequest{AuthenticationMode: ekstypes.AuthenticationMode(mode)},
	}); err != nil {
		return fmt.Errorf("create the cluster: %w", err)
	}
	if err := w.AWS.SetCluster(ctx, ClusterOverride{
		Region: Region, Name: ClusterName,
		Endpoint: w.APIServerURL, CAData: string(w.CAData),
	}); err != nil {
		return fmt.Errorf("point the cluster at the API server: %w", err)
	}
	return w.AWS.EnforceIAM(ctx, true)
}

// seedNodes launches the node group's instances with the node role's
// instance profile, and makes the IAM user through which aws-iam-authenticator
// looks them up.
func (w *World) seedNodes(ctx context.Context, im *iam.Client) error {
	const profile = "MyExampleEKSNode"
	if _, err := im.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String(profile)}); err != nil {
		return fmt.Errorf("create the node instance profile: %w", err)
	}
	if _, err := im.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(profile), RoleName: aws.String("MyExampleEKSNode")}); err != nil {
		return fmt.Errorf("put the node role in its instance profile: %w", err)
	}
	for _, name := range SeedNodes {
		n, err := w.AWS.RunNode(ctx, Region, profile, nodeIP(name))
		if err != nil {
			return fmt.Errorf("launch node %s: %w", name, err)
		}
		if n.PrivateDNSName != name {
			return fmt.Errorf("node %s came up as %s", name, n.PrivateDNSName)
		}
		w.Nodes = append(w.Nodes, n)
	}
	user := WorldInternalUserPrefix + "authenticator"
	if _, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)}); err != nil {
		return fmt.Errorf("create the authenticator's IAM user: %w", err)
	}
	describe := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"}]}`
	if _, err := im.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("DescribeInstances"), PolicyDocument: aws.String(describe)}); err != nil {
		return fmt.Errorf("let the authenticator describe instances: %w", err)
	}
	key, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
	if err != nil {
		return fmt.Errorf("create the authenticator's access key: %w", err)
	}
	w.authnCreds = aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}
	return nil
}

// nodeIP is the private IP EC2 named a node after:
// ip-192-168-10-11.REGION.compute.internal is 192.168.10.11.
func nodeIP(privateDNSName string) string {
	host, _, _ := strings.Cut(privateDNSName, ".")
	return strings.ReplaceAll(strings.TrimPrefix(host, "ip-"), "-", ".")
}

// newProbe makes one of the world's own IAM users (see access.go), with a key.
func newProbe(ctx context.Context, im *iam.Client, name string) (probe, error) {
	user, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	if err != nil {
		return probe{}, fmt.Errorf("create the world's IAM user %s: %w", name, err)
	}
	key, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		return probe{}, fmt.Errorf("create the access key of %s: %w", name, err)
	}
	return probe{arn: aws.ToString(user.User.Arn), id: aws.ToString(user.User.UserId), creds: aws.Credentials{
		AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}}, nil
}
