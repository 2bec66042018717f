package admin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/fsutil"
	"github.com/eks-login/eks-login/pkg/plan"
)

// accessKeyStep plans a new access key for user, written to path as the
// credentials-file section [user]. A section already there is kept: the
// user has a key in this file already.
func (env *iamEnv) accessKeyStep(path, user string) (*plan.Step, error) {
	old, err := fsutil.ReadFile(path)
	existed := err == nil
	if errors.Is(err, fsutil.ErrRefused) {
		return nil, exitcode.Errorf(exitcode.Input, "the access key file: %w", err)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, exitcode.Errorf(exitcode.Input, "cannot read the access key file %s: %w", path, err)
	}
	object := "access key of IAM user " + user
	if hasSection(old, user) {
		return &plan.Step{Verb: plan.Keep, Object: object, Note: "section [" + user + "] in " + path}, nil
	}
	placeholder := appendSection(old, user, "<new access key id>", "<new secret access key>")
	oldName := path
	if !existed {
		oldName = "/dev/null"
	}
	return &plan.Step{Verb: plan.Create, Object: object, Note: "written to " + path + " as [" + user + "], mode 0600",
		Diff:  fileplan.Unified(oldName, path, old, placeholder),
		Apply: func(ctx context.Context) error { return env.createAccessKey(ctx, path, user) }}, nil
}

func (env *iamEnv) createAccessKey(ctx context.Context, path, user string) error {
	out, err := env.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
	if err != nil {
		return awserr.Explain(err, "cannot create an access key for IAM user "+user+" (iam:CreateAccessKey)")
	}
	key := out.AccessKey
	if err := writeSection(env.lockDir, path, user, aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey)); err != nil {
		// The key exists but nobody has it: delete it rather than leave it behind.
		env.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(user), AccessKeyId: key.AccessKeyId})
		return err
	}
	return nil
}

func hasSection(data []byte, name string) bool {
	for _, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == "["+name+"]" {
			return true
		}
	}
	return false
}

func appendSection(data []byte, name, id, secret string) []byte {
	var b bytes.Buffer
	b.Write(data)
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
		b.WriteString("\n")
	}
	if len(data) > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n", name, id, secret)
	return b.Bytes()
}

// writeSection adds the key to path under eks-login's lock for that file,
// re-reading it so that a concurrent edit is kept, and leaves it mode 0600.
func writeSection(lockDir, path, user, id, secret string) error {
	lockPath, err := fsutil.LockPathFor(lockDir, path)
	if err != nil {
		return err
	}
	lock, err := fsutil.Lock(lockPath, fsutil.LockOptions{})
	if err != nil {
		return err
	}
	defer lock.Unlock()
	old, err := fsutil.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot read the access key file %s: %w", path, err)
	}
	if hasSection(old, user) {
		return exitcode.Errorf(exitcode.Conflict, "%s got a section [%s] while the key was being made; nothing was written", path, user)
	}
	// Private from the first byte: the secret goes into a 0600 temporary
	// file, never into one that takes the old file's looser mode.
	if err := fsutil.WriteFilePrivate(path, appendSection(old, user, id, secret), 0o600); err != nil {
		return fmt.Errorf("cannot write the access key file %s: %w", path, err)
	}
	return nil
}
