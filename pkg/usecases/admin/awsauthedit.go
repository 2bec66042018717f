package admin

import (
	"context"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/fileplan"
	"github.com/eks-login/eks-login/pkg/plan"
)

// awsAuthStep plans an edit of aws-auth: it computes the edit on the current
// object for the diff, and applies it by running the same edit again under
// the conflict-retry loop.
func (a *Admin) awsAuthStep(ctx context.Context, what string, edit awsauth.EditFunc) (*plan.Step, error) {
	k, err := a.kube()
	if err != nil {
		return nil, err
	}
	res, err := awsauth.Edit(ctx, k, edit, false)
	if err != nil {
		return nil, err
	}
	s := &plan.Step{Object: awsauth.Object, Note: what + ": " + string(res.Change)}
	switch {
	case res.Change == awsauth.Unchanged || res.Change == awsauth.Absent:
		s.Verb = plan.Keep
		return s, nil
	case !res.Existed:
		s.Verb = plan.Create
	default:
		s.Verb = plan.Update
	}
	var old any
	if res.Old != nil {
		old = res.Old
	}
	s.Diff = fileplan.ObjectDiff(awsauth.DiffName, old, res.New)
	s.Apply = func(ctx context.Context) error {
		_, err := awsauth.Edit(ctx, k, edit, true)
		return err
	}
	return s, nil
}
