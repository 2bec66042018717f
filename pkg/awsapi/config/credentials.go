package config

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"

	"github.com/eks-login/eks-login/pkg/awsapi/sso"
	"github.com/eks-login/eks-login/pkg/awsapi/ssocreds"
	"github.com/eks-login/eks-login/pkg/awsapi/ssooidc"
	"github.com/eks-login/eks-login/pkg/awsapi/sts"
	"github.com/eks-login/eks-login/pkg/awsapi/stscreds"
)

// ecsEndpoint is where AWS_CONTAINER_CREDENTIALS_RELATIVE_URI points.
const ecsEndpoint = "http://169.254.170.2"

// credentialChain picks the provider as the SDK's resolveCredentialChain
// does: a profile named in the options first, then keys in the environment,
// then a web identity token from the environment, then the profile.
func (l *loader) credentialChain(shared *sharedConfig) (aws.CredentialsProvider, error) {
	switch {
	case l.opts.SharedConfigProfile != "":
		return l.fromProfile(shared)
	case l.env.creds.HasKeys():
		return credentials.StaticCredentialsProvider{Value: l.env.creds}, nil
	case l.env.webIdentityTokenFile != "":
		if l.env.roleARN == "" {
			return nil, fmt.Errorf("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set both, or unset the first")
		}
		return l.webIdentity(l.env.webIdentityTokenFile, l.env.roleARN, l.env.roleSessionName), nil
	}
	return l.fromProfile(shared)
}

// fromProfile follows the SDK's resolveCredsFromProfile: the profile's own
// credential source, then, when it has role_arn, an AssumeRole on top.
func (l *loader) fromProfile(s *sharedConfig) (aws.CredentialsProvider, error) {
	var (
		p   aws.CredentialsProvider
		err error
	)
	switch {
	case s.source != nil:
		p, err = l.fromProfile(s.source)
	case s.creds.HasKeys():
		p = credentials.StaticCredentialsProvider{Value: s.creds}
	case s.value("credential_source") != "":
		p, err = l.fromCredentialSource(s)
	case s.value("web_identity_token_file") != "":
		// The role is the one the token is exchanged for; no second hop.
		return l.webIdentity(s.value("web_identity_token_file"), s.value("role_arn"), s.value("role_session_name")), nil
	case s.hasSSO():
		p, err = l.sso(s)
	case s.value("login_session") != "":
		return nil, s.keyError("login_session", "login_session (aws login) credentials are not supported by eks-login yet; "+
			"use a profile with sso_session, credential_process, or keys, or run 'aws configure export-credentials' into a credential_process profile")
	case s.value("credential_process") != "":
		p = processcreds.NewProvider(s.value("credential_process"))
	case l.env.containerRelativeURI != "":
		p = l.container(ecsEndpoint + l.env.containerRelativeURI)
	case l.env.containerFullURI != "":
		p, err = l.localContainer(l.env.containerFullURI)
	default:
		p = l.imds()
	}
	if err != nil || p == nil {
		return p, err
	}
	if s.value("role_arn") != "" {
		return l.assumeRole(p, s)
	}
	return p, nil
}

func (l *loader) fromCredentialSource(s *sharedConfig) (aws.CredentialsProvider, error) {
	switch v := s.value("credential_source"); v {
	case "Ec2InstanceMetadata":
		return l.imds(), nil
	case "Environment":
		if !l.env.creds.HasKeys() {
			return nil, s.keyError("credential_source", "credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set")
		}
		return credentials.StaticCredentialsProvider{Value: l.env.creds}, nil
	case "EcsContainer":
		switch {
		case l.env.containerRelativeURI != "":
			return l.container(ecsEndpoint + l.env.containerRelativeURI), nil
		case l.env.containerFullURI != "":
			return l.localContainer(l.env.containerFullURI)
		}
		return nil, s.keyError("credential_source", "credential_source = EcsContainer, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set")
	default:
		return nil, s.keyError("credential_source", fmt.Sprintf("credential_source is %q; it must be Environment, Ec2InstanceMetadata or EcsContainer", v))
	}
}

func (l *loader) stsClient() *sts.Client {
	return sts.NewFromConfig(l.cfg)
}

// assumeRole puts the profile's role on top of the source credentials.
func (l *loader) assumeRole(source aws.CredentialsProvider, s *sharedConfig) (aws.CredentialsProvider, error) {
	duration, err := s.duration()
	if err != nil {
		return nil, err
	}
	cfg := l.cfg
	cfg.Credentials = source
	apply := func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = s.value("role_session_name")
		if duration/time.Minute > 15 { // as the SDK: shorter is left to the default
			o.Duration = duration
		}
		if v := s.value("external_id"); v != "" {
			o.ExternalID = aws.String(v)
		}
		if v := s.value("mfa_serial"); v != "" {
			o.SerialNumber = aws.String(v)
		}
		if l.opts.AssumeRoleCredentialOptions != nil {
			l.opts.AssumeRoleCredentialOptions(o)
		}
	}
	// Check the options before any call, as the SDK does, so a profile with
	// mfa_serial and no way to ask for the code fails at once.
	var check stscreds.AssumeRoleOptions
	apply(&check)
	if check.SerialNumber != nil && check.TokenProvider == nil {
		return nil, s.keyError("mfa_serial", "mfa_serial is set, but there is no way to ask for the MFA code here")
	}
	return stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), s.value("role_arn"), apply), nil
}

func (l *loader) webIdentity(tokenFile, roleARN, sessionName string) aws.CredentialsProvider {
	return stscreds.NewWebIdentityRoleProvider(l.stsClient(), roleARN, stscreds.IdentityTokenFile(tokenFile),
		func(o *stscreds.WebIdentityRoleOptions) { o.RoleSessionName = sessionName })
}

// sso resolves IAM Identity Center credentials: an sso_session profile
// refreshes its token through OIDC; a legacy one reads the token login left.
func (l *loader) sso(s *sharedConfig) (aws.CredentialsProvider, error) {
	var missing []string
	need := func(key, v string) {
		if v == "" {
			missing = append(missing, key)
		}
	}
	region, startURL := s.value("sso_region"), s.value("sso_start_url")
	if s.sso != nil {
		need("sso_region (in [sso-session "+s.sso.name+"])", s.sso.region)
		need("sso_start_url (in [sso-session "+s.sso.name+"])", s.sso.startURL)
		if region != "" && s.sso.region != "" && region != s.sso.region {
			return nil, s.keyError("sso_region", fmt.Sprintf("sso_region %q differs from the one in [sso-session %s]; remove it from the profile", region, s.sso.name))
		}
		if startURL != "" && s.sso.startURL != "" && startURL != s.sso.startURL {
			return nil, s.keyError("sso_start_url", fmt.Sprintf("sso_start_url differs from the one in [sso-session %s]; remove it from the profile", s.sso.name))
		}
		region, startURL = s.sso.region, s.sso.startURL
	} else {
		need("sso_region", region)
		need("sso_start_url", startURL)
	}
	need("sso_account_id", s.value("sso_account_id"))
	need("sso_role_name", s.value("sso_role_name"))
	if len(missing) > 0 {
		return nil, &ProfileError{Profile: s.name, Where: fmt.Sprintf("%s line %d", s.file, s.line),
			Msg: "is set up for IAM Identity Center (SSO) but lacks " + strings.Join(missing, ", ") + "; run 'aws configure sso --profile " + s.name + "'"}
	}
	cfg := l.cfg
	cfg.Region, cfg.Credentials = region, aws.AnonymousCredentials{}
	var (
		cache  string
		tokens *ssocreds.SSOTokenProvider
		err    error
	)
	if s.sso != nil {
		cache, err = ssocreds.StandardCachedTokenFilepathIn(l.home(), s.sso.name)
		if err == nil {
			tokens = ssocreds.NewSSOTokenProvider(ssooidc.NewFromConfig(cfg), cache, func(o *ssocreds.SSOTokenProviderOptions) {
				o.Profile, o.SSOSession = s.name, s.sso.name
			})
		}
	} else {
		cache, err = ssocreds.StandardCachedTokenFilepathIn(l.home(), startURL)
	}
	if err != nil {
		return nil, err
	}
	return ssocreds.New(sso.NewFromConfig(cfg), s.value("sso_account_id"), s.value("sso_role_name"), startURL, func(o *ssocreds.Options) {
		o.CachedTokenFilepath, o.SSOTokenProvider, o.Profile = cache, tokens, s.name
		if s.sso != nil {
			o.SSOSession = s.sso.name
		}
	}), nil
}

// container is the ECS or EKS Pod Identity credentials endpoint.
func (l *loader) container(endpoint string) aws.CredentialsProvider {
	token, tokenFile := l.env.containerAuthToken, l.opts.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
	p := endpointcreds.New(endpoint, func(o *endpointcreds.Options) {
		o.HTTPClient = l.cfg.HTTPClient
		if token != "" {
			o.AuthorizationToken = token
		}
		if tokenFile != "" {
			o.AuthorizationTokenProvider = endpointcreds.TokenProviderFunc(func() (string, error) {
				b, err := os.ReadFile(tokenFile)
				if err != nil {
					return "", fmt.Errorf("cannot read the container authorization token file %s (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE): %w", tokenFile, err)
				}
				return string(b), nil
			})
		}
	})
	return aws.NewCredentialsCache(p, func(o *aws.CredentialsCacheOptions) { o.ExpiryWindow = 5 * time.Minute })
}

// localContainer allows AWS_CONTAINER_CREDENTIALS_FULL_URI over plain HTTP
// only to loopback and the ECS and EKS agents' addresses, as the SDK does.
func (l *loader) localContainer(endpoint string) (aws.CredentialsProvider, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("AWS_CONTAINER_CREDENTIALS_FULL_URI %q is not a URL with a host", endpoint)
	}
	if u.Scheme == "http" {
		ok, err := allowedContainerHost(u.Hostname())
		if err != nil {
			return nil, fmt.Errorf("AWS_CONTAINER_CREDENTIALS_FULL_URI: cannot resolve %q: %w", u.Hostname(), err)
		}
		if !ok {
			return nil, fmt.Errorf("AWS_CONTAINER_CREDENTIALS_FULL_URI %q uses plain HTTP to a host other than loopback or the ECS/EKS agent; use https", endpoint)
		}
	}
	return l.container(endpoint), nil
}

func allowedContainerHost(host string) (bool, error) {
	ips := []string{host}
	if net.ParseIP(host) == nil {
		var err error
		if ips, err = net.LookupHost(host); err != nil {
			return false, err
		}
	}
	for _, s := range ips {
		ip := net.ParseIP(s)
		if ip == nil || !(ip.IsLoopback() || s == "169.254.170.2" || s == "169.254.170.23" || ip.Equal(net.ParseIP("fd00:ec2::23"))) {
			return false, nil
		}
	}
	return true, nil
}

// imds is the chain's last resort, EC2 instance metadata, unless it is
// turned off; nil then, which the caller reports as no credentials.
func (l *loader) imds() aws.CredentialsProvider {
	if l.env.imdsDisabled || l.opts.EC2IMDSClientEnableState == imds.ClientDisabled {
		return nil
	}
	return ec2rolecreds.New(func(o *ec2rolecreds.Options) {
		o.Client = imds.New(imds.Options{HTTPClient: l.cfg.HTTPClient, ClientEnableState: l.opts.EC2IMDSClientEnableState})
	})
}
