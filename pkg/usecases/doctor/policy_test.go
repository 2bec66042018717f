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
		// A condition on the Allow is not evaluated: the group still counts as allowing.
		{`{"Statement":{"Effect":"Allow","Action":"STS:AssumeRole","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}`, true},
		// A Deny counts under a condition too.
		{`{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"},{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, false},
		// IAM sends documents URL-encoded.
		{`%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22sts%3AAssumeRole%22%2C%22Resource%22%3A%22arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FEKS%2A%22%7D%7D`, true},
		{`{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`, false},
	} {
		got, err := allowsAssume(tt.doc, roleARN)
		if err != nil || got != tt.want {
			t.Errorf("allowsAssume(%s) = %v, %v; want %v", tt.doc, got, err, tt.want)
		}
	}
	for _, tt := range []struct {
		doc  string
		want bool
	}{
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["` + userARN + `"]},"Action":"sts:AssumeRole"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/dev*"},"Action":"sts:AssumeRole"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sts:AssumeRole"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + userARN + `"},"Action":"sts:TagSession"}]}`, false},
	} {
		got, err := trustAdmits(tt.doc, account, userARN)
		if err != nil || got != tt.want {
			t.Errorf("trustAdmits(%s) = %v, %v; want %v", tt.doc, got, err, tt.want)
		}
	}
	if _, err := allowsAssume(`{"Statement":`, roleARN); err == nil {
		t.Error("allowsAssume of a broken document: no error")
	}
	if _, err := trustAdmits(`not json`, account, userARN); err == nil {
		t.Error("trustAdmits of a broken document: no error")
	}
}
