package iostreams

import "testing"

func TestDecisions(t *testing.T) {
	tests := []struct {
		name                          string
		stdin, stdout, stderr, never  bool
		noColor                       bool
		wantPrompt, wantColor, wantPr bool
	}{
		{name: "all terminals", stdin: true, stdout: true, stderr: true, wantPrompt: true, wantColor: true, wantPr: true},
		{name: "nothing a terminal"},
		{name: "kubectl: stdout is a pipe, stdin a terminal", stdin: true, stderr: true, wantPrompt: true, wantPr: true},
		{name: "kubectl says not interactive", stdin: true, stdout: true, stderr: true, never: true, wantColor: true, wantPr: true},
		{name: "NO_COLOR", stdin: true, stdout: true, stderr: true, noColor: true, wantPrompt: true, wantPr: true},
		{name: "stdin piped", stdout: true, stderr: true, wantColor: true, wantPr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _, _ := Test()
			s.SetStdinTTY(tt.stdin)
			s.SetStdoutTTY(tt.stdout)
			s.SetStderrTTY(tt.stderr)
			s.SetNeverPrompt(tt.never)
			s.noColor = tt.noColor
			if got := s.CanPrompt(); got != tt.wantPrompt {
				t.Errorf("CanPrompt = %v, want %v", got, tt.wantPrompt)
			}
			if got := s.ColorEnabled(); got != tt.wantColor {
				t.Errorf("ColorEnabled = %v, want %v", got, tt.wantColor)
			}
			if got := s.ProgressEnabled(); got != tt.wantPr {
				t.Errorf("ProgressEnabled = %v, want %v", got, tt.wantPr)
			}
		})
	}
}

func TestSystemReadsTheEnvironment(t *testing.T) {
	tests := []struct {
		env                  map[string]string
		wantNever, wantNoCol bool
	}{
		{env: map[string]string{}},
		{env: map[string]string{"NO_COLOR": "1"}, wantNoCol: true},
		{env: map[string]string{"TERM": "dumb"}, wantNoCol: true},
		{env: map[string]string{"EKS_LOGIN_NO_PROMPT": "1"}, wantNever: true},
	}
	for _, tt := range tests {
		s := System(func(k string) string { return tt.env[k] })
		if s.neverPrompt != tt.wantNever || s.noColor != tt.wantNoCol {
			t.Errorf("env %v: neverPrompt %v noColor %v, want %v %v", tt.env, s.neverPrompt, s.noColor, tt.wantNever, tt.wantNoCol)
		}
	}
}
