// Package reliability holds tests only: crash safety (SIGKILL while files
// are written), concurrency (parallel token and login calls against a local
// AWS), a corpus of bad inputs run through the real binary, and a scan of
// every command's output for secrets. See RELIABILITY.md at the top of the
// repository for what they found and how to run them.
package reliability
