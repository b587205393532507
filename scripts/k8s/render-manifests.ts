// The objects up applies: kwok's fake Nodes, and what the real node needs in
// the API (RBAC for CoreDNS, the `kubernetes` Service's endpoint, the storage
// class and its volumes).
import { join } from 'node:path';
import { NODE_IP } from './cluster.js';

const ZONES = ['a', 'b', 'c'];

/** `count` Nodes for kwok (annotated, labelled type=kwok, spread over three zones, no taints). */
export function renderFakeNodes(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++)
    out += `---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-${i}
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/hostname: kwok-node-${i}
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    topology.kubernetes.io/zone: zone-${ZONES[i % ZONES.length]}
`;
  return out;
}

/** The directory of the real node's volume `i`. */
export const volumeDir = (dir: string, i: number) => join(dir, 'volumes', `pv-${i}`);

/**
 * The real node's objects: CoreDNS's RBAC, an EndpointSlice that makes the
 * forward on the bridge the `kubernetes` Service's endpoint, the default
 * StorageClass warren-local and `volumes` hostPath PVs of `size` each.
 */
export function renderNodeObjects(dir: string, volumes: number, size: string): string {
  let out = `apiVersion: rbac.authorization.k8s.io/v1
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
endpoints: [{ addresses: ["${NODE_IP}"], conditions: { ready: true } }]
ports: [{ name: https, port: 6443, protocol: TCP }]
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: warren-local
  annotations: { storageclass.kubernetes.io/is-default-class: "true" }
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
`;
  for (let i = 0; i < volumes; i++)
    out += `---
apiVersion: v1
kind: PersistentVolume
metadata: { name: warren-pv-${i}, labels: { warren.dev/volume: local } }
spec:
  capacity: { storage: ${size} }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: warren-local
  hostPath: { path: ${JSON.stringify(volumeDir(dir, i))}, type: Directory }
`;
  return out;
}
