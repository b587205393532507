# shellcheck shell=bash
# The real node of scripts/k8s-cluster.sh's `--real-pods` mode, sourced by it:
# containerd + runc run the pods, kubelet and kube-proxy (iptables) make it a
# Kubernetes node, CoreDNS answers cluster names, and the pod network is one
# bridge. Pods are real processes: RabbitMQ boots, forms its cluster through
# peer discovery, runs its probes and preStop hooks, and keeps its data on
# hostPath volumes. Needs root (network, mounts, cgroups).
#
# Layout (one node, named warren-node):
#   bridge warren0 10.244.0.1/24     pod network (CNI bridge + host-local), the
#                                    node's InternalIP; NodePorts answer here only
#   10.244.0.1:53                    CoreDNS (cluster.local from the API; the rest
#                                    forwarded to the host's resolvers)
#   10.244.0.1:6443                  socat to the loopback-only kube-apiserver,
#                                    the `kubernetes` Service's endpoint
#   StorageClass warren-local        hostPath PVs made in advance (DIR/volumes)
#
# Images come from toolchain/install-pod-runtime.sh (images.json), imported into
# this node's own containerd (its root and socket live in DIR).

NODE_NAME=warren-node
BRIDGE=warren0
POD_CIDR=10.244.0.0/24
NODE_IP=10.244.0.1
NODE_COMPONENTS=(containerd coredns apiserver-forward kubelet kube-proxy)
# Enough for the tests' 5 replicas and a spare; each is a directory, sized only on paper.
VOLUMES="${K8S_VOLUMES:-10}"
VOLUME_SIZE="${K8S_VOLUME_SIZE:-10Gi}"

node_find_tools() {
	((EUID == 0)) || die "--real-pods needs root (network, mounts, cgroups)"
	local b
	for b in kubelet kube-proxy coredns; do
		[[ -x "$BIN/$b" ]] || die "$BIN/$b missing: run toolchain/install-k8s-tier.sh"
	done
	for b in containerd containerd-shim-runc-v2 ctr runc socat iptables conntrack ip; do
		command -v "$b" >/dev/null || die "$b not found: run toolchain/install-pod-runtime.sh"
	done
	IMAGES_JSON="${WARREN_CACHE_DIR:-$HOME/.cache/warren}/k8s/images/images.json"
	[[ -s "$IMAGES_JSON" ]] || die "no images ($IMAGES_JSON): run toolchain/install-pod-runtime.sh"
}

node_pki() {
	cert "$NODE_NAME" "/O=system:nodes/CN=system:node:$NODE_NAME" clientAuth
	cert kubelet-serving "/CN=$NODE_NAME" serverAuth "IP:$NODE_IP,DNS:$NODE_NAME"
	cert kube-proxy "/CN=system:kube-proxy" clientAuth
	cert coredns "/CN=warren:coredns" clientAuth
	# The API server's identity towards the kubelet (logs, exec, port-forward).
	cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
}

# The API server's flags for a real kubelet.
node_apiserver_flags() {
	printf '%s\n' --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" \
		--kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
		--kubelet-preferred-address-types InternalIP,Hostname
}

# One real node per machine (one bridge, one set of node ports): the cluster
# directory that owns it is written here.
OWNER_FILE=/run/warren-k8s-real-node

# A node left by a run that was killed (its kubelet gone) is taken down first;
# one that still runs is not touched.
node_claim() {
	local owner=""
	[[ -f "$OWNER_FILE" ]] && owner=$(<"$OWNER_FILE")
	if ip link show "$BRIDGE" >/dev/null 2>&1; then
		if [[ -n "$owner" && -f "$owner/run/kubelet.pid" ]] && (DIR=$owner; pid_of kubelet >/dev/null); then
			die "a real-pods cluster already runs on this machine, in $owner (one at a time): $0 down $owner"
		fi
		log "taking down a real-pods cluster left behind${owner:+ in $owner}"
		if [[ -n "$owner" && -f "$owner/$MARKER" ]]; then
			bash "$0" down "$owner" >&2 || true
		fi
		(DIR=${owner:-/nonexistent}; node_iptables_cleanup)
		ip link del "$BRIDGE" 2>/dev/null || true
	fi
	echo "$DIR" >"$OWNER_FILE"
}

# Whether this cluster owns the machine's real node (what is machine-wide:
# bridge, iptables rules, network namespaces, the pods' cgroups).
node_owned() {
	[[ -f "$OWNER_FILE" && "$(<"$OWNER_FILE")" == "$DIR" ]]
}

node_network() {
	node_claim
	sysctl -qw net.ipv4.ip_forward=1
	modprobe br_netfilter 2>/dev/null || true
	[[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] && sysctl -qw net.bridge.bridge-nf-call-iptables=1
	# Made here rather than by the CNI plugin on the first pod: CoreDNS, the API
	# forward and the kubelet bind to its address before any pod exists.
	ip link add "$BRIDGE" type bridge
	ip addr add "$NODE_IP/24" dev "$BRIDGE"
	ip link set "$BRIDGE" up
	mkdir -p "$DIR/cni/net.d" "$DIR/cni/ipam"
	cat >"$DIR/cni/net.d/10-warren.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "warren",
  "plugins": [
    {
      "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "dataDir": "$DIR/cni/ipam", "ranges": [[{ "subnet": "$POD_CIDR", "gateway": "$NODE_IP" }]], "routes": [{ "dst": "0.0.0.0/0" }] }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
}

node_containerd() {
	mkdir -p "$DIR/containerd"
	cat >"$DIR/containerd/config.toml" <<EOF
version = 2
root = "$DIR/containerd/root"
state = "$DIR/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$DIR/run/containerd.sock"
[ttrpc]
  address = "$DIR/run/containerd.ttrpc.sock"
[plugins."io.containerd.grpc.v1.cri"]
  # Root here lacks CAP_SYS_RESOURCE, so no process may lower its OOM score
  # (the kubelet asks -998 for sandboxes, -997 for Guaranteed pods): clamp at ours.
  restrict_oom_score_adj = true
  sandbox_image = "$(jq -r .pause.ref "$IMAGES_JSON")"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$DIR/cni/net.d"
EOF
	start containerd containerd --config "$DIR/containerd/config.toml"
	wait_for "containerd" 60 ctr --address "$DIR/run/containerd.sock" version
	# Imported while the CRI runs, never removed under it (a removed image stays
	# in the CRI's cache until containerd restarts).
	local archive
	while read -r archive ref; do
		ctr --address "$DIR/run/containerd.sock" -n k8s.io images import --base-name "${ref%:*}" "$archive" >/dev/null ||
			die "importing $archive into containerd failed"
	done < <(jq -r 'to_entries[] | "\(.value.archive) \(.value.ref)"' "$IMAGES_JSON")
}

node_dns() {
	cat >"$DIR/Corefile" <<EOF
.:53 {
    bind $NODE_IP
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $DIR/coredns.kubeconfig warren
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 5
    }
    forward . /etc/resolv.conf
}
EOF
	start coredns "$BIN/coredns" -conf "$DIR/Corefile"
	# -L: a lock file in DIR, which also marks the process as this cluster's (pid_of).
	start apiserver-forward socat -L "$DIR/run/apiserver-forward.lock" "TCP-LISTEN:6443,bind=$NODE_IP,reuseaddr,fork" "TCP:127.0.0.1:${APISERVER_PORT}"
}

node_kubelet() {
	mkdir -p "$DIR/kubelet"
	pick_port KUBELET_PORT "${K8S_KUBELET_PORT:-10250}"
	pick_port KUBELET_HEALTHZ_PORT "${K8S_KUBELET_HEALTHZ_PORT:-10248}"
	cat >"$DIR/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: false }
  x509: { clientCAFile: $PKI/ca.crt }
authorization: { mode: AlwaysAllow }
containerRuntimeEndpoint: unix://$DIR/run/containerd.sock
cgroupDriver: cgroupfs
# This machine's kernel mounts cgroup v1; kubelet >= 1.35 refuses it unless told.
failCgroupV1: false
failSwapOn: false
clusterDNS: [$NODE_IP]
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
podCIDR: $POD_CIDR
maxPods: 40
serializeImagePulls: false
# Test machines have little free disk at times: evict only at the very edge.
evictionHard: { memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1% }
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
syncFrequency: 10s
# Its default (-999) cannot be set without CAP_SYS_RESOURCE, which root lacks on these machines.
oomScoreAdj: 0
EOF
	start kubelet "$BIN/kubelet" --config "$DIR/kubelet/config.yaml" --kubeconfig "$DIR/$NODE_NAME.kubeconfig" \
		--root-dir "$DIR/kubelet/root" --cert-dir "$DIR/kubelet/pki" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" \
		--node-labels "topology.kubernetes.io/zone=zone-a"
}

node_proxy() {
	local healthz metrics
	pick_port healthz "${K8S_PROXY_HEALTHZ_PORT:-10256}"
	pick_port metrics "${K8S_PROXY_METRICS_PORT:-10249}"
	cat >"$DIR/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: $DIR/kube-proxy.kubeconfig }
mode: iptables
hostnameOverride: $NODE_NAME
clusterCIDR: $POD_CIDR
healthzBindAddress: 127.0.0.1:$healthz
metricsBindAddress: 127.0.0.1:$metrics
# NodePorts answer on the node's address only, never on the machine's other interfaces.
nodePortAddresses: ["$NODE_IP/32"]
# Pod to Service to a pod on the same bridge: masquerade, so that replies come back through the node.
iptables: { masqueradeAll: true }
# Leave the machine's conntrack table size alone.
conntrack: { maxPerCore: 0 }
oomScoreAdj: 0
EOF
	start kube-proxy "$BIN/kube-proxy" --config "$DIR/kube-proxy.yaml"
}

# The objects the node needs in the API: RBAC for CoreDNS, the `kubernetes`
# Service's endpoint (the forward on the bridge), the storage class and volumes.
node_objects() {
	local i
	{
		cat <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: "warren:coredns" }
rules:
- { apiGroups: [""], resources: [endpoints, services, pods, namespaces], verbs: [list, watch] }
- { apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: "warren:coredns" }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "warren:coredns" }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: "warren:coredns" }]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kubernetes-warren
  namespace: default
  labels: { kubernetes.io/service-name: kubernetes, endpointslice.kubernetes.io/managed-by: warren-k8s-cluster }
addressType: IPv4
endpoints: [{ addresses: ["$NODE_IP"], conditions: { ready: true } }]
ports: [{ name: https, port: 6443, protocol: TCP }]
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: warren-local
  annotations: { storageclass.kubernetes.io/is-default-class: "true" }
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
EOF
		for ((i = 0; i < VOLUMES; i++)); do
			mkdir -p "$DIR/volumes/pv-$i"
			cat <<EOF
---
apiVersion: v1
kind: PersistentVolume
metadata: { name: warren-pv-$i, labels: { warren.dev/volume: local } }
spec:
  capacity: { storage: $VOLUME_SIZE }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: warren-local
  hostPath: { path: $DIR/volumes/pv-$i, type: Directory }
EOF
		done
	} >"$DIR/node-objects.yaml"
	# hostPath volumes get no fsGroup treatment: the directories belong to the pods' user (999).
	chown -R 999:999 "$DIR/volumes"
	kubectl apply -f "$DIR/node-objects.yaml" >&2
}

node_ready() {
	[[ "$(kubectl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}

node_up() {
	node_network
	node_containerd
	node_dns
	node_kubelet
	node_proxy
	node_objects
	wait_for "node $NODE_NAME Ready" 120 node_ready
}

# The rules the node's parts made: kube-proxy's (its own --cleanup mode), the
# kubelet's (KUBE-FIREWALL and canaries), and the bridge plugin's masquerade
# rules for the pods (comment `name: "warren"`; containers killed at once never
# got their CNI DEL).
node_iptables_cleanup() {
	local bin="${BIN:-}" ipt t rule chain
	if [[ -z "$bin" ]]; then
		# shellcheck disable=SC1090
		bin=$(. "${WARREN_CACHE_DIR:-$HOME/.cache/warren}/k8s/env.sh" 2>/dev/null && echo "${WARREN_K8S_BIN:-}")
	fi
	if [[ -x "$bin/kube-proxy" ]]; then "$bin/kube-proxy" --cleanup >/dev/null 2>&1 || true; fi
	for ipt in iptables ip6tables; do
		command -v "$ipt" >/dev/null || continue
		for t in filter nat mangle; do
			while read -r rule; do
				eval "$ipt -w -t $t ${rule/#-A/-D}" 2>/dev/null || true
			done < <("$ipt" -w -t "$t" -S 2>/dev/null | grep -E -- '^-A .*(-j KUBE-(FIREWALL|KUBELET-CANARY|IPTABLES-HINT)|name: \\"warren\\")' | grep -v '^-A CNI-')
			for chain in $("$ipt" -w -t "$t" -S 2>/dev/null | awk '$1 == "-N" && ($2 ~ /^KUBE-(FIREWALL|KUBELET-CANARY|IPTABLES-HINT)$/) {print $2}') \
				$("$ipt" -w -t "$t" -S 2>/dev/null | grep -F 'name: \"warren\"' | awk '$1 == "-A" && $2 ~ /^CNI-/ {print $2}' | sort -u); do
				"$ipt" -w -t "$t" -F "$chain" 2>/dev/null || true
				"$ipt" -w -t "$t" -X "$chain" 2>/dev/null || true
			done
		done
	done
}

# Before the components stop: the kubelet first (it would restart what is
# killed), then every container, while containerd still answers.
node_stop_pods() {
	local pid sock="$DIR/run/containerd.sock" id procs
	if pid=$(pid_of kubelet); then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 50); do [[ -e "/proc/$pid" ]] || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	if [[ -S "$sock" ]] && pid_of containerd >/dev/null; then
		for id in $(ctr --address "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
			ctr --address "$sock" -n k8s.io tasks kill -a -s KILL "$id" >/dev/null 2>&1 || true
		done
	fi
	node_owned || return 0
	# Whatever is left in the pods' cgroups (a task containerd no longer knew of).
	procs=$(cat /sys/fs/cgroup/pids/kubepods*/{,*/,*/*/,*/*/*/}cgroup.procs 2>/dev/null | sort -u || true)
	# shellcheck disable=SC2086 # one pid per word
	[[ -z "$procs" ]] || kill -KILL $procs 2>/dev/null || true
}

# After the components stopped: what the node made outside its processes
# (shims, mounts, network namespaces, iptables rules, the bridge, cgroups).
# Safe to run when parts never started.
node_cleanup() {
	local sock="$DIR/run/containerd.sock" pid m
	# Shims outlive containerd (they are reparented, not children of it).
	for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $sock" 2>/dev/null); do
		kill -KILL "$pid" 2>/dev/null || true
	done
	# Deepest first: secret tmpfs, overlay roots, shm, netns files.
	while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done < <(awk -v d="$DIR/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r)
	node_owned || return 0
	node_iptables_cleanup
	# The sandboxes' network namespaces (containerd 1.6 names them cni-<uuid>).
	for m in /var/run/netns/cni-*; do
		[[ -e "$m" ]] || continue
		ip netns delete "${m##*/}" 2>/dev/null || true
	done
	ip link del "$BRIDGE" 2>/dev/null || true
	# The kubelet's cgroups (kubepods), empty once the containers are gone.
	find /sys/fs/cgroup/*/kubepods* -depth -type d -exec rmdir {} + 2>/dev/null || true
	rm -f "$OWNER_FILE"
}
