// Package config loads the AWS shared configuration and resolves credentials
// the way aws-sdk-go-v2/config does, for the settings eks-login uses; switch
// by changing the import path.
//
// It exists for start-up time. The SDK's config package links the sts, sso,
// ssooidc and signin service packages, whose generated schemas and endpoint
// tables are built at init: about 5 ms and 600 KB of allocations on every
// process start, and kubectl starts the token command before every request.
// This package resolves the same credential chain on the lean clients in
// pkg/awsapi and reads the files with pkg/awsconfig, the parser login edits
// them with, so that a mistake in a file is reported with its line.
//
// What the SDK does and this package does too: the profile from the options,
// AWS_PROFILE or AWS_DEFAULT_PROFILE; the config and credentials files from
// the options, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE; the region
// from the options, AWS_REGION, AWS_DEFAULT_REGION or the profile; and the
// SDK's credential chain: environment keys, AWS_WEB_IDENTITY_TOKEN_FILE, then
// the profile (source_profile chains with role_arn, external_id,
// mfa_serial, role_session_name and duration_seconds; static keys;
// credential_source; web_identity_token_file; IAM Identity Center through
// sso_session or the legacy sso_* keys; credential_process), container
// credentials and EC2 instance metadata. Also ca_bundle / AWS_CA_BUNDLE,
// endpoint_url / AWS_ENDPOINT_URL and max_attempts / AWS_MAX_ATTEMPTS.
//
// What it does not do: login_session profiles (aws login) are refused with
// a message saying what to use instead; [services] sections are not read.
package config

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"

	"github.com/eks-login/eks-login/pkg/awsapi/stscreds"
)

// LoadOptions are the settings LoadDefaultConfig takes, named as the SDK's
// config.LoadOptions fields are.
type LoadOptions struct {
	// Region overrides AWS_REGION, AWS_DEFAULT_REGION and the profile's region.
	Region string
	// SharedConfigProfile names the profile; it must exist.
	SharedConfigProfile string
	// SharedConfigFiles and SharedCredentialsFiles replace the default files.
	SharedConfigFiles      []string
	SharedCredentialsFiles []string
	// BaseEndpoint overrides AWS_ENDPOINT_URL and the profile's endpoint_url.
	BaseEndpoint string
	// HTTPClient is used for every call; a CA bundle is not applied to it.
	HTTPClient aws.HTTPClient
	// RetryMaxAttempts overrides AWS_MAX_ATTEMPTS and max_attempts.
	RetryMaxAttempts int
	// Credentials, when set, is used instead of the credential chain.
	Credentials aws.CredentialsProvider
	// AssumeRoleCredentialOptions adjusts every AssumeRole of a role_arn
	// profile (each hop of a source_profile chain): the MFA prompt, the
	// session name, the duration.
	AssumeRoleCredentialOptions func(*stscreds.AssumeRoleOptions)
	// EC2IMDSClientEnableState can turn instance metadata, the last resort
	// of the chain, off.
	EC2IMDSClientEnableState imds.ClientEnableState
	// Getenv reads the environment; os.Getenv when nil. Commands pass their
	// own, so that tests need not change the process environment.
	Getenv func(string) string
}

// WithRegion sets LoadOptions.Region.
func WithRegion(v string) func(*LoadOptions) error {
	return func(o *LoadOptions) error { o.Region = v; return nil }
}

// WithSharedConfigProfile sets LoadOptions.SharedConfigProfile.
func WithSharedConfigProfile(v string) func(*LoadOptions) error {
	return func(o *LoadOptions) error { o.SharedConfigProfile = v; return nil }
}

// WithSharedConfigFiles sets LoadOptions.SharedConfigFiles.
func WithSharedConfigFiles(v []string) func(*LoadOptions) error {
	return func(o *LoadOptions) error { o.SharedConfigFiles = v; return nil }
}

// WithSharedCredentialsFiles sets LoadOptions.SharedCredentialsFiles.
func WithSharedCredentialsFiles(v []string) func(*LoadOptions) error {
	return func(o *LoadOptions) error { o.SharedCredentialsFiles = v; return nil }
}

// WithBaseEndpoint sets LoadOptions.BaseEndpoint.
func WithBaseEndpoint(v string) func(*LoadOptions) error {
	return func(o *LoadOptions) error { o.BaseEndpoint = v; return nil }
}

// WithHTTPClient sets LoadOptions.HTTPClient.
func WithHTTPClient(v aws.HTTPClient) func(*LoadOptions) error {
	return func(o *LoadOptions) error { o.HTTPClient = v; return nil }
}

// WithRetryMaxAttempts sets LoadOptions.RetryMaxAttempts.
func WithRetryMaxAttempts(v int) func(*LoadOptions) error {
	return func(o *LoadOptions) error { o.RetryMaxAttempts = v; return nil }
}

// WithCredentialsProvider sets LoadOptions.Credentials.
func WithCredentialsProvider(v aws.CredentialsProvider) func(*LoadOptions) error {
	return func(o *LoadOptions) error { o.Credentials = v; return nil }
}

// WithAssumeRoleCredentialOptions sets LoadOptions.AssumeRoleCredentialOptions.
func WithAssumeRoleCredentialOptions(v func(*stscreds.AssumeRoleOptions)) func(*LoadOptions) error {
	return func(o *LoadOptions) error { o.AssumeRoleCredentialOptions = v; return nil }
}

// WithEC2IMDSClientEnableState sets LoadOptions.EC2IMDSClientEnableState.
func WithEC2IMDSClientEnableState(v imds.ClientEnableState) func(*LoadOptions) error {
	return func(o *LoadOptions) error { o.EC2IMDSClientEnableState = v; return nil }
}

// WithGetenv sets LoadOptions.Getenv.
func WithGetenv(v func(string) string) func(*LoadOptions) error {
	return func(o *LoadOptions) error { o.Getenv = v; return nil }
}

// LoadDefaultConfig reads the environment and the shared files and returns
// a configuration with the region, endpoint, HTTP client, retry setting and
// a cached credential provider, as the SDK's function of that name does.
// Credentials are only fetched when first used.
func LoadDefaultConfig(ctx context.Context, optFns ...func(*LoadOptions) error) (aws.Config, error) {
	var o LoadOptions
	for _, fn := range optFns {
		if err := fn(&o); err != nil {
			return aws.Config{}, err
		}
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	env := readEnv(o.Getenv)
	l := &loader{opts: o, env: env}

	profile, explicit := o.SharedConfigProfile, o.SharedConfigProfile != ""
	if profile == "" {
		profile = env.profile
		// As with the SDK, AWS_PROFILE must name a profile that exists;
		// AWS_DEFAULT_PROFILE and the default profile need not.
		explicit = o.Getenv("AWS_PROFILE") != ""
	}
	if profile == "" {
		profile = "default"
	}
	if err := l.readFiles(); err != nil {
		return aws.Config{}, err
	}
	shared, err := l.load(map[string]bool{}, profile, true)
	if _, missing := err.(SharedConfigProfileNotExistError); missing && !explicit {
		shared, err = &sharedConfig{name: profile}, nil
	}
	if err != nil {
		return aws.Config{}, err
	}

	cfg := aws.Config{Region: firstOf(o.Region, env.region, shared.value("region")), HTTPClient: o.HTTPClient}
	cfg.RetryMaxAttempts = o.RetryMaxAttempts
	if cfg.RetryMaxAttempts == 0 {
		if cfg.RetryMaxAttempts, err = l.maxAttempts(shared); err != nil {
			return aws.Config{}, err
		}
	}
	if !l.ignoreEndpoints(shared) {
		if e := firstOf(o.BaseEndpoint, env.endpointURL, shared.value("endpoint_url")); e != "" {
			cfg.BaseEndpoint = aws.String(e)
		}
	}
	if cfg.HTTPClient == nil {
		if bundle, from := firstOf(env.caBundle, shared.value("ca_bundle")), l.caBundleFrom(shared); bundle != "" {
			if cfg.HTTPClient, err = clientWithCABundle(bundle, from); err != nil {
				return aws.Config{}, err
			}
		}
	}

	if o.Credentials != nil {
		cfg.Credentials = cached(o.Credentials)
		return cfg, nil
	}
	l.cfg = cfg
	creds, err := l.credentialChain(shared)
	if err != nil {
		return aws.Config{}, err
	}
	cfg.Credentials = cached(creds)
	return cfg, nil
}

// cached wraps p in the SDK's credentials cache, once.
func cached(p aws.CredentialsProvider) aws.CredentialsProvider {
	switch p.(type) {
	case nil, *aws.CredentialsCache:
		return p
	}
	return aws.NewCredentialsCache(p)
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// maxAttempts reads AWS_MAX_ATTEMPTS, then the profile's max_attempts.
func (l *loader) maxAttempts(shared *sharedConfig) (int, error) {
	if v := l.env.maxAttempts; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("AWS_MAX_ATTEMPTS is %q; set it to a whole number of attempts, or unset it", v)
		}
		return n, nil
	}
	v := shared.value("max_attempts")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, shared.keyError("max_attempts", fmt.Sprintf("max_attempts is %q, not a whole number of attempts", v))
	}
	return n, nil
}

// ignoreEndpoints reads AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, then the
// profile's ignore_configured_endpoint_urls.
func (l *loader) ignoreEndpoints(shared *sharedConfig) bool {
	v := firstOf(l.env.ignoreEndpoints, shared.value("ignore_configured_endpoint_urls"))
	return strings.EqualFold(v, "true")
}

func (l *loader) caBundleFrom(shared *sharedConfig) string {
	if l.env.caBundle != "" {
		return "AWS_CA_BUNDLE"
	}
	return shared.where("ca_bundle")
}

// clientWithCABundle is an HTTP client that trusts the certificates in the
// PEM file path, and only those, as the SDK's ca_bundle does.
func clientWithCABundle(path, from string) (aws.HTTPClient, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the CA bundle %s named by %s: %w", path, from, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("the CA bundle %s named by %s holds no PEM certificate", path, from)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr}, nil
}

// envConfig is what the environment says, read once.
type envConfig struct {
	profile, region, endpointURL, ignoreEndpoints, caBundle, maxAttempts string
	creds                                                                aws.Credentials
	webIdentityTokenFile, roleARN, roleSessionName                       string
	containerRelativeURI, containerFullURI, containerAuthToken           string
	imdsDisabled                                                         bool
}

func readEnv(getenv func(string) string) envConfig {
	e := envConfig{
		profile:              firstOf(getenv("AWS_PROFILE"), getenv("AWS_DEFAULT_PROFILE")),
		region:               firstOf(getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION")),
		endpointURL:          getenv("AWS_ENDPOINT_URL"),
		ignoreEndpoints:      getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"),
		caBundle:             getenv("AWS_CA_BUNDLE"),
		maxAttempts:          getenv("AWS_MAX_ATTEMPTS"),
		webIdentityTokenFile: getenv("AWS_WEB_IDENTITY_TOKEN_FILE"),
		roleARN:              getenv("AWS_ROLE_ARN"),
		roleSessionName:      getenv("AWS_ROLE_SESSION_NAME"),
		containerRelativeURI: getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
		containerFullURI:     getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
		containerAuthToken:   getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
		imdsDisabled:         strings.EqualFold(getenv("AWS_EC2_METADATA_DISABLED"), "true"),
	}
	id := firstOf(getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_ACCESS_KEY"))
	secret := firstOf(getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SECRET_KEY"))
	if id != "" && secret != "" {
		e.creds = aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: getenv("AWS_SESSION_TOKEN"),
			AccountID: getenv("AWS_ACCOUNT_ID"), Source: "EnvConfigCredentials"}
	}
	return e
}

// home is the user's home folder, from HOME as with the SDK.
func (l *loader) home() string {
	if h := l.opts.Getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}
