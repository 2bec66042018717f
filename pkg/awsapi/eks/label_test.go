package eks

import "testing"

func TestLabel(t *testing.T) {
	for in, want := range map[string]string{
		"my-cluster_1.x~":                       "my-cluster_1.x~",
		"arn:aws:iam::123456789012:role/a/b":    "arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fa%2Fb",
		"arn:aws:iam::1:user/name+with@chars=,": "arn%3Aaws%3Aiam%3A%3A1%3Auser%2Fname%2Bwith%40chars%3D%2C",
		"a b%":                                  "a%20b%25",
	} {
		if got := label(in); got != want {
			t.Errorf("label(%q) = %q, want %q", in, got, want)
		}
	}
}
