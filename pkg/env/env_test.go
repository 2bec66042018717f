package env

import (
	"fmt"
	"testing"
)

func TestLogf(t *testing.T) {
	var got []string
	l := Logf(func(format string, args ...any) { got = append(got, fmt.Sprintf(format, args...)) })
	l.Printf("cache: %s", "hit")
	if len(got) != 1 || got[0] != "cache: hit" {
		t.Errorf("logged %q, want [cache: hit]", got)
	}
	var silent Logf
	silent.Printf("nothing %d", 1) // must not panic
}
