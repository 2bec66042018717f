package doctor

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/eks-login/eks-login/pkg/exitcode"
	"github.com/eks-login/eks-login/pkg/token"
	"github.com/eks-login/eks-login/pkg/usecases/gettoken"
)

// 5. The token use case mints a token of the right shape, as the exec
// entry would get it (its arguments, its environment), without the cache.
func (w *walk) token(ctx context.Context) Finding {
	const link = LinkToken
	if !w.roleOK {
		return skip(link, "the role link is broken")
	}
	if w.cluster == "" {
		return skip(link, "no cluster name")
	}
	in := gettoken.Input{
		ClusterName: w.cluster,
		Profile:     w.profile,
		Region:      w.region,
		RoleARN:     w.roleArg,
		STSEndpoint: orDefault(w.stsEndpoint, string(token.EndpointRegional)),
		NoCache:     true,
	}
	mint := w.d.Token
	if mint == nil {
		mint = w.d.mintToken
	}
	by := fmt.Sprintf("kubectl-eks_login token --cluster-name %s --profile %s --region %s --no-cache --verbose", w.cluster, w.profile, w.region)
	tok, err := mint(ctx, w.env, in)
	if err != nil {
		return fail(link, exitcode.Of(err), "the token command failed: "+err.Error(), "run '"+by+"' to see each step")
	}
	if tok.Value == "" {
		return fail(link, exitcode.Failure, "the token command gave no token", "run '"+by+"'")
	}
	w.tok = tok.Value
	u, err := token.Decode(tok.Value)
	if err != nil {
		return fail(link, exitcode.Failure, "the token does not decode: "+err.Error(), "run '"+by+"'")
	}
	if bad := w.tokenShape(u, tok.Expiration); len(bad) > 0 {
		return fail(link, exitcode.Failure, "the token has the wrong shape: "+strings.Join(bad, "; "), "run '"+by+"'")
	}
	return Finding{Link: link, Status: StatusOK, Detail: fmt.Sprintf("minted for cluster %s: STS host %s, signed headers %s, X-Amz-Expires=60, valid until %s",
		w.cluster, u.Host, u.Query().Get("X-Amz-SignedHeaders"), tok.Expiration.UTC().Format(time.RFC3339))}
}

// tokenShape lists what is wrong with the token's presigned URL u and its
// expiry: the STS host, the signed cluster header, the signature's lifetime.
func (w *walk) tokenShape(u *url.URL, exp time.Time) []string {
	ep, _ := token.ParseEndpoint(w.stsEndpoint)
	host, _, herr := token.STSHost(w.region, ep)
	q := u.Query()
	var bad []string
	if herr == nil && u.Host != host {
		bad = append(bad, fmt.Sprintf("it names STS host %s, not %s", u.Host, host))
	}
	if !slices.Contains(strings.Split(q.Get("X-Amz-SignedHeaders"), ";"), token.ClusterIDHeader) {
		bad = append(bad, "its signed headers lack "+token.ClusterIDHeader)
	}
	if e := q.Get("X-Amz-Expires"); e != "60" {
		bad = append(bad, fmt.Sprintf("X-Amz-Expires is %q, not 60", e))
	}
	now := w.d.Env.Now()
	switch {
	case exp.IsZero():
		bad = append(bad, "it has no expiry")
	case !exp.After(now):
		bad = append(bad, "it has already expired ("+exp.UTC().Format(time.RFC3339)+")")
	case exp.Sub(now) > 15*time.Minute:
		bad = append(bad, "its expiry is more than 15 minutes away ("+exp.UTC().Format(time.RFC3339)+")")
	}
	return bad
}
