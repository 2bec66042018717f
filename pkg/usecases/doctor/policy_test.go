package doctor

import "testing"

const (
	account = "123456789012"
	roleARN = "arn:aws:iam::" + account + ":role/EKSMyExampleViewer"
	userARN = "arn:aws:iam::" + account + ":user/dev1"
)

func TestPolicies(t *testing.T) {
	for _, tt := range []struct {
		doc  string
		want bool
	}{
		{`{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + roleARN + `"}}`, true},
		{`{"Statement":[{"Effect":"Allow","Action":["iam:ListRoles","sts:Assume*"],"Resource":"arn:aws:iam::*:role/EKS*"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/Other"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sts:*","Resource":"*"}]}`, false},
	} {
		v, err := allowsAssume(tt.doc, roleARN)
		if err != nil || (v.Allowed && !v.Denied) != tt.want {
			t.Errorf("allowsAssume(%s) = %+v, %v; want %v", tt.doc, v, err, tt.want)
		}
	}
	for _, tt := range []struct {
		doc  string
		want bool
	}{
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["` + userARN + `"]},"Action":"sts:AssumeRole"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, false},
	} {
		got, err := trustAdmits(tt.doc, account, userARN)
		if err != nil || got != tt.want {
			t.Errorf("trustAdmits(%s) = %v, %v; want %v", tt.doc, got, err, tt.want)
		}
	}
}
