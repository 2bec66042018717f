package discovery

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/sso/types"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"

	"github.com/eks-login/eks-login/pkg/names"
)

// SSOSession is an sso-session section of ~/.aws/config.
type SSOSession struct {
	Name     string // [sso-session NAME]
	StartURL string // sso_start_url
	Region   string // sso_region: where the portal and OIDC are
}

// SSOOptions configure the SSO walk.
type SSOOptions struct {
	// Accounts and Roles are glob patterns (path.Match: *, ?, [...]); a
	// pattern in Accounts matches an account's ID or its name. Empty lists
	// match everything.
	Accounts, Roles []string
	// Discover configures the discovery of each role's clusters; its
	// Parallel bounds the calls of the whole walk, and its Progress counts
	// the whole walk. Its Role, Account and AccountName are set per role.
	Discover Options
	// TokenFile is the token cache `aws sso login` writes; empty means
	// ~/.aws/sso/cache/<sha1 of the session name>.json.
	TokenFile string
}

// RoleTarget is an account and role the SSO sign-in may use.
type RoleTarget struct {
	AccountID, AccountName, RoleName string
}

// RoleResult is what one role's discovery found, or why it could not run
// (Err: GetRoleCredentials refused, say).
type RoleResult struct {
	Target RoleTarget
	Result *Result
	Err    error
}

// SSOResult is what the walk found, role by role; Clusters and Problems
// gather every role's, sorted as Discover sorts them.
type SSOResult struct {
	Roles    []RoleResult
	Clusters []Cluster
	Problems []Problem
}

// SignedOutError means the SSO session has no usable sign-in: no cached
// token, or one that expired and could not be refreshed, or one the portal
// refuses. The command maps it to exit code 4.
type SignedOutError struct {
	Session string
	Err     error
}

func (e *SignedOutError) Error() string {
	return fmt.Sprintf("the SSO session %q is signed out or its sign-in has expired (%v); run: aws sso login --sso-session %s", e.Session, e.Err, e.Session)
}

func (e *SignedOutError) Unwrap() error { return e.Err }

// WalkSSO finds the clusters of every account and role the SSO session's
// sign-in may use and that the patterns select. It fails with a
// *SignedOutError when the sign-in is missing or expired; a role whose
// credentials are refused is a RoleResult with Err, and the walk goes on.
func WalkSSO(ctx context.Context, cfg aws.Config, s SSOSession, opts SSOOptions) (*SSOResult, error) {
	w, err := newSSOWalk(ctx, cfg, s, opts)
	if err != nil {
		return nil, err
	}
	targets, err := w.roles(ctx)
	if err != nil {
		return nil, err
	}
	shared := newRun(opts.Discover)
	out := &SSOResult{Roles: make([]RoleResult, len(targets)), Problems: w.skipped}
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out.Roles[i] = w.discover(ctx, t, shared)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, r := range out.Roles {
		if signedOut := (*SignedOutError)(nil); errors.As(r.Err, &signedOut) {
			return nil, signedOut
		}
		if r.Result != nil {
			out.Clusters = append(out.Clusters, r.Result.Clusters...)
			out.Problems = append(out.Problems, r.Result.Problems...)
		}
	}
	sortClusters(out.Clusters)
	sortProblems(out.Problems)
	return out, nil
}

// SSORoles lists the accounts and roles the session's sign-in may use that
// the patterns select, in order of account ID and role name.
func SSORoles(ctx context.Context, cfg aws.Config, s SSOSession, opts SSOOptions) ([]RoleTarget, error) {
	w, err := newSSOWalk(ctx, cfg, s, opts)
	if err != nil {
		return nil, err
	}
	return w.roles(ctx)
}

// ssoWalk holds what every step of the walk needs: the portal client, the
// access token (read, and refreshed if need be, once) and the options.
type ssoWalk struct {
	cfg       aws.Config
	session   SSOSession
	opts      SSOOptions
	portal    *sso.Client
	token     string
	tokenFile string
	// skipped are the accounts and roles whose names cannot be written.
	skipped []Problem
}

func newSSOWalk(ctx context.Context, cfg aws.Config, s SSOSession, opts SSOOptions) (*ssoWalk, error) {
	if s.Name == "" || s.StartURL == "" || s.Region == "" {
		return nil, fmt.Errorf("the sso-session %q needs sso_start_url and sso_region in the AWS config file", s.Name)
	}
	for _, p := range slices.Concat(opts.Accounts, opts.Roles) {
		if _, err := path.Match(p, ""); err != nil {
			return nil, fmt.Errorf("the pattern %q is not a valid glob (*, ? and [...] may be used): %w", p, err)
		}
	}
	w := &ssoWalk{cfg: cfg.Copy(), session: s, opts: opts, tokenFile: opts.TokenFile}
	w.cfg.Region = s.Region
	if w.tokenFile == "" {
		var err error
		if w.tokenFile, err = ssocreds.StandardCachedTokenFilepath(s.Name); err != nil {
			return nil, &SignedOutError{Session: s.Name, Err: err}
		}
	}
	// One refresh, before anything runs in parallel: a refresh rotates the
	// refresh token, so concurrent refreshes would spend each other's.
	tokens := ssocreds.NewSSOTokenProvider(ssooidc.NewFromConfig(w.cfg), w.tokenFile)
	tok, err := tokens.RetrieveBearerToken(ctx)
	if err != nil {
		return nil, &SignedOutError{Session: s.Name, Err: err}
	}
	w.token = tok.Value
	w.portal = sso.NewFromConfig(w.cfg)
	return w, nil
}

// signedOut turns the portal's refusal of the token into a SignedOutError.
func (w *ssoWalk) signedOut(err error) error {
	if errors.As(err, new(*ssotypes.UnauthorizedException)) || errors.As(err, new(*ssocreds.InvalidTokenError)) {
		return &SignedOutError{Session: w.session.Name, Err: err}
	}
	return err
}

func (w *ssoWalk) roles(ctx context.Context) ([]RoleTarget, error) {
	var targets []RoleTarget
	accounts := sso.NewListAccountsPaginator(w.portal, &sso.ListAccountsInput{AccessToken: aws.String(w.token)})
	for accounts.HasMorePages() {
		page, err := accounts.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list the accounts of SSO session %s: %w", w.session.Name, w.signedOut(err))
		}
		for _, a := range page.AccountList {
			id, name := aws.ToString(a.AccountId), aws.ToString(a.AccountName)
			if !matchAny(w.opts.Accounts, id, name) {
				continue
			}
			if !names.Account(id) {
				w.skip(id, "", "the account ID is not 12 digits")
				continue
			}
			roles, err := w.accountRoles(ctx, id)
			if err != nil {
				return nil, err
			}
			for _, r := range roles {
				targets = append(targets, RoleTarget{AccountID: id, AccountName: name, RoleName: r})
			}
		}
	}
	slices.SortFunc(targets, func(a, b RoleTarget) int {
		return strings.Compare(a.AccountID+"\x00"+a.RoleName, b.AccountID+"\x00"+b.RoleName)
	})
	return targets, nil
}

func (w *ssoWalk) accountRoles(ctx context.Context, account string) ([]string, error) {
	var roles []string
	pages := sso.NewListAccountRolesPaginator(w.portal, &sso.ListAccountRolesInput{AccessToken: aws.String(w.token), AccountId: aws.String(account)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list the roles of account %s in SSO session %s: %w", account, w.session.Name, w.signedOut(err))
		}
		for _, r := range page.RoleList {
			name := aws.ToString(r.RoleName)
			switch {
			case !matchAny(w.opts.Roles, name):
			case !names.IAM(name, names.MaxRoleName):
				w.skip(account, name, "the role name is not a permission set's name (letters, digits and +=,.@_- only)")
			default:
				roles = append(roles, name)
			}
		}
	}
	return roles, nil
}

// skip reports an account or role whose name goes into the AWS config
// file and that the portal answered in a shape AWS never gives: it is
// untrusted input, and nothing is called or written as it.
func (w *ssoWalk) skip(account, role, why string) {
	w.skipped = append(w.skipped, Problem{Kind: Refused, Operation: "ListAccountRoles", Account: account, Role: role,
		Err: fmt.Errorf("%s; eks-login writes no profile for it", why)})
}

// matchAny tells whether any of values matches any pattern (no patterns:
// everything matches). The patterns were checked in newSSOWalk.
func matchAny(patterns []string, values ...string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		for _, v := range values {
			if ok, _ := path.Match(p, v); ok {
				return true
			}
		}
	}
	return false
}

// RoleConfig is cfg with credentials of the role through the SSO portal,
// as an SSO profile (sso_session, sso_account_id, sso_role_name) gives them.
func RoleConfig(cfg aws.Config, s SSOSession, t RoleTarget, tokenFile string) aws.Config {
	role := cfg.Copy()
	portal := sso.NewFromConfig(cfg, func(o *sso.Options) { o.Region = s.Region })
	role.Credentials = aws.NewCredentialsCache(ssocreds.New(portal, t.AccountID, t.RoleName, s.StartURL,
		func(o *ssocreds.Options) { o.CachedTokenFilepath = tokenFile }))
	return role
}

func (w *ssoWalk) discover(ctx context.Context, t RoleTarget, shared *run) RoleResult {
	opts := w.opts.Discover
	opts.Role, opts.Account, opts.AccountName = t.RoleName, t.AccountID, t.AccountName
	cfg := RoleConfig(w.cfg, w.session, t, w.tokenFile)
	if err := shared.call(ctx, func() error { _, err := cfg.Credentials.Retrieve(ctx); return err }); err != nil {
		return RoleResult{Target: t, Err: fmt.Errorf("get credentials of role %s in account %s: %w", t.RoleName, t.AccountID, w.signedOut(err))}
	}
	res, err := shared.discover(ctx, cfg, opts)
	return RoleResult{Target: t, Result: res, Err: err}
}
