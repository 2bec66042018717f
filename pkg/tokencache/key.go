package tokencache

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// KeyInput is everything that can change which token a call should get and
// that is known from the command line, the environment and file metadata
// alone.
//
// The key is computed this way because the warm path, the one kubectl takes
// on nearly every call, must not parse ~/.aws/config or make a network call:
// those are what make a cold call slow. Instead of the resolved identity we
// hash what determines it: the flags, the AWS_* variables the SDK reads, and
// the path, size and modification time of the shared config and credentials
// files, so that editing a profile (or rotating keys in it) starts a new
// entry. ExecCredential's apiVersion is left out: the same token serves both.
type KeyInput struct {
	ClusterName        string
	Region             string // the --region flag, not the resolved region
	Profile            string // the --profile flag
	RoleARN            string
	SessionName        string
	ForwardSessionName bool
	ExternalID         string
	STSEndpoint        string
	// Env holds the values of KeyEnvVars (missing ones are absent).
	Env map[string]string
	// Files are the shared config and credentials files.
	Files []FileStamp
}

// KeyEnvVars are the variables that change the identity, region or endpoint
// the SDK resolves.
var KeyEnvVars = []string{
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_REGION", "AWS_DEFAULT_REGION",
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
	"AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_EC2_METADATA_DISABLED",
	"AWS_LOGIN_CACHE_DIRECTORY",
}

// EnvForKey collects KeyEnvVars through getenv.
func EnvForKey(getenv func(string) string) map[string]string {
	env := make(map[string]string)
	for _, k := range KeyEnvVars {
		if v := getenv(k); v != "" {
			env[k] = v
		}
	}
	return env
}

// FileStamp identifies one version of a file without reading it.
type FileStamp struct {
	Path    string
	Exists  bool
	Size    int64
	ModTime time.Time
}

// StampFile stats path. A file that cannot be stat'ed counts as missing: the
// SDK will say what is wrong with it on the cold path.
func StampFile(path string) FileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return FileStamp{Path: path}
	}
	return FileStamp{Path: path, Exists: true, Size: fi.Size(), ModTime: fi.ModTime()}
}

// Key returns the cache key for in: hex SHA-256, safe as a file name.
func Key(in KeyInput) string {
	h := sha256.New()
	field := func(name, value string) {
		// Quoting makes the encoding unambiguous: no value can forge the
		// boundary to the next field.
		fmt.Fprintf(h, "%s=%s\n", name, strconv.Quote(value))
	}
	field("format", strconv.Itoa(formatVersion))
	field("cluster", in.ClusterName)
	field("region", in.Region)
	field("profile", in.Profile)
	field("role-arn", in.RoleARN)
	field("session-name", in.SessionName)
	field("forward-session-name", strconv.FormatBool(in.ForwardSessionName))
	field("external-id", in.ExternalID)
	field("sts-endpoint", in.STSEndpoint)
	for _, k := range KeyEnvVars {
		v, ok := in.Env[k]
		// Values enter as their own hash, so a secret never sits in clear in
		// the hashed buffer; presence is kept apart from the empty string.
		field("env."+k, strconv.FormatBool(ok)+":"+hashString(v))
	}
	for i, f := range in.Files {
		p := "file." + strconv.Itoa(i)
		field(p+".path", f.Path)
		field(p+".exists", strconv.FormatBool(f.Exists))
		field(p+".size", strconv.FormatInt(f.Size, 10))
		field(p+".mtime", strconv.FormatInt(f.ModTime.UnixNano(), 10))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func hashString(s string) string {
	h := sha256.New()
	io.WriteString(h, s)
	return hex.EncodeToString(h.Sum(nil))
}
