// Package rolesession opens the role sessions of eks-login the same way in
// every command: an hour long, named after the person behind them (so the
// cluster's audit log and CloudTrail say who used a shared role), and
// recorded, so the token cache knows whose session a token speaks for.
//
// Sessions plugs into every AssumeRole the AWS SDK makes for a role profile
// (awsclient.Request.AssumeRole); NameFor names the sessions a command opens
// itself (the token command's --role-arn).
package rolesession

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/env"
)

// Duration is how long the role sessions we ask for last. STS allows an hour
// for every role (and at most an hour when chaining roles); the SDK's
// default of 15 minutes would mean an AssumeRole, and an MFA prompt, every
// ten minutes given the token cache's five-minute margin.
const Duration = time.Hour

// Assumed is what an AssumeRole revealed, for the token cache's entry.
type Assumed struct {
	CallerARN      string // the assumed-role session the token is for
	RoleARN        string
	SourceIdentity string // who assumed it
}

// Sessions adjusts the AssumeRole calls of a role profile and records what
// they revealed. The zero value names sessions after their caller.
type Sessions struct {
	// Name, when set, is the session name of the profile's roles (the
	// token command's --session-name).
	Name string
	// Forward names the sessions after the caller as it is, without the
	// "eks-login-" prefix (--forward-session-name).
	Forward bool
	// Log gets the --verbose lines.
	Log env.Logf

	mu   sync.Mutex
	last Assumed
}

// Adjust sets the duration and the session name of one AssumeRole of a role
// profile (each hop of a source_profile chain): it is the Request.AssumeRole
// of awsclient. The MFA prompt is awsclient's.
func (s *Sessions) Adjust(opts *stscreds.AssumeRoleOptions) {
	if opts.Duration == 0 {
		opts.Duration = Duration
	}
	if opts.Client == nil {
		return
	}
	mode := nameFixed
	switch {
	case s.Name != "":
		opts.RoleSessionName = s.Name
	case s.Forward:
		mode = nameForwarded
	case opts.RoleSessionName == "":
		// The SDK would call it aws-go-sdk-<nanoseconds>, which tells the
		// cluster's audit log nothing.
		mode = nameDerived
	}
	opts.Client = &roleClient{inner: opts.Client, s: s, mode: mode}
}

// Assumed returns what the last AssumeRole revealed. The SDK resolves a role
// chain inside out, so the last one is the outermost role, the one a token
// speaks for.
func (s *Sessions) Assumed() Assumed {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// Record notes an AssumeRole: the session it opened, the role, and who
// opened it (kept from an earlier hop when source is empty).
func (s *Sessions) Record(caller, role, source string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last.CallerARN, s.last.RoleARN = caller, role
	if source != "" {
		s.last.SourceIdentity = source
	}
}

type nameMode int

const (
	nameFixed nameMode = iota
	nameDerived
	nameForwarded
)

// STSCaller is the part of the SDK's STS client that names a caller.
type STSCaller interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// roleClient stands between the SDK's assume-role provider and its STS
// client. Naming the session needs the source identity, which is known only
// once the source credentials are resolved, inside the provider; so the
// lookup happens here, lazily, on the cold path only.
type roleClient struct {
	inner stscreds.AssumeRoleAPIClient
	s     *Sessions
	mode  nameMode
}

func (c *roleClient) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	caller, _ := c.inner.(STSCaller)
	var source string
	if c.mode != nameFixed && caller != nil {
		id, err := caller.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, optFns...)
		if err != nil {
			return nil, err
		}
		source = aws.ToString(id.Arn)
		c.s.Log.Printf("source identity %s", source)
		in.RoleSessionName = aws.String(NameFor(source, c.mode == nameForwarded))
	}
	role := aws.ToString(in.RoleArn)
	c.s.Log.Printf("AssumeRole %s as session %s (profile role)", role, aws.ToString(in.RoleSessionName))
	out, err := c.inner.AssumeRole(ctx, in, optFns...)
	if err != nil {
		if source == "" && caller != nil {
			source = CallerForError(ctx, caller, err)
		}
		return nil, &AssumeRoleError{Role: role, Caller: source, Err: err}
	}
	if out.AssumedRoleUser != nil {
		c.s.Record(aws.ToString(out.AssumedRoleUser.Arn), role, source)
		c.s.Log.Printf("assumed %s", aws.ToString(out.AssumedRoleUser.Arn))
	}
	return out, nil
}

// AssumeRoleError remembers which role was refused to whom.
type AssumeRoleError struct {
	Role   string
	Caller string // may be empty when unknown
	Err    error
}

func (e *AssumeRoleError) Error() string { return "assume role " + e.Role + ": " + e.Err.Error() }
func (e *AssumeRoleError) Unwrap() error { return e.Err }

// CallerForError names who was refused, for an AccessDenied message, when
// no lookup was made before: from STS's message, or by asking.
func CallerForError(ctx context.Context, client STSCaller, err error) string {
	if k := awserr.KindOf(err); k != awserr.AccessDenied && k != awserr.AssumeRoleDenied {
		return ""
	}
	if arn := awserr.Classify(err).Caller; arn != "" {
		return arn
	}
	id, gerr := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if gerr != nil {
		return ""
	}
	return aws.ToString(id.Arn)
}

// NameFor names a role session after the identity behind it: the IAM user's
// name, or the session name of an assumed role. Forwarded, the name is used
// as it is; otherwise it is prefixed "eks-login-", which marks how the
// session was made.
func NameFor(callerARN string, forward bool) string {
	name := callerName(callerARN)
	if !forward && !strings.HasPrefix(name, "eks-login-") {
		// A session we named already (a role chain) keeps its one prefix.
		name = "eks-login-" + name
	}
	return sanitize(name)
}

// callerName is the last part of an identity ARN that names a person or a
// session:
//
//	arn:aws:iam::123456789012:user/team/dev1               -> dev1
//	arn:aws:sts::123456789012:assumed-role/Role/alice      -> alice
//	arn:aws:sts::123456789012:federated-user/bob           -> bob
//	arn:aws:iam::123456789012:root                         -> root
func callerName(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return "unknown"
	}
	resource := parts[5]
	if i := strings.LastIndexByte(resource, '/'); i >= 0 {
		resource = resource[i+1:]
	}
	if resource == "" {
		return "unknown"
	}
	return resource
}

// sanitize fits a name to what STS accepts: [\w+=,.@-]{2,64}, with a "-"
// for every other character. It is done by hand: a regular expression costs
// its compilation on a path kubectl runs often.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && sessionChar(byte(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	out := b.String()
	if len(out) > 64 {
		out = out[:64]
	}
	for len(out) < 2 {
		out += "-"
	}
	return out
}

// sessionChar: \w (ASCII letters, digits, _) and +=,.@-.
func sessionChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_+=,.@-", c) >= 0
}
