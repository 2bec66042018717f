//go:build !windows

package token

const ttyPath = "/dev/tty"
