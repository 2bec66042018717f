//go:build !unix

package fsutil

const openNoBlock = 0
