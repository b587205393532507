#!/usr/bin/env bash
# Builds and installs warren's Pulumi toolchain from Go modules, for machines
# that can reach only the Go module proxy, the npm registry and Debian apt:
#
#   pulumi                    the Pulumi CLI (github.com/pulumi/pulumi/pkg/v3)
#   pulumi-language-nodejs    a minimal Node.js language host (toolchain/language-nodejs;
#                             the upstream one is not available from the proxy)
#   pulumi-resource-rabbitmq  the RabbitMQ provider plugin: Terraform bridge + upstream
#                             Terraform provider, mapped like @pulumi/rabbitmq
#                             (toolchain/rabbitmq-provider), installed with
#                             `pulumi plugin install --file`
#
# Binaries are cached under ${WARREN_CACHE_DIR:-$HOME/.cache/warren}/toolchain/,
# keyed by version and by a hash of the wrapper sources; a warm rerun only checks.
# Go builds run one at a time (the machines have 2 cores).
#
# Usage: toolchain/install-toolchain.sh
#   then: export PATH="<printed bin dir>:$PATH"
#   and run Pulumi with PULUMI_SKIP_UPDATE_CHECK=true
#   PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true (see the summary it prints).
set -euo pipefail

TOOLCHAIN_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_ROOT="${WARREN_CACHE_DIR:-$HOME/.cache/warren}/toolchain"

export PATH="/usr/local/go/bin:${HOME}/go/bin:${PATH}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# Use the installed Go; never try to download another toolchain.
export GOTOOLCHAIN=local
# Some module versions used here are missing from the checksum database the
# proxy serves; the committed go.sum files pin them. These patterns only matter
# when a version change makes `go mod tidy` add new go.sum lines.
export GONOSUMDB="${GONOSUMDB:+${GONOSUMDB},}github.com/pulumi/pulumi/pkg,github.com/pulumi/pulumi-terraform-bridge"

# shellcheck disable=SC2034 # read by lib.sh
LOG_PREFIX=toolchain
# shellcheck source=lib.sh
. "$TOOLCHAIN_DIR/lib.sh"

# Versions: toolchain/versions.json (the npm packages @pulumi/pulumi and
# @pulumi/rabbitmq in package.json name the same; the environment may override
# them to try another release).
PINNED_RABBITMQ_PROVIDER_VERSION=$(pin rabbitmqProvider.version)
PULUMI_VERSION="${PULUMI_VERSION:-$(pin pulumi.version)}"
RABBITMQ_PROVIDER_VERSION="${RABBITMQ_PROVIDER_VERSION:-$PINNED_RABBITMQ_PROVIDER_VERSION}"

command -v go >/dev/null || die "go not found (expected in /usr/local/go/bin)"
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
[[ "$go_minor" =~ ^[0-9]+$ && "$go_minor" -ge 25 ]] || die "Go >= 1.25 required, found $(go env GOVERSION)"

# prepare_module <src dir> <build dir>: a private, writable copy of a wrapper module.
prepare_module() {
	rm -rf "$2"
	mkdir -p "$2"
	cp -R "$1/." "$2/"
	chmod -R u+w "$2"
}

# ---------------------------------------------------------------------------
# 1. Pulumi CLI and Node.js language host
# ---------------------------------------------------------------------------
PULUMI_BIN=""
if command -v pulumi >/dev/null 2>&1 &&
	[[ "$(pulumi version 2>/dev/null || true)" == "v${PULUMI_VERSION}" ]] &&
	command -v pulumi-language-nodejs >/dev/null 2>&1; then
	PULUMI_BIN="$(dirname "$(command -v pulumi)")"
	log "using pulumi v${PULUMI_VERSION} already on PATH ($PULUMI_BIN)"
else
	cli_key="pulumi-${PULUMI_VERSION}-$(src_hash "$TOOLCHAIN_DIR/pulumi-cli")-$(src_hash "$TOOLCHAIN_DIR/language-nodejs")"
	PULUMI_BIN="$CACHE_ROOT/$cli_key/bin"
	build_dir="$CACHE_ROOT/$cli_key/build"
	mkdir -p "$PULUMI_BIN"
	version_ldflag="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PULUMI_VERSION}"

	if [[ -x "$PULUMI_BIN/pulumi" ]]; then
		log "pulumi v${PULUMI_VERSION}: cached ($PULUMI_BIN/pulumi)"
	else
		log "building pulumi v${PULUMI_VERSION} (several minutes on 2 cores)"
		t0=$(now)
		prepare_module "$TOOLCHAIN_DIR/pulumi-cli" "$build_dir/pulumi-cli"
		if ! grep -q "github.com/pulumi/pulumi/pkg/v3 v${PULUMI_VERSION}\$" "$build_dir/pulumi-cli/go.mod"; then
			log "go.mod pins another pulumi release: re-resolving for v${PULUMI_VERSION}"
			(cd "$build_dir/pulumi-cli" &&
				go mod edit -require="github.com/pulumi/pulumi/pkg/v3@v${PULUMI_VERSION}" \
					-require="github.com/pulumi/pulumi/sdk/v3@v${PULUMI_VERSION}" &&
				GOFLAGS=-mod=mod go mod tidy)
		fi
		go_build "$build_dir/pulumi-cli" "$PULUMI_BIN/pulumi" "-s -w $version_ldflag" \
			github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
		record "pulumi (CLI) build" "$t0"
	fi

	if [[ -x "$PULUMI_BIN/pulumi-language-nodejs" ]]; then
		log "pulumi-language-nodejs: cached"
	else
		log "building pulumi-language-nodejs"
		t0=$(now)
		prepare_module "$TOOLCHAIN_DIR/language-nodejs" "$build_dir/language-nodejs"
		if ! grep -q "github.com/pulumi/pulumi/sdk/v3 v${PULUMI_VERSION}\$" "$build_dir/language-nodejs/go.mod"; then
			(cd "$build_dir/language-nodejs" &&
				go mod edit -require="github.com/pulumi/pulumi/sdk/v3@v${PULUMI_VERSION}" &&
				GOFLAGS=-mod=mod go mod tidy)
		fi
		go_build "$build_dir/language-nodejs" "$PULUMI_BIN/pulumi-language-nodejs" \
			"-s -w -X main.Version=${PULUMI_VERSION}" .
		record "pulumi-language-nodejs build" "$t0"
	fi
	rm -rf "$build_dir"
	export PATH="$PULUMI_BIN:$PATH"
fi
got="$(pulumi version)"
[[ "$got" == "v${PULUMI_VERSION}" ]] || die "pulumi reports $got, expected v${PULUMI_VERSION}"

# ---------------------------------------------------------------------------
# 2. RabbitMQ resource provider
# ---------------------------------------------------------------------------
if [[ "$RABBITMQ_PROVIDER_VERSION" != "$PINNED_RABBITMQ_PROVIDER_VERSION" ]]; then
	log "warning: toolchain/rabbitmq-provider was checked against @pulumi/rabbitmq ${PINNED_RABBITMQ_PROVIDER_VERSION};" \
		"check its tokens and Terraform provider version for ${RABBITMQ_PROVIDER_VERSION}"
fi
prov_key="pulumi-resource-rabbitmq-${RABBITMQ_PROVIDER_VERSION}-$(src_hash "$TOOLCHAIN_DIR/rabbitmq-provider")"
PROVIDER_BIN="$CACHE_ROOT/$prov_key/bin/pulumi-resource-rabbitmq"
if [[ -x "$PROVIDER_BIN" ]]; then
	log "pulumi-resource-rabbitmq ${RABBITMQ_PROVIDER_VERSION}: cached"
else
	log "building pulumi-resource-rabbitmq ${RABBITMQ_PROVIDER_VERSION} (several minutes on 2 cores)"
	build_dir="$CACHE_ROOT/$prov_key/build"
	mkdir -p "$(dirname "$PROVIDER_BIN")"
	prepare_module "$TOOLCHAIN_DIR/rabbitmq-provider" "$build_dir"
	prov_ldflag="-X warren.local/toolchain/rabbitmq-provider/rabbitmqinfo.Version=${RABBITMQ_PROVIDER_VERSION}"

	t0=$(now)
	go_build "$build_dir" "$build_dir/pulumi-tfgen-rabbitmq" "-s -w $prov_ldflag" ./cmd/pulumi-tfgen-rabbitmq
	"$build_dir/pulumi-tfgen-rabbitmq" "$build_dir/cmd/pulumi-resource-rabbitmq/schema.json"
	record "pulumi-tfgen-rabbitmq build + schema" "$t0"

	t0=$(now)
	go_build "$build_dir" "$PROVIDER_BIN" "-s -w $prov_ldflag" ./cmd/pulumi-resource-rabbitmq
	record "pulumi-resource-rabbitmq build" "$t0"
	rm -rf "$build_dir"
fi

# ---------------------------------------------------------------------------
# 3. Install the provider as a Pulumi plugin
# ---------------------------------------------------------------------------
plugin_dir="${PULUMI_HOME:-$HOME/.pulumi}/plugins/resource-rabbitmq-v${RABBITMQ_PROVIDER_VERSION}"
if [[ -f "$plugin_dir/pulumi-resource-rabbitmq" ]] && cmp -s "$PROVIDER_BIN" "$plugin_dir/pulumi-resource-rabbitmq" &&
	pulumi plugin ls 2>/dev/null | grep -Eq "^rabbitmq +resource +${RABBITMQ_PROVIDER_VERSION//./\\.} "; then
	log "plugin resource rabbitmq ${RABBITMQ_PROVIDER_VERSION}: already installed"
else
	t0=$(now)
	pulumi plugin install resource rabbitmq "$RABBITMQ_PROVIDER_VERSION" --file "$PROVIDER_BIN" --reinstall
	record "plugin install" "$t0"
fi

# ---------------------------------------------------------------------------
# 4. The Node.js dynamic-provider plugin
# ---------------------------------------------------------------------------
# Pulumi runs dynamic providers (warren's vhost settings, users, guard, ...)
# through a resource plugin named pulumi-resource-pulumi-nodejs. Upstream ships
# it as a launcher of @pulumi/pulumi's own dynamic-provider host, resolved from
# the project's node_modules (the engine starts plugins in the project directory).
# warren's launcher also preloads shims/defer-sdk-modules.cjs (the SDK's
# TypeScript compiler and Arborist, which the host never uses, loaded only on
# first use: half the host's start-up, on the path of every up and preview) and
# shims/detailed-diff.cjs: a detailed diff for warren's dynamic resources, so
# that `preview --diff` names each changed object.
#
# It goes where upstream ships it: next to the `pulumi` executable. The engine
# (sdk/go/common/workspace/plugins.go, getPluginInfoAndPath) takes this plugin,
# which it counts as bundled, from $PATH first, but warns "using
# pulumi-resource-pulumi-nodejs from $PATH at ..." on every run unless that is
# the file next to the running `pulumi` (symlinks resolved); it looks there
# itself when $PATH has none. So no directory of its own on PATH: the launcher
# sits beside `pulumi` (written on every run, it is a few lines; the cache
# keys do not change).
PULUMI_EXE_DIR="$(dirname "$(readlink -f "$(command -v pulumi)")")"
SHIM_LIB="$CACHE_ROOT/shims/lib"
mkdir -p "$SHIM_LIB"
for preload in defer-sdk-modules.cjs detailed-diff.cjs; do
	cp "$TOOLCHAIN_DIR/shims/$preload" "$SHIM_LIB/$preload.tmp"
	mv "$SHIM_LIB/$preload.tmp" "$SHIM_LIB/$preload"
done
# The preloads' directory, quoted for sh ('...' with each ' as '\'').
preloads="'${SHIM_LIB//\'/\'\\\'\'}'"
{
	echo '#!/bin/sh'
	echo '# warren: launcher of @pulumi/pulumi'"'"'s dynamic-provider host (toolchain/install-toolchain.sh).'
	echo "preloads=$preloads"
	cat <<'SHIM'
# The engine starts it in the program's directory: find the project's
# @pulumi/pulumi the way Node would, walking up through node_modules.
dir=$(pwd)
while :; do
	if [ -d "$dir/node_modules/@pulumi/pulumi/cmd/dynamic-provider" ]; then
		exec node --require "$preloads/defer-sdk-modules.cjs" --require "$preloads/detailed-diff.cjs" \
			"$dir/node_modules/@pulumi/pulumi/cmd/dynamic-provider" "$@"
	fi
	[ "$dir" = / ] && break
	dir=$(dirname "$dir")
done
echo "pulumi-resource-pulumi-nodejs: no node_modules/@pulumi/pulumi above $(pwd)" >&2
exit 1
SHIM
} >"$PULUMI_EXE_DIR/pulumi-resource-pulumi-nodejs.tmp"
chmod +x "$PULUMI_EXE_DIR/pulumi-resource-pulumi-nodejs.tmp"
mv "$PULUMI_EXE_DIR/pulumi-resource-pulumi-nodejs.tmp" "$PULUMI_EXE_DIR/pulumi-resource-pulumi-nodejs"
# The launcher's old place, once on PATH (and the cause of the warning).
rm -f "$CACHE_ROOT/shims/bin/pulumi-resource-pulumi-nodejs"
rmdir "$CACHE_ROOT/shims/bin" 2>/dev/null || true
# Any other one on PATH would still be taken first, with the warning: say so.
ambient="$(command -v pulumi-resource-pulumi-nodejs 2>/dev/null || true)"
if [[ -n "$ambient" && "$(readlink -f "$ambient")" != "$PULUMI_EXE_DIR/pulumi-resource-pulumi-nodejs" ]]; then
	log "warning: $ambient is on PATH and will be used instead of $PULUMI_EXE_DIR/pulumi-resource-pulumi-nodejs" \
		"(Pulumi warns on every run): remove it or its directory from PATH"
fi

# The environment to run Pulumi in: env.sh for scripts (`. "$CACHE_ROOT/env.sh"`),
# env.json for the tests. Written on every run, also when everything is cached,
# so that a cache made before env.json existed gets one from the next setup.
ENV_VARS=(PULUMI_SKIP_UPDATE_CHECK=true PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
	PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true)
write_env "$CACHE_ROOT" "$PULUMI_BIN" "${ENV_VARS[@]}"

echo
echo "Pulumi toolchain ready: pulumi v${PULUMI_VERSION}, resource plugin rabbitmq ${RABBITMQ_PROVIDER_VERSION}"
print_timings
echo "PATH addition: $PULUMI_BIN"
echo "Environment file: $CACHE_ROOT/env.sh (for programs: $CACHE_ROOT/env.json)"
echo "Environment for pulumi: ${ENV_VARS[*]}"
