#!/usr/bin/env bash
# What a real node needs besides kubelet and kube-proxy (install-k8s-tier.sh
# builds those), for machines that reach only Debian's packages, the Go module
# proxy and the npm registry — no registry to pull images from:
#
#   node software     containerd, runc, CNI plugins, iptables, conntrack, socat
#                     (Debian packages)
#   pause image       a static pause binary (toolchain/pod-runtime/pause.c, gcc)
#                     packed as an OCI image with umoci
#   RabbitMQ images   Debian's rabbitmq-server in a debootstrap --variant=minbase
#                     root, packed with umoci: trixie (RabbitMQ 4.0.x, Erlang 27)
#                     and bookworm (RabbitMQ 3.10.x, Erlang 25)
#
# Images are OCI archives under ${WARREN_CACHE_DIR:-$HOME/.cache/warren}/k8s/images/,
# one directory per image and recipe; images.json there lists each image's
# reference (what a pod spec names), its RabbitMQ version and its archive.
# scripts/k8s-cluster.sh --real-pods imports them into the node's containerd. Needs root
# (debootstrap, chroot), like the node itself.
#
# Usage: toolchain/install-pod-runtime.sh
set -euo pipefail

# Bump when the way an image is made changes (cache keys include it).
RECIPE=1
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# suite -> image tag suffix; the RabbitMQ version is read from the built root.
SUITES=(trixie bookworm)

WARREN_CACHE="${WARREN_CACHE_DIR:-$HOME/.cache/warren}"
IMAGES="$WARREN_CACHE/k8s/images"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# shellcheck disable=SC2034 # read by lib.sh
LOG_PREFIX=pod-runtime
# shellcheck source=lib.sh
. "$HERE/lib.sh"
T_START=$(now)

((EUID == 0)) || die "needs root (debootstrap, chroot, and later containerd): run as root"

# ---------------------------------------------------------------------------
# 1. Node software from Debian
# ---------------------------------------------------------------------------
PACKAGES=(containerd runc containernetworking-plugins iptables conntrack socat debootstrap umoci gcc libc6-dev)
missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
	t0=$(now)
	log "installing ${missing[*]} (Debian)"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	record "Debian packages" "$t0"
fi
# Debian starts containerd as a service when there is an init system; the node
# runs its own containerd (scripts/k8s-cluster.sh --real-pods), so a system one only wastes memory.
for p in /usr/bin/containerd /usr/sbin/runc /usr/lib/cni/bridge /usr/lib/cni/host-local /usr/lib/cni/portmap /usr/lib/cni/loopback; do
	[[ -x "$p" ]] || die "$p missing after installing the node packages"
done

# oci_archive <layout dir> <tag> <archive>: the layout as one tar, as `ctr images import` reads it.
oci_archive() {
	umoci gc --layout "$1"
	tar -C "$1" -cf "$3.tmp" .
	mv -f "$3.tmp" "$3"
}

# ---------------------------------------------------------------------------
# 2. The pause image
# ---------------------------------------------------------------------------
PAUSE_SRC="$HERE/pod-runtime/pause.c"
PAUSE_KEY="pause-$(sha256sum "$PAUSE_SRC" | cut -c1-10)-r${RECIPE}"
PAUSE_DIR="$IMAGES/$PAUSE_KEY"
PAUSE_REF="warren.local/pause:3.10"
if [[ -s "$PAUSE_DIR/image.tar" ]]; then
	log "pause image: cached"
else
	t0=$(now)
	rm -rf "$PAUSE_DIR"
	mkdir -p "$PAUSE_DIR/root"
	gcc -static -Os -o "$PAUSE_DIR/root/pause" "$PAUSE_SRC"
	strip "$PAUSE_DIR/root/pause"
	umoci init --layout "$PAUSE_DIR/oci"
	umoci new --image "$PAUSE_DIR/oci:3.10"
	umoci insert --image "$PAUSE_DIR/oci:3.10" "$PAUSE_DIR/root/pause" /pause
	umoci config --image "$PAUSE_DIR/oci:3.10" --config.entrypoint /pause --config.user 65535:65535
	oci_archive "$PAUSE_DIR/oci" 3.10 "$PAUSE_DIR/image.tar"
	rm -rf "$PAUSE_DIR/oci" "$PAUSE_DIR/root"
	record "pause image" "$t0"
fi

# ---------------------------------------------------------------------------
# 3. RabbitMQ images from Debian
# ---------------------------------------------------------------------------
# build_rabbitmq <suite> <dir>: writes <dir>/image.tar and <dir>/version.
build_rabbitmq() {
	local suite=$1 dir=$2 root="$2/root"
	rm -rf "$dir"
	mkdir -p "$dir"
	debootstrap --variant=minbase "$suite" "$root" "$MIRROR" >"$dir/debootstrap.log" 2>&1 ||
		{
			tail -n 20 "$dir/debootstrap.log" >&2
			die "debootstrap $suite failed (log: $dir/debootstrap.log)"
		}
	# No service starts inside the chroot; the official image's user and group ids
	# (999), which the pod's securityContext runs as.
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	chroot "$root" groupadd --system --gid 999 rabbitmq
	chroot "$root" useradd --system --uid 999 --gid 999 --home-dir /var/lib/rabbitmq --no-create-home --shell /usr/sbin/nologin rabbitmq
	mount -t proc proc "$root/proc"
	local rc=0
	chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rabbitmq-server \
		>"$dir/apt.log" 2>&1 || rc=$?
	umount "$root/proc"
	((rc == 0)) || {
		tail -n 20 "$dir/apt.log" >&2
		die "installing rabbitmq-server in $suite failed (log: $dir/apt.log)"
	}
	# shellcheck disable=SC2016 # dpkg-query's format, not a shell expansion
	chroot "$root" dpkg-query -W -f '${Version}' rabbitmq-server | sed -E 's/-[^-]*$//' >"$dir/version"
	# Nothing node-specific in an image: no cookie, no database, no logs, no apt lists.
	chroot "$root" apt-get clean
	rm -rf "$root"/var/lib/apt/lists/* "$root/usr/sbin/policy-rc.d" "$root"/var/lib/rabbitmq/{.erlang.cookie,mnesia} \
		"$root"/var/log/rabbitmq/* "$root"/var/cache/debconf/*-old "$root"/usr/share/{doc,man,info}/*
	local version tag
	version=$(<"$dir/version")
	tag="${version}-debian-${suite}"
	umoci init --layout "$dir/oci"
	umoci new --image "$dir/oci:$tag"
	umoci insert --image "$dir/oci:$tag" "$root" /
	# Debian's /usr/sbin/rabbitmq-server wrapper hides the node's output and runs
	# only as the rabbitmq user by name: the real scripts come first on PATH.
	umoci config --image "$dir/oci:$tag" --config.entrypoint rabbitmq-server --config.user 999:999 \
		--config.env PATH=/usr/lib/rabbitmq/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		--config.env LANG=C.UTF-8 --config.env HOME=/var/lib/rabbitmq \
		--config.exposedports 5672/tcp --config.exposedports 15672/tcp --config.exposedports 4369/tcp --config.exposedports 25672/tcp
	oci_archive "$dir/oci" "$tag" "$dir/image.tar"
	echo "$tag" >"$dir/tag"
	rm -rf "$dir/oci" "$root"
}

declare -A REFS VERSIONS ARCHIVES
for suite in "${SUITES[@]}"; do
	dir="$IMAGES/rabbitmq-debian-${suite}-r${RECIPE}"
	if [[ -s "$dir/image.tar" && -s "$dir/tag" && -s "$dir/version" ]]; then
		log "RabbitMQ image ($suite): cached"
	else
		t0=$(now)
		log "building the RabbitMQ image from Debian $suite (debootstrap, then rabbitmq-server)"
		build_rabbitmq "$suite" "$dir"
		record "RabbitMQ image ($suite)" "$t0"
	fi
	REFS[$suite]="warren.local/rabbitmq:$(<"$dir/tag")"
	VERSIONS[$suite]=$(<"$dir/version")
	ARCHIVES[$suite]="$dir/image.tar"
done

# ---------------------------------------------------------------------------
# 4. images.json: what the real node (scripts/k8s-cluster.sh --real-pods) imports and what tests name
# ---------------------------------------------------------------------------
{
	jq -n --arg ref "$PAUSE_REF" --arg archive "$PAUSE_DIR/image.tar" '{pause: {ref: $ref, archive: $archive}}'
	for suite in "${SUITES[@]}"; do
		jq -n --arg s "$suite" --arg ref "${REFS[$suite]}" --arg v "${VERSIONS[$suite]}" --arg archive "${ARCHIVES[$suite]}" \
			'{("rabbitmq-" + $s): {ref: $ref, rabbitmqVersion: $v, archive: $archive}}'
	done
} | jq -s 'add' >"$IMAGES/images.json.tmp"
mv -f "$IMAGES/images.json.tmp" "$IMAGES/images.json"

echo
echo "Pod runtime ready: containerd $(containerd --version | awk '{print $3}'), runc $(runc --version | awk 'NR==1 {print $3}')"
jq -r 'to_entries[] | "  \(.key): \(.value.ref)"' "$IMAGES/images.json"
print_timings
echo "Total: $(elapsed "$T_START")s"
echo "Images: $IMAGES/images.json"
