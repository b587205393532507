#!/usr/bin/env bash
# Makes sure a local PostgreSQL runs for the shared-state test
# (test/e2e/shared-state.test.ts: Pulumi's postgres:// state backend): Debian's
# `postgresql` installed, a cluster on port 5432 started, a superuser role named
# after the user running the tests, who logs in over the Unix socket (peer) and
# over TCP on 127.0.0.1 without a password. Safe to run repeatedly; on a fresh
# machine it installs the package and, for that one role on the loopback
# address only, adds a `trust` line to pg_hba.conf (Debian's default asks for a
# password there). Needs root when anything is missing.
set -euo pipefail

PORT=5432
NEW_CLUSTER=main # the name of the cluster made when none serves $PORT
ROLE="$(id -un)"

log() { printf 'postgres: %s\n' "$*" >&2; }
as_postgres() { runuser -u postgres -- "$@"; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
	log "installing postgresql from Debian"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq postgresql >/dev/null
fi

# The cluster on $PORT (`pg_lsclusters -h`: version name port status owner datadir log).
cluster=$(pg_lsclusters -h | awk -v p="$PORT" '$3 == p { print $1, $2, $4; exit }')
if [ -z "$cluster" ]; then
	version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -1)
	log "creating cluster $version/$NEW_CLUSTER on port $PORT"
	pg_createcluster --port "$PORT" "$version" "$NEW_CLUSTER" >/dev/null
	cluster="$version $NEW_CLUSTER down"
fi
read -r version name status <<<"$cluster"
if [ "$status" != online ]; then
	log "starting cluster $version/$name"
	pg_ctlcluster "$version" "$name" start
fi

for _ in $(seq 1 60); do
	pg_isready -q -h 127.0.0.1 -p "$PORT" && break
	sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$PORT" || {
	log "the server on 127.0.0.1:$PORT did not accept connections within 60 s"
	exit 1
}

# The tests create and drop a database of their own: a superuser role of the test user.
if [ "$ROLE" != postgres ] &&
	[ "$(as_postgres psql -p "$PORT" -Atc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
	log "creating superuser role $ROLE"
	as_postgres createuser -p "$PORT" --superuser "$ROLE"
fi

tcp_ok() { psql -w "postgres://$ROLE@127.0.0.1:$PORT/postgres" -Atc 'SELECT 1' >/dev/null 2>&1; }
if ! tcp_ok; then
	hba=$(as_postgres psql -p "$PORT" -Atc 'SHOW hba_file')
	log "letting $ROLE log in from 127.0.0.1 without a password ($hba)"
	# The first matching line wins: put it before Debian's `host all all 127.0.0.1/32 scram-sha-256`.
	sed -i "1i host all $ROLE 127.0.0.1/32 trust # warren: scripts/ensure-postgres.sh" "$hba"
	as_postgres psql -p "$PORT" -Atc 'SELECT pg_reload_conf()' >/dev/null
	for _ in $(seq 1 10); do
		tcp_ok && break
		sleep 1
	done
	tcp_ok || {
		log "$ROLE cannot log in on 127.0.0.1:$PORT"
		exit 1
	}
fi
log "ready: 127.0.0.1:$PORT ($(psql -w "postgres://$ROLE@127.0.0.1:$PORT/postgres" -Atc 'SHOW server_version'))"
