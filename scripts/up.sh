#!/usr/bin/env bash
# `npm run up`: everything a new machine needs, then the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install --no-audit --no-fund
npm run build --silent
bash scripts/ensure-broker.sh
node bin/warren.js validate topology/
echo "up: topology/ is valid. The Pulumi program (pulumi up of the local stack) is not built yet (issues 3 and 4)." >&2
