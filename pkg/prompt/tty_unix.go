//go:build !windows

package prompt

const ttyPath = "/dev/tty"
