package admin_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/golden"
	"github.com/eks-login/eks-login/pkg/kube/kubetest"
	"github.com/eks-login/eks-login/pkg/plan"
	"github.com/eks-login/eks-login/pkg/usecases/admin"
	. "github.com/eks-login/eks-login/pkg/usecases/admin/admintest"
)

var viewer = RoleARN("/", "EKSMyExampleViewer")

// run prints the plan (dry) or applies it, as the commands do, and returns
// what they print; an error is printed after the lines before it.
func run(t *testing.T, p *plan.Plan, err error, dry bool) (string, error) {
	t.Helper()
	var out bytes.Buffer
	if err == nil {
		err = p.Run(context.Background(), &out, dry)
	}
	if err != nil {
		out.WriteString("error: " + err.Error() + "\n")
	}
	return out.String(), err
}

func wantCode(t *testing.T, err error, code int) {
	t.Helper()
	if got := exitcode.Of(err); got != code {
		t.Fatalf("exit code %d (%v), want %d", got, err, code)
	}
}

func awsAuthOf(t *testing.T, f *Fake) *awsauth.Doc {
	t.Helper()
	obj := f.Kube.Object(AWSAuthPath)
	if obj == nil {
		t.Fatal("aws-auth is gone")
	}
	data := map[string]string{}
	for k, v := range obj["data"].(map[string]any) {
		data[k] = v.(string)
	}
	d, err := awsauth.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func configMapSpec(edit func(*admin.MapSpec)) admin.MapSpec {
	s := admin.MapSpec{RoleARN: viewer, Username: "developer", Groups: []string{"developers"}, Mode: admin.ModeConfigMap}
	if edit != nil {
		edit(&s)
	}
	return s
}

// TestMapConfigMap: map and unmap in aws-auth keep other entries, keys and
// labels, refuse to touch the node role without --force, and write nothing
// under --dry-run.
func TestMapConfigMap(t *testing.T) {
	pathful := RoleARN("/aws-reserved/sso.amazonaws.com/eu-west-1/", "AWSReservedSSO_View_1")
	tests := []struct {
		name     string
		empty    bool
		spec     func(*admin.MapSpec)
		unmap    bool
		dry      bool
		code     int
		writes   int
		mappings []string
	}{
		{name: "map-dry-run", dry: true, mappings: []string{NodeRole}},
		{name: "map", writes: 1, mappings: []string{NodeRole, viewer}},
		{name: "map-creates-missing", empty: true, writes: 1, mappings: []string{viewer}},
		{name: "map-template", spec: func(s *admin.MapSpec) { s.Username = "developer:{{SessionName}}" }, writes: 1, mappings: []string{NodeRole, viewer}},
		{name: "map-role-with-path", spec: func(s *admin.MapSpec) { s.RoleARN = pathful }, writes: 1, mappings: []string{NodeRole, RoleARN("/", "AWSReservedSSO_View_1")}},
		{name: "map-user", spec: func(s *admin.MapSpec) { s.RoleARN, s.UserARN = "", "arn:aws:iam::123456789012:user/team/alice" }, writes: 1,
			mappings: []string{NodeRole, "arn:aws:iam::123456789012:user/team/alice"}},
		{name: "unmap-node-role-refused", unmap: true, spec: func(s *admin.MapSpec) { s.RoleARN = NodeRole }, code: exitcode.Conflict, mappings: []string{NodeRole}},
		{name: "unmap-node-role-forced-dry-run", unmap: true, dry: true, spec: func(s *admin.MapSpec) { s.RoleARN, s.Force = NodeRole, true }, mappings: []string{NodeRole}},
		{name: "unmap-node-role-forced", unmap: true, spec: func(s *admin.MapSpec) { s.RoleARN, s.Force = NodeRole, true }, writes: 1, mappings: []string{}},
		{name: "unmap-absent", unmap: true, mappings: []string{NodeRole}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New(t)
			if !tt.empty {
				f.SeedAWSAuth()
			}
			var p *plan.Plan
			var err error
			if tt.unmap {
				p, err = f.Admin.PlanUnmap(context.Background(), configMapSpec(tt.spec))
			} else {
				p, err = f.Admin.PlanMap(context.Background(), configMapSpec(tt.spec))
			}
			out, err := run(t, p, err, tt.dry)
			wantCode(t, err, tt.code)
			golden.Check(t, tt.name+".golden", out)
			if f.Kube.Writes() != tt.writes {
				t.Errorf("%d writes, want %d", f.Kube.Writes(), tt.writes)
			}
			var got []string
			for _, m := range awsAuthOf(t, f).Mappings() {
				got = append(got, m.ARN)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.mappings) {
				t.Errorf("aws-auth maps %v, want %v", got, tt.mappings)
			}
			if obj := f.Kube.Object(AWSAuthPath); !tt.empty && (obj["data"].(map[string]any)["other"] != "kept" || obj["metadata"].(map[string]any)["labels"] == nil) {
				t.Error("other keys or labels of aws-auth were lost")
			}
		})
	}
}

// TestUnmapRemovesAPathfulEntry: an entry that names a role with its path
// (as eks-login once wrote them) matched no one; unmap of that role removes
// it with the pathless one.
func TestUnmapRemovesAPathfulEntry(t *testing.T) {
	f := New(t)
	pathful := RoleARN("/team/", "Viewer")
	f.Kube.Put(AWSAuthPath, ConfigMap(map[string]any{"mapRoles": NodeRoles +
		"- rolearn: " + pathful + "\n  username: old\n- rolearn: " + RoleARN("/", "Viewer") + "\n  username: viewer\n"}))
	p, err := f.Admin.PlanUnmap(context.Background(), admin.MapSpec{RoleARN: pathful, Mode: admin.ModeConfigMap})
	if _, err := run(t, p, err, false); err != nil {
		t.Fatal(err)
	}
	if m := awsAuthOf(t, f).Mappings(); len(m) != 1 || m[0].ARN != NodeRole {
		t.Errorf("aws-auth after unmap: %+v", m)
	}
}

// TestMapRetriesOnConflict: writers that get in between our read and our
// write make us read again and redo the edit (client-go's retry.OnError),
// and every mapping survives.
func TestMapRetriesOnConflict(t *testing.T) {
	f := New(t)
	f.SeedAWSAuth()
	someone := func(n int) string { return fmt.Sprintf("arn:aws:iam::123456789012:role/Someone%d", n) }
	for n := range 3 {
		f.Kube.BeforeWrite(func(s *kubetest.API) {
			obj := s.Object(AWSAuthPath)
			data := obj["data"].(map[string]any)
			data["mapRoles"] = data["mapRoles"].(string) + "- rolearn: " + someone(n) + "\n  username: someone\n"
			s.Put(AWSAuthPath, obj)
		})
	}
	p, err := f.Admin.PlanMap(context.Background(), configMapSpec(nil))
	if _, err := run(t, p, err, false); err != nil {
		t.Fatal(err)
	}
	if f.Kube.Writes() != 4 {
		t.Errorf("%d writes, want 4 (three conflicts, one success)", f.Kube.Writes())
	}
	d := awsAuthOf(t, f)
	for _, arn := range []string{viewer, someone(0), someone(1), someone(2), NodeRole} {
		if _, ok := d.Get(arn); !ok {
			t.Errorf("%s is missing after the retries", arn)
		}
	}
}

// TestMapGivesUpAfterEveryAttemptConflicts: a writer that wins every round
// ends the command with a sentence that says to run it again, and the
// conflict's exit code.
func TestMapGivesUpAfterEveryAttemptConflicts(t *testing.T) {
	f := New(t)
	f.SeedAWSAuth()
	for range 40 {
		f.Kube.BeforeWrite(func(s *kubetest.API) { s.Put(AWSAuthPath, s.Object(AWSAuthPath)) })
	}
	p, err := f.Admin.PlanMap(context.Background(), configMapSpec(nil))
	_, err = run(t, p, err, false)
	if err == nil || !strings.Contains(err.Error(), "changed under every one of 40 attempts to write it; run the command again") || exitcode.Of(err) != exitcode.Conflict {
		t.Fatalf("err = %v (exit %d)", err, exitcode.Of(err))
	}
}

// TestMapRetriesWhenCreatedMeanwhile: a writer that creates aws-auth between
// our read (404) and our create: AlreadyExists makes us read again and
// update what it made.
func TestMapRetriesWhenCreatedMeanwhile(t *testing.T) {
	f := New(t)
	f.Kube.BeforeWrite(func(s *kubetest.API) { s.Put(AWSAuthPath, ConfigMap(map[string]any{"mapRoles": NodeRoles})) })
	p, err := f.Admin.PlanMap(context.Background(), configMapSpec(nil))
	if _, err := run(t, p, err, false); err != nil {
		t.Fatal(err)
	}
	d := awsAuthOf(t, f)
	for _, arn := range []string{viewer, NodeRole} {
		if _, ok := d.Get(arn); !ok {
			t.Errorf("%s is missing", arn)
		}
	}
}

func TestMapRefusesMalformed(t *testing.T) {
	f := New(t)
	f.Kube.Put(AWSAuthPath, ConfigMap(map[string]any{"mapRoles": NodeRoles + "- rolearn: x\n   bad: [\n"}))
	_, err := f.Admin.PlanMap(context.Background(), configMapSpec(nil))
	if exitcode.Of(err) != exitcode.Input || !strings.Contains(err.Error(), "key mapRoles line") {
		t.Fatalf("err = %v, want an input error naming the key and line", err)
	}
	if f.Kube.Writes() != 0 {
		t.Error("a malformed aws-auth was written")
	}
}
