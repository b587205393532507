#!/usr/bin/env bash
# Builds the Pulumi Kubernetes resource provider (pulumi-resource-kubernetes)
# from the Go module proxy and installs it as a Pulumi plugin. Needed only by
# stacks that deploy RabbitMQ to Kubernetes (`warren:cluster`) and by the tests;
# the local stack never loads it, so `npm run up` does not build it.
#
#   version   toolchain/versions.json (kubernetesProvider.version), which the npm
#             package @pulumi/kubernetes in package.json matches; the engine asks
#             for the plugin of exactly that version
#   source    toolchain/kubernetes-provider: a wrapper module requiring
#             github.com/pulumi/pulumi-kubernetes/provider/v4 at the pseudo-version
#             of the commit that upstream tagged with that version
#             (kubernetesProvider.module in versions.json)
#
# Cached under ${WARREN_CACHE_DIR:-$HOME/.cache/warren}/toolchain/, keyed by version
# and by a hash of the wrapper sources; a warm rerun only checks. Cold: ~7 min on
# 2 cores (463 s measured), a 167 MB stripped binary.
# Needs the Pulumi CLI (toolchain/install-toolchain.sh) for the plugin install.
set -euo pipefail

TOOLCHAIN_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WARREN_CACHE="${WARREN_CACHE_DIR:-$HOME/.cache/warren}"
CACHE_ROOT="$WARREN_CACHE/toolchain"
SRC="$TOOLCHAIN_DIR/kubernetes-provider"
MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4

export PATH="/usr/local/go/bin:${PATH}"
export GOTOOLCHAIN=local
# Static, like upstream's release build (CGO_ENABLED=0 in its Makefile).
export CGO_ENABLED=0

# shellcheck disable=SC2034 # read by lib.sh
LOG_PREFIX=kubernetes-provider
# shellcheck source=lib.sh
. "$TOOLCHAIN_DIR/lib.sh"

command -v go >/dev/null || die "go not found (expected in /usr/local/go/bin)"
command -v jq >/dev/null || die "jq not found (apt-get install jq)"

# The version the engine will ask for is the one npm's @pulumi/kubernetes names,
# pinned with it in versions.json (test/toolchain/versions.test.ts checks both agree).
VERSION="${PULUMI_KUBERNETES_VERSION:-$(pin kubernetesProvider.version)}"
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "the Kubernetes provider version must be exact (found '$VERSION')"
# Which module version is that release: versions.json and the wrapper's go.mod
# say, and go.mod's comment names the tag. Refuse a mismatch rather than serve
# the wrong schema.
pinned=$(go mod edit -json "$SRC/go.mod" | jq -r --arg m "$MODULE" '.Require[] | select(.Path == $m) | .Version')
grep -q "tag v${VERSION} points at" "$SRC/go.mod" ||
	die "toolchain/kubernetes-provider/go.mod pins $MODULE $pinned, which is not recorded as v${VERSION};" \
		"find the module version of tag v${VERSION} and update go.mod and versions.json (see toolchain/README.md)"
# (With PULUMI_KUBERNETES_VERSION set, versions.json's module is another release's.)
if [[ -z "${PULUMI_KUBERNETES_VERSION:-}" ]]; then
	module_pin=$(pin kubernetesProvider.module)
	[[ "$pinned" == "$module_pin" ]] ||
		die "toolchain/kubernetes-provider/go.mod pins $MODULE $pinned, but toolchain/versions.json says $module_pin"
fi

key="pulumi-resource-kubernetes-${VERSION}-$(src_hash "$SRC")"
BIN="$CACHE_ROOT/$key/bin/pulumi-resource-kubernetes"

if [[ -x "$BIN" ]]; then
	log "pulumi-resource-kubernetes ${VERSION}: cached"
else
	log "building pulumi-resource-kubernetes ${VERSION} from $MODULE@$pinned (~7 min on 2 cores)"
	t0=$(now)
	build_dir="$CACHE_ROOT/$key/build"
	rm -rf "$build_dir"
	mkdir -p "$build_dir" "$(dirname "$BIN")"
	cp -R "$SRC/." "$build_dir/"
	chmod -R u+w "$build_dir"
	mod_dir=$(cd "$build_dir" && go mod download -json "$MODULE" | jq -r '.Dir // empty')
	[[ -f "$mod_dir/cmd/pulumi-resource-kubernetes/schema.json" ]] || die "$MODULE@$pinned: no cmd/pulumi-resource-kubernetes/schema.json"
	# What upstream's generate.go does: the shipped schema with its version set,
	# and the Terraform mapping, both compacted, embedded by main.go.
	jq -c --arg v "$VERSION" '.version = $v' "$mod_dir/cmd/pulumi-resource-kubernetes/schema.json" >"$build_dir/schema-embed.json"
	jq -c . "$mod_dir/cmd/pulumi-resource-kubernetes/terraform-mapping.json" >"$build_dir/terraform-mapping-embed.json"
	go_build "$build_dir" "$BIN" "-s -w -X $MODULE/pkg/version.Version=${VERSION}" .
	rm -rf "$build_dir"
	record "pulumi-resource-kubernetes build" "$t0"
fi

# The plugin install needs the Pulumi CLI of install-toolchain.sh.
if ! command -v pulumi >/dev/null 2>&1; then
	[[ -f "$CACHE_ROOT/env.sh" ]] || die "pulumi not found: run toolchain/install-toolchain.sh first"
	# shellcheck disable=SC1091
	. "$CACHE_ROOT/env.sh"
fi
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
plugin_file="${PULUMI_HOME:-$HOME/.pulumi}/plugins/resource-kubernetes-v${VERSION}/pulumi-resource-kubernetes"
if [[ -f "$plugin_file" ]] && cmp -s "$BIN" "$plugin_file"; then
	log "plugin resource kubernetes ${VERSION}: already installed"
else
	t0=$(now)
	pulumi plugin install resource kubernetes "$VERSION" --file "$BIN" --reinstall >&2
	record "plugin install" "$t0"
fi
if ((${#TIMINGS[@]})); then
	log "timings: ${TIMINGS[*]}"
fi
log "ready: plugin resource kubernetes ${VERSION} ($BIN)"
