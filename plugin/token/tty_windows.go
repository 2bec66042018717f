//go:build windows

package token

const ttyPath = "CONIN$"
