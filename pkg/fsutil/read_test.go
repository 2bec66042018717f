package fsutil

import (
	"strings"
	"testing"
)

func TestQuoteShort(t *testing.T) {
	tests := []struct{ in, want string }{
		{"role_arn", `"role_arn"`},
		{"a\x00b", `"a\x00b"`},
		{strings.Repeat("x", 80), `"` + strings.Repeat("x", 80) + `"`},
		{strings.Repeat("\x00", 10<<20), `"` + strings.Repeat(`\x00`, 80) + `"… (10485680 more bytes)`},
		{strings.Repeat("é", 50), `"` + strings.Repeat("é", 40) + `"… (20 more bytes)`},
	}
	for _, tt := range tests {
		if got := QuoteShort(tt.in); got != tt.want {
			t.Errorf("QuoteShort(%.20q) = %.200s, want %.200s", tt.in, got, tt.want)
		}
	}
}
