#!/usr/bin/env bash
# Everything a machine needs, idempotent and fast when warm: npm dependencies,
# the build, the Pulumi toolchain (built from Go modules into a cache outside
# the clone; cold ~12 min on 2 cores), the Kubernetes API-server tier for the
# cluster tests (kube-apiserver, etcd, kwok…; cold ~16 min), and a running
# broker with its management API.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm install, not npm ci: npm 11 rejects lockfiles that hold only this
# platform's optional packages (rollup's native binaries), see npm/cli#4828.
[ -d node_modules/@pulumi/rabbitmq ] || npm install --no-audit --no-fund
npm run build --silent
bash toolchain/install-toolchain.sh >&2
# The tier's scripts also need jq, openssl and curl (Debian's).
for tool in jq openssl curl; do
  command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq jq openssl curl >&2; break; }
done
bash toolchain/install-k8s-tier.sh >&2
bash scripts/ensure-broker.sh
