package token

import (
	"context"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/tokencache"
)

// RoleSessions lets another command (login) assume a profile's roles the way
// this command does: the same session names, derived from the caller's
// identity, and the same hour-long sessions. Login assumes the role once,
// answering the MFA prompt once, and hands the credentials to Prime: the
// token command then finds them cached instead of asking for a second code,
// and the cluster sees the session name it will keep seeing.
type RoleSessions struct {
	m *minter
}

// NewRoleSessions returns a RoleSessions that writes its --verbose lines
// (never secrets) to verbose, when it is not nil.
func NewRoleSessions(verbose io.Writer) *RoleSessions {
	o := &Options{Verbose: verbose != nil, IO: &iostreams.IOStreams{ErrOut: verbose}}
	return &RoleSessions{m: &minter{o: o}}
}

// Adjust sets the session name, duration and identity lookup on every
// AssumeRole of a role profile (awsclient.Request.AssumeRole).
func (r *RoleSessions) Adjust(opts *stscreds.AssumeRoleOptions) { r.m.profileRoleOptions(opts) }

// Assumed is what the last AssumeRole revealed, for the cache entry.
type Assumed struct {
	CallerARN, RoleARN, SourceIdentity string
}

// Assumed returns the session last assumed through Adjust.
func (r *RoleSessions) Assumed() Assumed {
	r.m.mu.Lock()
	defer r.m.mu.Unlock()
	return Assumed{CallerARN: r.m.callerARN, RoleARN: r.m.roleARN, SourceIdentity: r.m.sourceIdentity}
}

// Prime caches a token signed with creds under the key the token command
// computes for o (cluster, profile, region, environment, and the AWS files
// as they are now): its next run with the same flags is a hit. creds must be
// temporary (they are stored to sign later tokens until they expire).
func Prime(ctx context.Context, o *Options, creds aws.Credentials, who Assumed) error {
	if err := o.validate(); err != nil {
		return err
	}
	if !creds.CanExpire {
		return exitcode.Errorf(exitcode.Failure, "only temporary credentials are cached")
	}
	endpoint, _ := token.ParseEndpoint(o.STSEndpoint) // checked by validate
	partition, err := token.PartitionOf(o.Region)
	if err != nil {
		return exitcode.WithCode(exitcode.Usage, err)
	}
	tok, err := token.New(ctx, token.Request{Credentials: creds, Region: o.Region, ClusterName: o.ClusterName, Endpoint: endpoint, Now: o.now()})
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	cfgFile, credFile := o.sharedFiles()
	cache, key, err := o.cacheEntry(tokencache.Use, endpoint, cfgFile, credFile)
	if err != nil {
		return err
	}
	return cache.Put(key, newEntry(o, tok, o.Region, partition.ID, creds, who))
}
