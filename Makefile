# eks-login: see README.md. Every target works on a fresh machine of the
# project's kind: missing Debian packages are installed, and the test world's
# servers are built once from the Go module proxy into ~/.cache/eks-login-tools.
SHELL := /bin/bash
export GOTOOLCHAIN := local
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo none)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)

.PHONY: all build deps tools test unit e2e demo bench release clean

all: build

# Static, as released (tools/release): with cgo, the net package would link
# libc and the dynamic loader, a few milliseconds on every kubectl call.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/kubectl-eks_login ./cmd/kubectl-eks_login

# The world needs unshare and mount (util-linux) and ip (iproute2); the image
# has moto, boto3, the AWS CLI and kubectl. make bench reads peak RSS with GNU
# time. The bash completion test runs cobra's script, which needs bash-completion.
deps:
	@missing=(); \
	command -v unshare >/dev/null || missing+=(util-linux); \
	command -v ip >/dev/null || missing+=(iproute2); \
	[ -x /usr/bin/time ] || missing+=(time); \
	[ -f /usr/share/bash-completion/bash_completion ] || missing+=(bash-completion); \
	if [ $${#missing[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "$${missing[@]}"; fi
	@command -v moto_server >/dev/null || { echo "moto_server is missing: pip install 'moto[server]==5.2.1'"; exit 1; }
	@command -v kubectl >/dev/null || { echo "kubectl is missing"; exit 1; }
	@command -v aws >/dev/null || { echo "the AWS CLI is missing"; exit 1; }

tools: deps
	@bash tools/build.sh >/dev/null

# Every test: unit tests, and the end-to-end ones in the test world.
test: tools
	EKS_LOGIN_TOOLS_BIN=$$(bash tools/build.sh) $(GO) test -race -count=1 -timeout 30m ./...

unit:
	$(GO) test -race -count=1 -short ./...

demo: tools build
	EKS_LOGIN_TOOLS_BIN=$$(bash tools/build.sh) $(GO) run ./pkg/world/demo

clean:
	rm -rf bin dist

# Release archives for every krew platform, with their sha256 in krew-manifest.yaml.
release:
	$(GO) run ./tools/release -version $(VERSION) -commit $(COMMIT) -dist dist -manifest krew-manifest.yaml

# Token-path speed against aws eks get-token and aws-iam-authenticator, in the
# local world; the report is written to BENCHMARKS.md.
bench: tools
	set -o pipefail; EKS_LOGIN_TOOLS_BIN=$$(bash tools/build.sh) $(GO) run ./pkg/world/bench -n 20 | tee BENCHMARKS.md.new
	mv BENCHMARKS.md.new BENCHMARKS.md
	@printf '\n## In-process parts (go test -bench)\n\n```\n' >> BENCHMARKS.md
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/token/ ./pkg/tokencache/ ./plugin/root/ | grep -E '^(Benchmark|cpu)' | tee -a BENCHMARKS.md
	$(GO) test -run '^$$' -bench 'Discover(Latency|OneRegion$$|ThreeRegions$$)' -benchtime 10x ./pkg/discovery/ | grep -E '^Benchmark' | tee -a BENCHMARKS.md
	@printf '```\n\nReproduce with `make bench`.\n' >> BENCHMARKS.md
