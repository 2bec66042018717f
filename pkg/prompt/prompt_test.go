package prompt

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestCode(t *testing.T) {
	tests := []struct {
		name    string
		allowed bool
		in      string
		calls   int
		// want is the code of the first call, or the error it must mention.
		want, wantErr string
		// asked is how often the question was printed over all calls.
		asked int
	}{
		{name: "a code", allowed: true, in: "123456\n", calls: 1, want: "123456", asked: 1},
		{name: "blanks around it", allowed: true, in: " 123456 \r\n", calls: 1, want: "123456", asked: 1},
		{name: "without a line end", allowed: true, in: "123456", calls: 1, want: "123456", asked: 1},
		{name: "not six digits", allowed: true, in: "12345\n", calls: 1, wantErr: "6 digits", asked: 1},
		{name: "letters", allowed: true, in: "12345a\n", calls: 1, wantErr: "6 digits", asked: 1},
		{name: "input at its end asks once", allowed: true, in: "", calls: 3, wantErr: "the input ended", asked: 1},
		{name: "not allowed asks nothing", allowed: false, in: "123456\n", calls: 2, wantErr: "no terminal to ask for it; run it by hand", asked: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			m := &MFA{In: strings.NewReader(tt.in), Out: &out, Allowed: tt.allowed, Refusal: "run it by hand"}
			for i := 0; i < tt.calls; i++ {
				code, err := m.Code("arn:aws:iam::123456789012:mfa/me")
				if i > 0 {
					continue
				}
				if tt.wantErr == "" && (err != nil || code != tt.want) {
					t.Fatalf("Code = %q, %v; want %q", code, err, tt.want)
				}
				if tt.wantErr != "" && (!errors.Is(err, ErrNoCode) || !strings.Contains(err.Error(), tt.wantErr)) {
					t.Fatalf("Code error %v; want ErrNoCode saying %q", err, tt.wantErr)
				}
			}
			if got := strings.Count(out.String(), "MFA code for arn:aws:iam::123456789012:mfa/me: "); got != tt.asked {
				t.Errorf("asked %d times, want %d:\n%s", got, tt.asked, out.String())
			}
		})
	}
}

// TestTerminal: when standard input is a terminal (as iostreams says), the
// answer comes from the controlling terminal, not from In.
func TestTerminal(t *testing.T) {
	var out strings.Builder
	tty := &fakeTTY{Reader: strings.NewReader("654321\n")}
	m := &MFA{In: strings.NewReader("123456\n"), Out: &out, Allowed: true, TTY: true,
		OpenTTY: func() (io.ReadWriteCloser, error) { return tty, nil }}
	code, err := m.Code("arn:aws:iam::123456789012:mfa/me")
	if err != nil || code != "654321" {
		t.Errorf("Code = %q, %v; want the terminal's 654321", code, err)
	}
	if !tty.closed {
		t.Error("the terminal was left open")
	}
}

type fakeTTY struct {
	io.Reader
	closed bool
}

func (f *fakeTTY) Write(p []byte) (int, error) { return len(p), nil }
func (f *fakeTTY) Close() error                { f.closed = true; return nil }

func TestTyped(t *testing.T) {
	tests := []struct {
		name, in string
		ok       bool
		wantErr  string
	}{
		{name: "the name", in: "my-example\n", ok: true},
		{name: "blanks around it", in: "  my-example \r\n", ok: true},
		{name: "another name", in: "my-exampl\n", ok: false},
		{name: "yes is not the name", in: "yes\n", ok: false},
		{name: "nothing typed", in: "\n", ok: false},
		{name: "input at its end", in: "", wantErr: "the input ended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			ok, err := Typed(strings.NewReader(tt.in), &out, "Type the cluster's name to confirm: ", "my-example")
			if ok != tt.ok || (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Typed = %v, %v; want %v, error %q", ok, err, tt.ok, tt.wantErr)
			}
			if !strings.HasPrefix(out.String(), "Type the cluster's name to confirm: ") {
				t.Errorf("the question was %q", out.String())
			}
		})
	}
}
