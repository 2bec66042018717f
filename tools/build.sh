#!/usr/bin/env bash
# Builds the test world's servers from the Go module proxy, once: kube-apiserver
# and kube-controller-manager, etcd, aws-iam-authenticator, and krew. Each lands in
# its own folder of the tools cache, keyed by its version and the Go version,
# so only the first run pays (kube-apiserver takes about 8 minutes cold on two
# cores). Prints the folder that holds the binaries.
#
#   tools/build.sh            build what is missing, print the bin folder
#   EKS_LOGIN_TOOLS_CACHE=DIR  cache somewhere else (default ~/.cache/eks-login-tools)
set -euo pipefail
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly
here=$(cd "$(dirname "$0")" && pwd)
cache=${EKS_LOGIN_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/eks-login-tools}
gov=$(go env GOVERSION)

k8s=v1.37.2 etcd=v3.7.3 authn=v0.6.13 krew=v0.4.3
bin="$cache/bin-k8s$k8s-etcd$etcd-authn$authn-$gov"
mkdir -p "$bin"

build() { # build NAME MODULE_DIR PACKAGE LDFLAGS
  local name=$1 dir=$2 pkg=$3 ldflags=$4
  [ -x "$bin/$name" ] && return 0
  echo "building $name (first run only)..." >&2
  local start=$SECONDS
  (cd "$here/$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$bin/.$name.tmp" "$pkg")
  mv "$bin/.$name.tmp" "$bin/$name"
  echo "built $name in $((SECONDS - start))s" >&2
}

# kubectl parses the server's version, so it must be stamped in.
kv="-X k8s.io/component-base/version.gitVersion=$k8s -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37 -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.gitVersion=$k8s -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=37"
build etcd etcd go.etcd.io/etcd/server/v3 ""
build aws-iam-authenticator authenticator sigs.k8s.io/aws-iam-authenticator/cmd/aws-iam-authenticator "-X sigs.k8s.io/aws-iam-authenticator/pkg.Version=$authn"
build kube-controller-manager kubernetes k8s.io/kubernetes/cmd/kube-controller-manager "$kv"
build kube-apiserver kubernetes k8s.io/kubernetes/cmd/kube-apiserver "$kv"
# krew itself (as a kubectl plugin) and its manifest validator check krew-manifest.yaml.
build "kubectl-krew-$krew" krew sigs.k8s.io/krew/cmd/krew "-X sigs.k8s.io/krew/internal/version.gitTag=$krew"
build "validate-krew-manifest-$krew" krew sigs.k8s.io/krew/cmd/validate-krew-manifest ""
echo "$bin"
