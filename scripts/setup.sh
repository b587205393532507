#!/usr/bin/env bash
# Everything a machine needs, idempotent and fast when warm: npm dependencies,
# the build, the Pulumi toolchain (built from Go modules into a cache outside
# the clone; cold ~5 min on 2 cores), and a running broker with its
# management API.
#
#   scripts/setup.sh                  what the local stack needs (`npm run up`)
#   scripts/setup.sh --kubernetes     also the Kubernetes provider plugin, for
#                                     stacks with `warren:cluster` (cold ~7 min)
#   scripts/setup.sh --tests          also the Kubernetes tier the tests run
#                                     against (kube-apiserver, etcd, kwok,
#                                     kubelet, kube-proxy, CoreDNS) and the real
#                                     node's runtime and RabbitMQ images
#                                     (containerd from Debian, images made with
#                                     debootstrap; needs root), and a running
#                                     PostgreSQL for the shared-state test
#                                     (scripts/ensure-postgres.sh), and the
#                                     renderers the diagram tests draw with
#                                     (Debian's graphviz and chromium) — `npm test`
set -euo pipefail
cd "$(dirname "$0")/.."
kubernetes=0 tier=0
for arg in "$@"; do
	case "$arg" in
		--kubernetes) kubernetes=1 ;;
		--tests) kubernetes=1 tier=1 ;;
		*)
			echo "setup.sh: unknown option $arg (expected --kubernetes or --tests)" >&2
			exit 2
			;;
	esac
done
# npm install, not npm ci: npm 11 rejects lockfiles that hold only this
# platform's optional packages (rollup's native binaries), see npm/cli#4828.
# Again whenever package-lock.json is newer than what npm last installed.
[ node_modules/.package-lock.json -nt package-lock.json ] || npm install --no-audit --no-fund
npm run build --silent
# From Debian: jq for the toolchain scripts, openssl for the Kubernetes tier's
# certificates, curl for the broker's checks, shellcheck and shfmt for `npm run lint`.
for tool in jq openssl curl shellcheck shfmt; do
	command -v "$tool" >/dev/null || {
		apt-get update -qq && apt-get install -y -qq jq openssl curl shellcheck shfmt >&2
		break
	}
done
if ((tier)); then
	for tool in dot chromium; do
		command -v "$tool" >/dev/null || {
			apt-get update -qq && apt-get install -y -qq graphviz chromium >&2
			break
		}
	done
fi
bash toolchain/install-toolchain.sh >&2
if ((kubernetes)); then bash toolchain/install-kubernetes-provider.sh; fi
if ((tier)); then
	bash toolchain/install-k8s-tier.sh >&2
	bash toolchain/install-pod-runtime.sh >&2
fi
bash scripts/ensure-broker.sh
if ((tier)); then bash scripts/ensure-postgres.sh; fi
