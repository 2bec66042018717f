// Package gettoken is the use case behind "kubectl eks-login token", the
// exec credential provider kubectl runs before its requests: an EKS token
// for a cluster, served from the token cache when it can be (reading one
// small file, no AWS config, no network) and minted through the AWS SDK
// otherwise. Prime lets login hand over the role credentials it got, so that
// an MFA code is asked once.
//
// It knows nothing of flags or of kubectl's ExecCredential: the token
// command parses those and prints what Do returns.
package gettoken

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/eks-login/eks-login/pkg/awsclient"
	"github.com/eks-login/eks-login/pkg/env"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fsutil"
	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/tokencache"
)

// Input says which token: the values of the token command's flags.
type Input struct {
	ClusterName        string
	Profile            string // "" means AWS_PROFILE, then default
	Region             string // "" means AWS_REGION, AWS_DEFAULT_REGION, then the profile's
	RoleARN            string // a role assumed on top of the profile's credentials
	SessionName        string
	ForwardSessionName bool
	ExternalID         string
	STSEndpoint        string // "regional" (or "") or "global"
	CacheDir           string // "" means tokencache.DefaultDir
	NoCache            bool   // neither read nor write the cache
	ForceRefresh       bool   // mint anew, replacing the cached entry
}

// Output is a token and where it came from.
type Output struct {
	Token     token.Token
	CallerARN string // the identity the token speaks for; "" when not known
	Outcome   tokencache.Outcome
}

// GetToken gets tokens. Env is required; the rest may be left empty.
type GetToken struct {
	Env env.Env
	Log env.Logf
	// IO holds the streams the MFA prompt reads (the terminal, when stdin
	// is one) and asks on (stderr).
	IO *iostreams.IOStreams
	// Interactive says a person may be asked for an MFA code: kubectl's
	// interactive flag when kubectl sends one, the streams otherwise.
	Interactive bool
	// AskMFA, when set, reads the code instead of the terminal (tests).
	AskMFA func(serial string) (string, error)
	// Executable is this binary, named in the command people are asked to
	// run by hand when an MFA code cannot be asked for.
	Executable string

	// LoadConfig loads the AWS config on a miss; nil means awsclient.Load.
	// Tests check through it that a hit loads nothing.
	LoadConfig func(context.Context, awsclient.Request) (aws.Config, error)
	// LoadOptions are added to the SDK's config loading; tests point the
	// SDK at a local endpoint with them.
	LoadOptions []func(*config.LoadOptions) error
}

// Do returns the token for in.
func (u *GetToken) Do(ctx context.Context, in Input) (Output, error) {
	if err := u.Validate(in); err != nil {
		return Output{}, err
	}
	endpoint, _ := token.ParseEndpoint(in.STSEndpoint) // checked by Validate
	cfgFile, credFile := awsclient.Files(u.Env.Getenv)
	mode := in.mode()
	cache, keyIn, err := u.cacheEntry(in, mode, endpoint, cfgFile, credFile)
	if err != nil {
		return Output{}, err
	}
	key := tokencache.Key(keyIn)
	m := u.newMinter(in, endpoint, cfgFile, credFile)
	if mode != tokencache.Bypass {
		m.shared, m.keyIn = cache, keyIn // the shared key is computed on a miss only
	}
	m.asking = noteAsking(cache)
	cache.GiveUp = func(h fsutil.Holder) bool { return h.Doing == tokencache.PromptingMFA && !u.Interactive }
	e, outcome, err := cache.Get(ctx, key, mode, m)
	if err != nil {
		return Output{}, u.cacheError(in, err)
	}
	as := ""
	if e.CallerARN != "" {
		as = " as " + e.CallerARN
	}
	u.Log.Printf("token for cluster %s%s (%s), valid until %s", in.ClusterName, as, outcome, e.Expiration.UTC().Format(time.RFC3339))
	return Output{Token: token.Token{Value: e.Token, Expiration: e.Expiration}, CallerARN: e.CallerARN, Outcome: outcome}, nil
}

func (in Input) mode() tokencache.Mode {
	switch {
	case in.NoCache:
		return tokencache.Bypass
	case in.ForceRefresh:
		return tokencache.Refresh
	}
	return tokencache.Use
}

// cacheError codes an error of the cache: a wait given up, or the cache
// folder. The minter's own errors carry their codes already.
func (u *GetToken) cacheError(in Input, err error) error {
	var coded *exitcode.Error
	if busy := (*fsutil.BusyError)(nil); errors.As(err, &busy) {
		return u.busy(in, busy)
	} else if !errors.As(err, &coded) {
		return exitcode.WithCode(exitcode.Input, err)
	}
	return err
}

// cacheEntry is the cache and the key of in's entry: everything that can
// change which token in gets is in the key, down to the stat of the AWS
// files, so that a warm call reads no ini.
func (u *GetToken) cacheEntry(in Input, mode tokencache.Mode, endpoint token.Endpoint, cfgFile, credFile string) (*tokencache.Cache, tokencache.KeyInput, error) {
	dir := in.CacheDir
	if dir == "" && mode != tokencache.Bypass {
		var err error
		if dir, err = tokencache.DefaultDir(u.Env.Getenv); err != nil {
			return nil, tokencache.KeyInput{}, exitcode.WithCode(exitcode.Input, err)
		}
	}
	files, err := stampFiles(cfgFile, credFile)
	if err != nil {
		return nil, tokencache.KeyInput{}, err
	}
	keyIn := tokencache.KeyInput{
		ClusterName:        in.ClusterName,
		Region:             in.Region,
		Profile:            in.Profile,
		RoleARN:            in.RoleARN,
		SessionName:        in.SessionName,
		ForwardSessionName: in.ForwardSessionName,
		ExternalID:         in.ExternalID,
		STSEndpoint:        string(endpoint),
		Env:                tokencache.EnvForKey(u.Env.Getenv, u.Env.Environ()),
		Files:              files,
	}
	return &tokencache.Cache{Dir: dir, Now: u.Env.Now, Logf: u.Log, Files: files}, keyIn, nil
}

// sharedKey is the key of the role credentials that the tokens of every
// cluster of in's profile share: the region enters as its partition, since
// credentials serve every region of theirs (an unknown region enters as
// itself, and fails later, on its own).
func sharedKey(in tokencache.KeyInput) string {
	if p, err := token.PartitionOf(in.Region); err == nil {
		in.Region = "partition " + p.ID
	}
	return tokencache.CredentialsKey(in)
}

// stampFiles stamps the AWS files for the key. A path that is not a regular
// file (a named pipe, /dev/zero, a folder) is refused here, before the SDK
// would hang reading it.
func stampFiles(paths ...string) ([]tokencache.FileStamp, error) {
	var out []tokencache.FileStamp
	for _, p := range paths {
		s, err := tokencache.StampFile(p)
		if err != nil {
			return nil, exitcode.WithCode(exitcode.Input, fmt.Errorf("the AWS shared config: %w", err))
		}
		out = append(out, s)
	}
	return out, nil
}
