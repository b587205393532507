#!/usr/bin/env bash
# Builds the "real API-server tier" for tests of RabbitMQ on Kubernetes from Go
# modules, for machines that reach only the Go module proxy, the npm registry
# and Debian apt (no release downloads, no container images):
#
#   etcd                        go.etcd.io/etcd/server/v3 (the version Kubernetes pins)
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl,
#   kubelet, kube-proxy         k8s.io/kubernetes, through a generated wrapper module
#                               that replaces its v0.0.0 staging requirements by the
#                               published k8s.io/* v0.X.Y modules (kubelet and
#                               kube-proxy run the real-pods node, scripts/k8s/start-node.ts)
#   kwok                        sigs.k8s.io/kwok/cmd/kwok (fake nodes, pod/PVC lifecycle)
#   coredns                     github.com/coredns/coredns (cluster DNS of the real-pods node)
#
# The Pulumi Kubernetes provider plugin is built by install-kubernetes-provider.sh.
#
# Binaries are cached under ${WARREN_CACHE_DIR:-$HOME/.cache/warren}/k8s/, one
# directory per component and version (<component>-<version>-r<recipe>/bin), and
# linked together into k8s/<combined version key>/bin; a warm rerun only checks.
# Go builds run one at a time (the machines have 2 cores).
#
# Usage: toolchain/install-k8s-tier.sh
#   then: . "${WARREN_CACHE_DIR:-$HOME/.cache/warren}/k8s/env.sh"
#   and:  scripts/k8s-cluster.sh up DIR
set -euo pipefail

# Bump when the way a component is built changes (cache keys include it).
RECIPE=1

WARREN_CACHE="${WARREN_CACHE_DIR:-$HOME/.cache/warren}"
CACHE_ROOT="$WARREN_CACHE/k8s"

export PATH="/usr/local/go/bin:${PATH}"
# Use the installed Go; never try to download another toolchain.
export GOTOOLCHAIN=local
# Server binaries are built static, like the upstream releases.
export CGO_ENABLED=0
# Every module below verifies against the checksum database (checked with Go
# 1.26 and the versions above), so GONOSUMDB/GOFLAGS are left alone; only the
# wrapper modules' `go mod tidy` runs with -mod=mod.

# shellcheck disable=SC2034 # read by lib.sh
LOG_PREFIX=k8s-tier
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
T_START=$(now)

# Versions: toolchain/versions.json ("kubernetes", with why these go together);
# the environment may override them to try other releases.
KUBERNETES_VERSION="${KUBERNETES_VERSION:-$(pin kubernetes.version)}"
ETCD_VERSION="${ETCD_VERSION:-$(pin kubernetes.etcd)}"
KWOK_VERSION="${KWOK_VERSION:-$(pin kubernetes.kwok)}"
COREDNS_VERSION="${COREDNS_VERSION:-$(pin kubernetes.coredns)}"

command -v go >/dev/null || die "go not found (expected in /usr/local/go/bin)"
command -v jq >/dev/null || die "jq not found (apt-get install jq)"
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
# The pinned kwok and Kubernetes declare `go 1.26.0`.
[[ "$go_minor" =~ ^[0-9]+$ && "$go_minor" -ge 26 ]] || die "Go >= 1.26 required, found $(go env GOVERSION)"

# mod_download <module@version>: prints the module's JSON from `go mod download -json`
# (with .Error set when the proxy does not serve it).
mod_download() {
	mkdir -p "$CACHE_ROOT"
	(cd "$CACHE_ROOT" && go mod download -json "$1" 2>/dev/null) || true
}

# new_wrapper <dir> <module path>: an empty wrapper module (go.mod only).
new_wrapper() {
	rm -rf "$1"
	mkdir -p "$1"
	printf 'module %s\n\ngo 1.26.0\n' "$2" >"$1/go.mod"
}

# build_tool <dir> <wrapper name> <module@version> <package> <binary> <ldflags>:
# a wrapper module that requires the module and names the package as a tool,
# tidied, then the package built into <dir>/bin/<binary>.
build_tool() {
	new_wrapper "$1/src" "warren.local/k8s-tier/$2"
	(cd "$1/src" && go mod edit -require="$3" -tool="$4" && GOFLAGS=-mod=mod go mod tidy)
	go_build "$1/src" "$1/bin/$5" "$6" "$4"
}

# ---------------------------------------------------------------------------
# 1. etcd
# ---------------------------------------------------------------------------
ETCD_DIR="$CACHE_ROOT/etcd-v${ETCD_VERSION}-r${RECIPE}"
if [[ -x "$ETCD_DIR/bin/etcd" ]]; then
	log "etcd v${ETCD_VERSION}: cached"
else
	log "building etcd v${ETCD_VERSION}"
	t0=$(now)
	mkdir -p "$ETCD_DIR/bin"
	# The server module's own replace directives (../api, ../pkg, ...) only apply
	# when it is the main module; as a dependency it requires the published
	# go.etcd.io/etcd/*/v3 modules of the same version, which is what we want.
	build_tool "$ETCD_DIR" etcd "go.etcd.io/etcd/server/v3@v${ETCD_VERSION}" go.etcd.io/etcd/server/v3 etcd \
		"-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=module-v${ETCD_VERSION}"
	record "etcd build" "$t0"
fi

# ---------------------------------------------------------------------------
# 2. Kubernetes control plane and kubectl
# ---------------------------------------------------------------------------
KUBE_DIR="$CACHE_ROOT/kubernetes-v${KUBERNETES_VERSION}-r${RECIPE}"
KUBE_CMDS=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy)
kube_missing=()
for c in "${KUBE_CMDS[@]}"; do
	[[ -x "$KUBE_DIR/bin/$c" ]] || kube_missing+=("$c")
done
if ((${#kube_missing[@]} == 0)); then
	log "kubernetes v${KUBERNETES_VERSION}: cached"
else
	log "building kubernetes v${KUBERNETES_VERSION}: ${kube_missing[*]} (tens of minutes on 2 cores)"
	mkdir -p "$KUBE_DIR/bin"
	# A wrapper made before a command was added lacks its tool line (and go.sum entries): make it again.
	if [[ -f "$KUBE_DIR/src/go.mod" ]]; then
		for c in "${KUBE_CMDS[@]}"; do
			go mod edit -json "$KUBE_DIR/src/go.mod" | jq -e --arg p "k8s.io/kubernetes/cmd/$c" '[.Tool[]?.Path] | index($p)' >/dev/null ||
				rm -f "$KUBE_DIR/src/go.sum"
		done
	fi
	if [[ ! -f "$KUBE_DIR/src/go.sum" ]]; then
		t0=$(now)
		info=$(mod_download "k8s.io/kubernetes@v${KUBERNETES_VERSION}")
		kube_gomod=$(jq -r '.GoMod // empty' <<<"$info")
		[[ -n "$kube_gomod" ]] || die "k8s.io/kubernetes@v${KUBERNETES_VERSION}: $(jq -r '.Error // "download failed"' <<<"$info")"
		# k8s.io/kubernetes requires its staging modules (k8s.io/api, k8s.io/client-go,
		# ...) at v0.0.0 and replaces them by ./staging/src/...; replace directives of
		# a dependency are ignored, so the wrapper replaces each of them by the
		# published module of the matching minor: v1.X.Y -> v0.X.Y.
		staging_version="v0.${KUBERNETES_VERSION#*.}"
		mapfile -t staging < <(go mod edit -json "$kube_gomod" |
			jq -r '.Require[] | select((.Path | startswith("k8s.io/")) and .Version == "v0.0.0") | .Path')
		((${#staging[@]} > 0)) || die "no v0.0.0 k8s.io/* requirements found in $kube_gomod"
		edits=(-require="k8s.io/kubernetes@v${KUBERNETES_VERSION}")
		for m in "${staging[@]}"; do
			edits+=(-replace="${m}=${m}@${staging_version}")
		done
		for c in "${KUBE_CMDS[@]}"; do
			edits+=(-tool="k8s.io/kubernetes/cmd/$c")
		done
		new_wrapper "$KUBE_DIR/src" warren.local/k8s-tier/kubernetes
		(cd "$KUBE_DIR/src" && go mod edit "${edits[@]}" && GOFLAGS=-mod=mod go mod tidy)
		log "replaced ${#staging[@]} staging modules by ${staging_version}: ${staging[*]}"
		record "kubernetes wrapper module (go mod tidy)" "$t0"
	fi
	# Version stamps, as hack/lib/version.sh sets them; the build date is the
	# release's publication time from the module proxy, so rebuilds are identical.
	build_date=$(jq -r '.Time // empty' "$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/v${KUBERNETES_VERSION}.info" 2>/dev/null || true)
	[[ -n "$build_date" ]] || build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	kv_major=${KUBERNETES_VERSION%%.*}
	kv_minor=${KUBERNETES_VERSION#*.}
	kv_minor=${kv_minor%%.*}
	kube_ldflags="-s -w"
	for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		kube_ldflags+=" -X $p.gitVersion=v${KUBERNETES_VERSION} -X $p.gitMajor=${kv_major} -X $p.gitMinor=${kv_minor}"
		kube_ldflags+=" -X $p.gitTreeState=clean -X $p.buildDate=${build_date}"
	done
	for c in "${kube_missing[@]}"; do
		t0=$(now)
		go_build "$KUBE_DIR/src" "$KUBE_DIR/bin/$c" "$kube_ldflags" "k8s.io/kubernetes/cmd/$c"
		record "$c build" "$t0"
	done
fi

# ---------------------------------------------------------------------------
# 3. kwok and its stages
# ---------------------------------------------------------------------------
KWOK_DIR="$CACHE_ROOT/kwok-v${KWOK_VERSION}-r${RECIPE}"
if [[ -x "$KWOK_DIR/bin/kwok" && -s "$KWOK_DIR/share/stages.yaml" && -s "$KWOK_DIR/share/storage-class.yaml" ]]; then
	log "kwok v${KWOK_VERSION}: cached"
else
	log "building kwok v${KWOK_VERSION}"
	t0=$(now)
	mkdir -p "$KWOK_DIR/bin" "$KWOK_DIR/share"
	# sigs.k8s.io/kwok has no replace directives, so it builds as a plain dependency.
	build_tool "$KWOK_DIR" kwok "sigs.k8s.io/kwok@v${KWOK_VERSION}" sigs.k8s.io/kwok/cmd/kwok kwok \
		"-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${KUBERNETES_VERSION}"
	record "kwok build" "$t0"

	# The kwok binary has no built-in stages (it exits with "no stages found");
	# kwokctl writes node-initialize, node-heartbeat-with-lease and the pod "fast"
	# stages into its config. Take the same stage files from the module, plus the
	# volume stages that provision and bind a PV for each PVC of the kwok-volume
	# StorageClass (kwok does not run a volume provisioner otherwise).
	kwok_src=$(jq -r '.Dir // empty' <<<"$(mod_download "sigs.k8s.io/kwok@v${KWOK_VERSION}")")
	[[ -d "$kwok_src/kustomize/stage" ]] || die "sigs.k8s.io/kwok@v${KWOK_VERSION}: no kustomize/stage in the module"
	st="$kwok_src/kustomize/stage"
	stage_files=(
		"$st/node/fast/node-initialize.yaml"
		"$st/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml"
		"$st/pod/fast/pod-ready.yaml"
		"$st/pod/fast/pod-complete.yaml"
		"$st/pod/fast/pod-delete.yaml"
		"$st/volume/fast/pvc-provision.yaml"
		"$st/volume/fast/pvc-delete.yaml"
		"$st/volume/fast/pv-bind.yaml"
		"$st/volume/fast/pv-delete.yaml"
	)
	{
		echo "# kwok stages from sigs.k8s.io/kwok@v${KWOK_VERSION} kustomize/stage (generated by install-k8s-tier.sh)"
		first=1
		for f in "${stage_files[@]}"; do
			[[ -f "$f" ]] || die "missing kwok stage file $f"
			((first)) || echo "---"
			first=0
			cat "$f"
		done
	} >"$KWOK_DIR/share/stages.yaml.tmp"
	mv -f "$KWOK_DIR/share/stages.yaml.tmp" "$KWOK_DIR/share/stages.yaml"
	install -m 0644 "$st/volume/fast/storage-class.yaml" "$KWOK_DIR/share/storage-class.yaml"
fi

# ---------------------------------------------------------------------------
# 4. CoreDNS (the real-pods node's cluster DNS, run as a host process)
# ---------------------------------------------------------------------------
COREDNS_DIR="$CACHE_ROOT/coredns-v${COREDNS_VERSION}-r${RECIPE}"
if [[ -x "$COREDNS_DIR/bin/coredns" ]]; then
	log "coredns v${COREDNS_VERSION}: cached"
else
	log "building coredns v${COREDNS_VERSION}"
	t0=$(now)
	mkdir -p "$COREDNS_DIR/bin"
	build_tool "$COREDNS_DIR" coredns "github.com/coredns/coredns@v${COREDNS_VERSION}" github.com/coredns/coredns coredns \
		"-s -w -X github.com/coredns/coredns/coremain.GitCommit=module-v${COREDNS_VERSION}"
	record "coredns build" "$t0"
fi

# ---------------------------------------------------------------------------
# 5. One bin directory for the whole tier, and env.sh
# ---------------------------------------------------------------------------
TIER_KEY="k8s-v${KUBERNETES_VERSION}-etcd-v${ETCD_VERSION}-kwok-v${KWOK_VERSION}-coredns-v${COREDNS_VERSION}-r${RECIPE}"
TIER_BIN="$CACHE_ROOT/$TIER_KEY/bin"
TIER_SHARE="$CACHE_ROOT/$TIER_KEY/share"
mkdir -p "$TIER_BIN" "$TIER_SHARE"
ln -sfn "$ETCD_DIR/bin/etcd" "$TIER_BIN/etcd"
for c in "${KUBE_CMDS[@]}"; do
	ln -sfn "$KUBE_DIR/bin/$c" "$TIER_BIN/$c"
done
ln -sfn "$KWOK_DIR/bin/kwok" "$TIER_BIN/kwok"
ln -sfn "$COREDNS_DIR/bin/coredns" "$TIER_BIN/coredns"
ln -sfn "$KWOK_DIR/share/stages.yaml" "$TIER_SHARE/kwok-stages.yaml"
ln -sfn "$KWOK_DIR/share/storage-class.yaml" "$TIER_SHARE/kwok-storage-class.yaml"

# Check what we have (cheap: each binary prints its version).
got_etcd=$("$TIER_BIN/etcd" --version | sed -n 's/^etcd Version: //p')
got_apiserver=$("$TIER_BIN/kube-apiserver" --version | awk '{print $2}')
got_kcm=$("$TIER_BIN/kube-controller-manager" --version | awk '{print $2}')
got_sched=$("$TIER_BIN/kube-scheduler" --version | awk '{print $2}')
got_kubectl=$("$TIER_BIN/kubectl" version --client -o json | jq -r .clientVersion.gitVersion)
got_kwok=$("$TIER_BIN/kwok" --version | awk '{print $3}')
got_kubelet=$("$TIER_BIN/kubelet" --version | awk '{print $2}')
got_proxy=$("$TIER_BIN/kube-proxy" --version | awk '{print $2}')
got_coredns=$("$TIER_BIN/coredns" -version | sed -n 's/^CoreDNS-//p')
[[ "$got_etcd" == "$ETCD_VERSION" ]] || die "etcd reports '$got_etcd', expected $ETCD_VERSION"
for v in "$got_apiserver" "$got_kcm" "$got_sched" "$got_kubectl" "$got_kubelet" "$got_proxy"; do
	[[ "$v" == "v${KUBERNETES_VERSION}" ]] || die "a Kubernetes binary reports '$v', expected v${KUBERNETES_VERSION}"
done
[[ "$got_kwok" == "v${KWOK_VERSION}" ]] || die "kwok reports '$got_kwok', expected v${KWOK_VERSION}"
[[ "$got_coredns" == "$COREDNS_VERSION" ]] || die "coredns reports '$got_coredns', expected $COREDNS_VERSION"

# env.sh for shells, env.json for programs (scripts/k8s-cluster.sh reads it);
# written on every run, so a cache made before env.json existed gets one.
write_env "$CACHE_ROOT" "$TIER_BIN" "WARREN_K8S_BIN=$TIER_BIN" "WARREN_K8S_SHARE=$TIER_SHARE"

echo
echo "Kubernetes API-server tier ready: kubernetes v${KUBERNETES_VERSION}, etcd v${ETCD_VERSION}, kwok v${KWOK_VERSION}"
echo "  etcd $got_etcd, kube-apiserver $got_apiserver, kube-controller-manager $got_kcm, kube-scheduler $got_sched, kubectl $got_kubectl, kwok $got_kwok"
echo "  kubelet $got_kubelet, kube-proxy $got_proxy, coredns $got_coredns"
print_timings
echo "Total: $(elapsed "$T_START")s"
echo "Bin dir: $TIER_BIN"
echo "Environment file: $CACHE_ROOT/env.sh (for programs: $CACHE_ROOT/env.json)"
