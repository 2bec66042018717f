package tokencache

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/eks-login/eks-login/pkg/fsutil"
)

// KeyInput is everything that can change which token a call should get and
// that is known from the command line, the environment and file metadata
// alone.
//
// The key is computed this way because the warm path, the one kubectl takes
// on nearly every call, must not parse ~/.aws/config or make a network call:
// those are what make a cold call slow. Instead of the resolved identity we
// hash what determines it: the flags, the environment variables the
// credential chain reads, and the identity of the shared config and
// credentials files (see FileStamp), so that any edit of a profile, or a
// switch to another file, starts a new entry. ExecCredential's apiVersion is
// left out: the same token serves both.
type KeyInput struct {
	ClusterName        string
	Region             string // the --region flag, not the resolved region
	Profile            string // the --profile flag
	RoleARN            string
	SessionName        string
	ForwardSessionName bool
	ExternalID         string
	STSEndpoint        string
	// Env holds the variables EnvForKey collects (unset ones are absent).
	Env map[string]string
	// Files are the shared config and credentials files.
	Files []FileStamp
}

// KeyEnvVars are the variables the AWS SDK's credential chain, region and
// endpoint resolution read (aws-sdk-go-v2's config, credentials and imds
// modules), and the home folder it finds the files and the SSO cache in.
// EnvForKey adds every other AWS_* variable set, so that a variable a later
// SDK learns to read still changes the key; TestKeyEnvVarsCoverTheSDK scans
// the SDK's sources for names this list or that rule misses.
var KeyEnvVars = []string{
	// Credentials, and what chooses them.
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCOUNT_ID",
	"AWS_ACCESS_KEY", "AWS_SECRET_KEY", // the old names, still read
	"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
	"AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	"AWS_LOGIN_CACHE_DIRECTORY", "AWS_AUTH_SCHEME_PREFERENCE",
	"AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_V1_DISABLED",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
	// Region and endpoints: the host that signs and the one named in the token.
	"AWS_REGION", "AWS_DEFAULT_REGION",
	"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	"AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_ACCOUNT_ID_ENDPOINT_MODE",
	"AWS_CA_BUNDLE",
	// The home folder: the default files and the SSO token cache are under it.
	"HOME", "USERPROFILE", "home",
}

// EnvForKey collects KeyEnvVars and every other AWS_* variable named in
// environ ("NAME=VALUE" entries, as os.Environ returns them), reading the
// values through getenv. Unset and empty variables are left out.
func EnvForKey(getenv func(string) string, environ []string) map[string]string {
	env := make(map[string]string)
	add := func(k string) {
		if v := getenv(k); v != "" {
			env[k] = v
		}
	}
	for _, k := range KeyEnvVars {
		add(k)
	}
	for _, kv := range environ {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			add(k)
		}
	}
	return env
}

// FileStamp identifies one version of a file without reading it.
type FileStamp struct {
	Path   string `json:"path"`
	Exists bool   `json:"exists,omitempty"`
	// ID tells this version of the file from every other: on Unix the
	// device, inode, size, mtime and ctime. A file switched by symlink or
	// rename has another inode; an edit changes the ctime, which, unlike
	// the mtime (touch -d), no user call can set back. Elsewhere it is a
	// hash of the content.
	ID string `json:"id,omitempty"`
}

// StampFile stats path (following links). A missing file, or one that cannot
// be stat'ed, stamps as missing: the SDK will say what is wrong with it on
// the cold path. A path that is not a regular file, or is too large to read,
// is refused (fsutil.CheckRegular): the SDK would hang on a named pipe.
func StampFile(path string) (FileStamp, error) {
	fi, err := fsutil.StatRegular(path)
	if errors.Is(err, fsutil.ErrRefused) {
		return FileStamp{Path: path}, err
	}
	if err != nil || fi == nil {
		return FileStamp{Path: path}, nil
	}
	id, err := fileID(path, fi)
	if errors.Is(err, fsutil.ErrRefused) {
		return FileStamp{Path: path}, err
	}
	if err != nil {
		return FileStamp{Path: path}, nil
	}
	return FileStamp{Path: path, Exists: true, ID: id}, nil
}

// Key returns the cache key for in: hex SHA-256, safe as a file name.
func Key(in KeyInput) string { return key(in, "") }

// key hashes in; a kind other than a token's ("") is a field of its own,
// so that no cluster name can give its key.
func key(in KeyInput, kind string) string {
	h := sha256.New()
	field := func(name, value string) {
		// Quoting makes the encoding unambiguous: no value can forge the
		// boundary to the next field.
		fmt.Fprintf(h, "%s=%s\n", name, strconv.Quote(value))
	}
	field("format", strconv.Itoa(formatVersion))
	if kind != "" {
		field("kind", kind)
	}
	field("cluster", in.ClusterName)
	field("region", in.Region)
	field("profile", in.Profile)
	field("role-arn", in.RoleARN)
	field("session-name", in.SessionName)
	field("forward-session-name", strconv.FormatBool(in.ForwardSessionName))
	field("external-id", in.ExternalID)
	field("sts-endpoint", in.STSEndpoint)
	for _, k := range slices.Sorted(maps.Keys(in.Env)) {
		// Values enter as their own hash, so a secret never sits in clear in
		// the hashed buffer.
		field("env."+k, hashString(in.Env[k]))
	}
	for i, f := range in.Files {
		p := "file." + strconv.Itoa(i)
		field(p+".path", f.Path)
		field(p+".exists", strconv.FormatBool(f.Exists))
		field(p+".id", f.ID)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// CredentialsKey is the key of the role credentials that the tokens of
// every cluster of one profile share (Cache.Shared): in's key without the
// cluster. in.Region should be the region's partition: credentials serve
// every region of theirs.
func CredentialsKey(in KeyInput) string {
	in.ClusterName = ""
	return key(in, KindCredentials)
}

func hashString(s string) string {
	h := sha256.New()
	io.WriteString(h, s)
	return hex.EncodeToString(h.Sum(nil))
}

// contentID is a hash of the file's content, for systems without inode and
// ctime: slower than a stat, but it sees every edit.
func contentID(path string) (string, error) {
	data, err := fsutil.ReadFile(path)
	if err != nil {
		return "", err
	}
	return "sha256:" + hashString(string(data)), nil
}
