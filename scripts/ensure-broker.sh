#!/usr/bin/env bash
# Makes sure the local RabbitMQ broker is installed, running, and serving the
# management HTTP API that @pulumi/rabbitmq talks to, with the federation,
# shovel and stream plugins. Safe to run repeatedly;
# on a fresh machine it installs Debian's rabbitmq-server.
set -euo pipefail

API="${RABBITMQ_MANAGEMENT_URL:-http://127.0.0.1:15672}"
BROKER_USER="${RABBITMQ_USER:-guest}"
BROKER_PASS="${RABBITMQ_PASSWORD:-guest}"

log() { printf 'broker: %s\n' "$*" >&2; }

if ! command -v rabbitmq-server >/dev/null 2>&1; then
	log "installing rabbitmq-server from Debian"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq rabbitmq-server curl >/dev/null
fi

# Every queue holds files open. Debian's service raises the open-files limit
# (systemd's LimitNOFILE=65536); started by hand, the server runs through `su`,
# which resets it to 1,024, and then stops declaring queues after about 600.
# rabbitmq-env.conf is sourced by the server's start script after `su`: raise
# the limit there, to the hard limit, and restart a broker running below it.
ENV_CONF=/etc/rabbitmq/rabbitmq-env.conf
MARK='# warren: open files (scripts/ensure-broker.sh)'
if ! grep -qF "$MARK" "$ENV_CONF" 2>/dev/null; then
	# shellcheck disable=SC2016 # written as it stands, for the broker's start to expand
	printf '%s\nulimit -n "$(ulimit -Hn)" 2>/dev/null || true\n' "$MARK" >>"$ENV_CONF"
fi
want=$(ulimit -Hn)
pid=$(pgrep -u rabbitmq -f 'beam.smp.*-s rabbit' | head -1 || true)
if [ -n "$pid" ] && [ -r "/proc/$pid/limits" ]; then
	have=$(awk '/^Max open files/ {print $4}' "/proc/$pid/limits")
	if [ "$have" != unlimited ] && [ "$want" != unlimited ] && ((have < want)); then
		log "restarting rabbitmq-server: it may open $have files, $want wanted"
		timeout 120 rabbitmqctl -q stop >/dev/null 2>&1 || kill -9 "$pid" 2>/dev/null || true
	fi
fi

ready() { log "ready: AMQP on 127.0.0.1:5672, management API on $API ($1)"; }

# Warm: the broker's API answers, with the federation and shovel UI extensions
# and a stream listener, so every plugin below is running: nothing to do, and no
# rabbitmqctl (each call starts an Erlang VM, about 0.5 s; five of them were
# 2.5 s of every warm `npm run up`).
overview=$(curl -fsS --max-time 5 -u "$BROKER_USER:$BROKER_PASS" "$API/api/overview" 2>/dev/null || true)
extensions=$(curl -fsS --max-time 5 -u "$BROKER_USER:$BROKER_PASS" "$API/api/extensions" 2>/dev/null || true)
if grep -q '"federation.js"' <<<"$extensions" && grep -q '"shovel.js"' <<<"$extensions" &&
	[ "$(jq -r '[.listeners[]?.protocol] | index("stream") != null' <<<"$overview" 2>/dev/null)" = true ]; then
	ready "$(jq -r .rabbitmq_version <<<"$overview")"
	exit 0
fi

if ! rabbitmqctl -q status >/dev/null 2>&1; then
	log "starting rabbitmq-server"
	rabbitmq-server -detached
fi

# `await_startup` waits for the node to boot fully (plugins included).
for _ in $(seq 1 60); do
	rabbitmqctl -q await_startup >/dev/null 2>&1 && break
	sleep 1
done
rabbitmqctl -q await_startup >/dev/null

# The management API, and what federation upstreams, shovels and super streams
# need (the *_management plugins show them in the API and UI). One listing and,
# when some are missing, one enable of those: already enabled costs a second.
PLUGINS=(rabbitmq_management rabbitmq_federation rabbitmq_federation_management
	rabbitmq_shovel rabbitmq_shovel_management rabbitmq_stream)
enabled=$(rabbitmq-plugins list -q -m -E 2>/dev/null || true)
missing=()
for plugin in "${PLUGINS[@]}"; do
	grep -qx "$plugin" <<<"$enabled" || missing+=("$plugin")
done
if ((${#missing[@]} > 0)); then
	log "enabling ${missing[*]}"
	rabbitmq-plugins enable -q "${missing[@]}" >/dev/null
fi

for _ in $(seq 1 60); do
	if curl -fsS -u "$BROKER_USER:$BROKER_PASS" "$API/api/overview" >/dev/null 2>&1; then
		ready "$(rabbitmqctl -q version)"
		exit 0
	fi
	sleep 1
done
log "the management API at $API did not answer within 60 s"
exit 1
