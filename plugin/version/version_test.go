package version

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/iostreams"
)

func TestRun(t *testing.T) {
	info := Info{Version: "v1.2.3", Commit: "abc1234", GoVersion: "go1.26.8", Platform: "linux/amd64"}
	tests := []struct {
		name, output string
		want         string // in the output; empty means no output at all
		wantErr      string // in the error; empty means no error
		wantCode     int
	}{
		{"text", "", "eks-login v1.2.3 (commit abc1234, go1.26.8, linux/amd64)\n", "", exitcode.OK},
		{"json", "json", `"version": "v1.2.3"`, "", exitcode.OK},
		{"unknown format", "yaml", "", `unknown output format "yaml"`, exitcode.Usage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(&Options{IO: &iostreams.IOStreams{Out: &out}, Output: tt.output, Info: info})
			if code := exitcode.Of(err); code != tt.wantCode {
				t.Fatalf("exit code %d, want %d (err %v)", code, tt.wantCode, err)
			}
			if tt.want == "" && out.Len() > 0 || !strings.Contains(out.String(), tt.want) {
				t.Fatalf("output %q, want %q", out.String(), tt.want)
			}
			if (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one saying %q", err, tt.wantErr)
			}
			if tt.output == "json" {
				var got Info
				if err := json.Unmarshal(out.Bytes(), &got); err != nil || got != info {
					t.Fatalf("json output %s decodes to %+v (%v), want %+v", out.String(), got, err, info)
				}
			}
		})
	}
}
