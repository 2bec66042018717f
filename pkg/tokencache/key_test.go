package tokencache

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

func baseKeyInput() KeyInput {
	mtime := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return KeyInput{
		ClusterName: "my-example",
		Region:      "ap-northeast-2",
		Profile:     "dev1-eks",
		Env:         map[string]string{"AWS_PROFILE": "dev1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE"},
		Files: []FileStamp{
			{Path: "/home/me/.aws/config", Exists: true, Size: 120, ModTime: mtime},
			{Path: "/home/me/.aws/credentials", Exists: true, Size: 80, ModTime: mtime},
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
		{"session token", func(k *KeyInput) { k.Env["AWS_SESSION_TOKEN"] = "FwoG" }},
		{"endpoint override", func(k *KeyInput) { k.Env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:5000" }},
		{"config path", func(k *KeyInput) { k.Files[0].Path = "/tmp/config" }},
		{"config size", func(k *KeyInput) { k.Files[0].Size++ }},
		{"config mtime", func(k *KeyInput) { k.Files[0].ModTime = k.Files[0].ModTime.Add(time.Nanosecond) }},
		{"config gone", func(k *KeyInput) { k.Files[0] = FileStamp{Path: k.Files[0].Path} }},
		{"credentials mtime", func(k *KeyInput) { k.Files[1].ModTime = k.Files[1].ModTime.Add(time.Second) }},
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
	env := map[string]string{"AWS_PROFILE": "dev1", "AWS_REGION": "", "HOME": "/home/me", "AWS_SESSION_TOKEN": "FwoG"}
	got := EnvForKey(func(k string) string { return env[k] })
	want := map[string]string{"AWS_PROFILE": "dev1", "AWS_SESSION_TOKEN": "FwoG"}
	if len(got) != len(want) {
		t.Fatalf("EnvForKey = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("EnvForKey[%s] = %q, want %q", k, got[k], v)
		}
	}
}

func TestStampFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if s := StampFile(path); s.Exists {
		t.Errorf("a missing file stamps as existing: %+v", s)
	}
	if err := os.WriteFile(path, []byte("[profile dev1]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := StampFile(path)
	if !before.Exists || before.Size != 15 {
		t.Errorf("stamp = %+v, want an existing file of 15 bytes", before)
	}
	// Editing the profile must change the key even within the same second.
	if err := os.WriteFile(path, []byte("[profile dev1]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	after := StampFile(path)
	in1, in2 := baseKeyInput(), baseKeyInput()
	in1.Files, in2.Files = []FileStamp{before}, []FileStamp{after}
	if Key(in1) == Key(in2) {
		t.Error("editing the config file does not change the key")
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
