package discovery

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	devAccount  = "111122223333"
	prodAccount = "444455556666"
	ssoName     = "corp"
)

var testSession = SSOSession{Name: ssoName, StartURL: "https://corp.awsapps.com/start", Region: "eu-west-1"}

// tokenFile writes the token cache `aws sso login` leaves, expiring at expires.
func tokenFile(t *testing.T, token string, expires time.Time) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "token.json")
	data := `{"startUrl": "` + testSession.StartURL + `", "region": "eu-west-1", "accessToken": "` + token + `", "expiresAt": "` + expires.UTC().Format(time.RFC3339) + `"}`
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func ssoFake() *fakeAWS {
	return &fakeAWS{
		token:    "tok",
		accounts: map[string][]string{devAccount: {"Viewer", "Admin", "Auditor"}, prodAccount: {"Viewer"}},
		names:    map[string]string{devAccount: "Development", prodAccount: "Production"},
		clusters: map[string]map[string][]string{
			devAccount:  {"us-west-2": {"a"}},
			prodAccount: {"us-west-2": {"b"}, "eu-west-1": {"c"}},
		},
		forbidden: map[string]bool{devAccount + "/Admin": true},
		denied:    map[string]bool{"role Auditor": true},
	}
}

func TestWalkSSO(t *testing.T) {
	for _, tt := range []struct {
		name            string
		accounts, roles []string
		wantRoles       []string // account/role, and the error of a role that could not run
		want            []string
	}{
		{
			name:      "every account and role",
			wantRoles: []string{"111122223333/Admin: get credentials of role Admin in account 111122223333: ", "111122223333/Auditor", "111122223333/Viewer", "444455556666/Viewer"},
			want: []string{
				"cluster 111122223333 us-west-2 a Viewer API_AND_CONFIG_MAP",
				"cluster 444455556666 eu-west-1 c Viewer API_AND_CONFIG_MAP",
				"cluster 444455556666 us-west-2 b Viewer API_AND_CONFIG_MAP",
				"problem denied ListClusters eu-west-1  Auditor",
				"problem denied ListClusters us-west-2  Auditor",
			},
		},
		{
			name: "an account by name, roles by pattern", accounts: []string{"Prod*"}, roles: []string{"View?r"},
			wantRoles: []string{"444455556666/Viewer"},
			want:      []string{"cluster 444455556666 eu-west-1 c Viewer API_AND_CONFIG_MAP", "cluster 444455556666 us-west-2 b Viewer API_AND_CONFIG_MAP"},
		},
		{
			name: "an account by ID", accounts: []string{"1111*"}, roles: []string{"Viewer"},
			wantRoles: []string{"111122223333/Viewer"},
			want:      []string{"cluster 111122223333 us-west-2 a Viewer API_AND_CONFIG_MAP"},
		},
		{name: "nothing matches", accounts: []string{"Staging"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := ssoFake()
			res, err := WalkSSO(context.Background(), f.config("AKunused_"), testSession, SSOOptions{
				Accounts: tt.accounts, Roles: tt.roles, TokenFile: tokenFile(t, "tok", time.Now().Add(time.Hour)),
				Discover: Options{Regions: []string{"us-west-2", "eu-west-1"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			var roles []string
			for _, r := range res.Roles {
				line := r.Target.AccountID + "/" + r.Target.RoleName
				if r.Err != nil {
					line += ": " + r.Err.Error()
				}
				roles = append(roles, line)
			}
			if len(roles) != len(tt.wantRoles) {
				t.Fatalf("roles %q, want %q", roles, tt.wantRoles)
			}
			for i := range roles {
				if !strings.HasPrefix(roles[i], tt.wantRoles[i]) {
					t.Errorf("role %d: %q, want %q...", i, roles[i], tt.wantRoles[i])
				}
			}
			if got := summary(res.Clusters, res.Problems); !slices.Equal(got, tt.want) {
				t.Errorf("found:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestWalkSSOSignedOut(t *testing.T) {
	for _, tt := range []struct {
		name      string
		tokenFile func(t *testing.T) string
	}{
		{"no sign-in", func(t *testing.T) string { return filepath.Join(t.TempDir(), "missing.json") }},
		{"expired, nothing to refresh it with", func(t *testing.T) string { return tokenFile(t, "tok", time.Now().Add(-time.Minute)) }},
		{"the portal refuses the token", func(t *testing.T) string { return tokenFile(t, "revoked", time.Now().Add(time.Hour)) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := ssoFake()
			_, err := WalkSSO(context.Background(), f.config("AKunused_"), testSession, SSOOptions{TokenFile: tt.tokenFile(t)})
			var signedOut *SignedOutError
			if !errors.As(err, &signedOut) || signedOut.Session != ssoName {
				t.Fatalf("want a SignedOutError of session %s, got %v", ssoName, err)
			}
			if !strings.Contains(err.Error(), "run: aws sso login --sso-session corp") {
				t.Errorf("the error does not say what to run: %v", err)
			}
		})
	}
}

func TestWalkSSOBadInput(t *testing.T) {
	for _, tt := range []struct {
		name    string
		session SSOSession
		opts    SSOOptions
		want    string
	}{
		{"a bad pattern", testSession, SSOOptions{Roles: []string{"View[er"}}, `the pattern "View[er" is not a valid glob`},
		{"no start URL", SSOSession{Name: "corp", Region: "eu-west-1"}, SSOOptions{}, `the sso-session "corp" needs sso_start_url and sso_region`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := ssoFake()
			tt.opts.TokenFile = tokenFile(t, "tok", time.Now().Add(time.Hour))
			_, err := WalkSSO(context.Background(), f.config("AKunused_"), tt.session, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			if len(f.calls) != 0 {
				t.Errorf("calls after bad input: %v", f.calls)
			}
		})
	}
}

func TestSSORoles(t *testing.T) {
	f := ssoFake()
	got, err := SSORoles(context.Background(), f.config("AKunused_"), testSession, SSOOptions{TokenFile: tokenFile(t, "tok", time.Now().Add(time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	want := []RoleTarget{{devAccount, "Development", "Admin"}, {devAccount, "Development", "Auditor"}, {devAccount, "Development", "Viewer"}, {prodAccount, "Production", "Viewer"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestWalkSSOSkipsOddNames: the portal's accounts and roles are untrusted
// input that goes into profile names and values of the AWS config file. An
// account ID that is not 12 digits or a role name that is not a permission
// set's (blanks, line breaks, ]#;) is a problem, not a role, and the walk
// goes on without calling anything as it.
func TestWalkSSOSkipsOddNames(t *testing.T) {
	f := ssoFake()
	f.accounts = map[string][]string{devAccount: {"Viewer", "Bad Role", "x]\n[profile y"}, "1111 2222": {"Viewer"}}
	res, err := WalkSSO(context.Background(), f.config("AKunused_"), testSession, SSOOptions{
		TokenFile: tokenFile(t, "tok", time.Now().Add(time.Hour)), Discover: Options{Regions: []string{"us-west-2"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Roles) != 1 || res.Roles[0].Target.RoleName != "Viewer" || res.Roles[0].Target.AccountID != devAccount {
		t.Errorf("roles %+v, want %s/Viewer alone", res.Roles, devAccount)
	}
	var refused []string
	for _, p := range res.Problems {
		if p.Kind == Refused {
			refused = append(refused, p.Error())
		}
	}
	want := []string{
		`skipped account "1111 2222": the account ID is not 12 digits`,
		`skipped account 111122223333 (role "Bad Role"): the role name is not a permission set's name`,
		`skipped account 111122223333 (role "x]\n[profile y"): the role name is not a permission set's name`,
	}
	if len(refused) != len(want) {
		t.Fatalf("refused %q, want %q", refused, want)
	}
	for i := range want {
		if !strings.HasPrefix(refused[i], want[i]) {
			t.Errorf("refused %q, want %q...", refused[i], want[i])
		}
	}
	if n, m := f.calls["sso /federation/credentials"], f.calls["sso /assignment/roles"]; n != 1 || m != 1 {
		t.Errorf("%d GetRoleCredentials and %d ListAccountRoles, want 1 and 1: only the valid account and role are called", n, m)
	}
}
