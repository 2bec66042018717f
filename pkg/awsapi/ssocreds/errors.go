package ssocreds

import "strings"

// InvalidTokenError is returned when there is no usable SSO token: the cache
// file is missing, unreadable or expired (and could not be refreshed), or
// the SSO portal rejected the token. Its message says which file and which
// command signs in again. Like the SDK's type of the same name it wraps the
// cause, if any.
type InvalidTokenError struct {
	// Err is the cause, or nil when the token has simply expired.
	Err error
	// CachedTokenFilepath is the token cache file concerned.
	CachedTokenFilepath string
	// Profile and SSOSession name the configuration the user signs in
	// with, from the providers' options.
	Profile, SSOSession string
}

func (e *InvalidTokenError) Unwrap() error { return e.Err }

func (e *InvalidTokenError) Error() string {
	var b strings.Builder
	b.WriteString("the SSO session")
	login := "aws sso login"
	switch {
	case e.Profile != "":
		b.WriteString(" for profile " + e.Profile)
		login += " --profile " + e.Profile
	case e.SSOSession != "":
		b.WriteString(" for sso-session " + e.SSOSession)
		login += " --sso-session " + e.SSOSession
	}
	b.WriteString(" has expired or is missing")
	if e.CachedTokenFilepath != "" {
		b.WriteString(" (" + e.CachedTokenFilepath + ")")
	}
	b.WriteString(": run `" + login + "`")
	if e.Err != nil {
		b.WriteString(" (" + e.Err.Error() + ")")
	}
	return b.String()
}
