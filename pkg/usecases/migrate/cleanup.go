package migrate

import (
	"context"
	"fmt"

	"github.com/eks-login/eks-login/pkg/awsauth"
	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/fileplan"
)

// planCleanup computes, by reading only, the edit that removes the migrated
// mappings from aws-auth, for the plan's diff: the same edit the cleanup
// makes.
func planCleanup(ctx context.Context, k awsauth.Client, entries []*Entry) (*Cleanup, error) {
	c := &Cleanup{Remove: []string{}}
	for _, e := range entries {
		c.Remove = append(c.Remove, e.Source.ARN)
	}
	var removed []string
	res, err := awsauth.Edit(ctx, k, removeMappings(c.Remove, &removed), false)
	if err != nil {
		return nil, err
	}
	c.Diff = fileplan.ObjectDiff(awsauth.DiffName, res.Old, res.New)
	return c, nil
}

// removeMappings is the edit that removes arns from aws-auth, node roles and
// system:masters mappings too, since their access entries have been
// checked; removed receives the ARNs it found.
func removeMappings(arns []string, removed *[]string) awsauth.EditFunc {
	return func(doc *awsauth.Doc, _ awsauth.Managed) (awsauth.Change, error) {
		*removed = nil
		for _, arn := range arns {
			change, err := doc.Remove(arn, true)
			if err != nil {
				return "", exitcode.WithCode(exitcode.Input, err)
			}
			if change == awsauth.Removed {
				*removed = append(*removed, arn)
			}
		}
		if len(*removed) == 0 {
			return awsauth.Unchanged, nil
		}
		return awsauth.Removed, nil
	}
}

// restoreMappings puts mappings back into aws-auth, as they were.
func restoreMappings(ctx context.Context, k awsauth.Client, sources []Source) error {
	_, err := awsauth.Edit(ctx, k, func(doc *awsauth.Doc, _ awsauth.Managed) (awsauth.Change, error) {
		change := awsauth.Unchanged
		for _, s := range sources {
			c, err := doc.Set(s.mapping(), true)
			if err != nil {
				return "", fmt.Errorf("put back %s: %w", s.ARN, err)
			}
			if c != awsauth.Unchanged {
				change = awsauth.Added
			}
		}
		return change, nil
	}, true)
	return err
}
