# shellcheck shell=bash
# Helpers shared by the install-*.sh scripts (sourced).
# The caller sets LOG_PREFIX before sourcing.

log() { printf '[%s] %s\n' "$LOG_PREFIX" "$*" >&2; }
die() { printf '[%s] error: %s\n' "$LOG_PREFIX" "$*" >&2; exit 1; }

TIMINGS=()
now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }
record() { # record <label> <start>
	local secs
	secs=$(elapsed "$2")
	TIMINGS+=("$1: ${secs}s")
	log "$1 took ${secs}s"
}

# print_timings: what record() collected, for the summary at a script's end.
print_timings() {
	if ((${#TIMINGS[@]})); then
		echo "Timings:"
		printf '  %s\n' "${TIMINGS[@]}"
	else
		echo "Timings: nothing to build (warm cache)"
	fi
}

# go_build <module dir> <output> <ldflags> <package>: builds next to the output
# and moves it into place, so an interrupted build never leaves a broken binary.
go_build() {
	local tmp="$2.tmp.$$"
	(cd "$1" && go build -mod=readonly -buildvcs=false -ldflags "$3" -o "$tmp" "$4")
	mv -f "$tmp" "$2"
}

# src_hash <module dir>: short hash of a wrapper module's sources (Go files, go.mod,
# go.sum; not a generated schema.json), so that editing them rebuilds.
src_hash() {
	(cd "$1" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) ! -name schema.json \
		-print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-10
}

# The one place the toolchain's versions are pinned (see its "$comment").
VERSIONS_JSON="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/versions.json"

# pin <group>.<name>: a version from versions.json, e.g. `pin kubernetes.etcd`.
# Read with node, which is always there (jq is installed later, by setup.sh); an
# unknown name fails rather than yield an empty version.
pin() {
	node -e '
		const [file, name] = process.argv.slice(1);
		const value = name.split(".").reduce((o, k) => (o && typeof o === "object" ? o[k] : undefined), require(file));
		if (typeof value !== "string" || value === "") {
			console.error(`no version ${name} in ${file}`);
			process.exit(1);
		}
		console.log(value);
	' "$VERSIONS_JSON" "$1" || die "cannot read the pin $1 from $VERSIONS_JSON"
}
