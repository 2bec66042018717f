package awsconfig

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/golden"

	"github.com/aws/aws-sdk-go-v2/config"
)

// loginSettings are what login writes for the developer role.
var loginSettings = []Setting{
	{Key: "role_arn", Value: "arn:aws:iam::111122223333:role/developer", Defining: true},
	{Key: "source_profile", Value: "dev1"},
	{Key: "region", Value: "eu-west-1"},
	{Key: "output", Value: "json", KeepExisting: true},
}

func load(t *testing.T, name string) *File {
	t.Helper()
	path := filepath.Join("testdata", name)
	f, err := Load(path, ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func describe(p *Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# added=%v removed=%v changed=%v conflicts=%d\n", p.Added, p.Removed, p.Changed(), len(p.Conflicts()))
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "# %s: %q -> %q line=%d conflict=%v\n", c.Key, c.Old, c.New, c.Line, c.Conflict)
	}
	if len(p.Conflicts()) > 0 {
		b.WriteString("# " + strings.ReplaceAll(p.ConflictSummary(), "testdata/", "") + "\n")
	}
	b.WriteString(strings.ReplaceAll(p.Diff(), "testdata/", ""))
	return b.String()
}

func TestPlanSetProfileGolden(t *testing.T) {
	tests := []struct {
		in        string
		conflicts int
		changed   bool
	}{
		{in: "missing.ini", changed: true},
		{in: "odd-spacing.ini", changed: true},
		{in: "crlf.ini", changed: true},
		{in: "no-final-newline.ini", changed: true},
		{in: "many-profiles.ini", changed: false},
		{in: "partial.ini", changed: true},
		{in: "conflict.ini", changed: true, conflicts: 2},
		{in: "sso-profile.ini", changed: true, conflicts: 1},
		{in: "nested-in-section.ini", changed: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			f := load(t, tt.in)
			p, err := f.PlanSetProfile("dev1-eks", loginSettings)
			if err != nil {
				t.Fatal(err)
			}
			if p.Changed() != tt.changed {
				t.Errorf("changed = %v, want %v", p.Changed(), tt.changed)
			}
			if !tt.changed && !bytes.Equal(p.New, f.Data) {
				t.Errorf("same values must leave the file byte-identical")
			}
			if got := len(p.Conflicts()); got != tt.conflicts {
				t.Errorf("%d conflicts, want %d: %+v", got, tt.conflicts, p.Changes)
			}
			golden.Check(t, strings.TrimSuffix(tt.in, ".ini")+".set.golden", describe(p))
			assertOutsideKept(t, f, p)
			assertOtherProfilesKept(t, f, p)

			// Planning again from the result changes nothing: login is idempotent.
			again, err := Parse(f.Path, ConfigFile, p.New, true)
			if err != nil {
				t.Fatal(err)
			}
			p2, err := again.PlanSetProfile("dev1-eks", loginSettings)
			if err != nil {
				t.Fatal(err)
			}
			if p2.Changed() {
				t.Errorf("a second login would change the file again:\n%s", p2.Diff())
			}
		})
	}
}

// assertOutsideKept checks that the bytes before and after the profile's
// section are the old ones.
func assertOutsideKept(t *testing.T, f *File, p *Plan) {
	t.Helper()
	start, end := len(f.Data), len(f.Data)
	if secs := f.sectionsOf(p.Profile); len(secs) == 1 {
		s := f.sections[secs[0]]
		start, end = f.lines[s.header].start, f.lines[s.end-1].next
	}
	if !bytes.HasPrefix(p.New, f.Data[:start]) {
		t.Errorf("the bytes before the profile changed")
	}
	if !bytes.HasSuffix(p.New, f.Data[end:]) {
		t.Errorf("the bytes after the profile changed")
	}
}

func assertOtherProfilesKept(t *testing.T, f *File, p *Plan) {
	t.Helper()
	nf, err := Parse(f.Path, ConfigFile, p.New, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range f.Profiles() {
		if name == p.Profile {
			continue
		}
		a, _ := f.Profile(name)
		b, ok := nf.Profile(name)
		if !ok || fmt.Sprint(a.Values) != fmt.Sprint(b.Values) {
			t.Errorf("profile %s changed: %v -> %v", name, a.Values, b)
		}
	}
}

func TestPartialKeepsUserKeys(t *testing.T) {
	f := load(t, "partial.ini")
	p, err := f.PlanSetProfile("dev1-eks", loginSettings)
	if err != nil {
		t.Fatal(err)
	}
	nf, _ := Parse(f.Path, ConfigFile, p.New, true)
	prof, _ := nf.Profile("dev1-eks")
	if _, ok := prof.Values["cli_pager"]; !ok {
		t.Errorf("cli_pager was dropped: %v", prof.Values)
	}
	if prof.Managed {
		t.Errorf("a profile the user wrote must not become managed")
	}
}

// TestLogoutUndoesLogin removes what login appended and expects the file as
// it was (a missing final newline is the one thing not restored).
func TestLogoutUndoesLogin(t *testing.T) {
	for _, name := range []string{"missing.ini", "odd-spacing.ini", "crlf.ini", "no-final-newline.ini"} {
		t.Run(name, func(t *testing.T) {
			f := load(t, name)
			p, err := f.PlanSetProfile("dev1-eks", loginSettings)
			if err != nil {
				t.Fatal(err)
			}
			after, err := Parse(f.Path, ConfigFile, p.New, true)
			if err != nil {
				t.Fatal(err)
			}
			prof, _ := after.Profile("dev1-eks")
			if !prof.Managed {
				t.Fatal("a profile login created must carry the marker")
			}
			rm, err := after.PlanRemoveProfile("dev1-eks")
			if err != nil {
				t.Fatal(err)
			}
			if !rm.Removed {
				t.Fatal("not removed")
			}
			want := string(f.Data)
			if name == "no-final-newline.ini" {
				want += "\n"
			}
			if string(rm.New) != want {
				t.Errorf("logout left %q, want %q", rm.New, want)
			}
		})
	}
}

func TestRemoveKeepsUnmanagedAndNeighbours(t *testing.T) {
	f := load(t, "partial.ini")
	rm, err := f.PlanRemoveProfile("dev1-eks")
	if err != nil {
		t.Fatal(err)
	}
	if rm.Removed || rm.Changed() {
		t.Error("a profile without the marker must be kept")
	}
	f = load(t, "many-profiles.ini")
	rm, err = f.PlanRemoveProfile("dev1-eks")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "many-profiles.remove.golden", describe(rm))
	assertOutsideKept(t, f, rm)
}

func TestParseErrorsNameFileAndLine(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
	tests := []struct {
		name, data, want string
	}{
		{"unclosed header", "[default]\nregion = x\n[profile dev1\nregion = y\n", `bad.ini line 3: a section header has no closing "]"`},
		{"garbage line", "[default]\nregion = x\nthis is not ini\n", `bad.ini line 3: the line is not a "key = value" line`},
		{"key before any section", "# c\nregion = x\n[default]\n", "bad.ini line 2: the key \"region\" comes before any [section] header"},
		{"empty key", "[default]\n = x\n", "bad.ini line 2: there is no key before the \"=\""},
		// Issue 18: a malformed line never reaches the message.
		{"secret without =", "[default]\naws_secret_access_key " + secret + "\n", `bad.ini line 2: the line is not a "key = value" line`},
		{"secret alone", "[default]\naws_access_key_id = AKID\n" + secret + "\n", `bad.ini line 3: the line is not a "key = value" line`},
		{"secret after a lone =", "[default]\n=" + secret + "\n", "bad.ini line 2: there is no key before the \"=\""},
		{"secret as a header", "[" + secret + "\n", `bad.ini line 1: a section header has no closing "]"`},
		{"secret as a key", secret + " = x\n[default]\n", "bad.ini line 1: a key (not shown: it is not a key name) comes before any [section] header"},
		{"secret after a backtick", "[default]\naws_secret_access_key = `" + secret + "\nregion = x\n", "bad.ini line 2: the value of the key \"aws_secret_access_key\" starts with an unclosed backtick"},
		{"secret after three quotes", "[default]\naws_secret_access_key = \"\"\"" + secret + "\n", "bad.ini line 2: the value of the key \"aws_secret_access_key\" starts with \"\"\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad.ini", ConfigFile, []byte(tt.data), true)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("the error quotes the secret: %v", err)
			}
		})
	}
}

func TestPlanRefusesAmbiguousFiles(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"profile twice", "[profile dev1-eks]\nregion = a\n[profile x]\n[profile dev1-eks]\nregion = b\n", "defines profile dev1-eks 2 times (lines 1, 4)"},
		{"key twice", "[profile dev1-eks]\nregion = a\nregion = b\n", "has region 2 times in [profile dev1-eks] (lines 2 and 3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("c.ini", ConfigFile, []byte(tt.data), true)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.PlanSetProfile("dev1-eks", loginSettings)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "c.ini") {
				t.Fatalf("error %v, want it to name c.ini and contain %q", err, tt.want)
			}
		})
	}
	f, _ := Parse("c.ini", ConfigFile, nil, false)
	if _, err := f.PlanSetProfile("dev1 eks", loginSettings); err == nil {
		t.Error("a profile name with a blank must be refused")
	}
	if _, err := f.PlanSetProfile("dev1-eks", []Setting{{Key: "region", Value: "a\nb"}}); err == nil {
		t.Error("a value with a line break must be refused")
	}
}

func TestReadProfiles(t *testing.T) {
	f := load(t, "odd-spacing.ini")
	p, ok := f.Profile("dev1")
	if !ok || p.Values["region"] != "eu-west-1" || p.Line != 7 {
		t.Fatalf("profile dev1 = %+v, %v", p, ok)
	}
	if _, ok := f.Profile("corp"); ok {
		t.Error("an sso-session section is not a profile")
	}
	if got := strings.Join(f.Profiles(), ","); got != "default,dev1" {
		t.Errorf("profiles %s", got)
	}
	creds, err := Parse("credentials", CredentialsFile, []byte("[dev1]\naws_access_key_id = AKIA\n[profile x]\n"), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := creds.Profile("dev1"); !ok {
		t.Error("the credentials file names profiles without the prefix")
	}
	if _, ok := creds.Profile("x"); ok {
		t.Error("[profile x] in the credentials file is not profile x")
	}
}

func TestPaths(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	if got := ConfigPath(getenv, "/h"); got != filepath.Join("/h", ".aws", "config") {
		t.Error(got)
	}
	env["AWS_CONFIG_FILE"] = "~/cfg"
	env["AWS_SHARED_CREDENTIALS_FILE"] = "/x/creds"
	if got := ConfigPath(getenv, "/h"); got != filepath.Join("/h", "cfg") {
		t.Error(got)
	}
	if got := CredentialsPath(getenv, "/h"); got != "/x/creds" {
		t.Error(got)
	}
}

// TestAWSToolsReadWrittenProfile has the real readers read what the plans
// write: the Go SDK's own ini parser always, and the AWS CLI when installed.
func TestAWSToolsReadWrittenProfile(t *testing.T) {
	aws, _ := exec.LookPath("aws")
	for _, name := range []string{"missing.ini", "odd-spacing.ini", "crlf.ini", "no-final-newline.ini", "partial.ini", "nested-in-section.ini"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := load(t, name)
			p, err := f.PlanSetProfile("dev1-eks", loginSettings)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path, creds := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
			if err := os.WriteFile(path, p.New, 0o600); err != nil {
				t.Fatal(err)
			}
			// The SDK resolves source_profile, so dev1 needs keys.
			if err := os.WriteFile(creds, []byte("[dev1]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			sc, err := config.LoadSharedConfigProfile(context.Background(), "dev1-eks", func(o *config.LoadSharedConfigOptions) {
				o.ConfigFiles = []string{path}
				o.CredentialsFiles = []string{creds}
			})
			if err != nil {
				t.Fatalf("the SDK cannot read the profile: %v", err)
			}
			if sc.RoleARN != loginSettings[0].Value || sc.SourceProfileName != "dev1" || sc.Region != "eu-west-1" {
				t.Errorf("the SDK reads role_arn=%q source_profile=%q region=%q", sc.RoleARN, sc.SourceProfileName, sc.Region)
			}
			if aws == "" {
				return
			}
			// One key per file: each AWS CLI start costs about a second.
			for _, s := range loginSettings[:1] {
				cmd := exec.Command(aws, "configure", "get", s.Key, "--profile", "dev1-eks")
				cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE="+path, "AWS_SHARED_CREDENTIALS_FILE="+creds)
				out, err := cmd.CombinedOutput()
				if err != nil || strings.TrimSpace(string(out)) != s.Value {
					t.Errorf("aws configure get %s: %q, %v; want %q", s.Key, out, err, s.Value)
				}
			}
		})
	}
}
