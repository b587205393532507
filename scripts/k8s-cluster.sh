#!/usr/bin/env bash
# A minimal, real Kubernetes control plane on 127.0.0.1 for tests, from the
# binaries of toolchain/install-k8s-tier.sh: etcd, kube-apiserver (TLS,
# certificates made with openssl), kube-controller-manager, kube-scheduler, and
# kwok playing the kubelet of K8S_FAKE_NODES (3) fake nodes and the volume
# provisioner of the default StorageClass "kwok-volume". With --real-pods, one
# real node instead (containerd, kubelet, kube-proxy, CoreDNS; images from
# toolchain/install-pod-runtime.sh; StorageClass "warren-local"): needs root,
# one such cluster per machine.
#
# Usage:
#   scripts/k8s-cluster.sh up DIR [--real-pods]
#                                       start (or find running) a cluster in DIR;
#                                       prints `export KUBECONFIG=DIR/kubeconfig`
#                                       and an `export PATH=...` for kubectl
#   scripts/k8s-cluster.sh down DIR     stop its processes and remove DIR
#   scripts/k8s-cluster.sh status DIR   exit 0 when the cluster in DIR is up
#
#   eval "$(scripts/k8s-cluster.sh up /tmp/warren-k8s)"
#
# Exit codes: 0 done (status: up), 1 failed (status: not running), 2 usage or
# a bad environment value (nothing started). Ports: the first free ones from
# K8S_ETCD_PORT (23791), K8S_ETCD_PEER_PORT (23891), K8S_APISERVER_PORT (64431),
# K8S_KCM_PORT (64441), K8S_SCHEDULER_PORT (64451), and for the real node
# K8S_KUBELET_PORT (10250), K8S_KUBELET_HEALTHZ_PORT (10248),
# K8S_PROXY_HEALTHZ_PORT (10256), K8S_PROXY_METRICS_PORT (10249); K8S_VOLUMES
# (10) volumes of K8S_VOLUME_SIZE (10Gi) each. They are in DIR/ports.env, logs
# in DIR/logs, pid files in DIR/run.
#
# The work is done by scripts/k8s/ (TypeScript), compiled by `npm run build`.
set -euo pipefail
entry="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/dist/scripts/k8s/k8s-cluster.js"
if [[ ! -f "$entry" ]]; then
	echo "[k8s-cluster] error: $entry is missing: run npm run build (or scripts/setup.sh) first" >&2
	exit 1
fi
exec node "$entry" "$@"
