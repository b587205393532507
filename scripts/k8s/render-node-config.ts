// The real node's configuration files. Layout (one node, named warren-node):
//
//   bridge warren0 10.244.0.1/24     pod network (CNI bridge + host-local), the
//                                    node's InternalIP; NodePorts answer here only
//   10.244.0.1:53                    CoreDNS (cluster.local from the API; the rest
//                                    forwarded to the host's resolvers)
//   10.244.0.1:6443                  socat to the loopback-only kube-apiserver,
//                                    the `kubernetes` Service's endpoint
//   StorageClass warren-local        hostPath PVs made in advance (DIR/volumes)
//
// Paths are written as JSON strings where the format takes them (JSON, TOML's
// basic strings and YAML all read those), so a directory's name cannot break a file.
import { join } from 'node:path';
import { NODE_IP, NODE_NAME } from './cluster.js';

export const BRIDGE = 'warren0';
export const POD_CIDR = '10.244.0.0/24';

const q = (text: string) => JSON.stringify(text);

export function renderCniConfig(dir: string): string {
  const config = {
    cniVersion: '1.0.0',
    name: 'warren',
    plugins: [
      {
        type: 'bridge',
        bridge: BRIDGE,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          dataDir: join(dir, 'cni', 'ipam'),
          ranges: [[{ subnet: POD_CIDR, gateway: NODE_IP }]],
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export const containerdSocket = (dir: string) => join(dir, 'run', 'containerd.sock');

export function renderContainerdConfig(dir: string, sandboxImage: string): string {
  return `version = 2
root = ${q(join(dir, 'containerd', 'root'))}
state = ${q(join(dir, 'containerd', 'state'))}
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = ${q(containerdSocket(dir))}
[ttrpc]
  address = ${q(join(dir, 'run', 'containerd.ttrpc.sock'))}
[plugins."io.containerd.grpc.v1.cri"]
  # Root here lacks CAP_SYS_RESOURCE, so no process may lower its OOM score
  # (the kubelet asks -998 for sandboxes, -997 for Guaranteed pods): clamp at ours.
  restrict_oom_score_adj = true
  sandbox_image = ${q(sandboxImage)}
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = ${q(join(dir, 'cni', 'net.d'))}
`;
}

export function renderCorefile(dir: string): string {
  return `.:53 {
    bind ${NODE_IP}
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig ${join(dir, 'coredns.kubeconfig')} warren
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 5
    }
    forward . /etc/resolv.conf
}
`;
}

export interface KubeletPorts {
  readonly port: number;
  readonly healthzPort: number;
}

export function renderKubeletConfig(dir: string, { port, healthzPort }: KubeletPorts): string {
  const pki = join(dir, 'pki');
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${NODE_IP}
port: ${port}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: ${healthzPort}
tlsCertFile: ${q(join(pki, 'kubelet-serving.crt'))}
tlsPrivateKeyFile: ${q(join(pki, 'kubelet-serving.key'))}
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: false }
  x509: { clientCAFile: ${q(join(pki, 'ca.crt'))} }
authorization: { mode: AlwaysAllow }
containerRuntimeEndpoint: ${q(`unix://${containerdSocket(dir)}`)}
cgroupDriver: cgroupfs
# This machine's kernel mounts cgroup v1; kubelet >= 1.35 refuses it unless told.
failCgroupV1: false
failSwapOn: false
clusterDNS: [${NODE_IP}]
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
podCIDR: ${POD_CIDR}
maxPods: 40
serializeImagePulls: false
# Test machines have little free disk at times: evict only at the very edge.
evictionHard: { memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1% }
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
syncFrequency: 10s
# Its default (-999) cannot be set without CAP_SYS_RESOURCE, which root lacks on these machines.
oomScoreAdj: 0
`;
}

export interface ProxyPorts {
  readonly healthzPort: number;
  readonly metricsPort: number;
}

export function renderProxyConfig(dir: string, { healthzPort, metricsPort }: ProxyPorts): string {
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: ${q(join(dir, 'kube-proxy.kubeconfig'))} }
mode: iptables
hostnameOverride: ${NODE_NAME}
clusterCIDR: ${POD_CIDR}
healthzBindAddress: 127.0.0.1:${healthzPort}
metricsBindAddress: 127.0.0.1:${metricsPort}
# NodePorts answer on the node's address only, never on the machine's other interfaces.
nodePortAddresses: ["${NODE_IP}/32"]
# Pod to Service to a pod on the same bridge: masquerade, so that replies come back through the node.
iptables: { masqueradeAll: true }
# Leave the machine's conntrack table size alone.
conntrack: { maxPerCore: 0 }
oomScoreAdj: 0
`;
}
