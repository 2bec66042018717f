package adminflags

import (
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/iostreams"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
)

// TestProgress: on a terminal's stderr, one line rewritten in place says
// which clusters are being applied; elsewhere nothing is drawn.
func TestProgress(t *testing.T) {
	for _, tty := range []bool{true, false} {
		ios, _, _, errOut := iostreams.Test()
		ios.SetStderrTTY(tty)
		p := NewProgress(ios, 2)
		a, b := &admin.ClusterPlan{Name: "a"}, &admin.ClusterPlan{Name: "b"}
		p.Started(a)
		p.Started(b)
		p.Finished(a)
		p.End()
		want := "\r\x1b[Kapplying: 0/2 clusters done; running: a\r\x1b[Kapplying: 0/2 clusters done; running: a, b\r\x1b[Kapplying: 1/2 clusters done; running: b\r\x1b[K"
		if !tty {
			want = ""
		}
		if got := errOut.String(); got != want {
			t.Errorf("tty %v: %q\nwant %q", tty, got, want)
		}
		if tty && strings.Count(errOut.String(), "\n") != 0 {
			t.Error("the progress line scrolls")
		}
	}
}
