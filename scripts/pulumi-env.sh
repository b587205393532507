# shellcheck shell=bash
# Sourced by the scripts (and usable by hand: `. scripts/pulumi-env.sh`):
# the toolchain on PATH, a local state backend outside the clone, the local
# stack's passphrase, and no update checks or plugin downloads.
# shellcheck source=/dev/null # written by toolchain/install-toolchain.sh, outside the clone
. "${WARREN_CACHE_DIR:-$HOME/.cache/warren}/toolchain/env.sh"
# metadata=skip: each checkpoint is written to a temporary file and renamed, with no
# metadata file beside it, which the file backend writes in place: a crash in the
# middle of that write left a stack that no command could load (README, "After a crash").
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://${WARREN_STATE_DIR:-$HOME/.warren/state}?metadata=skip}"
# The local stack's secrets are encrypted with this passphrase; it protects only
# throwaway credentials of the broker on this machine. Other stacks set their own.
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-warren-local}"
if [[ "$PULUMI_BACKEND_URL" == file://* ]]; then
	state_dir=${PULUMI_BACKEND_URL#file://}
	mkdir -p "${state_dir%%\?*}"
fi
