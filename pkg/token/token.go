// Package token mints the bearer tokens that Amazon EKS accepts: a presigned
// STS GetCallerIdentity URL, wrapped as "k8s-aws-v1." + base64url(URL). It is
// pure logic (the SDK's STS presign client signs, nothing is sent): give it
// credentials, a region, a cluster and a time, and it gives back the token
// and when to stop using it.
package token

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

const (
	// Prefix starts every token; the cluster's authenticator strips it.
	Prefix = "k8s-aws-v1."
	// ClusterIDHeader binds the token to one cluster: it is signed, so a
	// token minted for one cluster cannot be replayed against another.
	ClusterIDHeader = "x-k8s-aws-id"
	// URLExpiry is the X-Amz-Expires of the presigned URL. The authenticator
	// ignores it and accepts a token for 15 minutes after X-Amz-Date; 60 is
	// what aws-iam-authenticator sends, so clusters see the same URL shape.
	URLExpiry = 60 * time.Second
	// Lifetime is how long kubectl may reuse a token: one minute less than the
	// 15 the authenticator accepts, so a token never dies in flight.
	Lifetime = 14 * time.Minute
)

// Request is everything a token depends on.
type Request struct {
	Credentials aws.Credentials
	Region      string
	ClusterName string
	Endpoint    Endpoint
	// Now is the signing time; a test passes a fixed one.
	Now time.Time
}

// Token is a minted token and the time kubectl must stop using it.
type Token struct {
	Value      string
	Expiration time.Time
}

// New presigns GetCallerIdentity for req with the SDK's STS presign client
// and wraps it as a token. The request is sent to no one: the host is the
// partition's canonical one (see STSHost), whatever endpoint the profile
// configures, and the signing time is req.Now.
func New(ctx context.Context, req Request) (Token, error) {
	if req.ClusterName == "" {
		return Token{}, errors.New("the cluster name is empty")
	}
	if strings.ContainsAny(req.ClusterName, " \t\r\n") {
		return Token{}, fmt.Errorf("the cluster name %q contains white space", req.ClusterName)
	}
	if !req.Credentials.HasKeys() {
		return Token{}, errors.New("cannot sign a token without an access key and a secret key")
	}
	host, signingRegion, err := STSHost(req.Region, req.Endpoint)
	if err != nil {
		return Token{}, err
	}
	// X-Amz-Date has whole seconds; the expiry is counted from that.
	now := req.Now.UTC().Truncate(time.Second)
	client := sts.NewPresignClient(sts.New(sts.Options{
		Region:       signingRegion,
		BaseEndpoint: aws.String("https://" + host),
		Credentials:  credentials.StaticCredentialsProvider{Value: req.Credentials},
	}), func(o *sts.PresignOptions) { o.Presigner = fixedSigner{v4.NewSigner(), now} })
	signed, err := client.PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(o *sts.PresignOptions) {
		o.ClientOptions = append(o.ClientOptions, func(o *sts.Options) {
			o.APIOptions = append(o.APIOptions, smithyhttp.AddHeaderValue(ClusterIDHeader, req.ClusterName), addExpires)
		})
	})
	if err != nil {
		return Token{}, fmt.Errorf("cannot sign the STS request: %w", err)
	}
	return Token{
		Value:      Prefix + base64.RawURLEncoding.EncodeToString([]byte(signed.URL)),
		Expiration: Expiration(now, req.Credentials),
	}, nil
}

// fixedSigner is the SDK's signer with the signing time fixed, so the token's
// expiry is computed from the X-Amz-Date it carries.
type fixedSigner struct {
	signer *v4.Signer
	at     time.Time
}

func (s fixedSigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return s.signer.PresignHTTP(ctx, creds, r, payloadHash, service, region, s.at, optFns...)
}

// addExpires sets X-Amz-Expires, which the presigner signs as it finds it.
func addExpires(stack *middleware.Stack) error {
	return stack.Build.Add(middleware.BuildMiddlewareFunc("eks-login/X-Amz-Expires", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
		if r, ok := in.Request.(*smithyhttp.Request); ok {
			q := r.URL.Query()
			q.Set("X-Amz-Expires", strconv.Itoa(int(URLExpiry/time.Second)))
			r.URL.RawQuery = q.Encode()
		}
		return next.HandleBuild(ctx, in)
	}), middleware.After)
}

// Expiration is when a token signed at fixedSigner with creds stops being
// usable: Lifetime after signing, but never after the credentials expire,
// since STS rejects a signature made by expired credentials however young it
// is (aws-iam-authenticator issue #590 handed kubectl such tokens).
func Expiration(fixedSigner time.Time, creds aws.Credentials) time.Time {
	exp := fixedSigner.UTC().Truncate(time.Second).Add(Lifetime)
	if creds.CanExpire && !creds.Expires.IsZero() && creds.Expires.Before(exp) {
		exp = creds.Expires.UTC().Truncate(time.Second)
	}
	return exp
}

// Decode returns the presigned URL inside a token. It checks the shape only;
// STS checks the signature.
func Decode(tok string) (*url.URL, error) {
	rest, ok := strings.CutPrefix(tok, Prefix)
	if !ok {
		return nil, fmt.Errorf("not an EKS token: it does not start with %q", Prefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return nil, fmt.Errorf("not an EKS token: the part after %q is not unpadded base64url: %w", Prefix, err)
	}
	u, err := url.Parse(string(raw))
	if err != nil {
		return nil, fmt.Errorf("not an EKS token: it does not hold a URL: %w", err)
	}
	if u.Scheme != "https" || u.Query().Get("Action") != "GetCallerIdentity" {
		return nil, fmt.Errorf("not an EKS token: %s is not a presigned STS GetCallerIdentity URL", u.Redacted())
	}
	return u, nil
}
