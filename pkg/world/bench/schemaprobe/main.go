// Command schemaprobe is the bench's floor program with the JSON Schema
// library linked in: make bench measures what its package inits would add to
// every kubectl call if the binary validated access files with it, rather
// than with the Go checks that pkg/accessfile's schema test holds to the
// schema.
package main

import (
	"os"

	_ "github.com/santhosh-tekuri/jsonschema/v6"
)

func main() {
	if _, err := os.ReadFile(os.Args[1]); err != nil {
		os.Exit(1)
	}
}
