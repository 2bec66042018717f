package iostreams

import "testing"

func TestVisible(t *testing.T) {
	tests := []struct{ in, want string }{
		{"developers", "developers"},
		{"dev\x1b[2Jx", `dev\x1b[2Jx`},
		{"dev\rgroups: system:masters", `dev\rgroups: system:masters`},
		{"a\nb\tc", `a\nb\tc`},
		{"del\x7f c1\u0085 csi\u009b", `del\x7f c1\u0085 csi\u009b`},
		{"bidi\u202etxt.exe", `bidi\u202etxt.exe`},
		{"日本 café", "日本 café"},
	}
	for _, tt := range tests {
		if got := Visible(tt.in); got != tt.want {
			t.Errorf("Visible(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, want := Row("a\tb", "c\x1b[2J"), "a\\tb\tc\\x1b[2J\n"; got != want {
		t.Errorf("Row = %q, want %q", got, want)
	}
}
