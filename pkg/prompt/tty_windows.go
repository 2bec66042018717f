//go:build windows

package prompt

const ttyPath = "CONIN$"
