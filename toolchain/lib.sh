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
# go.sum; not a generated schema.json, not *_test.go: tests are not in the binary),
# so that editing them rebuilds.
src_hash() {
	(cd "$1" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) \
		! -name '*_test.go' ! -name schema.json -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) |
		sha256sum | cut -c1-10
}
