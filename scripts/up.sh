#!/usr/bin/env bash
# `npm run up`: set everything up, then the main job: `pulumi up` of the local
# stack against the broker on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/pulumi-env.sh
pulumi stack select local 2>/dev/null || pulumi stack init local
pulumi up --stack local --yes --skip-preview "$@"
