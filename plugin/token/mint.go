package token

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/exitcode"

	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/tokencache"
)

// roleDuration is how long the role sessions we ask for last. STS allows an
// hour for every role (and at most an hour when chaining roles); the SDK's
// default of 15 minutes would mean an AssumeRole, and an MFA prompt, every
// ten minutes given the cache's five-minute margin.
const roleDuration = time.Hour

// minter is the cache's way to new tokens: the cold path through the SDK.
type minter struct {
	o               *Options
	info            token.ExecInfo
	endpoint        token.Endpoint
	configFile      string
	credentialsFile string
	// asking is told when the MFA prompt waits for a person (noteAsking).
	asking func(bool)

	// What the role assumptions revealed, for the entry and for errors. The
	// SDK resolves a role chain inside out, so the last write is the outermost
	// role, the one the token speaks for.
	mu             sync.Mutex
	callerARN      string // the assumed-role session the token is for
	roleARN        string
	sourceIdentity string // who assumed it
}

// Resign signs a new token with the cached credentials, without the SDK's
// config loading or a network call.
func (m *minter) Resign(ctx context.Context, old tokencache.Entry) (tokencache.Entry, error) {
	c := old.Credentials
	creds := aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, CanExpire: true, Expires: c.Expiration}
	tok, err := token.New(ctx, token.Request{Credentials: creds, Region: old.Region, ClusterName: m.o.ClusterName, Endpoint: m.endpoint, Now: m.o.now()})
	if err != nil {
		return tokencache.Entry{}, err
	}
	old.Token, old.Expiration = tok.Value, tok.Expiration
	return old, nil
}

// Mint loads the AWS config, resolves credentials (assuming roles as the
// profile and --role-arn say), and signs a token with them.
func (m *minter) Mint(ctx context.Context) (tokencache.Entry, error) {
	o := m.o
	profile, profileFrom := o.profile()
	region, regionFrom := o.explicitRegion()
	load := o.loadConfig
	if load == nil {
		load = awsclient.Load
	}
	o.logf("cold path: loading the AWS config (profile %q from %s, files %s and %s)", profile, orDefault(profileFrom, "default"), m.configFile, m.credentialsFile)
	cfg, err := load(ctx, awsclient.Request{
		Profile: profile, Region: region,
		ConfigFile: m.configFile, CredentialsFile: m.credentialsFile,
		MFA: m.prompter().Code, AssumeRole: m.profileRoleOptions,
		Options: o.loadOptions, Now: o.now,
	})
	if err != nil {
		return tokencache.Entry{}, m.explain(err, profile)
	}
	if region == "" {
		region = cfg.Region
		regionFrom = fmt.Sprintf("profile %q in %s", orDefault(profile, "default"), m.configFile)
		if region == "" {
			return tokencache.Entry{}, exitcode.Errorf(exitcode.Usage, "no AWS region for the token: pass --region, set AWS_REGION, or add region = ... to profile %q in %s", orDefault(profile, "default"), m.configFile)
		}
	}
	partition, err := token.PartitionOf(region)
	if err == nil {
		_, _, err = token.STSHost(region, m.endpoint)
	}
	if err != nil {
		return tokencache.Entry{}, exitcode.Errorf(exitcode.Input, "the region from %s: %w", regionFrom, err)
	}
	if cfg.Credentials == nil {
		return tokencache.Entry{}, m.noCredentials(profile)
	}

	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		if aws.IsCredentialsProvider(cfg.Credentials, (*ec2rolecreds.Provider)(nil)) {
			// Nothing in the environment or the files; the SDK's last resort,
			// instance metadata, failed as well.
			return tokencache.Entry{}, m.noCredentials(profile)
		}
		return tokencache.Entry{}, m.explain(err, profile)
	}
	o.logf("credentials from %s", orDefault(creds.Source, "the AWS SDK"))
	if o.RoleARN != "" {
		if creds, err = m.assumeRoleARN(ctx, cfg); err != nil {
			return tokencache.Entry{}, m.explain(err, profile)
		}
	}

	tok, err := token.New(ctx, token.Request{Credentials: creds, Region: region, ClusterName: o.ClusterName, Endpoint: m.endpoint, Now: o.now()})
	if err != nil {
		return tokencache.Entry{}, exitcode.WithCode(exitcode.Input, err)
	}
	if creds.CanExpire {
		o.logf("credentials valid until %s", creds.Expires.UTC().Format(time.RFC3339))
	} else {
		o.logf("long-term credentials: the cache keeps the token only")
	}
	m.mu.Lock()
	who := Assumed{CallerARN: m.callerARN, RoleARN: m.roleARN, SourceIdentity: m.sourceIdentity}
	m.mu.Unlock()
	return newEntry(o, tok, region, partition.ID, creds, who), nil
}

// newEntry is the cache entry for tok, signed in region with creds. Expiring
// credentials are kept to sign the next tokens without an AssumeRole;
// long-term ones already live in the user's files.
func newEntry(o *Options, tok token.Token, region, partition string, creds aws.Credentials, who Assumed) tokencache.Entry {
	e := tokencache.Entry{
		Token:          tok.Value,
		Expiration:     tok.Expiration,
		CallerARN:      who.CallerARN,
		RoleARN:        who.RoleARN,
		SourceIdentity: who.SourceIdentity,
		Region:         region,
		Partition:      partition,
		Cluster:        o.ClusterName,
		Profile:        o.Profile,
	}
	if creds.CanExpire {
		e.Credentials = &tokencache.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken, Expiration: creds.Expires}
	}
	return e
}

// assumeRoleARN assumes --role-arn with the profile's credentials.
func (m *minter) assumeRoleARN(ctx context.Context, cfg aws.Config) (aws.Credentials, error) {
	o := m.o
	client := sts.NewFromConfig(cfg)
	name := o.SessionName
	var source string
	if name == "" {
		// Both the derived and the forwarded name come from who we are.
		id, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return aws.Credentials{}, err
		}
		source = aws.ToString(id.Arn)
		name = sessionNameFor(source, o.ForwardSessionName)
		o.logf("source identity %s", source)
	}
	o.logf("AssumeRole %s as session %s", o.RoleARN, name)
	in := &sts.AssumeRoleInput{
		RoleArn:         aws.String(o.RoleARN),
		RoleSessionName: aws.String(name),
		DurationSeconds: aws.Int32(int32(roleDuration / time.Second)),
	}
	if o.ExternalID != "" {
		in.ExternalId = aws.String(o.ExternalID)
	}
	out, err := client.AssumeRole(ctx, in)
	if err != nil {
		if source == "" {
			source = callerForError(ctx, client, err)
		}
		return aws.Credentials{}, &assumeRoleError{Role: o.RoleARN, Caller: source, Err: err}
	}
	if out.Credentials == nil {
		return aws.Credentials{}, fmt.Errorf("STS AssumeRole of %s returned no credentials", o.RoleARN)
	}
	m.record(aws.ToString(out.AssumedRoleUser.Arn), o.RoleARN, source)
	o.logf("assumed %s", aws.ToString(out.AssumedRoleUser.Arn))
	c := out.Credentials
	return aws.Credentials{
		AccessKeyID:     aws.ToString(c.AccessKeyId),
		SecretAccessKey: aws.ToString(c.SecretAccessKey),
		SessionToken:    aws.ToString(c.SessionToken),
		Source:          "AssumeRole " + o.RoleARN,
		CanExpire:       true,
		Expires:         aws.ToTime(c.Expiration),
	}, nil
}

func (m *minter) record(caller, role, source string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.callerARN, m.roleARN = caller, role
	if source != "" {
		m.sourceIdentity = source
	}
}

// profileRoleOptions adjusts every AssumeRole the SDK makes for a profile
// with role_arn (each hop of a source_profile chain): an hour's session, and
// a session name that says who is behind it. The MFA prompt is awsclient's.
func (m *minter) profileRoleOptions(opts *stscreds.AssumeRoleOptions) {
	if opts.Duration == 0 {
		opts.Duration = roleDuration
	}
	if opts.Client == nil {
		return
	}
	mode := nameFixed
	switch {
	case m.o.RoleARN == "" && m.o.SessionName != "":
		// Without --role-arn, the session flags are for the profile's role.
		opts.RoleSessionName = m.o.SessionName
	case m.o.RoleARN == "" && m.o.ForwardSessionName:
		mode = nameForwarded
	case opts.RoleSessionName == "":
		// The SDK would call it aws-go-sdk-<nanoseconds>, which tells the
		// cluster's audit log nothing.
		mode = nameDerived
	}
	opts.Client = &roleClient{inner: opts.Client, m: m, mode: mode}
}

type nameMode int

const (
	nameFixed nameMode = iota
	nameDerived
	nameForwarded
)

// stsCaller is the part of the SDK's STS client that roleClient adds.
type stsCaller interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// roleClient stands between the SDK's assume-role provider and its STS
// client. Naming the session needs the source identity, which is known only
// once the source credentials are resolved, inside the provider; so the
// lookup happens here, lazily, on the cold path only.
type roleClient struct {
	inner stscreds.AssumeRoleAPIClient
	m     *minter
	mode  nameMode
}

func (c *roleClient) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	o := c.m.o
	caller, _ := c.inner.(stsCaller)
	var source string
	if c.mode != nameFixed && caller != nil {
		id, err := caller.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, optFns...)
		if err != nil {
			return nil, err
		}
		source = aws.ToString(id.Arn)
		o.logf("source identity %s", source)
		in.RoleSessionName = aws.String(sessionNameFor(source, c.mode == nameForwarded))
	}
	role := aws.ToString(in.RoleArn)
	o.logf("AssumeRole %s as session %s (profile role)", role, aws.ToString(in.RoleSessionName))
	out, err := c.inner.AssumeRole(ctx, in, optFns...)
	if err != nil {
		if source == "" && caller != nil {
			source = callerForError(ctx, caller, err)
		}
		return nil, &assumeRoleError{Role: role, Caller: source, Err: err}
	}
	if out.AssumedRoleUser != nil {
		c.m.record(aws.ToString(out.AssumedRoleUser.Arn), role, source)
		o.logf("assumed %s", aws.ToString(out.AssumedRoleUser.Arn))
	}
	return out, nil
}

// callerForError names who was refused, for an AccessDenied message, when
// no lookup was made before: from STS's message, or by asking.
func callerForError(ctx context.Context, client stsCaller, err error) string {
	if !isAccessDenied(err) {
		return ""
	}
	if arn := callerInMessage(err); arn != "" {
		return arn
	}
	id, gerr := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if gerr != nil {
		return ""
	}
	return aws.ToString(id.Arn)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
