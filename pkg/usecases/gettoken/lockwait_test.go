package gettoken

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eks-login/eks-login/pkg/exitcode"
)

// TestWaiterGivesUpOnAPrompt: a token call at an MFA prompt holds its
// entry's lock; a second call for the same entry that cannot prompt itself
// (kubectl said it is not interactive) must not wait behind it forever. It
// gives up at once, exit 4, naming the process that holds the lock (issue
// 18.7).
func TestWaiterGivesUpOnAPrompt(t *testing.T) {
	h := newHarness(t)
	h.env["AWS_REGION"] = "ap-northeast-2"
	prompting := make(chan struct{})
	answer := make(chan string)
	holderDone := make(chan error, 1)
	holder := h.call(func(o *call) {
		o.Profile = "dev1-mfa"
		o.Interactive = true
		o.AskMFA = func(string) (string, error) {
			close(prompting)
			return <-answer, nil
		}
	})
	go func() { _, err := holder.exec(t); holderDone <- err }()
	<-prompting

	// No one may be asked here (kubectl said it is not interactive).
	waiter := h.call(func(o *call) { o.Profile = "dev1-mfa" })
	waiterDone := make(chan error, 1)
	go func() { _, err := waiter.exec(t); waiterDone <- err }()
	var err error
	select {
	case err = <-waiterDone:
	case <-time.After(20 * time.Second): // a guard against the old hang, not a synchronisation
		answer <- "123456"
		<-holderDone
		t.Fatal("the second call still waits for the lock after 20 s, behind a prompt it cannot answer")
	}
	answer <- "123456"
	if herr := <-holderDone; herr != nil {
		t.Fatalf("the call at the prompt failed: %v", herr)
	}
	if err == nil {
		t.Fatal("the second call got a token without an MFA code")
	}
	if code := exitcode.Of(err); code != exitcode.Credentials {
		t.Errorf("exit %d (%v), want %d", code, err, exitcode.Credentials)
	}
	for _, want := range []string{"MFA code", "process " + strconv.Itoa(os.Getpid())} {
		if !strings.Contains(fmt.Sprint(err), want) {
			t.Errorf("error does not say %q: %v", want, err)
		}
	}
}
