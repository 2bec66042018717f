package yamlutil

import (
	"errors"
	"testing"
)

func TestLine(t *testing.T) {
	tests := []struct {
		in       string
		wantLine int
		wantMsg  string
	}{
		{"yaml: line 3: mapping values are not allowed in this context", 3, "mapping values are not allowed in this context"},
		{"yaml: line 12: did not find expected key", 12, "did not find expected key"},
		{"yaml: control characters are not allowed", 0, "control characters are not allowed"},
		{"yaml: line x: odd", 0, "line x: odd"},
		{"something else", 0, "something else"},
	}
	for _, tt := range tests {
		line, msg := Line(errors.New(tt.in))
		if line != tt.wantLine || msg != tt.wantMsg {
			t.Errorf("Line(%q) = %d, %q; want %d, %q", tt.in, line, msg, tt.wantLine, tt.wantMsg)
		}
	}
}
