package awsauth

import (
	"os"
	"reflect"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

func mappingsByARN(d *Doc) map[string]Mapping {
	out := map[string]Mapping{}
	for _, m := range d.Mappings() {
		m.Line = 0
		if _, dup := out[m.Key+" "+m.ARN]; !dup {
			out[m.Key+" "+m.ARN] = m
		}
	}
	return out
}

// FuzzSetRemove adds a mapping to arbitrary aws-auth data and removes it
// again: no other entry may be dropped or changed at either step, node-role
// and system:masters entries are never touched without force, and what is
// written parses again.
func FuzzSetRemove(f *testing.F) {
	for _, name := range []string{"everything", "eks-node-role", "empty", "flow-empty"} {
		data, err := os.ReadFile("testdata/" + name + ".yaml")
		var m map[string]string
		if err == nil && yaml.Unmarshal(data, &m) == nil {
			f.Add(m[KeyRoles], m[KeyUsers], "arn:aws:iam::111122223333:role/fuzz")
			f.Add(m[KeyRoles], m[KeyUsers], "arn:aws:iam::123456789012:role/EKSMyExampleViewer")
			f.Add(m[KeyRoles], m[KeyUsers], "arn:aws:iam::123456789012:user/alice")
		}
	}
	f.Add("- rolearn: arn:aws:iam::111122223333:role/node\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n  - system:bootstrappers\n  - system:nodes\n",
		"- userarn: arn:aws:iam::111122223333:user/alice\n  username: alice\n", "arn:aws:iam::111122223333:role/node")
	f.Add("[]", "  - userarn: arn:aws:iam::111122223333:user/bob # c\n    groups: [a]\n", "arn:aws:iam::111122223333:user/bob")
	f.Add("- rolearn: x\n  extra: {a: 1}\n", "", "arn:aws:iam::1:role/y")
	f.Fuzz(func(t *testing.T, roles, users, arn string) {
		in := map[string]string{}
		if roles != "" {
			in[KeyRoles] = roles
		}
		if users != "" {
			in[KeyUsers] = users
		}
		in["other"] = "kept"
		d, err := Parse(in)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("parse error is %T: %v", err, err)
			}
			return
		}
		key, err := KeyFor(arn)
		if err != nil {
			return
		}
		before := mappingsByARN(d)
		prev, existed := before[key+" "+arn]
		m := Mapping{ARN: arn, Username: "fuzz:{{SessionName}}", Groups: []string{"fuzzers"}}
		ch, err := d.Set(m, false)
		if err != nil {
			if existed && prev.Protected() && strings.Contains(err.Error(), "without --force") {
				return
			}
			if strings.Contains(err.Error(), "times (lines") {
				return // duplicate entries: refused
			}
			t.Fatalf("Set: %v", err)
		}
		if existed && prev.Protected() && ch != Unchanged {
			t.Fatalf("a protected entry was rewritten without force: %+v", prev)
		}
		mid, err := Parse(d.Data())
		if err != nil {
			t.Fatalf("data after Set does not parse: %v\n%q", err, d.Data())
		}
		if mid.Data()["other"] != "kept" {
			t.Fatalf("other key changed")
		}
		after := mappingsByARN(mid)
		for k, v := range before {
			if k == key+" "+arn {
				continue
			}
			if !reflect.DeepEqual(after[k], v) {
				t.Fatalf("Set of %s changed %s: %+v -> %+v\nin: %q\nout: %q", arn, k, v, after[k], in, d.Data())
			}
		}
		if got := after[key+" "+arn]; got.Username != m.Username || !reflect.DeepEqual(got.Groups, m.Groups) {
			t.Fatalf("after Set the entry is %+v", got)
		}
		if _, err := mid.Remove(arn, false); err != nil {
			t.Fatalf("Remove: %v", err)
		}
		end, err := Parse(mid.Data())
		if err != nil {
			t.Fatalf("data after Remove does not parse: %v\n%q", err, mid.Data())
		}
		final := mappingsByARN(end)
		for k, v := range before {
			if k == key+" "+arn {
				continue
			}
			if !reflect.DeepEqual(final[k], v) {
				t.Fatalf("Remove of %s changed %s: %+v -> %+v\nin: %q\nout: %q", arn, k, v, final[k], in, mid.Data())
			}
		}
		if _, ok := final[key+" "+arn]; ok {
			t.Fatalf("entry for %s survives Remove", arn)
		}
	})
}

// FuzzKeyFor is the ARN parsing that admin map/unmap relies on.
func FuzzKeyFor(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::123456789012:role/x", "arn:aws:iam::123456789012:user/a/b", "arn:aws:sts::1:assumed-role/x/y", "arn:aws:iam::1:role", "", "arn:::::", "arn:aws:iam::123:group/g"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		key, err := KeyFor(arn)
		if err != nil {
			if !strings.Contains(err.Error(), "is not an IAM role or user ARN") {
				t.Fatalf("unclear error: %v", err)
			}
			return
		}
		parts := strings.SplitN(arn, ":", 6)
		if parts[0] != "arn" || parts[2] != "iam" {
			t.Fatalf("KeyFor accepted %q", arn)
		}
		want := map[string]string{KeyRoles: "role/", KeyUsers: "user/"}[key]
		if !strings.HasPrefix(parts[5], want) {
			t.Fatalf("KeyFor(%q) = %s", arn, key)
		}
	})
}
