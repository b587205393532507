# shellcheck shell=bash
# Helpers shared by the install-*.sh scripts (sourced).
# The caller sets LOG_PREFIX before sourcing.

log() { printf '[%s] %s\n' "$LOG_PREFIX" "$*" >&2; }
die() {
	printf '[%s] error: %s\n' "$LOG_PREFIX" "$*" >&2
	exit 1
}

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
# go.sum; not a generated schema.json, not *_test.go: tests are not in the binary),
# so that editing them rebuilds.
src_hash() {
	(cd "$1" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) \
		! -name '*_test.go' ! -name schema.json -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) |
		sha256sum | cut -c1-10
}

# The one place the toolchain's versions are pinned (see its "$comment").
VERSIONS_JSON="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/versions.json"

# pin <group>.<name>: a version from versions.json, e.g. `pin kubernetes.etcd`.
# Read with node, which is always there (jq is installed later, by setup.sh); an
# unknown name fails rather than yield an empty version.
pin() {
	# shellcheck disable=SC2016 # JavaScript, whose template literals are not the shell's
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

# write_env <dir> <dirs for PATH, colon-separated> <NAME=value>...: the
# environment to run a tool in, twice from the same values: <dir>/env.sh for
# scripts to source, and <dir>/env.json for programs (the tests), which then
# need not parse shell:
#   { "path": [directories to put first on PATH, in order], "env": { "NAME": "value" } }
# Each file is written beside and renamed, so a reader never sees half of one.
write_env() {
	local dir=$1 path=$2 var
	shift 2
	{
		echo "export PATH=\"$path:\$PATH\""
		# %q leaves a plain value as it is (PULUMI_SKIP_UPDATE_CHECK=true) and quotes any other.
		for var in "$@"; do
			printf 'export %s=%q\n' "${var%%=*}" "${var#*=}"
		done
	} >"$dir/env.sh.tmp"
	# shellcheck disable=SC2016 # JavaScript, whose template literals are not the shell's
	node -e '
		const [file, path, ...vars] = process.argv.slice(1);
		const env = Object.fromEntries(vars.map((v) => [v.slice(0, v.indexOf("=")), v.slice(v.indexOf("=") + 1)]));
		require("fs").writeFileSync(file, `${JSON.stringify({ path: path.split(":"), env }, null, 2)}\n`);
	' "$dir/env.json.tmp" "$path" "$@"
	mv -f "$dir/env.sh.tmp" "$dir/env.sh"
	mv -f "$dir/env.json.tmp" "$dir/env.json"
}
