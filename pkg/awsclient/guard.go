package awsclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/aws/smithy-go"
)

// guard stands between a command and the SDK's credential chain.
type guard struct {
	inner  aws.CredentialsProvider
	red    *redactor
	now    func() time.Time
	signIn *SignInError // the profile's sign-in, if any, without its cause
}

// ExpiredError is credentials that a provider (credential_process, most
// likely) handed out already expired: signing with them would fail at the
// cluster, so they are neither used nor cached.
type ExpiredError struct {
	Source  string
	Expires time.Time
}

func (e *ExpiredError) Error() string {
	return fmt.Sprintf("the credentials from %s expired at %s", e.Source, e.Expires.UTC().Format(time.RFC3339))
}

func (g *guard) Retrieve(ctx context.Context) (creds aws.Credentials, err error) {
	defer func() {
		if recover() != nil {
			creds, err = aws.Credentials{}, errors.New("the AWS SDK crashed while getting credentials")
		}
	}()
	creds, err = g.inner.Retrieve(ctx)
	if err != nil {
		return aws.Credentials{}, g.explain(err)
	}
	if creds.CanExpire && !creds.Expires.After(g.now()) {
		return aws.Credentials{}, &ExpiredError{Source: sourceName(creds.Source), Expires: creds.Expires}
	}
	g.keepSignInPrivate()
	return creds, nil
}

// keepSignInPrivate makes the sign-in's token cache readable by its owner
// only. The SDK rewrites a refreshed SSO token with the mode the file had,
// where the AWS CLI writes 0600: a refresh token readable by others would
// let them sign in as the user.
func (g *guard) keepSignInPrivate() {
	if g.signIn == nil || g.signIn.CacheFile == "" {
		return
	}
	if fi, err := os.Stat(g.signIn.CacheFile); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o077 != 0 {
		os.Chmod(g.signIn.CacheFile, fi.Mode().Perm()&0o600)
	}
}

// IsCredentialsProvider lets aws.IsCredentialsProvider see through the guard.
func (g *guard) IsCredentialsProvider(target aws.CredentialsProvider) bool {
	return aws.IsCredentialsProvider(g.inner, target)
}

// explain redacts err and names a failed sign-in as such.
func (g *guard) explain(err error) error {
	var mfa *MFAError
	if errors.As(err, &mfa) {
		return mfa
	}
	var pe *processcreds.ProviderError
	if errors.As(err, &pe) && strings.Contains(pe.Error(), "process output") {
		// The SDK quotes the process's output, which holds secrets.
		return errors.New("credential_process printed something other than the JSON credentials the AWS SDK expects (its output is not shown: it may hold secrets)")
	}
	err = g.red.wrap(err, "cannot get AWS credentials")
	if g.signIn != nil && aboutSignIn(err) {
		s := *g.signIn
		s.Err = err
		return &s
	}
	return err
}

// aboutSignIn says whether a failure of SSO credentials is the sign-in's:
// no usable cached token, or the portal or SSO OIDC refusing it; not a
// network failure or another answer from AWS.
func aboutSignIn(err error) bool {
	var api smithy.APIError
	if errors.As(err, &api) {
		code := api.ErrorCode()
		return code == "UnauthorizedException" || strings.HasPrefix(code, "Invalid") || code == "ExpiredTokenException"
	}
	var ue *url.Error
	var op *net.OpError
	var dns *net.DNSError
	return !errors.As(err, &ue) && !errors.As(err, &op) && !errors.As(err, &dns) && !errors.Is(err, context.DeadlineExceeded)
}

func sourceName(source string) string {
	switch source {
	case processcreds.ProviderName:
		return "credential_process"
	case "":
		return "the AWS SDK"
	}
	return source
}

// redactor removes the values found in the shared files from error texts.
type redactor struct {
	values []string
}

// minSecret is the shortest value redacted: shorter ones (true, 3600, a
// region's parts) would garble messages and are no key or token.
const minSecret = 6

// add collects every value of data: after a delimiter, or a whole line that
// has none (a malformed one may be a secret on its own).
func (r *redactor) add(data []byte) {
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if i := strings.IndexAny(line, "=:"); i >= 0 {
			line = line[i+1:]
		}
		for _, v := range append(strings.Fields(line), strings.TrimSpace(line), strings.Trim(line, " \t\"'`[]")) {
			if len(v) >= minSecret {
				r.values = append(r.values, v)
			}
		}
	}
	sort.Slice(r.values, func(i, j int) bool { return len(r.values[i]) > len(r.values[j]) })
}

// wrap returns err under context, its text with every value removed. The
// chain stays for errors.As; commands print only the outer text.
func (r *redactor) wrap(err error, context string) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	for _, v := range r.values {
		text = strings.ReplaceAll(text, v, "[value not shown]")
	}
	return &redacted{text: context + ": " + text, err: err}
}

type redacted struct {
	text string
	err  error
}

func (e *redacted) Error() string { return e.text }
func (e *redacted) Unwrap() error { return e.err }
