#!/usr/bin/env bash
# A minimal, real Kubernetes control plane on 127.0.0.1 for tests, from the
# binaries of toolchain/install-k8s-tier.sh:
#
#   etcd (data in DIR/etcd) -> kube-apiserver (TLS, certificates made here with
#   openssl) -> kube-controller-manager, kube-scheduler -> kwok, which plays the
#   kubelet for 3 fake nodes (pods become Running/Ready) and the volume
#   provisioner for the default StorageClass "kwok-volume" (PVCs get a PV, Bound).
#
# With --real-pods, one real node instead of kwok's fake ones (scripts/k8s-node.sh):
# containerd, kubelet, kube-proxy and CoreDNS run real pods from the images of
# toolchain/install-pod-runtime.sh, on hostPath volumes of the default
# StorageClass "warren-local". Needs root; one such cluster per machine.
#
# Usage:
#   scripts/k8s-cluster.sh up DIR [--real-pods]
#                                       start (or find running) a cluster in DIR;
#                                       prints `export KUBECONFIG=DIR/kubeconfig`
#                                       and an `export PATH=...` for kubectl
#   scripts/k8s-cluster.sh down DIR     stop its processes and remove DIR
#   scripts/k8s-cluster.sh status DIR   exit 0 when the cluster in DIR is up
#
#   eval "$(scripts/k8s-cluster.sh up /tmp/warren-k8s)"
#
# Ports: the first free ones from 23791 (etcd clients), 23891 (etcd peers),
# 64431 (kube-apiserver), 64441 (kube-controller-manager), 64451 (kube-scheduler),
# each picked right before its component starts (see "ports" below); override
# the starting points with K8S_ETCD_PORT, K8S_ETCD_PEER_PORT, K8S_APISERVER_PORT,
# K8S_KCM_PORT, K8S_SCHEDULER_PORT. Everything listens on 127.0.0.1 only. The
# ports are in DIR/ports.env, logs in DIR/logs, pid files in DIR/run.
set -euo pipefail

NODES="${K8S_FAKE_NODES:-3}"
MARKER=.warren-k8s-cluster
# Start order; stopped in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
SERVICE_CIDR=10.96.0.0/16
SERVICE_IP=10.96.0.1

log() { printf '[k8s-cluster] %s\n' "$*" >&2; }
die() { printf '[k8s-cluster] error: %s\n' "$*" >&2; exit 1; }
usage() { echo "usage: $0 up DIR | down DIR | status DIR" >&2; exit 2; }

# The environment's numbers (this script's and k8s-node.sh's), NAME:MIN:MAX each, checked before
# anything runs: bash arithmetic evaluates a variable's text as an expression, so a value such as
# `a[$(cmd)]` in `(($NODES))` would run cmd. Ports leave room for pick_port's 50 tries.
ENV_NUMBERS=(
	K8S_FAKE_NODES:0:100 K8S_VOLUMES:0:1000
	K8S_ETCD_PORT:1:65485 K8S_ETCD_PEER_PORT:1:65485 K8S_APISERVER_PORT:1:65485 K8S_KCM_PORT:1:65485
	K8S_SCHEDULER_PORT:1:65485 K8S_KUBELET_PORT:1:65485 K8S_KUBELET_HEALTHZ_PORT:1:65485
	K8S_PROXY_HEALTHZ_PORT:1:65485 K8S_PROXY_METRICS_PORT:1:65485
)
for spec in "${ENV_NUMBERS[@]}"; do
	IFS=: read -r name min max <<<"$spec"
	value=${!name:-}
	[[ -z "$value" ]] && continue
	# Digits only, matched as text before any arithmetic sees the value.
	if ! [[ "$value" =~ ^(0|[1-9][0-9]{0,5})$ ]] || ((value < min || value > max)); then
		printf '[k8s-cluster] error: %s must be a whole number from %s to %s, not `%q`\n' "$name" "$min" "$max" "$value" >&2
		exit 2
	fi
done
unset spec name min max value

(($# == 2 || $# == 3)) || usage
CMD=$1
[[ -n "$2" ]] || usage
DIR=$(realpath -m -- "$2")
[[ "$DIR" != / ]] || die "refusing to use / as the cluster directory"
REAL=0
if (($# == 3)); then
	[[ "$3" == --real-pods && "$CMD" == up ]] || usage
	REAL=1
fi
# shellcheck source=k8s-node.sh
. "$(dirname "${BASH_SOURCE[0]}")/k8s-node.sh"
# A cluster's mode is recorded in DIR, so down/status treat it the way up made it.
[[ "$CMD" == up || ! -f "$DIR/real-pods" ]] || REAL=1
if ((REAL)); then
	NODES=0
	COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler "${NODE_COMPONENTS[@]}")
fi

find_tools() {
	if [[ -z "${WARREN_K8S_BIN:-}" ]]; then
		local env="${WARREN_CACHE_DIR:-$HOME/.cache/warren}/k8s/env.sh"
		# shellcheck disable=SC1090
		[[ -f "$env" ]] && . "$env"
	fi
	BIN="${WARREN_K8S_BIN:-}"
	SHARE="${WARREN_K8S_SHARE:-$(dirname "$BIN")/share}"
	[[ -n "$BIN" ]] || die "no Kubernetes tier: run toolchain/install-k8s-tier.sh first"
	local b
	for b in etcd kube-apiserver kube-controller-manager kube-scheduler kwok kubectl; do
		[[ -x "$BIN/$b" ]] || die "$BIN/$b missing: run toolchain/install-k8s-tier.sh"
	done
	[[ -s "$SHARE/kwok-stages.yaml" && -s "$SHARE/kwok-storage-class.yaml" ]] ||
		die "kwok stages missing in $SHARE: run toolchain/install-k8s-tier.sh"
	command -v openssl >/dev/null || die "openssl not found (apt-get install openssl)"
	command -v curl >/dev/null || die "curl not found (apt-get install curl)"
	if ((REAL)); then node_find_tools; fi
}

kubectl() { "$BIN/kubectl" --kubeconfig "$DIR/kubeconfig" "$@"; }

# --- processes --------------------------------------------------------------

# pid_of <name>: the pid of a component of this cluster, if it is still running
# (the command line must mention DIR, so a recycled pid is never taken for ours).
# Right after `start`, the process is still on its way (a fork of this script,
# then setsid, then the component): for a moment its /proc/PID/cmdline is this
# script's own, or empty while an execve is under way. Read then, it looked like an
# exit in 4 % of starts measured here, and failed a CI run; so those two readings
# are retried, and only a gone pid, a zombie or another command line count as not
# running.
pid_of() {
	local f="$DIR/run/$1.pid" pid cmdline state tries self
	[[ -f "$f" ]] || return 1
	pid=$(<"$f")
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	self=$(tr '\0' '\n' <"/proc/$$/cmdline")
	for ((tries = 0; tries < 50; tries++)); do
		cmdline=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline") || return 1
		if [[ -n "$cmdline" && "$cmdline" != "$self" ]]; then
			grep -qF -- "$DIR" <<<"$cmdline" || return 1
			echo "$pid"
			return 0
		fi
		state=$(sed 's/.*) //' 2>/dev/null <"/proc/$pid/stat") || return 1
		[[ "${state%% *}" != Z ]] || return 1
		sleep 0.02
	done
	return 1
}

# start <name> <command...>: in its own session, so it outlives this script.
start() {
	local name=$1
	shift
	log "starting $name"
	setsid "$@" </dev/null >"$DIR/logs/$name.log" 2>&1 &
	echo $! >"$DIR/run/$name.pid"
}

stop_all() {
	local i name pid pids=()
	if ((REAL)); then node_stop_pods; fi
	for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
		name=${COMPONENTS[i]}
		if pid=$(pid_of "$name"); then
			log "stopping $name ($pid)"
			kill -TERM "$pid" 2>/dev/null || true
			pids+=("$pid")
		fi
	done
	local deadline=$((SECONDS + 15)) alive
	while :; do
		alive=()
		for pid in "${pids[@]}"; do
			[[ -e "/proc/$pid" ]] && alive+=("$pid")
		done
		((${#alive[@]})) || break
		if ((SECONDS >= deadline)); then
			log "killing ${alive[*]}"
			kill -KILL "${alive[@]}" 2>/dev/null || true
			sleep 0.5
			break
		fi
		sleep 0.2
	done
	if ((REAL)); then node_cleanup; fi
	rm -f "$DIR"/run/*.pid
}

# wait_for <what> <seconds> <command...>: polls; fails early if a component died
# (unless it died because a port was taken, and relaunched starts it again).
wait_for() {
	local what=$1 secs=$2 deadline=$((SECONDS + $2)) name
	shift 2
	until "$@" >/dev/null 2>&1; do
		for name in "${COMPONENTS[@]}"; do
			if [[ -f "$DIR/run/$name.pid" ]] && ! pid_of "$name" >/dev/null; then
				relaunched "$name" && continue
				tail -n 30 "$DIR/logs/$name.log" >&2 || true
				die "$name exited while waiting for $what (log: $DIR/logs/$name.log)"
			fi
		done
		((SECONDS < deadline)) || die "timed out after ${secs}s waiting for $what (logs: $DIR/logs)"
		sleep 0.5
	done
}

# --- ports ------------------------------------------------------------------

# A port is picked for a component right before it starts, never all of them up
# front: a pick only says that no socket used the port at that moment. Until the
# component binds it, another program, or a second cluster starting at the same
# time, can take it; the component then exits with "address already in use", and
# wait_for (through relaunched) starts it again on the next free port.

# The ports this run handed out, so that two components never get the same one
# (the first may not listen yet when the second picks).
TAKEN_PORTS=" "

# pick_port <variable> <first>: sets <variable> to the first port from <first> on
# that no socket uses and this run has not handed out. The default starting
# points are 10 apart (etcd's two 100), closer than the 50 ports searched, so
# the ranges overlap and TAKEN_PORTS keeps the picks apart.
pick_port() {
	local _port=$2 _end=$(($2 + 50))
	for (( ; _port < _end; _port++)); do
		[[ "$TAKEN_PORTS" == *" $_port "* ]] && continue
		if [[ -z "$(ss -Htan "( sport = :$_port )" 2>/dev/null)" ]]; then
			TAKEN_PORTS+="$_port "
			printf -v "$1" %s "$_port"
			return
		fi
	done
	die "no free port in $2..$((_end - 1))"
}

# The function that picks a component's ports and starts it, for the components
# that listen on ports of their own (kube-proxy only logs a taken port and retries).
declare -A LAUNCH=([etcd]=start_etcd [kube-apiserver]=start_apiserver
	[kube-controller-manager]=start_controller_manager [kube-scheduler]=start_scheduler [kubelet]=node_kubelet)
declare -A RELAUNCHES=()

# relaunched <name>: when <name> exited because a port picked for it was taken
# before it could bind, starts it again on other ports (at most 5 times).
relaunched() {
	local name=$1 tries=${RELAUNCHES[$1]:-0}
	[[ -n "${LAUNCH[$name]:-}" && -f "$DIR/logs/$name.log" ]] || return 1
	grep -q 'address already in use' "$DIR/logs/$name.log" || return 1
	((tries < 5)) || return 1
	RELAUNCHES[$name]=$((tries + 1))
	local addr
	addr=$(grep -m1 -oE 'listen tcp [0-9.]+:[0-9]+' "$DIR/logs/$name.log" | sed 's/^listen tcp //') || true
	log "$name: ${addr:-a port picked for it} was taken before it could bind; starting it again on another port"
	cp "$DIR/logs/$name.log" "$DIR/logs/$name.port-taken.$((tries + 1)).log"
	"${LAUNCH[$name]}"
}

# --- certificates -----------------------------------------------------------

PKI=""
# cert <name> <subject> <extendedKeyUsage> [subjectAltName]: signed by the
# cluster CA (or by $CA_NAME.crt when CA_NAME is set).
cert() {
	local name=$1 subj=$2 eku=$3 san=${4:-}
	openssl req -new -newkey rsa:2048 -nodes -keyout "$PKI/$name.key" -out "$PKI/$name.csr" \
		-subj "$subj" 2>/dev/null
	{
		echo "basicConstraints=critical,CA:FALSE"
		echo "keyUsage=critical,digitalSignature,keyEncipherment"
		echo "extendedKeyUsage=$eku"
		[[ -z "$san" ]] || echo "subjectAltName=$san"
	} >"$PKI/$name.ext"
	local ca=${CA_NAME:-ca}
	openssl x509 -req -sha256 -days 365 -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" \
		-set_serial "0x$(openssl rand -hex 16)" -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
	rm -f "$PKI/$name.csr" "$PKI/$name.ext"
	chmod 600 "$PKI/$name.key"
}

make_pki() {
	PKI="$DIR/pki"
	mkdir -p "$PKI"
	openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 -keyout "$PKI/ca.key" -out "$PKI/ca.crt" \
		-subj "/CN=warren-k8s-ca" -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
	chmod 600 "$PKI/ca.key"
	cert apiserver "/CN=kube-apiserver" serverAuth \
		"IP:127.0.0.1,DNS:localhost,IP:${SERVICE_IP},DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
	cert admin "/O=system:masters/CN=warren-admin" clientAuth
	cert kube-controller-manager "/CN=system:kube-controller-manager" clientAuth
	cert kube-scheduler "/CN=system:kube-scheduler" clientAuth
	# kwok plays kubelet and volume provisioner for every fake node: it needs nodes,
	# pods, leases, PVs and their status; cluster-admin via system:masters.
	cert kwok "/O=system:masters/CN=kwok-controller" clientAuth
	if ((REAL)); then node_pki; fi
	# Front proxy (aggregation layer): its own CA and client certificate, so that
	# the requestheader CA in kube-system/extension-apiserver-authentication is set
	# (kube-controller-manager and kube-scheduler read it for delegated authentication).
	openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 -keyout "$PKI/front-proxy-ca.key" \
		-out "$PKI/front-proxy-ca.crt" -subj "/CN=warren-k8s-front-proxy-ca" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
	chmod 600 "$PKI/front-proxy-ca.key"
	CA_NAME=front-proxy-ca cert front-proxy-client "/CN=front-proxy-client" clientAuth
	# Service-account token signing key pair.
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/sa.key" 2>/dev/null
	openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
	chmod 600 "$PKI/sa.key"
}

# kubeconfig <file> <cert name>: self-contained (certificates inlined).
kubeconfig() {
	cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: warren
  cluster:
    server: https://127.0.0.1:${APISERVER_PORT}
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 <"$PKI/$2.crt")
    client-key-data: $(base64 -w0 <"$PKI/$2.key")
contexts:
- name: warren
  context:
    cluster: warren
    user: $2
current-context: warren
EOF
	chmod 600 "$1"
}

# --- checks -----------------------------------------------------------------

etcd_healthy() { curl -fsS --max-time 2 "http://127.0.0.1:${ETCD_PORT}/health" | grep -q '"health":"true"'; }
apiserver_ready() {
	curl -fsS --max-time 3 --cacert "$DIR/pki/ca.crt" --cert "$DIR/pki/admin.crt" --key "$DIR/pki/admin.key" \
		"https://127.0.0.1:${APISERVER_PORT}/readyz" | grep -qx ok
}
# Their /healthz is reachable without credentials (--authorization-always-allow-paths).
# The ports are read when the check runs: a relaunch may have changed them.
healthz() { curl -fsSk --max-time 2 "https://127.0.0.1:$1/healthz" | grep -qx ok; }
controller_manager_healthy() { healthz "$KCM_PORT"; }
scheduler_healthy() { healthz "$SCHEDULER_PORT"; }
nodes_ready() {
	local ready
	ready=$(kubectl get nodes -l type=kwok \
		-o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -cx True)
	((ready == NODES))
}

running() {
	[[ -f "$DIR/$MARKER" && -f "$DIR/ports.env" ]] || return 1
	local name
	for name in "${COMPONENTS[@]}"; do
		pid_of "$name" >/dev/null || return 1
	done
	# shellcheck disable=SC1091
	. "$DIR/ports.env"
	apiserver_ready 2>/dev/null
}

print_env() {
	echo "export KUBECONFIG=$DIR/kubeconfig"
	echo "export PATH=$BIN:\$PATH"
}

# --- components -------------------------------------------------------------
# Each picks its ports, then starts (the LAUNCH functions above).

# etcd: a single member on loopback, plain HTTP (nothing else can reach it).
# --unsafe-no-fsync: a throwaway test store; fsyncs make it slow on busy disks.
start_etcd() {
	pick_port ETCD_PORT "${K8S_ETCD_PORT:-23791}"
	pick_port ETCD_PEER_PORT "${K8S_ETCD_PEER_PORT:-23891}"
	start etcd "$BIN/etcd" --name warren --data-dir "$DIR/etcd" \
		--listen-client-urls "http://127.0.0.1:${ETCD_PORT}" --advertise-client-urls "http://127.0.0.1:${ETCD_PORT}" \
		--listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
		--initial-cluster "warren=http://127.0.0.1:${ETCD_PEER_PORT}" --initial-cluster-state new \
		--unsafe-no-fsync --log-level warn
}

# The endpoint reconciler would publish the advertise address (127.0.0.1) in the
# "kubernetes" Endpoints, which validation rejects for loopback addresses; no
# pod here talks to the API through that Service, so it is switched off.
start_apiserver() {
	pick_port APISERVER_PORT "${K8S_APISERVER_PORT:-64431}"
	start kube-apiserver "$BIN/kube-apiserver" \
		--etcd-servers "http://127.0.0.1:${ETCD_PORT}" \
		--bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
		--endpoint-reconciler-type none \
		--tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
		--client-ca-file "$PKI/ca.crt" \
		--requestheader-client-ca-file "$PKI/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
		--requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
		--requestheader-extra-headers-prefix X-Remote-Extra- \
		--proxy-client-cert-file "$PKI/front-proxy-client.crt" --proxy-client-key-file "$PKI/front-proxy-client.key" \
		--service-account-issuer https://kubernetes.default.svc.cluster.local \
		--service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
		--service-cluster-ip-range "$SERVICE_CIDR" \
		--authorization-mode Node,RBAC --allow-privileged=true --profiling=false \
		--cert-dir "$DIR/pki/apiserver-generated" $( ((REAL)) && node_apiserver_flags)
}

start_controller_manager() {
	pick_port KCM_PORT "${K8S_KCM_PORT:-64441}"
	start kube-controller-manager "$BIN/kube-controller-manager" \
		--kubeconfig "$DIR/kube-controller-manager.kubeconfig" \
		--authentication-kubeconfig "$DIR/kube-controller-manager.kubeconfig" \
		--authorization-kubeconfig "$DIR/kube-controller-manager.kubeconfig" \
		--bind-address 127.0.0.1 --secure-port "$KCM_PORT" --cert-dir "$DIR/pki/kcm-generated" \
		--leader-elect=false --use-service-account-credentials=true \
		--service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
		--cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
		--service-cluster-ip-range "$SERVICE_CIDR" --cluster-name warren --profiling=false
}

start_scheduler() {
	pick_port SCHEDULER_PORT "${K8S_SCHEDULER_PORT:-64451}"
	start kube-scheduler "$BIN/kube-scheduler" \
		--kubeconfig "$DIR/kube-scheduler.kubeconfig" \
		--authentication-kubeconfig "$DIR/kube-scheduler.kubeconfig" \
		--authorization-kubeconfig "$DIR/kube-scheduler.kubeconfig" \
		--bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" --cert-dir "$DIR/pki/scheduler-generated" \
		--leader-elect=false --profiling=false
}

# --- commands ---------------------------------------------------------------

cmd_down() {
	if [[ ! -e "$DIR" ]]; then
		log "$DIR: nothing to stop"
		return
	fi
	[[ -f "$DIR/$MARKER" ]] || die "$DIR is not a cluster directory made by this script (no $MARKER); not touching it"
	stop_all
	rm -rf -- "$DIR"
	log "cluster in $DIR stopped and removed"
}

cmd_up() {
	find_tools
	if running; then
		log "cluster in $DIR is already up (kube-apiserver https://127.0.0.1:${APISERVER_PORT})"
		print_env
		return
	fi
	if [[ -f "$DIR/$MARKER" ]]; then
		log "$DIR holds a stopped or broken cluster: removing it first"
		cmd_down
	elif [[ -e "$DIR" && -n "$(ls -A -- "$DIR" 2>/dev/null)" ]]; then
		die "$DIR exists and is not empty; choose a new directory"
	fi
	mkdir -p "$DIR/logs" "$DIR/run" "$DIR/etcd"
	chmod 700 "$DIR/etcd"
	: >"$DIR/$MARKER"
	# On failure: stop what was started, keep DIR (logs) for a look; `down` removes it.
	trap 'rc=$?; if ((rc)); then log "up failed: stopping; logs in $DIR/logs (then: $0 down $DIR)"; stop_all; fi' EXIT

	local t0=$SECONDS
	make_pki

	start_etcd
	wait_for "etcd" 60 etcd_healthy
	start_apiserver
	wait_for "kube-apiserver /readyz" 120 apiserver_ready
	# Only now is the apiserver's port final (a relaunch picks another).
	kubeconfig "$DIR/kubeconfig" admin
	kubeconfig "$DIR/kube-controller-manager.kubeconfig" kube-controller-manager
	kubeconfig "$DIR/kube-scheduler.kubeconfig" kube-scheduler
	kubeconfig "$DIR/kwok.kubeconfig" kwok
	if ((REAL)); then
		: >"$DIR/real-pods"
		kubeconfig "$DIR/$NODE_NAME.kubeconfig" "$NODE_NAME"
		kubeconfig "$DIR/kube-proxy.kubeconfig" kube-proxy
		kubeconfig "$DIR/coredns.kubeconfig" coredns
	fi
	start_controller_manager
	start_scheduler
	if ((!REAL)); then
		# kwok: only nodes annotated kwok.x-k8s.io/node=fake; stages from the kwok module
		# (node-initialize/heartbeat-with-lease, pod-ready/complete/delete, PVC/PV).
		# --node-ip 127.0.0.1: the fake nodes' InternalIP, so anything the apiserver
		# would send to a "kubelet" stays on loopback (nothing listens there).
		start kwok "$BIN/kwok" --kubeconfig "$DIR/kwok.kubeconfig" --config "$SHARE/kwok-stages.yaml" \
			--manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
			--node-ip 127.0.0.1 --node-lease-duration-seconds 40
	fi
	wait_for "kube-controller-manager /healthz" 60 controller_manager_healthy
	wait_for "kube-scheduler /healthz" 60 scheduler_healthy
	cat >"$DIR/ports.env" <<EOF
ETCD_PORT=$ETCD_PORT
ETCD_PEER_PORT=$ETCD_PEER_PORT
APISERVER_PORT=$APISERVER_PORT
KCM_PORT=$KCM_PORT
SCHEDULER_PORT=$SCHEDULER_PORT
EOF

	if ((REAL)); then
		node_up
	else
		local i zones=(a b c)
		{
			for ((i = 0; i < NODES; i++)); do
				cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    topology.kubernetes.io/zone: zone-${zones[i % 3]}
EOF
			done
		} >"$DIR/nodes.yaml"
		kubectl apply -f "$DIR/nodes.yaml" >&2
		kubectl apply -f "$SHARE/kwok-storage-class.yaml" >&2
		wait_for "$NODES fake nodes Ready" 120 nodes_ready
	fi
	# Pods are rejected until the ServiceAccount controller made "default".
	wait_for "default ServiceAccount" 60 kubectl -n default get serviceaccount default
	trap - EXIT
	if ((REAL)); then
		log "cluster up in $((SECONDS - t0))s: kube-apiserver https://127.0.0.1:${APISERVER_PORT}, real node $NODE_NAME ($NODE_IP), default StorageClass warren-local"
	else
		log "cluster up in $((SECONDS - t0))s: kube-apiserver https://127.0.0.1:${APISERVER_PORT}, $NODES kwok nodes, default StorageClass kwok-volume"
	fi
	print_env
}

cmd_status() {
	find_tools
	if running; then
		log "up: kube-apiserver https://127.0.0.1:${APISERVER_PORT}"
	else
		log "not running"
		return 1
	fi
}

case "$CMD" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
*) usage ;;
esac
