//go:build unix

package fsutil

import "syscall"

// openNoBlock opens a named pipe without waiting for a writer, so ReadFile
// can see what it opened and refuse it; regular files ignore the flag.
const openNoBlock = syscall.O_NONBLOCK
