// Package awsclient loads the AWS SDK for Go v2's configuration for every
// eks-login command (token, login, doctor, admin), so that they resolve
// credentials alike: profile, region, ca_bundle, endpoint overrides
// ([services] sections, AWS_ENDPOINT_URL_STS), max_attempts, retry_mode, FIPS
// and dual-stack, and every credential source are the SDK's own.
//
// What it adds is a boundary around the SDK. The files are read first by
// eks-login's own parser, whose errors name the file, the line and the key
// and never the value; no error from the SDK quotes a value from the files
// or the output of credential_process; a panic in the SDK becomes an error
// naming the file it could not read; and expired credentials are refused.
package awsclient

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/logincreds"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"

	"github.com/eks-login/eks-login/pkg/awsconfig"
)

// Request says which profile to load and how to assume its roles.
type Request struct {
	// Profile is the profile's name; empty means AWS_PROFILE or default.
	Profile string
	// Region overrides AWS_REGION, AWS_DEFAULT_REGION and the profile's.
	Region string
	// ConfigFile and CredentialsFile are the shared files; see Files.
	ConfigFile, CredentialsFile string
	// MFA answers the MFA prompt of a role profile with mfa_serial; nil
	// means such a profile fails for want of a code.
	MFA func(serial string) (string, error)
	// AssumeRole adjusts every AssumeRole of a role profile (each hop of a
	// source_profile chain): session name, duration, a wrapped client.
	AssumeRole func(*stscreds.AssumeRoleOptions)
	// Options are added last; tests point the SDK at local servers.
	Options []func(*config.LoadOptions) error
	// Now is the clock expiry is checked against; nil means time.Now.
	Now func() time.Time
}

// Files are the shared config and credentials files for getenv, as the SDK
// finds them (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, ~/.aws). Commands
// pass them to Load explicitly, so that what they stamp or edit is what the
// SDK reads.
func Files(getenv func(string) string) (configFile, credentialsFile string) {
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return awsconfig.ConfigPath(getenv, home), awsconfig.CredentialsPath(getenv, home)
}

// Load returns the SDK's configuration for r, with its credentials guarded
// (see the package comment). Errors name the files and quote no value.
func Load(ctx context.Context, r Request) (aws.Config, error) {
	red, err := readFiles(r.ConfigFile, r.CredentialsFile)
	if err != nil {
		return aws.Config{}, err
	}
	opts := []func(*config.LoadOptions) error{
		config.WithSharedConfigFiles([]string{r.ConfigFile}),
		config.WithSharedCredentialsFiles([]string{r.CredentialsFile}),
		config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) {
			serial := aws.ToString(o.SerialNumber)
			o.TokenProvider = func() (string, error) { return r.mfa(serial) }
			if r.AssumeRole != nil {
				r.AssumeRole(o)
			}
		}),
	}
	if r.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(r.Profile))
	}
	if r.Region != "" {
		opts = append(opts, config.WithRegion(r.Region))
	}
	cfg, err := r.loadRecovering(ctx, append(opts, r.Options...))
	if err != nil {
		return aws.Config{}, &ConfigError{red.wrap(err, fmt.Sprintf("cannot load AWS profile %q from %s and %s", orDefault(r.Profile), r.ConfigFile, r.CredentialsFile))}
	}
	// After the load: the SDK sets ca_bundle on the client it built.
	cfg.HTTPClient = HoldBodies(cfg.HTTPClient)
	if cfg.Credentials != nil {
		cfg.Credentials = &guard{inner: cfg.Credentials, red: red, now: r.now, signIn: signInOf(cfg, r.Profile)}
	}
	return cfg, nil
}

func (r Request) mfa(serial string) (string, error) {
	if r.MFA == nil {
		return "", &MFAError{Err: fmt.Errorf("the AWS profile needs a code from MFA device %s, and this command cannot ask for one", serial)}
	}
	code, err := r.MFA(serial)
	if err != nil {
		return "", &MFAError{Err: err}
	}
	return code, nil
}

// MFAError is the failure of Request.MFA: no code could be had. It reaches
// the command as it is, without the SDK's wrapping.
type MFAError struct{ Err error }

func (e *MFAError) Error() string { return e.Err.Error() }
func (e *MFAError) Unwrap() error { return e.Err }

func (r Request) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// loadRecovering is config.LoadDefaultConfig, with a panic (one is known on a
// value that is a lone double quote) turned into an error naming the file.
func (r Request) loadRecovering(ctx context.Context, opts []func(*config.LoadOptions) error) (cfg aws.Config, err error) {
	defer func() {
		if recover() != nil {
			err = &awsconfig.ParseError{Path: r.crashingFile(ctx), Msg: "the AWS SDK cannot read this file (its reader crashed on it); look for a value that is a lone or unbalanced quote"}
		}
	}()
	return config.LoadDefaultConfig(ctx, opts...)
}

// crashingFile finds which of the two files makes the SDK's reader panic.
func (r Request) crashingFile(ctx context.Context) string {
	for _, f := range []string{r.ConfigFile, r.CredentialsFile} {
		if panics(ctx, f) {
			return f
		}
	}
	return r.ConfigFile + " or " + r.CredentialsFile
}

func panics(ctx context.Context, file string) (crashed bool) {
	defer func() { crashed = recover() != nil }()
	config.LoadSharedConfigProfile(ctx, "default", func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles, o.CredentialsFiles = []string{file}, []string{}
	})
	return false
}

// readFiles checks both files with eks-login's parser, which reports a
// malformed line by file, line and key, and keeps their values to redact.
func readFiles(configFile, credentialsFile string) (*redactor, error) {
	red := &redactor{}
	for _, f := range []struct {
		path string
		kind awsconfig.Kind
	}{{configFile, awsconfig.ConfigFile}, {credentialsFile, awsconfig.CredentialsFile}} {
		file, err := awsconfig.Load(f.path, f.kind)
		if err != nil {
			return nil, err
		}
		red.add(file.Data)
	}
	return red, nil
}

func orDefault(profile string) string {
	if profile == "" {
		return "default"
	}
	return profile
}

// ConfigError is a profile the SDK could not load from the files: a missing
// profile, a value it cannot use. Its text quotes no value from the files.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// SignInError is a failed sign-in: IAM Identity Center's (aws sso login)
// or a console session's (aws login), with no cached token, an expired one
// that could not be refreshed, or one AWS refused.
type SignInError struct {
	Profile, SSOSession, CacheFile string
	// Login is true for a login_session profile (aws login).
	Login bool
	Err   error
}

func (e *SignInError) Unwrap() error { return e.Err }

func (e *SignInError) Error() string {
	what, command := "the SSO session", "aws sso login"
	if e.Login {
		what, command = "the AWS login session", "aws login"
	}
	if e.Profile != "" {
		what, command = what+" for profile "+e.Profile, command+" --profile "+e.Profile
	} else {
		what, command = what+" for sso-session "+e.SSOSession, command+" --sso-session "+e.SSOSession
	}
	msg := what + " has expired or is missing"
	if e.CacheFile != "" {
		msg += " (" + e.CacheFile + ")"
	}
	return msg + ": run `" + command + "`"
}

// signInOf finds the profile's sign-in (sso_session, sso_start_url or
// login_session), if it has one, for the error that says how to renew it.
func signInOf(cfg aws.Config, profile string) *SignInError {
	for _, src := range cfg.ConfigSources {
		sc, ok := src.(config.SharedConfig)
		if !ok || sc.RoleARN != "" {
			continue
		}
		s := &SignInError{Profile: sc.Profile, SSOSession: sc.SSOSessionName}
		if profile != "" {
			s.Profile = profile
		}
		switch {
		case sc.LoginSession != "":
			s.Login = true
			s.CacheFile, _ = logincreds.StandardCachedTokenFilepath(sc.LoginSession, os.Getenv("AWS_LOGIN_CACHE_DIRECTORY"))
		case sc.SSOSessionName != "":
			s.CacheFile, _ = ssocreds.StandardCachedTokenFilepath(sc.SSOSessionName)
		case sc.SSOStartURL != "":
			s.CacheFile, _ = ssocreds.StandardCachedTokenFilepath(sc.SSOStartURL)
		default:
			return nil
		}
		return s
	}
	return nil
}
