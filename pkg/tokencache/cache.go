// Package tokencache keeps minted EKS tokens, and the temporary credentials
// that signed them, on disk between kubectl calls, in the manner of
// kubelogin's token cache repository. kubectl runs the credential plugin
// before nearly every request; the cache turns that from a config parse and
// an STS round trip into reading one small file.
//
// An entry is reused in three steps: its token while it has at least a
// minute left; else its credentials, to sign a new token locally, while they
// have at least five minutes left; else the caller mints afresh. A lock file
// per key is held from the check to the store, so concurrent cold calls (a
// burst of kubectl, k9s starting up) make one STS call, not one each.
package tokencache

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/eks-login/eks-login/pkg/fsutil"
)

// formatVersion is written into every entry and the key; bump it when the
// entry's meaning changes, so old entries are simply not found.
const formatVersion = 2

const (
	// TokenMinRemaining is the least life a cached token needs to be handed
	// out: kubectl may hold it for a while before its request lands.
	TokenMinRemaining = time.Minute
	// CredentialsMinRemaining is the least life cached credentials need to
	// sign a new token, which lives up to 14 minutes but is cut short at the
	// credentials' expiry.
	CredentialsMinRemaining = 5 * time.Minute
	// maxTokenLifetime bounds what we believe of an entry: EKS accepts a token
	// for 15 minutes, so an entry claiming more comes from a clock that moved
	// back, or from someone else's hand.
	maxTokenLifetime = 15 * time.Minute
)

// Credentials are the temporary credentials that signed an entry's token.
type Credentials struct {
	AccessKeyID     string    `json:"accessKeyId"`
	SecretAccessKey string    `json:"secretAccessKey"`
	SessionToken    string    `json:"sessionToken,omitempty"`
	Expiration      time.Time `json:"expiration"`
}

// Entry is one cached token with what is needed to sign its successor without
// loading the AWS config.
type Entry struct {
	Version int `json:"version"`
	// Kind is KindCredentials for the role credentials the entries of
	// several clusters share (Shared); "" for a token's entry.
	Kind       string    `json:"kind,omitempty"`
	Token      string    `json:"token"`
	Expiration time.Time `json:"expiration"`
	// Credentials is nil for long-term keys: those already live in
	// ~/.aws/credentials or the environment, and are not copied here.
	Credentials *Credentials `json:"credentials,omitempty"`
	// Metadata, none of it secret: who the token speaks for, the role that
	// was assumed and the identity that assumed it, and where it was signed.
	CallerARN      string `json:"callerArn,omitempty"`
	RoleARN        string `json:"roleArn,omitempty"`
	SourceIdentity string `json:"sourceIdentity,omitempty"`
	Region         string `json:"region"`
	Partition      string `json:"partition,omitempty"`
	// Cluster and Profile are the token command's --cluster-name and
	// --profile, so that logout can find the entries of one login: the key
	// is a hash and says nothing.
	Cluster string `json:"cluster,omitempty"`
	Profile string `json:"profile,omitempty"`
	// Files are the stamps of the AWS files the key was computed from:
	// once a file changes, no call computes this key again, and Prune
	// removes the entry with its live credentials.
	Files []FileStamp `json:"files,omitempty"`
}

// Minter makes entries on a miss. The cache decides which method to call.
type Minter interface {
	// Mint gets fresh credentials and signs a token with them.
	Mint(ctx context.Context) (Entry, error)
	// Resign signs a new token with old's credentials, without a network
	// call, keeping old's metadata.
	Resign(ctx context.Context, old Entry) (Entry, error)
}

// Mode says how far to trust the cache.
type Mode int

const (
	// Use reuses what is still valid and stores what is minted.
	Use Mode = iota
	// Refresh ignores the entry and replaces it (--force-refresh).
	Refresh
	// Bypass neither reads nor writes anything (--no-cache).
	Bypass
)

// Outcome says where a token came from, for logs and tests.
type Outcome int

const (
	Minted   Outcome = iota // fresh credentials
	Hit                     // the cached token
	Resigned                // a new token from cached credentials
)

func (o Outcome) String() string {
	switch o {
	case Hit:
		return "hit"
	case Resigned:
		return "resigned"
	}
	return "minted"
}

// Cache is a folder of entries, one file per key.
type Cache struct {
	Dir string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logf receives progress lines for --verbose; nil discards them. They
	// never hold a secret.
	Logf func(format string, args ...any)
	// Files are the stamps of the AWS files the keys are computed from,
	// recorded in the entries stored (see Entry.Files).
	Files []FileStamp
	// LockWait bounds the wait for another process minting the same entry;
	// 0 means fsutil.DefaultLockWait.
	LockWait time.Duration
	// GiveUp, when set, sees the holder of the lock while waiting, and ends
	// the wait at once when it returns true: a caller that cannot prompt
	// need not wait for a holder at an MFA prompt.
	GiveUp func(fsutil.Holder) bool

	minting atomic.Pointer[fsutil.FileLock] // the lock held while the Minter mints
	sharing atomic.Pointer[fsutil.FileLock] // the shared credentials' lock, held while they are got
}

// KindCredentials marks an entry that holds role credentials only, shared
// by the tokens of every cluster of one profile (Shared).
const KindCredentials = "credentials"

// PromptingMFA is what a Minter notes (Note) while it asks for an MFA code.
const PromptingMFA = "waiting for an MFA code"

// Note tells the processes waiting for the entry being minted what the
// Minter is doing (PromptingMFA), "" when done. Outside a mint it does
// nothing.
func (c *Cache) Note(doing string) {
	c.minting.Load().Note(doing)
	c.sharing.Load().Note(doing)
}

// lock takes key's lock within the cache's bound.
func (c *Cache) lock(key string) (*fsutil.FileLock, error) {
	lock, err := fsutil.Lock(filepath.Join(c.Dir, key+".lock"), fsutil.LockOptions{Wait: c.LockWait, GiveUp: c.GiveUp})
	if err != nil {
		return nil, fmt.Errorf("cannot lock the token cache entry: %w", err)
	}
	return lock, nil
}

// DefaultDir is where entries go without --cache-dir: beside kubectl's own
// caches, under $KUBECACHEDIR when set, else ~/.kube/cache.
func DefaultDir(getenv func(string) string) (string, error) {
	if d := getenv("KUBECACHEDIR"); d != "" {
		return filepath.Join(d, "eks-login"), nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", fmt.Errorf("cannot find your home folder for the token cache (%w); pass --cache-dir", err)
		}
	}
	return filepath.Join(home, ".kube", "cache", "eks-login"), nil
}

// Path is the file that holds key's entry.
func (c *Cache) Path(key string) string { return filepath.Join(c.Dir, key+".json") }

// Get returns an entry for key according to mode, asking m for a new one
// when the cache cannot serve. A hit reads the entry without a lock; a
// miss holds key's lock from the second look to the store: a second process
// with the same key waits, then finds the first one's entry.
func (c *Cache) Get(ctx context.Context, key string, mode Mode, m Minter) (Entry, Outcome, error) {
	if mode == Bypass {
		c.logf("cache: not used (--no-cache)")
		e, err := m.Mint(ctx)
		return e, Minted, err
	}
	if err := c.ensureDir(); err != nil {
		return Entry{}, Minted, err
	}
	path := c.Path(key)
	if err := checkExisting(path); err != nil {
		return Entry{}, Minted, err
	}
	if mode == Use {
		// A hit takes no lock: entries are replaced by rename, so a reader
		// sees a whole one. Warm calls then never wait behind a process
		// that is minting, and skip the lock file; anything but a hit is
		// decided again under the lock below.
		if old, ok := c.read(path, nil); ok && c.usable(old) {
			return old, Hit, nil
		}
	}
	lock, err := c.lock(key)
	if err != nil {
		return Entry{}, Minted, err
	}
	defer lock.Unlock()
	if err := checkExisting(path); err != nil {
		return Entry{}, Minted, err
	}
	if mode == Use {
		if e, outcome, ok := c.reuse(ctx, path, m); ok {
			return e, outcome, nil
		}
	} else {
		c.logf("cache: ignoring the cached entry (--force-refresh)")
	}
	c.minting.Store(lock)
	e, err := m.Mint(ctx)
	c.minting.Store(nil)
	if err != nil {
		return Entry{}, Minted, err
	}
	c.store(path, e)
	return e, Minted, nil
}

// reuse serves the entry at path, under its lock: its token, or a new token
// signed with its credentials.
func (c *Cache) reuse(ctx context.Context, path string, m Minter) (Entry, Outcome, bool) {
	old, ok := c.load(path)
	if !ok {
		return Entry{}, Minted, false
	}
	if c.usable(old) {
		return old, Hit, true
	}
	cr := old.Credentials
	if cr == nil || cr.AccessKeyID == "" || cr.SecretAccessKey == "" || cr.Expiration.Sub(c.now()) < CredentialsMinRemaining {
		c.logf("cache: token and credentials expired")
		return Entry{}, Minted, false
	}
	c.logf("cache: token expired; signing a new one with the cached credentials (valid until %s)", cr.Expiration.UTC().Format(time.RFC3339))
	e, err := m.Resign(ctx, old)
	if err != nil {
		c.logf("cache: cannot sign with the cached credentials (%v); getting new ones", err)
		return Entry{}, Minted, false
	}
	c.store(path, e)
	return e, Resigned, true
}

// Put stores e as key's entry, under key's lock: a command that got
// credentials for the same key another way (login, which assumes the role
// to check the cluster) hands them over, so the token command's next run
// is a hit rather than a second AssumeRole and MFA prompt.
func (c *Cache) Put(key string, e Entry) error { return c.putLocked(key, e) }

// putLocked stores e at key under key's lock.
func (c *Cache) putLocked(key string, e Entry) error {
	if err := c.ensureDir(); err != nil {
		return err
	}
	lock, err := c.lock(key)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	path := c.Path(key)
	if err := checkExisting(path); err != nil {
		return err
	}
	c.store(path, e)
	return nil
}

// usable tells whether e's token may be handed out now, and logs the hit.
func (c *Cache) usable(e Entry) bool {
	left := e.Expiration.Sub(c.now())
	if left < TokenMinRemaining || left > maxTokenLifetime {
		return false
	}
	c.logf("cache: hit, token valid until %s (%s left)", e.Expiration.UTC().Format(time.RFC3339), left.Round(time.Second))
	return true
}

// load reads path. A missing, unreadable or corrupt entry is a miss; a corrupt
// one is said so, and is replaced by the store that follows.
func (c *Cache) load(path string) (Entry, bool) { return c.read(path, c.logf) }

// read is load, logging through logf (nil: silently, for the first look
// before the lock, whose misses are looked at again under it).
func (c *Cache) read(path string, logf func(format string, args ...any)) (Entry, bool) {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	data, err := fsutil.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		logf("cache: miss, no entry at %s", path)
		return Entry{}, false
	}
	if err != nil {
		logf("cache: cannot read %s (%v); replacing it", path, err)
		return Entry{}, false
	}
	var e Entry
	if err := json.Unmarshal(data, &e); err != nil {
		logf("cache: entry %s is corrupt (%v); replacing it", path, err)
		return Entry{}, false
	}
	if e.Version != formatVersion {
		logf("cache: entry %s has format %d, not %d; replacing it", path, e.Version, formatVersion)
		return Entry{}, false
	}
	if e.Token == "" || e.Region == "" || e.Expiration.IsZero() {
		logf("cache: entry %s is corrupt (it lacks the token, its expiry or the region); replacing it", path)
		return Entry{}, false
	}
	return e, true
}

// store writes e. A failure costs the next call a cold start, not this call
// its token, so it is logged rather than returned.
func (c *Cache) store(path string, e Entry) {
	e.Version = formatVersion
	if e.Files == nil {
		e.Files = c.Files
	}
	data, err := json.MarshalIndent(e, "", "  ")
	if err == nil {
		err = fsutil.WriteCacheFile(path, append(data, '\n'), 0o600)
	}
	if err != nil {
		c.logf("cache: cannot store the entry: %v", err)
		return
	}
	c.logf("cache: stored %s", path)
}

// Forget removes the entries minted for cluster with profile (logout's part
// of the cache), each under its key's lock so that no token call is
// half-way through it. With dryRun it only counts them. A missing folder
// holds nothing; unreadable entries are not ours to judge and are skipped.
func (c *Cache) Forget(cluster, profile string, dryRun bool) (int, error) {
	return c.remove(func(e Entry) bool { return e.Cluster == cluster && e.Profile == profile }, dryRun)
}

// Prune removes the entries that no call can find any more, with the live
// credentials they hold: entries of another format, and entries keyed on a
// version of the AWS files that is gone (a stamp never comes back, see
// FileStamp). Login and logout call it after editing ~/.aws/config, which
// orphans every entry keyed on the file as it was.
func (c *Cache) Prune() (int, error) {
	return c.remove(func(e Entry) bool { return e.Version != formatVersion || stampsChanged(e.Files) }, false)
}

func stampsChanged(files []FileStamp) bool {
	for _, f := range files {
		if now, err := StampFile(f.Path); err != nil || now != f {
			return true
		}
	}
	return false
}

// remove deletes the entries that match, each under its key's lock; an entry
// whose lock is held (a token call is using it) is left for the next time.
func (c *Cache) remove(match func(Entry) bool, dryRun bool) (int, error) {
	if c.Dir == "" {
		return 0, nil // no folder, no entries (not the entries of the working folder)
	}
	names, err := filepath.Glob(filepath.Join(c.Dir, "*.json"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, path := range names {
		data, err := fsutil.ReadFile(path)
		if err != nil {
			continue
		}
		var e Entry
		if json.Unmarshal(data, &e) != nil || !match(e) {
			continue
		}
		if dryRun {
			n++
			continue
		}
		key := strings.TrimSuffix(filepath.Base(path), ".json")
		lock, err := fsutil.Lock(filepath.Join(c.Dir, key+".lock"), fsutil.LockOptions{Wait: c.LockWait})
		if err != nil {
			return n, fmt.Errorf("cannot lock the token cache entry: %w", err)
		}
		err = os.Remove(path)
		lock.Unlock()
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, fmt.Errorf("cannot remove the cached token %s: %w", path, err)
		}
		n++
	}
	return n, nil
}

// ensureDir creates the cache folder, private, or checks the one there.
func (c *Cache) ensureDir() error {
	if c.Dir == "" {
		return errors.New("the token cache folder is not set")
	}
	fi, err := os.Stat(c.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := fsutil.MkdirAllOwned(c.Dir, 0o700); err != nil {
			return fmt.Errorf("cannot create the token cache folder %s: %w", c.Dir, err)
		}
		fi, err = os.Stat(c.Dir)
	}
	if err != nil {
		return fmt.Errorf("cannot use the token cache folder %s: %w", c.Dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("the token cache folder %s is a file; remove it or pass another --cache-dir", c.Dir)
	}
	return checkPrivate(c.Dir, fi, true)
}

// checkExisting refuses an entry file others can read or write, before it is
// read or replaced (the atomic write would keep its mode).
func checkExisting(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot inspect the token cache file %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("the token cache file %s is not a regular file; remove it", path)
	}
	return checkPrivate(path, fi, false)
}

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Cache) logf(format string, args ...any) {
	if c.Logf != nil {
		c.Logf(format, args...)
	}
}

// Shared returns the role credentials stored at key (a CredentialsKey) when
// they have CredentialsMinRemaining left, for the caller to sign its own
// cluster's token with; else it calls mint and stores the credentials of
// the entry mint returns (without its token), and returns that entry with
// fresh set. It holds key's lock throughout, so that cold calls for
// different clusters of one profile make one AssumeRole, not one each.
// With refresh, stored credentials are not used, only replaced.
func (c *Cache) Shared(ctx context.Context, key string, refresh bool, mint func(context.Context) (Entry, error)) (e Entry, fresh bool, err error) {
	if err := c.ensureDir(); err != nil {
		return Entry{}, false, err
	}
	lock, err := c.lock(key)
	if err != nil {
		return Entry{}, false, err
	}
	defer lock.Unlock()
	path := c.Path(key)
	if err := checkExisting(path); err != nil {
		return Entry{}, false, err
	}
	if old, ok := c.readCredentials(path); ok && !refresh {
		c.logf("cache: role credentials shared by this profile's clusters, valid until %s", old.Credentials.Expiration.UTC().Format(time.RFC3339))
		return old, false, nil
	}
	c.sharing.Store(lock)
	e, err = mint(ctx)
	c.sharing.Store(nil)
	if err != nil {
		return Entry{}, true, err
	}
	if e.Credentials != nil {
		c.store(path, credentialsOnly(e))
	}
	return e, true, nil
}

// PutCredentials stores e's credentials at key (a CredentialsKey), under
// its lock: login hands over the role session it opened, for every
// cluster of the profile.
func (c *Cache) PutCredentials(key string, e Entry) error {
	if e.Credentials == nil {
		return errors.New("no credentials to share")
	}
	return c.putLocked(key, credentialsOnly(e))
}

// credentialsOnly is e without what belongs to one cluster's token.
func credentialsOnly(e Entry) Entry {
	e.Kind, e.Token, e.Expiration, e.Cluster = KindCredentials, "", time.Time{}, ""
	return e
}

// readCredentials reads the shared credentials at path, usable when they
// have CredentialsMinRemaining left.
func (c *Cache) readCredentials(path string) (Entry, bool) {
	data, err := fsutil.ReadFile(path)
	if err != nil {
		return Entry{}, false
	}
	var e Entry
	if json.Unmarshal(data, &e) != nil || e.Version != formatVersion || e.Kind != KindCredentials || e.Credentials == nil ||
		e.Credentials.AccessKeyID == "" || e.Credentials.SecretAccessKey == "" || e.Credentials.Expiration.Sub(c.now()) < CredentialsMinRemaining {
		return Entry{}, false
	}
	return e, true
}
