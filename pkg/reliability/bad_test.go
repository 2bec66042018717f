package reliability

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/world"
)

// badCase is one file of testdata/bad: a header, "---", then the content.
//
//	command: ARGS        the binary's arguments, split at blanks; \xNN escapes
//	file: PATH           where the content goes, under HOME; "env:NAME" puts
//	                     it in an environment variable; empty for none
//	want-exit: N         the exit code (plugin/cmdutil)
//	want-message: TEXT   a part of stderr
//
// A secret planted in the content (a word starting PLANTED) must appear in
// neither stdout nor stderr.
//
//	cluster: NAME ENDPOINT CA
//	                     the local AWS describes cluster NAME with this
//	                     endpoint and certificateAuthority.data (a hostile
//	                     DescribeCluster answer); the case runs against it
//	special: fifo PATH   a named pipe at PATH, under HOME
//	special: link PATH TARGET
//	                     a symlink at PATH to TARGET (/dev/zero...)
//	special: big PATH N  N NUL bytes at PATH
//	env: NAME=VALUE      an environment variable; $HOME is the case's HOME,
//	                     in command lines too
//	want-max-stderr: N   stderr holds at most N bytes (default 8192)
type badCase struct {
	cluster    []string
	special    [][]string
	env        []string
	maxStderr  int
	command    []string
	file       string
	wantExit   int
	wantMsg    string
	content    []byte
	hasContent bool
}

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if n, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func parseCase(t *testing.T, data []byte) badCase {
	head, content, ok := bytes.Cut(data, []byte("\n---\n"))
	if !ok {
		t.Fatal("no --- line")
	}
	c := badCase{content: content, hasContent: len(content) > 0, maxStderr: 8192}
	for _, l := range strings.Split(string(head), "\n") {
		k, v, _ := strings.Cut(l, ": ")
		switch k {
		case "command":
			for _, f := range strings.Fields(v) {
				c.command = append(c.command, unescape(f))
			}
		case "file":
			c.file = v
		case "want-exit":
			c.wantExit, _ = strconv.Atoi(v)
		case "want-message":
			c.wantMsg = v
		case "cluster":
			c.cluster = strings.Fields(v)
		case "special":
			c.special = append(c.special, strings.Fields(v))
		case "env":
			c.env = append(c.env, v)
		case "want-max-stderr":
			c.maxStderr, _ = strconv.Atoi(v)
		}
	}
	return c
}

// snapshot reads every regular file under dir.
func snapshot(dir string) map[string][]byte {
	out := map[string][]byte{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out[p], _ = os.ReadFile(p)
		}
		return nil
	})
	return out
}

// makeSpecial makes the case's special files under home: named pipes,
// symlinks to devices, files too large to read.
func makeSpecial(t *testing.T, home string, specials [][]string) {
	t.Helper()
	for _, sp := range specials {
		if len(sp) < 2 {
			t.Fatalf("special: %v", sp)
		}
		p := filepath.Join(home, sp[1])
		os.MkdirAll(filepath.Dir(p), 0o700)
		os.Remove(p)
		var err error
		switch {
		case sp[0] == "fifo":
			err = syscall.Mkfifo(p, 0o600)
		case sp[0] == "link" && len(sp) == 3:
			err = os.Symlink(sp[2], p)
		case sp[0] == "big" && len(sp) == 3:
			var n int64
			if n, err = strconv.ParseInt(sp[2], 10, 64); err == nil {
				err = os.WriteFile(p, make([]byte, n), 0o600)
			}
		default:
			t.Fatalf("special: %v", sp)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestBadInputs runs the real binary on each case of testdata/bad and checks
// the exit code, a message naming the problem, no stack trace, and that no
// input file changed.
func TestBadInputs(t *testing.T) {
	bin := binary(t)
	files, _ := filepath.Glob("../../testdata/bad/*.case")
	if len(files) < 60 {
		t.Fatalf("%d cases in testdata/bad, want at least 60", len(files))
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".case")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c := parseCase(t, data)
			home := t.TempDir()
			write := func(rel string, content []byte) {
				p := filepath.Join(home, rel)
				os.MkdirAll(filepath.Dir(p), 0o700)
				if err := os.WriteFile(p, content, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			write(".aws/config", []byte("[profile dev1]\nregion = eu-west-1\n"))
			write(".aws/credentials", []byte("[dev1]\naws_access_key_id = AKIAFAKEFAKEFAKEFAKE\naws_secret_access_key = fakesecret\n"))
			env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"),
				"AWS_ENDPOINT_URL=http://127.0.0.1:1", "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1"}
			switch {
			case strings.HasPrefix(c.file, "env:"):
				env = append(env, strings.TrimPrefix(c.file, "env:")+"="+string(c.content))
			case strings.HasSuffix(c.file, "/"): // a folder where a file should be
				os.Remove(filepath.Join(home, c.file))
				os.MkdirAll(filepath.Join(home, c.file, "x"), 0o700)
			case name == "kubeconfig-symlink-loop":
				os.MkdirAll(filepath.Join(home, ".kube"), 0o700)
				os.Symlink("config2", filepath.Join(home, c.file))
				os.Symlink("config", filepath.Join(home, ".kube", "config2"))
			case c.file != "":
				write(c.file, c.content)
			}
			if len(c.cluster) == 3 {
				// A hostile DescribeCluster answer, served by the local AWS.
				l := startAWS(t)
				if err := l.srv.SetCluster(t.Context(), world.ClusterOverride{Region: region, Name: c.cluster[0], Endpoint: c.cluster[1], CAData: unescape(c.cluster[2])}); err != nil {
					t.Fatal(err)
				}
				write(".aws/credentials", []byte("[dev1]\naws_access_key_id = "+l.keyID+"\naws_secret_access_key = "+l.secret+"\n"))
				env = append(env, "AWS_ENDPOINT_URL="+l.srv.URL, "AWS_ENDPOINT_URL_STS="+l.srv.URL)
			}
			makeSpecial(t, home, c.special)
			for _, kv := range c.env {
				env = append(env, strings.ReplaceAll(kv, "$HOME", home))
			}
			args := make([]string, len(c.command))
			for i, a := range c.command {
				args[i] = strings.ReplaceAll(a, "$HOME", home)
			}
			before := snapshot(home)
			// A hang (a named pipe read to the end) must fail the case,
			// not the whole run.
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, args...)
			cmd.Env = env
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err = cmd.Run()
			if ctx.Err() != nil {
				t.Fatalf("still running after 30 s (killed); stderr: %.300q", stderr.String())
			}
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			msg := stderr.String()
			if code != c.wantExit {
				t.Errorf("exit %d, want %d; stderr: %.300q", code, c.wantExit, msg)
			}
			if !strings.Contains(msg, c.wantMsg) {
				t.Errorf("stderr does not say %q: %.500q", c.wantMsg, msg)
			}
			if bytes.Contains(c.content, []byte("PLANTED")) && strings.Contains(stdout.String()+msg, "PLANTED") {
				t.Errorf("the output holds the secret planted in the file: %.500q", stdout.String()+msg)
			}
			if strings.Contains(msg, "goroutine ") || strings.Contains(msg, "panic:") {
				t.Errorf("stack trace on stderr: %.500s", msg)
			}
			if n := strings.Count(strings.TrimSpace(msg), "\n"); n > 20 {
				t.Errorf("%d lines of stderr", n)
			}
			if len(msg) > c.maxStderr {
				t.Errorf("%d bytes of stderr, want at most %d: %.300q", len(msg), c.maxStderr, msg)
			}
			after := snapshot(home)
			for p, b := range before {
				if !bytes.Equal(after[p], b) {
					t.Errorf("%s changed", p)
				}
			}
		})
	}
}
