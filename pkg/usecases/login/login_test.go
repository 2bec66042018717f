package login

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/awsprofile"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/rolesession"
	"github.com/eks-login/eks-login/pkg/tokencache"
	"github.com/eks-login/eks-login/pkg/usecases/gettoken"
	"github.com/eks-login/eks-login/pkg/usecases/login/logintest"
)

const (
	devARN  = logintest.DevARN
	roleDev = logintest.RoleDev
)

// TestMain doubles as "kubectl-eks_login token" for the entries written.
func TestMain(m *testing.M) {
	logintest.RunTokenCommand()
	os.Exit(m.Run())
}

// useCase is login in w, with the test binary as the exec command.
func useCase(w *logintest.World) *Login {
	return &Login{Env: w.Env(), AWS: w.AWS, ExecCommand: w.Exe, LookPath: func(string) (string, error) { return w.Exe, nil }}
}

// input is "--cluster dev --role-arn ROLE --source-profile dev1".
func input(mods ...func(*Input)) Input {
	in := Input{Cluster: "dev", RoleARN: roleDev, SourceProfile: "dev1", ExecAPIVersion: "v1beta1"}
	for _, m := range mods {
		m(&in)
	}
	return in
}

// login runs the stages as the command does: Plan, Write and, with
// verify, Verify.
func login(w *logintest.World, verify bool, mods ...func(*Input)) (*Written, error) {
	uc := useCase(w)
	ctx := context.Background()
	p, err := uc.Plan(ctx, input(mods...))
	if err != nil {
		return nil, err
	}
	written, err := uc.Write(ctx, p)
	if err != nil || !verify {
		return written, err
	}
	_, err = uc.Verify(ctx, written)
	return written, err
}

// TestStages runs each stage on its own and checks what it did, and that
// nothing before Write touched a file.
func TestStages(t *testing.T) {
	w := logintest.New(t)
	uc := useCase(w)
	ctx := context.Background()
	config := w.Read(w.Config)

	r, err := uc.resolve(ctx, input())
	if err != nil {
		t.Fatal(err)
	}
	if r.in.Profile != "dev1-eks" || r.in.Alias != "dev" || r.in.ExecAPIVersion != "client.authentication.k8s.io/v1beta1" || r.region != "eu-west-1" || r.role != roleDev {
		t.Errorf("resolve: input %+v, region %q, role %q", r.in, r.region, r.role)
	}

	p := &Plan{Input: r.in, r: r}
	if err := uc.planRoleProfile(p); err != nil {
		t.Fatal(err)
	}
	if !p.Profile.Added || !bytes.Contains(p.Profile.New, []byte("role_arn = "+roleDev+"\nsource_profile = dev1\nregion = eu-west-1\noutput = json\n")) {
		t.Errorf("planProfile: added %v, new config:\n%s", p.Profile.Added, p.Profile.New)
	}

	if err = uc.try(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(w.AWS.Calls, "; "); got != "DescribeCluster dev dev1-eks eu-west-1" {
		t.Errorf("try: AWS calls %s", got)
	}
	// The role profile was tried from the planned content while the real
	// file was still as it was.
	if !bytes.Equal(w.AWS.TriedConfig, p.Profile.New) || string(w.AWS.RealAtCall) != config {
		t.Errorf("try: DescribeCluster saw config %q while the real one was %q", w.AWS.TriedConfig, w.AWS.RealAtCall)
	}

	if err := uc.planContexts(p); err != nil {
		t.Fatal(err)
	}
	if p.Context.Path != w.Kubeconfig || !bytes.Contains(p.Context.New, []byte("- token\n      - --cluster-name\n      - dev\n      - --profile\n      - dev1-eks\n      - --region\n      - eu-west-1\n      command: "+w.Exe+"\n")) {
		t.Errorf("planContext: %s:\n%s", p.Context.Path, p.Context.New)
	}
	if _, err := os.Stat(w.Kubeconfig); w.Read(w.Config) != config || !os.IsNotExist(err) {
		t.Fatal("a stage before Write wrote a file")
	}

	written, err := uc.Write(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if w.Read(w.Config) != string(p.Profile.New) || w.Read(w.Kubeconfig) != string(p.Context.New) || len(written.Warnings) != 0 {
		t.Errorf("Write: the files are not the plans, or warnings %q", written.Warnings)
	}

	u, err := uc.Verify(ctx, written)
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "developer" || strings.Join(u.Groups, ",") != "developers,system:authenticated" {
		t.Errorf("Verify: %+v", u)
	}
}

// TestResolve: where the source profile and the region come from.
func TestResolve(t *testing.T) {
	tests := []struct {
		name       string
		vars       map[string]string
		config     string
		in         func(*Input)
		wantSource string
		wantRegion string
	}{
		{name: "the source profile's region", wantSource: "dev1", wantRegion: "eu-west-1"},
		{name: "--region first", in: func(in *Input) { in.Region = "us-west-2" }, vars: map[string]string{"AWS_REGION": "eu-central-1"}, wantSource: "dev1", wantRegion: "us-west-2"},
		{name: "AWS_REGION when the profile has none", config: "[profile dev1]\n", vars: map[string]string{"AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "us-east-2"}, wantSource: "dev1", wantRegion: "eu-central-1"},
		{name: "AWS_DEFAULT_REGION last", config: "[profile dev1]\n", vars: map[string]string{"AWS_DEFAULT_REGION": "us-east-2"}, wantSource: "dev1", wantRegion: "us-east-2"},
		{name: "AWS_PROFILE names the source", config: "[profile team]\nregion = ap-northeast-2\n", vars: map[string]string{"AWS_PROFILE": "team"}, in: func(in *Input) { in.SourceProfile = "" }, wantSource: "team", wantRegion: "ap-northeast-2"},
		{name: "default", config: "[default]\nregion = ap-northeast-2\n", in: func(in *Input) { in.SourceProfile = "" }, wantSource: "default", wantRegion: "ap-northeast-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := logintest.New(t)
			if tt.config != "" {
				w.Write(w.Config, tt.config)
			}
			for k, v := range tt.vars {
				w.Vars[k] = v
			}
			in := input()
			if tt.in != nil {
				tt.in(&in)
			}
			r, err := useCase(w).resolve(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if r.in.SourceProfile != tt.wantSource || r.in.Profile != tt.wantSource+"-eks" || r.region != tt.wantRegion {
				t.Errorf("source %q, profile %q, region %q; want %q, %q-eks, %q", r.in.SourceProfile, r.in.Profile, r.region, tt.wantSource, tt.wantSource, tt.wantRegion)
			}
		})
	}
}

func TestRoleNameTakesAccountFromIdentity(t *testing.T) {
	w := logintest.New(t)
	w.AWS.Identity = awsprofile.Identity{Account: "444455556666", ARN: "arn:aws-cn:iam::444455556666:user/alice"}
	w.AWS.Cluster.ARN = "arn:aws-cn:eks:cn-north-1:444455556666:cluster/dev"
	_, err := login(w, false, func(in *Input) { in.RoleARN = ""; in.Role = "team/viewer"; in.Region = "cn-north-1" })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.Read(w.Config), "role_arn = arn:aws-cn:iam::444455556666:role/team/viewer\n") {
		t.Errorf("config:\n%s", w.Read(w.Config))
	}
	if got := strings.Join(w.AWS.Calls, "; "); got != "GetCallerIdentity dev1 cn-north-1; DescribeCluster dev dev1-eks cn-north-1" {
		t.Errorf("calls: %s", got)
	}
}

func TestTwoProfilesOnOneCluster(t *testing.T) {
	w := logintest.New(t)
	if _, err := login(w, true); err != nil {
		t.Fatal(err)
	}
	_, err := login(w, true, func(in *Input) {
		in.Profile = "dev1-admin"
		in.RoleARN = "arn:aws:iam::111122223333:role/admin"
		in.Alias = "dev-admin"
	})
	if err != nil {
		t.Fatal(err)
	}
	kc := w.Read(w.Kubeconfig)
	for _, want := range []string{"name: dev1-eks@" + devARN, "name: dev1-admin@" + devARN, "name: dev\n", "name: dev-admin\n", "current-context: dev-admin"} {
		if !strings.Contains(kc, want) {
			t.Errorf("kubeconfig lacks %q:\n%s", want, kc)
		}
	}
	if strings.Count(kc, "name: "+devARN) != 1 {
		t.Errorf("want one cluster entry:\n%s", kc)
	}
}

func TestConflictsNeedYes(t *testing.T) {
	w := logintest.New(t)
	w.Write(w.Config, "[profile dev1]\nregion = eu-west-1\n\n[profile dev1-eks]\nrole_arn = arn:aws:iam::111122223333:role/admin\nsource_profile = dev1\n")
	before := w.Read(w.Config)
	_, err := login(w, true)
	if exitcode.Of(err) != exitcode.Conflict || !strings.Contains(fmt.Sprint(err), w.Config+" already has [profile dev1-eks] (line 4)") || !strings.Contains(fmt.Sprint(err), "--yes") {
		t.Fatalf("want a conflict naming the file and line, got %v", err)
	}
	var refused *RefusedError
	if !errors.As(err, &refused) || !strings.Contains(refused.Diff, "-role_arn = arn:aws:iam::111122223333:role/admin\n+role_arn = "+roleDev) {
		t.Errorf("the refusal must carry the diff: %#v", err)
	}
	if w.Read(w.Config) != before {
		t.Error("the refused login changed the config")
	}
	if len(w.AWS.Calls) != 0 {
		t.Errorf("a refused login must not call AWS: %v", w.AWS.Calls)
	}
	if _, err := login(w, true, func(in *Input) { in.Yes = true }); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.Read(w.Config), "role_arn = "+roleDev) {
		t.Error("--yes did not write the role")
	}

	// A context of that name that points elsewhere is a conflict too.
	w2 := logintest.New(t)
	w2.Write(w2.Kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: other\n  cluster:\n    server: https://other\ncontexts:\n- name: dev\n  context:\n    cluster: other\n    user: other\nusers:\n- name: other\n  user:\n    token: x\ncurrent-context: dev\n")
	kc, config := w2.Read(w2.Kubeconfig), w2.Read(w2.Config)
	_, err = login(w2, true)
	if exitcode.Of(err) != exitcode.Conflict || !strings.Contains(fmt.Sprint(err), `context "dev" in `+w2.Kubeconfig) || !strings.Contains(fmt.Sprint(err), "--alias") {
		t.Fatalf("want a context conflict, got %v", err)
	}
	if !errors.As(err, &refused) || !strings.Contains(refused.Diff, "+    server: https://") {
		t.Errorf("the refusal must carry the kubeconfig's diff: %#v", err)
	}
	if w2.Read(w2.Kubeconfig) != kc || w2.Read(w2.Config) != config {
		t.Error("a refused login wrote a file")
	}
}

func TestVerifyFailures(t *testing.T) {
	tests := []struct {
		name, profile string
		code          int
		want          []string
	}{
		{"unmapped role", "unmapped-eks", exitcode.Unauthorized, []string{"does not know role " + roleDev, "aws-auth", "access entry", "kubectl eks-login admin map --role-arn " + roleDev + " --username developer --group GROUP"}},
		{"rbac forbids the review", "forbidden-eks", exitcode.Forbidden, []string{"RBAC forbids", "selfsubjectreviews", `User "nobody" cannot create`}},
		// Its own message goes to the terminal, as under kubectl.
		{"token command fails", "denied-eks", exitcode.AccessDenied, []string{"failed with exit code 5", "credential command"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := logintest.New(t)
			_, err := login(w, true, func(in *Input) { in.Profile = tt.profile })
			if exitcode.Of(err) != tt.code {
				t.Fatalf("exit code %d, want %d: %v", exitcode.Of(err), tt.code, err)
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error lacks %q:\n%v", s, err)
				}
			}
			// The files are written: the mapping is the admin's part.
			if !strings.Contains(w.Read(w.Config), "[profile "+tt.profile+"]") || !strings.Contains(w.Read(w.Kubeconfig), "current-context: dev") {
				t.Error("the files should be written before the check")
			}
		})
	}
}

// TestBadInputsChangeNothing is the corpus of inputs that must be refused
// with a message naming what to fix, leaving both files byte for byte.
func TestBadInputsChangeNothing(t *testing.T) {
	tests := []struct {
		name  string
		setup func(w *logintest.World)
		in    func(in *Input)
		code  int
		want  []string
	}{
		{name: "unclosed section header", setup: func(w *logintest.World) { w.Write(w.Config, "[profile dev1]\nregion = eu-west-1\n[profile dev1-eks\n") },
			code: exitcode.Input, want: []string{"/.aws/config line 3", `a section header has no closing "]"`}},
		{name: "garbage in credentials", setup: func(w *logintest.World) { w.Write(w.Creds, "[dev1]\naws_access_key_id AKID\n") },
			code: exitcode.Input, want: []string{"/.aws/credentials line 2"}},
		{name: "malformed kubeconfig", setup: func(w *logintest.World) {
			w.Write(w.Kubeconfig, "apiVersion: v1\nclusters:\n- name: a\n  cluster:\n\tserver: x\n")
		}, code: exitcode.Input, want: []string{"/.kube/config line 5", "not valid YAML"}},
		{name: "kubeconfig list not a list", setup: func(w *logintest.World) { w.Write(w.Kubeconfig, "users: {a: b}\n") },
			code: exitcode.Input, want: []string{"/.kube/config line 1", "users must be a list"}},
		{name: "unwritable folder", setup: func(w *logintest.World) {
			if runtime.GOOS != "linux" {
				w.T.Skip("uses /proc")
			}
		}, in: func(in *Input) { in.Kubeconfig = "/proc/eks-login-test/config" }, code: exitcode.Input, want: []string{"cannot write /proc/eks-login-test/config", "nothing was written"}},
		{name: "unknown source profile", in: func(in *Input) { in.SourceProfile = "nobody" },
			code: exitcode.Credentials, want: []string{`source profile "nobody" is in neither`, "/.aws/config", "/.aws/credentials"}},
		{name: "short account in role ARN", in: func(in *Input) { in.RoleARN = "arn:aws:iam::12:role/x" },
			code: exitcode.Usage, want: []string{`--role-arn "arn:aws:iam::12:role/x"`, `the account "12" must be 12 digits`}},
		{name: "not an ARN", in: func(in *Input) { in.RoleARN = "not-an-arn" },
			code: exitcode.Usage, want: []string{`--role-arn "not-an-arn" is not an IAM role ARN`, "arn:aws:iam::123456789012:role/NAME"}},
		{name: "user ARN", in: func(in *Input) { in.RoleARN = "arn:aws:iam::111122223333:user/alice" },
			code: exitcode.Usage, want: []string{"names a user, not a role"}},
		{name: "no role", in: func(in *Input) { in.RoleARN = "" }, code: exitcode.Usage, want: []string{"--role-arn ARN or --role NAME"}},
		{name: "bad role name", in: func(in *Input) { in.RoleARN, in.Role = "", "a b" }, code: exitcode.Usage, want: []string{`--role "a b" is not an IAM role name`}},
		{name: "no cluster", in: func(in *Input) { in.Cluster = "" }, code: exitcode.Usage, want: []string{`--cluster "" is not an EKS cluster name`}},
		{name: "no region anywhere", setup: func(w *logintest.World) { w.Write(w.Config, "[profile dev1]\n") },
			code: exitcode.Usage, want: []string{"no AWS region", "pass --region"}},
		{name: "bad region", in: func(in *Input) { in.Region = "eu_west_1" }, code: exitcode.Usage, want: []string{"--region:"}},
		{name: "bad namespace", in: func(in *Input) { in.Namespace = "Team_A" }, code: exitcode.Usage, want: []string{`--namespace "Team_A"`}},
		{name: "bad alias", in: func(in *Input) { in.Alias = " dev" }, code: exitcode.Usage, want: []string{`--alias " dev"`}},
		{name: "blank in the MFA serial", in: func(in *Input) { in.MFASerial = "arn:aws:iam::111122223333:mfa/a b" }, code: exitcode.Usage, want: []string{"--mfa-serial", "contains a blank"}},
		{name: "bad profile name", in: func(in *Input) { in.Profile = "a]b" }, code: exitcode.Usage, want: []string{"--profile:"}},
		{name: "bad exec api version", in: func(in *Input) { in.ExecAPIVersion = "v2" }, code: exitcode.Usage, want: []string{`--exec-api-version "v2"`}},
		{name: "profile is the source", in: func(in *Input) { in.Profile = "dev1" }, code: exitcode.Usage, want: []string{"is also the source profile"}},
		{name: "assume role denied", setup: func(w *logintest.World) {
			w.AWS.ClusterErr = &awserr.Error{Kind: awserr.AssumeRoleDenied, Code: "AccessDenied", Caller: "arn:aws:iam::111122223333:user/alice"}
		}, code: exitcode.AccessDenied, want: []string{"arn:aws:iam::111122223333:user/alice may not assume role " + roleDev, "add you to the IAM group", "nothing was written"}},
		{name: "describe denied", setup: func(w *logintest.World) {
			w.AWS.ClusterErr = &awserr.Error{Kind: awserr.AccessDenied, Code: "AccessDeniedException", Message: "not authorized to perform: eks:DescribeCluster"}
		}, code: exitcode.AccessDenied, want: []string{"role " + roleDev + " may not call eks:DescribeCluster on cluster dev", "nothing was written"}},
		{name: "no such cluster", setup: func(w *logintest.World) {
			w.AWS.ClusterErr = &awserr.Error{Kind: awserr.NotFound, Code: "ResourceNotFoundException", Message: "No cluster found for name: dev."}
		}, code: exitcode.Usage, want: []string{"no EKS cluster dev in region eu-west-1"}},
		{name: "AWS unreachable", setup: func(w *logintest.World) {
			w.AWS.ClusterErr = &awserr.Error{Kind: awserr.Network, Err: errors.New("dial tcp: no route")}
		}, code: exitcode.Network, want: []string{"AWS could not be reached"}},
		{name: "identity refused for --role", setup: func(w *logintest.World) {
			w.AWS.IdentityErr = &awserr.Error{Kind: awserr.InvalidCredentials, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}
		}, in: func(in *Input) { in.RoleARN, in.Role = "", "viewer" }, code: exitcode.Credentials, want: []string{"find your AWS account", "credentials of profile dev1 do not work", "aws sts get-caller-identity --profile dev1"}},
		{name: "cluster still creating", setup: func(w *logintest.World) { w.AWS.Cluster.Status = "CREATING" },
			code: exitcode.Failure, want: []string{"cluster dev is CREATING"}},
		{name: "plain http endpoint", setup: func(w *logintest.World) { w.AWS.Cluster.Endpoint = "http://evil.example" },
			code: exitcode.Failure, want: []string{`endpoint "http://evil.example", which is not an https:// URL`}},
		{name: "CA not base64", setup: func(w *logintest.World) { w.AWS.Cluster.CAData = "%%%" },
			code: exitcode.Failure, want: []string{"not base64"}},
		{name: "CA not a certificate", setup: func(w *logintest.World) {
			w.AWS.Cluster.CAData = base64.StdEncoding.EncodeToString([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
		}, code: exitcode.Failure, want: []string{"not a PEM certificate"}},
		{name: "CA garbage inside PEM", setup: func(w *logintest.World) {
			w.AWS.Cluster.CAData = base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
		}, code: exitcode.Failure, want: []string{"does not parse"}},
		{name: "ARN of another cluster", setup: func(w *logintest.World) { w.AWS.Cluster.ARN = "arn:aws:eks:eu-west-1:111122223333:cluster/prod" },
			code: exitcode.Failure, want: []string{"not the ARN of an EKS cluster named dev"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := logintest.New(t)
			if tt.setup != nil {
				tt.setup(w)
			}
			config, creds, kc := w.Read(w.Config), w.Read(w.Creds), w.Read(w.Kubeconfig)
			mod := func(*Input) {}
			if tt.in != nil {
				mod = tt.in
			}
			_, err := login(w, true, mod)
			if exitcode.Of(err) != tt.code {
				t.Fatalf("exit code %d, want %d: %v", exitcode.Of(err), tt.code, err)
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if w.Read(w.Config) != config || w.Read(w.Creds) != creds || w.Read(w.Kubeconfig) != kc {
				t.Error("a refused login changed a file")
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	t.Run("the exec command is not on PATH", func(t *testing.T) {
		w := logintest.New(t)
		uc := useCase(w)
		uc.ExecCommand = ""
		uc.LookPath = func(string) (string, error) { return "", errors.New("not found") }
		p, err := uc.Plan(context.Background(), input())
		if err != nil {
			t.Fatal(err)
		}
		written, err := uc.Write(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if len(written.Warnings) != 1 || !strings.Contains(written.Warnings[0], "kubectl-eks_login is not on your PATH") {
			t.Errorf("warnings %q", written.Warnings)
		}
	})
	t.Run("an earlier file of KUBECONFIG sets current-context", func(t *testing.T) {
		w := logintest.New(t)
		a, b := filepath.Join(w.Home, "a.yaml"), filepath.Join(w.Home, "b.yaml")
		w.Write(a, "apiVersion: v1\nkind: Config\ncurrent-context: elsewhere\n")
		w.Write(b, "apiVersion: v1\nkind: Config\nclusters:\n- name: "+devARN+"\n  cluster:\n    server: https://old\n")
		w.Vars["KUBECONFIG"] = a + string(filepath.ListSeparator) + b
		written, err := login(w, false)
		if err != nil {
			t.Fatal(err)
		}
		// The entries go to the file that holds the cluster already.
		if strings.Contains(w.Read(a), "dev1-eks") || !strings.Contains(w.Read(b), "user: dev1-eks@"+devARN) {
			t.Errorf("want the entries in %s:\n%s\n---\n%s", b, w.Read(a), w.Read(b))
		}
		if len(written.Warnings) != 1 || !strings.Contains(written.Warnings[0], a+` sets current-context "elsewhere"`) {
			t.Errorf("want a warning about the shadowing current-context: %q", written.Warnings)
		}
	})
}

func TestExecAPIVersionV1(t *testing.T) {
	w := logintest.New(t)
	if _, err := login(w, true, func(in *Input) { in.ExecAPIVersion = "v1" }); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.Read(w.Kubeconfig), "apiVersion: client.authentication.k8s.io/v1\n") {
		t.Errorf("kubeconfig:\n%s", w.Read(w.Kubeconfig))
	}
}

// TestWritePrimesTheTokenCache: the role session DescribeCluster opened is
// handed to the token cache under the key the exec entry's token call
// computes, so its first call (and an MFA code) is spared.
func TestWritePrimesTheTokenCache(t *testing.T) {
	w := logintest.New(t)
	w.AWS.Session = &rolesession.Assumed{CallerARN: "arn:aws:sts::111122223333:assumed-role/developer/eks-login-alice", RoleARN: roleDev}
	if _, err := login(w, false); err != nil {
		t.Fatal(err)
	}
	tokens := &gettoken.GetToken{Env: w.Env()}
	out, err := tokens.Do(context.Background(), gettoken.Input{ClusterName: "dev", Profile: "dev1-eks", Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	if out.Outcome != tokencache.Hit || out.CallerARN != w.AWS.Session.CallerARN {
		t.Errorf("the exec entry's token call: %s as %q, want a hit as the role's session", out.Outcome, out.CallerARN)
	}
}

func TestParseRoleARN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"arn:aws:iam::111122223333:role/developer", ""},
		{"arn:aws:iam::111122223333:role/team/a/viewer", ""},
		{"arn:aws-cn:iam::111122223333:role/x", ""},
		{"arn:aws:iam::12:role/x", `the account "12" must be 12 digits`},
		{"not-an-arn", "is not an IAM role ARN"},
		{"arn:aws:iam::111122223333:role/", "is not a valid IAM role name"},
		{"arn:aws:iam::111122223333:role//x", "is not a valid IAM role name"},
		{"arn:aws:iam::111122223333:role/a b", "is not a valid IAM role name"},
		{"arn:aws:s3:::bucket/x:y", "service \"s3\""},
		{"arn:aws:iam:eu-west-1:111122223333:role/x", "has a region"},
		{"arn:azure:iam::111122223333:role/x", "not an AWS partition"},
		{"arn:aws:iam::111122223333:group/devs", "names a group, not a role"},
		{"arn:aws:iam::111122223333:role/" + strings.Repeat("a", 65), "is not a valid IAM role name"},
	}
	for _, tt := range tests {
		r, err := parseRoleARN(tt.in)
		switch {
		case tt.want == "" && (err != nil || r.String() != tt.in):
			t.Errorf("%s: %v, round trip %s", tt.in, err, r)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want %q", tt.in, err, tt.want)
		}
	}
	for in, ok := range map[string]bool{"dev": true, "a_b-9": true, "-x": false, "": false, strings.Repeat("a", 101): false, "a.b": false} {
		if ValidClusterName(in) != ok {
			t.Errorf("ValidClusterName(%q) != %v", in, ok)
		}
	}
	for in, ok := range map[string]bool{"default": true, "team-a": true, "Team": false, "-a": false, "a-": false, strings.Repeat("a", 64): false} {
		if validNamespace(in) != ok {
			t.Errorf("validNamespace(%q) != %v", in, ok)
		}
	}
}
