package gettoken

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/rolesession"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/tokencache"
)

// Prime caches a token signed with creds under the key Do computes for in
// (cluster, profile, region, environment, and the AWS files as they are
// now): the next token call with the same flags is a hit. Login assumes the
// role once, answering the MFA prompt once, and hands the credentials over:
// the token command then finds them instead of asking for a second code,
// and the cluster sees the session name it will keep seeing. The
// credentials are also kept for the other clusters of the profile
// (Cache.Shared), whose first token then needs no AssumeRole. creds must be
// temporary (they are stored to sign later tokens until they expire), and
// in.Region must be set.
func (u *GetToken) Prime(ctx context.Context, in Input, creds aws.Credentials, who rolesession.Assumed) error {
	if err := u.Validate(in); err != nil {
		return err
	}
	if !creds.CanExpire {
		return exitcode.Errorf(exitcode.Failure, "only temporary credentials are cached")
	}
	endpoint, _ := token.ParseEndpoint(in.STSEndpoint) // checked by Validate
	partition, err := token.PartitionOf(in.Region)
	if err != nil {
		return exitcode.WithCode(exitcode.Usage, err)
	}
	tok, err := token.New(ctx, token.Request{Credentials: creds, Region: in.Region, ClusterName: in.ClusterName, Endpoint: endpoint, Now: u.Env.Now()})
	if err != nil {
		return exitcode.WithCode(exitcode.Input, err)
	}
	cfgFile, credFile := awsclient.Files(u.Env.Getenv)
	cache, keyIn, err := u.cacheEntry(in, tokencache.Use, endpoint, cfgFile, credFile)
	if err != nil {
		return err
	}
	e := newEntry(in, tok, in.Region, partition.ID, creds, who)
	if err := cache.PutCredentials(sharedKey(keyIn), e); err != nil {
		return err
	}
	return cache.Put(tokencache.Key(keyIn), e)
}
