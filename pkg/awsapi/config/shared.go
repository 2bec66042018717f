package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/eks-login/eks-login/pkg/awsconfig"
)

// loader holds one LoadDefaultConfig call's inputs.
type loader struct {
	opts        LoadOptions
	env         envConfig
	configs     []*awsconfig.File // in precedence order, lowest first
	credentials []*awsconfig.File
	cfg         aws.Config // region, endpoint and HTTP client for the STS and SSO clients
}

// readFiles parses the config and credentials files. A missing file reads
// as empty, as with the SDK; one that cannot be read or parsed is an error
// that names it (the SDK skips unreadable files, which hides the mistake).
func (l *loader) readFiles() error {
	configFiles, credFiles := l.opts.SharedConfigFiles, l.opts.SharedCredentialsFiles
	if configFiles == nil {
		configFiles = []string{awsconfig.ConfigPath(l.opts.Getenv, l.home())}
	}
	if credFiles == nil {
		credFiles = []string{awsconfig.CredentialsPath(l.opts.Getenv, l.home())}
	}
	for _, set := range []struct {
		paths []string
		kind  awsconfig.Kind
		into  *[]*awsconfig.File
	}{{configFiles, awsconfig.ConfigFile, &l.configs}, {credFiles, awsconfig.CredentialsFile, &l.credentials}} {
		for _, p := range set.paths {
			f, err := awsconfig.Load(p, set.kind)
			if err != nil {
				return err
			}
			*set.into = append(*set.into, f)
		}
	}
	return nil
}

// setting is one key's value and where it was set.
type setting struct {
	value string
	file  string
	line  int
}

// sharedConfig is one profile as the SDK's SharedConfig reads it, with the
// profile its source_profile names already resolved.
type sharedConfig struct {
	name     string
	file     string // where the profile is first defined, for errors
	line     int
	settings map[string]setting
	creds    aws.Credentials
	source   *sharedConfig
	sso      *ssoSession

	// Cleared as the SDK clears them: the role keys on the second visit of
	// a profile in a chain, the credential keys when source_profile is set.
	noRole, noCredentialKeys bool
}

type ssoSession struct {
	name, region, startURL string
}

// value is a key's value, "" when unset.
func (s *sharedConfig) value(key string) string {
	if s == nil {
		return ""
	}
	switch {
	case s.noRole && isRoleKey(key), s.noCredentialKeys && isCredentialKey(key):
		return ""
	}
	return s.settings[key].value
}

func isRoleKey(key string) bool {
	switch key {
	case "role_arn", "external_id", "mfa_serial", "role_session_name", "source_profile":
		return true
	}
	return false
}

func isCredentialKey(key string) bool {
	switch key {
	case "credential_source", "credential_process", "web_identity_token_file", "sso_account_id", "sso_region", "sso_role_name", "sso_start_url":
		return true
	}
	return false
}

// where names the file and line a key was set on.
func (s *sharedConfig) where(key string) string {
	if s == nil {
		return ""
	}
	if st, ok := s.settings[key]; ok {
		return fmt.Sprintf("%s line %d", st.file, st.line)
	}
	return fmt.Sprintf("%s line %d", s.file, s.line)
}

// keyError is an error about one key of the profile, pointing at its line.
func (s *sharedConfig) keyError(key, msg string) error {
	return &ProfileError{Profile: s.name, Where: s.where(key), Msg: msg}
}

// ProfileError is a profile the AWS tools cannot use, with the line to fix.
type ProfileError struct {
	Profile string
	Where   string // "FILE line N"
	Msg     string
}

func (e *ProfileError) Error() string {
	return fmt.Sprintf("%s: profile %q: %s", e.Where, e.Profile, e.Msg)
}

// profile merges the named profile's sections across the files: later
// config files over earlier ones, the credentials files over all of them.
func (l *loader) profile(name string) (*sharedConfig, bool, error) {
	s := &sharedConfig{name: name, settings: map[string]setting{}}
	found := false
	for _, f := range append(append([]*awsconfig.File{}, l.configs...), l.credentials...) {
		p, ok := f.Profile(name)
		if !ok {
			continue
		}
		if !found {
			s.file, s.line, found = f.Path, p.Line, true
		}
		_, hasID := p.Values["aws_access_key_id"]
		_, hasSecret := p.Values["aws_secret_access_key"]
		if hasID != hasSecret {
			have, lack := "aws_access_key_id", "aws_secret_access_key"
			if hasSecret {
				have, lack = lack, have
			}
			return nil, true, &ProfileError{Profile: name, Where: fmt.Sprintf("%s line %d", f.Path, p.KeyLines[have]),
				Msg: fmt.Sprintf("%s is set but %s is not; add the missing key or remove the other", have, lack)}
		}
		for k, v := range p.Values {
			s.settings[k] = setting{value: v, file: f.Path, line: p.KeyLines[k]}
		}
	}
	return s, found, nil
}

// load reads profile name and, through source_profile, the profiles it
// takes credentials from, following the SDK's SharedConfig.setFromIniSections:
// a profile met a second time in a chain gives credentials only, and a
// source profile with static keys ends the chain.
func (l *loader) load(visited map[string]bool, name string, top bool) (*sharedConfig, error) {
	s, found, err := l.profile(name)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, SharedConfigProfileNotExistError{Profile: name, Filename: l.paths()}
	}
	if id, secret := s.value("aws_access_key_id"), s.value("aws_secret_access_key"); id != "" && secret != "" {
		s.creds = aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: s.value("aws_session_token"),
			AccountID: s.value("aws_account_id"), Source: "SharedConfigCredentials: " + s.settings["aws_access_key_id"].file}
	}
	if visited[name] {
		s.noRole = true
	} else if err := s.requireRoleARN(); err != nil {
		return nil, err
	}
	if !top && s.creds.HasKeys() {
		return s, nil
	}
	visited[name] = true
	if err := s.oneCredentialType(); err != nil {
		return nil, err
	}
	if src := s.value("source_profile"); src != "" {
		s.noCredentialKeys = true
		s.creds = aws.Credentials{}
		source, err := l.load(visited, src, false)
		if err != nil {
			if missing, ok := err.(SharedConfigProfileNotExistError); ok {
				return nil, SharedConfigAssumeRoleError{Profile: src, RoleARN: s.value("role_arn"), Err: missing,
					Where: s.where("source_profile")}
			}
			return nil, err
		}
		if !source.hasCredentials() {
			return nil, SharedConfigAssumeRoleError{Profile: src, RoleARN: s.value("role_arn"), Where: s.where("source_profile")}
		}
		s.source = source
	}
	if sess := s.value("sso_session"); sess != "" {
		sso, err := l.ssoSession(s, strings.TrimSpace(sess))
		if err != nil {
			return nil, err
		}
		s.sso = sso
	}
	return s, nil
}

// paths lists every file read, for errors.
func (l *loader) paths() []string {
	var out []string
	for _, f := range append(append([]*awsconfig.File{}, l.configs...), l.credentials...) {
		out = append(out, f.Path)
	}
	return out
}

func (l *loader) ssoSession(s *sharedConfig, name string) (*ssoSession, error) {
	for i := len(l.configs) - 1; i >= 0; i-- {
		if p, ok := l.configs[i].SSOSession(name); ok {
			return &ssoSession{name: name, region: p.Values["sso_region"], startURL: p.Values["sso_start_url"]}, nil
		}
	}
	return nil, s.keyError("sso_session", fmt.Sprintf("sso_session names [sso-session %s], which the config file does not have; add the section (aws configure sso-session) or fix the name", name))
}

// requireRoleARN: source_profile, credential_source and
// web_identity_token_file only make sense with a role to assume.
func (s *sharedConfig) requireRoleARN() error {
	if s.value("role_arn") != "" {
		return nil
	}
	for _, key := range []string{"source_profile", "credential_source", "web_identity_token_file"} {
		if s.value(key) != "" {
			return s.keyError(key, fmt.Sprintf("%s is set but role_arn is not; add role_arn = arn:aws:iam::ACCOUNT:role/NAME, or remove %s", key, key))
		}
	}
	return nil
}

// oneCredentialType refuses a profile that names two ways to get credentials.
func (s *sharedConfig) oneCredentialType() error {
	var set []string
	for _, key := range []string{"source_profile", "credential_source", "credential_process", "web_identity_token_file"} {
		if s.value(key) != "" {
			set = append(set, key)
		}
	}
	if len(set) > 1 {
		return s.keyError(set[1], fmt.Sprintf("sets both %s and %s; a profile takes its credentials one way only, so remove one", set[0], set[1]))
	}
	return nil
}

func (s *sharedConfig) hasSSO() bool {
	return s.value("sso_session") != "" || s.hasLegacySSO()
}

func (s *sharedConfig) hasLegacySSO() bool {
	for _, key := range []string{"sso_region", "sso_account_id", "sso_start_url", "sso_role_name"} {
		if s.value(key) != "" {
			return true
		}
	}
	return false
}

func (s *sharedConfig) hasCredentials() bool {
	for _, key := range []string{"source_profile", "credential_source", "credential_process", "web_identity_token_file"} {
		if s.value(key) != "" {
			return true
		}
	}
	return s.hasSSO() || s.creds.HasKeys()
}

// duration reads duration_seconds as the SDK does: a value the SDK cannot
// read counts as unset there; here it is an error naming the line.
func (s *sharedConfig) duration() (time.Duration, error) {
	v := s.value("duration_seconds")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, s.keyError("duration_seconds", fmt.Sprintf("duration_seconds is %q, not a number of seconds", v))
	}
	return time.Duration(n) * time.Second, nil
}

// SharedConfigProfileNotExistError is a profile that none of the files has.
type SharedConfigProfileNotExistError struct {
	Filename []string
	Profile  string
	Err      error
}

func (e SharedConfigProfileNotExistError) Unwrap() error { return e.Err }

func (e SharedConfigProfileNotExistError) Error() string {
	return fmt.Sprintf("the AWS profile %q is in none of %s", e.Profile, strings.Join(e.Filename, ", "))
}

// SharedConfigAssumeRoleError is a role profile whose source_profile is
// missing or has no credentials.
type SharedConfigAssumeRoleError struct {
	Profile string // the source profile
	RoleARN string
	Where   string // the source_profile line
	Err     error
}

func (e SharedConfigAssumeRoleError) Unwrap() error { return e.Err }

func (e SharedConfigAssumeRoleError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: source_profile %q (for role %s) does not exist; add it or fix the name", e.Where, e.Profile, e.RoleARN)
	}
	return fmt.Sprintf("%s: source_profile %q (for role %s) has no credentials; give it aws_access_key_id and aws_secret_access_key, or another credential source", e.Where, e.Profile, e.RoleARN)
}
