//go:build !unix

package tokencache

import "io/fs"

// checkPrivate has nothing to check where permissions are ACLs: the cache
// folder lives in the user's profile, which Windows already keeps private.
func checkPrivate(string, fs.FileInfo, bool) error { return nil }
