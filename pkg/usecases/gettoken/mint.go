package gettoken

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/rolesession"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/tokencache"
)

// minter is the cache's way to new tokens: the cold path through the SDK.
type minter struct {
	u               *GetToken
	in              Input
	endpoint        token.Endpoint
	configFile      string
	credentialsFile string
	// asking is told when the MFA prompt waits for a person (noteAsking).
	asking func(bool)
	// sessions names the role sessions and records what they revealed.
	sessions *rolesession.Sessions
	// shared, when set, keeps the role credentials for every cluster of
	// the profile (Cache.Shared), at the sharedKey of keyIn.
	shared *tokencache.Cache
	keyIn  tokencache.KeyInput
}

func (u *GetToken) newMinter(in Input, endpoint token.Endpoint, cfgFile, credFile string) *minter {
	s := &rolesession.Sessions{Log: u.Log}
	if in.RoleARN == "" {
		// Without --role-arn, the session flags are for the profile's role.
		s.Name, s.Forward = in.SessionName, in.ForwardSessionName
	}
	return &minter{u: u, in: in, endpoint: endpoint, configFile: cfgFile, credentialsFile: credFile, sessions: s}
}

// Resign signs a new token with the cached credentials, without the SDK's
// config loading or a network call.
func (m *minter) Resign(ctx context.Context, old tokencache.Entry) (tokencache.Entry, error) {
	c := old.Credentials
	creds := aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, CanExpire: true, Expires: c.Expiration}
	tok, err := token.New(ctx, token.Request{Credentials: creds, Region: old.Region, ClusterName: m.in.ClusterName, Endpoint: m.endpoint, Now: m.u.Env.Now()})
	if err != nil {
		return tokencache.Entry{}, err
	}
	old.Token, old.Expiration = tok.Value, tok.Expiration
	return old, nil
}

// Mint signs a token with the role credentials the profile's other
// clusters share, when they are cached; else it gets new ones (mint) and
// shares them.
func (m *minter) Mint(ctx context.Context) (tokencache.Entry, error) {
	if m.shared == nil {
		return m.mint(ctx)
	}
	e, fresh, err := m.shared.Shared(ctx, sharedKey(m.keyIn), m.in.ForceRefresh, m.mint)
	if err != nil || fresh {
		return e, err
	}
	return m.signShared(ctx, e)
}

// signShared signs this cluster's token with the shared credentials e, in
// the region given, else the one they were got for (the profile's).
func (m *minter) signShared(ctx context.Context, e tokencache.Entry) (tokencache.Entry, error) {
	region := m.in.Region
	if region == "" {
		region = e.Region
	}
	p, err := token.PartitionOf(region)
	if err != nil {
		return tokencache.Entry{}, exitcode.WithCode(exitcode.Input, err)
	}
	c := e.Credentials
	creds := aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, CanExpire: true, Expires: c.Expiration}
	tok, err := token.New(ctx, token.Request{Credentials: creds, Region: region, ClusterName: m.in.ClusterName, Endpoint: m.endpoint, Now: m.u.Env.Now()})
	if err != nil {
		return tokencache.Entry{}, exitcode.WithCode(exitcode.Input, err)
	}
	who := rolesession.Assumed{CallerARN: e.CallerARN, RoleARN: e.RoleARN, SourceIdentity: e.SourceIdentity}
	return newEntry(m.in, tok, region, p.ID, creds, who), nil
}

// mint loads the AWS config, resolves credentials (assuming roles as the
// profile and --role-arn say), and signs a token with them.
func (m *minter) mint(ctx context.Context) (tokencache.Entry, error) {
	cfg, region, partition, err := m.load(ctx)
	if err != nil {
		return tokencache.Entry{}, err
	}
	creds, err := m.credentials(ctx, cfg)
	if err != nil {
		return tokencache.Entry{}, err
	}
	tok, err := token.New(ctx, token.Request{Credentials: creds, Region: region, ClusterName: m.in.ClusterName, Endpoint: m.endpoint, Now: m.u.Env.Now()})
	if err != nil {
		return tokencache.Entry{}, exitcode.WithCode(exitcode.Input, err)
	}
	if creds.CanExpire {
		m.u.Log.Printf("credentials valid until %s", creds.Expires.UTC().Format(time.RFC3339))
	} else {
		m.u.Log.Printf("long-term credentials: the cache keeps the token only")
	}
	return newEntry(m.in, tok, region, partition, creds, m.sessions.Assumed()), nil
}

// load loads the AWS config of the profile, and settles the region (the
// explicit one, or the profile's) and its partition.
func (m *minter) load(ctx context.Context) (cfg aws.Config, region, partition string, err error) {
	profile, profileFrom := m.u.profile(m.in)
	region, regionFrom := m.u.explicitRegion(m.in)
	load := m.u.LoadConfig
	if load == nil {
		load = awsclient.Load
	}
	m.u.Log.Printf("cold path: loading the AWS config (profile %q from %s, files %s and %s)", profile, orDefault(profileFrom, "default"), m.configFile, m.credentialsFile)
	cfg, err = load(ctx, awsclient.Request{
		Profile: profile, Region: region,
		ConfigFile: m.configFile, CredentialsFile: m.credentialsFile,
		MFA: m.prompter().Code, AssumeRole: m.sessions.Adjust,
		Options: m.u.LoadOptions, Now: m.u.Env.Now,
	})
	if err != nil {
		return aws.Config{}, "", "", m.explain(err, profile)
	}
	if region == "" {
		region = cfg.Region
		regionFrom = fmt.Sprintf("profile %q in %s", orDefault(profile, "default"), m.configFile)
		if region == "" {
			return aws.Config{}, "", "", exitcode.Errorf(exitcode.Usage, "no AWS region for the token: pass --region, set AWS_REGION, or add region = ... to profile %q in %s", orDefault(profile, "default"), m.configFile)
		}
	}
	p, err := token.PartitionOf(region)
	if err == nil {
		_, _, err = token.STSHost(region, m.endpoint)
	}
	if err != nil {
		return aws.Config{}, "", "", exitcode.Errorf(exitcode.Input, "the region from %s: %w", regionFrom, err)
	}
	return cfg, region, p.ID, nil
}

// credentials resolves the profile's credentials, and assumes --role-arn
// with them.
func (m *minter) credentials(ctx context.Context, cfg aws.Config) (aws.Credentials, error) {
	profile, _ := m.u.profile(m.in)
	if cfg.Credentials == nil {
		return aws.Credentials{}, m.noCredentials(profile)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		if aws.IsCredentialsProvider(cfg.Credentials, (*ec2rolecreds.Provider)(nil)) {
			// Nothing in the environment or the files; the SDK's last resort,
			// instance metadata, failed as well.
			return aws.Credentials{}, m.noCredentials(profile)
		}
		return aws.Credentials{}, m.explain(err, profile)
	}
	m.u.Log.Printf("credentials from %s", orDefault(creds.Source, "the AWS SDK"))
	if m.in.RoleARN != "" {
		if creds, err = m.assumeRoleARN(ctx, sts.NewFromConfig(cfg)); err != nil {
			return aws.Credentials{}, m.explain(err, profile)
		}
	}
	return creds, nil
}

// newEntry is the cache entry for tok, signed in region with creds. Expiring
// credentials are kept to sign the next tokens without an AssumeRole;
// long-term ones already live in the user's files.
func newEntry(in Input, tok token.Token, region, partition string, creds aws.Credentials, who rolesession.Assumed) tokencache.Entry {
	e := tokencache.Entry{
		Token:          tok.Value,
		Expiration:     tok.Expiration,
		CallerARN:      who.CallerARN,
		RoleARN:        who.RoleARN,
		SourceIdentity: who.SourceIdentity,
		Region:         region,
		Partition:      partition,
		Cluster:        in.ClusterName,
		Profile:        in.Profile,
	}
	if creds.CanExpire {
		e.Credentials = &tokencache.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken, Expiration: creds.Expires}
	}
	return e
}

// stsClient is the part of the SDK's STS client that --role-arn uses.
type stsClient interface {
	rolesession.STSCaller
	AssumeRole(context.Context, *sts.AssumeRoleInput, ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

// assumeRoleARN assumes --role-arn with the profile's credentials.
func (m *minter) assumeRoleARN(ctx context.Context, client stsClient) (aws.Credentials, error) {
	in := m.in
	name, source, err := m.sessionName(ctx, client)
	if err != nil {
		return aws.Credentials{}, err
	}
	m.u.Log.Printf("AssumeRole %s as session %s", in.RoleARN, name)
	req := &sts.AssumeRoleInput{
		RoleArn:         aws.String(in.RoleARN),
		RoleSessionName: aws.String(name),
		DurationSeconds: aws.Int32(int32(rolesession.Duration / time.Second)),
	}
	if in.ExternalID != "" {
		req.ExternalId = aws.String(in.ExternalID)
	}
	out, err := client.AssumeRole(ctx, req)
	if err != nil {
		if source == "" {
			source = rolesession.CallerForError(ctx, client, err)
		}
		return aws.Credentials{}, &rolesession.AssumeRoleError{Role: in.RoleARN, Caller: source, Err: err}
	}
	if out.Credentials == nil {
		return aws.Credentials{}, fmt.Errorf("STS AssumeRole of %s returned no credentials", in.RoleARN)
	}
	m.sessions.Record(aws.ToString(out.AssumedRoleUser.Arn), in.RoleARN, source)
	m.u.Log.Printf("assumed %s", aws.ToString(out.AssumedRoleUser.Arn))
	c := out.Credentials
	return aws.Credentials{
		AccessKeyID:     aws.ToString(c.AccessKeyId),
		SecretAccessKey: aws.ToString(c.SecretAccessKey),
		SessionToken:    aws.ToString(c.SessionToken),
		Source:          "AssumeRole " + in.RoleARN,
		CanExpire:       true,
		Expires:         aws.ToTime(c.Expiration),
	}, nil
}

// sessionName is --session-name, or one derived (or forwarded) from who we
// are, with that identity.
func (m *minter) sessionName(ctx context.Context, client rolesession.STSCaller) (name, source string, err error) {
	if m.in.SessionName != "" {
		return m.in.SessionName, "", nil
	}
	id, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", "", err
	}
	source = aws.ToString(id.Arn)
	m.u.Log.Printf("source identity %s", source)
	return rolesession.NameFor(source, m.in.ForwardSessionName), source, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
