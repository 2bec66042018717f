// Package env is what the use cases take from the process they run in: its
// environment, its clock and the --verbose log. Commands fill it from
// plugin/cmdutil's Factory, and tests by hand; nothing here reads the process
// itself, so a use case given an Env sees only what it was given.
package env

import "time"

// Env is a process's surroundings. Every field is required.
type Env struct {
	// Getenv reads one variable.
	Getenv func(string) string
	// Environ lists the variables as NAME=VALUE (the token cache keys on
	// the AWS_* ones); values are read through Getenv.
	Environ func() []string
	// Now is the clock.
	Now func() time.Time
}

// Logf writes a --verbose line. Callers never pass a secret. The zero value
// says nothing.
type Logf func(format string, args ...any)

// Printf writes the line, if l logs at all.
func (l Logf) Printf(format string, args ...any) {
	if l != nil {
		l(format, args...)
	}
}
