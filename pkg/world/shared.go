package world

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// SharedAWS is the world's AWS alone (Options.AWSOnly), started once on
// first use for all of a test package's tests and stopped by Main. A
// package declares one and calls its Main from TestMain:
//
//	var theAWS world.SharedAWS
//	func TestMain(m *testing.M) { os.Exit(theAWS.Main(m)) }
type SharedAWS struct {
	once sync.Once
	w    *World
	dir  string
	err  error
}

// Main runs the package's tests inside the world's namespaces (where the
// real AWS host names lead to the local AWS), or as they are with -short,
// and stops the world if a test started it.
func (s *SharedAWS) Main(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		return m.Run()
	}
	return MainIsolated(func() int {
		code := m.Run()
		if s.w != nil {
			if code != 0 {
				if log, err := os.ReadFile(filepath.Join(s.dir, "localaws.log")); err == nil {
					fmt.Fprintf(os.Stderr, "localaws log:\n%s\n", log)
				}
			}
			if err := s.w.Stop(); err != nil {
				fmt.Fprintf(os.Stderr, "stop the test world: %v\n", err)
				code = 1
			}
		}
		if s.dir != "" {
			os.RemoveAll(s.dir)
		}
		return code
	})
}

// Get starts the world's AWS on first use, or skips the test with -short
// or without moto.
func (s *SharedAWS) Get(tb testing.TB) *World {
	tb.Helper()
	if testing.Short() {
		tb.Skip("starts the test world; skipped with -short")
	}
	if err := exec.Command("python3", "-c", "import moto").Run(); err != nil {
		tb.Skip("python3 with moto is not installed (pip install 'moto[server]==5.2.1'); see the Makefile")
	}
	s.once.Do(func() {
		if s.dir, s.err = os.MkdirTemp("", "eks-login-aws-world-"); s.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		s.w, s.err = Start(ctx, Options{Dir: s.dir, AWSOnly: true})
	})
	if s.err != nil {
		tb.Fatalf("start the test world: %v", s.err)
	}
	return s.w
}
