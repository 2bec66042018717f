package kubeconfig

import (
	"bytes"
	"strings"
	"testing"
)

// TestLineEndingsAndBOMKept: a kubeconfig with CRLF line ends, a UTF-8
// byte order mark, or both, keeps them through login and logout (issue
// 18.8): before, the rewrite turned the whole file into LF without a BOM.
func TestLineEndingsAndBOMKept(t *testing.T) {
	lf := load(t, "kubectl-written.yaml").Data
	crlf := bytes.ReplaceAll(lf, []byte("\n"), []byte("\r\n"))
	bom := []byte("\xef\xbb\xbf")
	tests := []struct {
		name string
		in   []byte
	}{
		{"CRLF", crlf},
		{"BOM", append(append([]byte{}, bom...), lf...)},
		{"BOM and CRLF", append(append([]byte{}, bom...), crlf...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("config", tt.in, true)
			if err != nil {
				t.Fatal(err)
			}
			p, err := f.PlanLogin(login("dev1-eks", "dev", ""))
			if err != nil {
				t.Fatal(err)
			}
			wantCRLF, wantBOM := bytes.Contains(tt.in, []byte("\r\n")), bytes.HasPrefix(tt.in, bom)
			if got := bytes.HasPrefix(p.New, bom); got != wantBOM {
				t.Errorf("BOM kept: %v, want %v", got, wantBOM)
			}
			body := bytes.TrimPrefix(p.New, bom)
			lfs, crlfs := bytes.Count(body, []byte("\n")), bytes.Count(body, []byte("\r\n"))
			if wantCRLF && crlfs != lfs {
				t.Errorf("%d of %d line ends are CRLF, want all:\n%q", crlfs, lfs, p.New)
			}
			if !wantCRLF && crlfs != 0 {
				t.Errorf("%d CRLF line ends in an LF file", crlfs)
			}
			// Every line of the old file that is not ours is still there, as it was.
			for _, line := range strings.SplitAfter(string(bytes.TrimPrefix(tt.in, bom)), "\n") {
				if !strings.HasPrefix(line, "current-context:") && !bytes.Contains(body, []byte(line)) {
					t.Errorf("line %q is gone", line)
				}
			}
			checkWithKubectl(t, p.New, []Login{login("dev1-eks", "dev", "")})
			// And logout gives back the very file.
			nf, err := Parse("config", p.New, true)
			if err != nil {
				t.Fatal(err)
			}
			rm, err := nf.PlanRemove("dev")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(rm.New, tt.in) {
				t.Errorf("after logout:\n%q\nwant:\n%q", rm.New, tt.in)
			}
		})
	}
}
