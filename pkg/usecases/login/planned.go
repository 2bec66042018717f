package login

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
)

// plannedConfig is a private copy of the planned ~/.aws/config, for the SDK
// to read the new role profile from before anything is written (the SDK
// reads shared config from files only).
type plannedConfig struct {
	Path string
	dir  string
	sigs chan os.Signal
	done chan struct{}
	once sync.Once
}

// writePlannedConfig writes data into a new folder only this user can read.
// Until Remove, an interrupt or a termination signal removes the copy and
// ends the process: a signal while login waits at the MFA prompt must not
// leave a copy of ~/.aws/config behind.
func writePlannedConfig(data []byte, of string) (*plannedConfig, error) {
	dir, err := os.MkdirTemp("", "eks-login-")
	if err != nil {
		return nil, fmt.Errorf("cannot make a temporary folder to try the profile in: %w", err)
	}
	p := &plannedConfig{Path: filepath.Join(dir, "config"), dir: dir, sigs: make(chan os.Signal, 1), done: make(chan struct{})}
	signal.Notify(p.sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go p.removeOnSignal()
	if err := os.WriteFile(p.Path, data, 0o600); err != nil {
		p.Remove()
		return nil, fmt.Errorf("cannot write a temporary copy of %s: %w", of, err)
	}
	return p, nil
}

func (p *plannedConfig) removeOnSignal() {
	select {
	case sig := <-p.sigs:
		os.RemoveAll(p.dir)
		code := 1
		if s, ok := sig.(syscall.Signal); ok {
			code = 128 + int(s) // as a shell reports a process ended by sig
		}
		os.Exit(code)
	case <-p.done:
	}
}

// Remove deletes the copy and stops watching for signals.
func (p *plannedConfig) Remove() {
	p.once.Do(func() {
		signal.Stop(p.sigs)
		close(p.done)
		os.RemoveAll(p.dir)
	})
}
