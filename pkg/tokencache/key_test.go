package tokencache

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

func baseKeyInput() KeyInput {
	return KeyInput{
		ClusterName: "my-example",
		Region:      "ap-northeast-2",
		Profile:     "dev1-eks",
		Env:         map[string]string{"AWS_PROFILE": "dev1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE"},
		Files: []FileStamp{
			{Path: "/home/me/.aws/config", Exists: true, ID: "66305:1234:120:1767323045000000000:1767323045000000000"},
			{Path: "/home/me/.aws/credentials", Exists: true, ID: "66305:1235:80:1767323045000000000:1767323045000000000"},
		},
	}
}

func TestKeyChangesWithEachInput(t *testing.T) {
	base := Key(baseKeyInput())
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(base) {
		t.Fatalf("key %q is not 64 hex digits", base)
	}
	if again := Key(baseKeyInput()); again != base {
		t.Fatalf("the same input gave two keys: %s, %s", base, again)
	}
	mutations := []struct {
		name string
		edit func(*KeyInput)
	}{
		{"cluster", func(k *KeyInput) { k.ClusterName = "other" }},
		{"region flag", func(k *KeyInput) { k.Region = "eu-west-1" }},
		{"profile flag", func(k *KeyInput) { k.Profile = "dev2-eks" }},
		{"role arn", func(k *KeyInput) { k.RoleARN = "arn:aws:iam::123456789012:role/EKSMyExampleViewer" }},
		{"session name", func(k *KeyInput) { k.SessionName = "alice" }},
		{"forward session name", func(k *KeyInput) { k.ForwardSessionName = true }},
		{"external id", func(k *KeyInput) { k.ExternalID = "x" }},
		{"sts endpoint", func(k *KeyInput) { k.STSEndpoint = "global" }},
		{"AWS_PROFILE", func(k *KeyInput) { k.Env["AWS_PROFILE"] = "dev2" }},
		{"AWS_REGION", func(k *KeyInput) { k.Env["AWS_REGION"] = "eu-west-1" }},
		{"AWS_DEFAULT_REGION", func(k *KeyInput) { k.Env["AWS_DEFAULT_REGION"] = "eu-west-1" }},
		{"access key", func(k *KeyInput) { k.Env["AWS_ACCESS_KEY_ID"] = "AKIDOTHER" }},
		{"access key unset", func(k *KeyInput) { delete(k.Env, "AWS_ACCESS_KEY_ID") }},
		{"access key empty vs unset", func(k *KeyInput) { delete(k.Env, "AWS_ACCESS_KEY_ID"); k.Env["AWS_SESSION_TOKEN"] = "" }},
		{"old access key name", func(k *KeyInput) { k.Env["AWS_ACCESS_KEY"] = "AKIDOTHER" }},
		{"old secret key name", func(k *KeyInput) { k.Env["AWS_SECRET_KEY"] = "other" }},
		{"configured endpoints ignored", func(k *KeyInput) { k.Env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true" }},
		{"a variable a later SDK reads", func(k *KeyInput) { k.Env["AWS_SOMETHING_NEW"] = "x" }},
		{"home", func(k *KeyInput) { k.Env["HOME"] = "/home/other" }},
		{"session token", func(k *KeyInput) { k.Env["AWS_SESSION_TOKEN"] = "FwoG" }},
		{"endpoint override", func(k *KeyInput) { k.Env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:5000" }},
		{"config path", func(k *KeyInput) { k.Files[0].Path = "/tmp/config" }},
		{"config identity", func(k *KeyInput) { k.Files[0].ID += "1" }},
		{"config gone", func(k *KeyInput) { k.Files[0] = FileStamp{Path: k.Files[0].Path} }},
		{"credentials identity", func(k *KeyInput) { k.Files[1].ID = "x" }},
		{"field boundary", func(k *KeyInput) { k.ClusterName, k.Region = "my-example\nregion=", "ap-northeast-2" }},
	}
	seen := map[string]string{base: "base"}
	for _, m := range mutations {
		in := baseKeyInput()
		m.edit(&in)
		k := Key(in)
		if prev, dup := seen[k]; dup {
			t.Errorf("changing %s gives the key of %s", m.name, prev)
		}
		seen[k] = m.name
	}
}

func TestEnvForKey(t *testing.T) {
	env := map[string]string{"AWS_PROFILE": "dev1", "AWS_REGION": "", "HOME": "/home/me", "AWS_SESSION_TOKEN": "FwoG",
		"AWS_SOMETHING_NEW": "x", "PATH": "/bin", "PWD": "/tmp", "KUBERNETES_EXEC_INFO": "{}"}
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	got := EnvForKey(func(k string) string { return env[k] }, environ)
	want := map[string]string{"AWS_PROFILE": "dev1", "AWS_SESSION_TOKEN": "FwoG", "AWS_SOMETHING_NEW": "x", "HOME": "/home/me"}
	if !maps.Equal(got, want) {
		t.Errorf("EnvForKey = %v, want %v", got, want)
	}
}

// TestStampFile: every way of making the path name other content changes
// the stamp, even when size and mtime stay as they were.
func TestStampFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	mtime := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	write := func(p, content string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	stamp := func() FileStamp {
		t.Helper()
		s, err := StampFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := stamp(); s.Exists {
		t.Errorf("a missing file stamps as existing: %+v", s)
	}
	write(path, "role_arn = arn:aws:iam::111111111111:role/a\n")
	seen := map[FileStamp]string{stamp(): "first"}
	steps := []struct {
		name string
		do   func()
	}{
		{"same-length edit, mtime set back", func() { write(path, "role_arn = arn:aws:iam::222222222222:role/a\n") }},
		{"another file renamed over it", func() {
			write(path+".b", "role_arn = arn:aws:iam::333333333333:role/a\n")
			os.Rename(path+".b", path)
		}},
		{"a symlink to another file", func() {
			write(path+".c", "role_arn = arn:aws:iam::444444444444:role/a\n")
			os.Remove(path)
			os.Symlink(path+".c", path)
		}},
		{"the symlink switched", func() {
			write(path+".d", "role_arn = arn:aws:iam::555555555555:role/a\n")
			os.Remove(path)
			os.Symlink(path+".d", path)
		}},
		{"removed", func() { os.Remove(path) }},
	}
	for _, st := range steps {
		st.do()
		s := stamp()
		if prev, dup := seen[s]; dup {
			t.Errorf("after %q the stamp is the one of %q: %+v", st.name, prev, s)
		}
		seen[s] = st.name
	}
}

func TestDefaultDir(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HOME": "/home/me"}, "/home/me/.kube/cache/eks-login"},
		{map[string]string{"HOME": "/home/me", "KUBECACHEDIR": "/var/cache/kube"}, "/var/cache/kube/eks-login"},
	}
	for _, tt := range tests {
		got, err := DefaultDir(func(k string) string { return tt.env[k] })
		if err != nil || got != filepath.FromSlash(tt.want) {
			t.Errorf("DefaultDir(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
}
