package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/kube"
)

// mappedARN is the IAM ARN the cluster sees.
func (w *walk) mappedARN() string {
	switch {
	case w.roleArg != "":
		return w.roleArg
	case w.roleARN != "":
		return w.roleARN
	case w.sourceID != nil:
		return w.sourceID.ARN
	}
	return "ARN"
}

// 7. The cluster knows who we are.
func (w *walk) authentication(ctx context.Context) Finding {
	const link = LinkAuthentication
	switch {
	case !w.reached:
		return skip(link, "the API server was not reached")
	case w.tok == "":
		return skip(link, "no token")
	}
	u, err := w.kube.WhoAmI(ctx)
	if err == nil {
		w.user = u
		return Finding{Link: link, Status: StatusOK, Detail: fmt.Sprintf("the cluster takes you for %s (groups: %s)", u.Username, orNone(strings.Join(u.Groups, ", ")))}
	}
	arn := w.mappedARN()
	var te *kube.TransportError
	switch {
	case apierrors.IsUnauthorized(err):
		where := "no aws-auth entry"
		if w.desc != nil && w.desc.AuthMode == "API" {
			where = "no EKS access entry; authentication mode API ignores aws-auth"
		} else if w.desc != nil && w.desc.AuthMode != "" && w.desc.AuthMode != "CONFIG_MAP" {
			where = "no aws-auth entry and no EKS access entry (authentication mode " + w.desc.AuthMode + ")"
		}
		name := strings.ToLower(roleName(arn))
		return fail(link, exitcode.Unauthorized,
			fmt.Sprintf("the API server answered 401 Unauthorized: %s is not mapped to a Kubernetes user (%s)", arn, where),
			fmt.Sprintf("a cluster administrator maps it: kubectl eks-login admin map --role-arn %s --username %s --group GROUP ('kubectl eks-login admin list' shows the mappings)", arn, name))
	case apierrors.IsForbidden(err):
		return fail(link, exitcode.Forbidden, "the cluster knows you but RBAC forbids selfsubjectreviews, which system:basic-user allows every authenticated user: "+err.Error(), "a cluster administrator restores the system:basic-user ClusterRoleBinding")
	case errors.As(err, &te):
		return fail(link, exitcode.Network, err.Error(), "check your network")
	}
	return fail(link, exitcode.Failure, err.Error(), "")
}
