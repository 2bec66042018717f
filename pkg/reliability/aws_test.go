package reliability

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/world"
)

const (
	account   = "123456789012" // moto's
	region    = "ap-northeast-2"
	viewerARN = "arn:aws:iam::" + account + ":role/EKSMyExampleViewer"
	clusters  = 10
)

// localAWS is one moto server for the package, with user dev1 (keys), role
// EKSMyExampleViewer and clusters c0..c9 that describe an https endpoint and
// a real CA. IAM is not enforced: these tests are about files, processes and
// secrets, not policies (plugin/token and pkg/e2e cover those).
type localAWS struct {
	srv    *world.LocalAWS
	keyID  string
	secret string
	caPEM  string
}

var (
	sharedOnce sync.Once
	shared     *localAWS
	sharedErr  error
)

func startAWS(t *testing.T) *localAWS {
	t.Helper()
	if testing.Short() {
		t.Skip("starts moto; skipped with -short")
	}
	if err := exec.Command("python3", "-c", "import moto").Run(); err != nil {
		t.Skip("python3 with moto is not installed")
	}
	sharedOnce.Do(func() { shared, sharedErr = bootAWS() })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

func bootAWS() (*localAWS, error) {
	ctx := context.Background()
	srv, err := world.StartLocalAWS(ctx, world.LocalAWSOptions{})
	if err != nil {
		return nil, err
	}
	l := &localAWS{srv: srv}
	im := iam.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: awsclient.HoldBodies(nil),
		Credentials: credentials.NewStaticCredentialsProvider("AKIALOCALBOOTSTRAP00", "bootstrap", "")})
	if _, err := im.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dev1")}); err != nil {
		return l, err
	}
	key, err := im.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev1")})
	if err != nil {
		return l, err
	}
	l.keyID, l.secret = aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"sts:AssumeRole"}]}`
	if _, err := im.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("EKSMyExampleViewer"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		return l, err
	}
	l.caPEM = selfSignedCA()
	for i := 0; i < clusters; i++ {
		if err := srv.SetCluster(ctx, world.ClusterOverride{Region: region, Name: fmt.Sprintf("c%d", i),
			Endpoint: fmt.Sprintf("https://127.0.0.1:%d", 6443+i), CAData: l.caPEM, AuthenticationMode: "API_AND_CONFIG_MAP"}); err != nil {
			return l, err
		}
	}
	return l, nil
}

func selfSignedCA() string {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kubernetes"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// home is a developer's home folder: dev1's keys in credentials, dev1's
// region in config, and the role profile dev1-eks.
func (l *localAWS) home(t *testing.T) (string, []string) {
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".aws"), 0o700)
	os.WriteFile(filepath.Join(home, ".aws", "config"), []byte("[profile dev1]\nregion = "+region+"\n\n[profile dev1-eks]\nrole_arn = "+viewerARN+"\nsource_profile = dev1\nregion = "+region+"\n"), 0o600)
	os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte("[dev1]\naws_access_key_id = "+l.keyID+"\naws_secret_access_key = "+l.secret+"\n"), 0o600)
	env := []string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"AWS_ENDPOINT_URL=" + l.srv.URL,
		"AWS_ENDPOINT_URL_STS=" + l.srv.URL,
		"AWS_EC2_METADATA_DISABLED=true",
		"KUBERNETES_EXEC_INFO=" + `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`,
	}
	return home, env
}
