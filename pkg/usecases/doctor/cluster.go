package doctor

import (
	"context"
	"errors"
	"fmt"

	"github.com/eks-login/eks-login/pkg/awserr"
	"github.com/eks-login/eks-login/pkg/exitcode"
)

// 3. DescribeCluster works through the role, and the cluster is ACTIVE.
func (w *walk) describe(ctx context.Context) Finding {
	const link = LinkCluster
	if !w.roleOK {
		return skip(link, "the role link is broken")
	}
	if w.cluster == "" {
		return fail(link, exitcode.Input, "no cluster name: the context's exec entry names none", "pass --cluster NAME")
	}
	c, err := w.d.AWS.DescribeCluster(ctx, w.ref(w.profile), w.cluster)
	if err != nil {
		var ae *awserr.Error
		who := "profile " + w.profile
		if w.roleARN != "" {
			who = "role " + w.roleARN
		}
		if errors.As(err, &ae) && ae.Kind == awserr.AccessDenied {
			return fail(link, exitcode.AccessDenied, fmt.Sprintf("%s may not call eks:DescribeCluster on cluster %s (%s)", who, w.cluster, ae.Message),
				fmt.Sprintf("an AWS administrator allows eks:DescribeCluster for the role: kubectl eks-login admin iam --cluster %s --role %s --iam-group GROUP", w.cluster, roleName(orDefault(w.roleARN, "ROLE"))))
		}
		if errors.As(err, &ae) && ae.Kind == awserr.NotFound {
			return fail(link, exitcode.Input, fmt.Sprintf("there is no EKS cluster %s in region %s", w.cluster, w.region), "check --cluster and --region, or the exec entry's")
		}
		return awsFail(link, err, fmt.Sprintf("describe cluster %s as %s", w.cluster, who), "")
	}
	w.desc = &c
	mode := orDefault(c.AuthMode, "not reported (CONFIG_MAP)")
	d := fmt.Sprintf("cluster %s is %s, Kubernetes %s, authentication mode %s, endpoint %s", w.cluster, c.Status, orNone(c.Version), mode, c.Endpoint)
	switch c.Status {
	case "ACTIVE":
		return Finding{Link: link, Status: StatusOK, Detail: d}
	case "UPDATING":
		return Finding{Link: link, Status: StatusWarn, Detail: d}
	}
	return fail(link, exitcode.Failure, d, fmt.Sprintf("wait until it is ACTIVE: aws eks describe-cluster --name %s --region %s", w.cluster, w.region))
}
