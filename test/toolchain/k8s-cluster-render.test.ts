// The files up writes, read back as their readers read them: the exports that
// `eval` runs, kubeconfigs, the certificates' extensions, kwok's nodes, and the
// real node's configuration (JSON, YAML, TOML with the paths in them).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { newCluster } from '../../scripts/k8s/cluster.js';
import { certSpecs, renderExtensions } from '../../scripts/k8s/make-pki.js';
import { readSettings } from '../../scripts/k8s/read-env-numbers.js';
import { renderExports } from '../../scripts/k8s/render-exports.js';
import { renderFakeNodes, renderNodeObjects } from '../../scripts/k8s/render-manifests.js';
import {
  renderCniConfig,
  renderContainerdConfig,
  renderKubeletConfig,
  renderProxyConfig,
} from '../../scripts/k8s/render-node-config.js';
import { apiserverArgs, componentUsers } from '../../scripts/k8s/start-control-plane.js';
import { renderKubeconfig } from '../../scripts/k8s/write-kubeconfig.js';

/** What bash makes of the exports: KUBECONFIG and PATH after `eval`, with PATH=/usr/bin before. */
function evaluated(exports: string): string[] {
  const run = spawnSync(
    'bash',
    ['-c', `PATH=/usr/bin; eval "$1"; printf '%s\\n' "$KUBECONFIG" "$PATH"`, 'bash', exports],
    {
      encoding: 'utf8',
    },
  );
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.split('\n').slice(0, 2);
}

describe('the exports', () => {
  it('are the plain lines the tests parse, for plain paths', () => {
    const text = renderExports('/tmp/warren-k8s', '/root/.cache/warren/k8s/v1/bin');
    expect(text).toBe(
      'export KUBECONFIG=/tmp/warren-k8s/kubeconfig\nexport PATH=/root/.cache/warren/k8s/v1/bin:$PATH\n',
    );
    expect(evaluated(text)).toEqual(['/tmp/warren-k8s/kubeconfig', '/root/.cache/warren/k8s/v1/bin:/usr/bin']);
  });

  it('survive eval for paths with spaces, quotes and dollars', () => {
    const dir = '/tmp/a dir/"q" $HOME `x`';
    expect(evaluated(renderExports(dir, '/opt/my bin'))).toEqual([`${dir}/kubeconfig`, '/opt/my bin:/usr/bin']);
  });
});

describe('kubeconfig', () => {
  it('inlines the certificates for one user against the given port', () => {
    const doc = parse(
      renderKubeconfig({
        port: 64432,
        user: 'kwok',
        ca: Buffer.from('CA'),
        cert: Buffer.from('CERT'),
        key: Buffer.from('KEY'),
      }),
    );
    expect(doc['current-context']).toBe('warren');
    expect(doc.clusters[0].cluster).toEqual({
      server: 'https://127.0.0.1:64432',
      'certificate-authority-data': Buffer.from('CA').toString('base64'),
    });
    expect(doc.users[0]).toEqual({
      name: 'kwok',
      user: { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' },
    });
    expect(doc.contexts[0].context).toEqual({ cluster: 'warren', user: 'kwok' });
  });
});

describe('certificates', () => {
  it('has a certificate for each kubeconfig a component reads', () => {
    for (const real of [false, true]) {
      const names = certSpecs(real).map((s) => s.name);
      const users = componentUsers(newCluster('/tmp/c', real, readSettings({})));
      expect(names).toEqual(expect.arrayContaining(['admin', ...users]));
    }
    expect(certSpecs(true).map((s) => s.name)).toEqual(
      expect.arrayContaining(['kubelet-serving', 'apiserver-kubelet-client']),
    );
  });

  it('writes a leaf’s extensions, its names only for a server', () => {
    const apiserver = certSpecs(false).find((s) => s.name === 'apiserver')!;
    expect(renderExtensions(apiserver)).toMatch(/^extendedKeyUsage=serverAuth\nsubjectAltName=IP:127\.0\.0\.1,/m);
    expect(renderExtensions(apiserver)).toContain('DNS:kubernetes.default.svc.cluster.local');
    expect(renderExtensions(certSpecs(false).find((s) => s.name === 'admin')!)).toBe(
      'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
    );
  });
});

describe('the API server', () => {
  it('talks to the kubelet only in the real-pods mode', () => {
    const args = (real: boolean) => {
      const c = newCluster('/tmp/c', real, readSettings({}));
      c.tools = { bin: '/t/bin', share: '/t/share' };
      Object.assign(c.ports, { ETCD_PORT: 23791, APISERVER_PORT: 64431 });
      return apiserverArgs(c);
    };
    expect(args(false)).not.toContain('--kubelet-client-certificate');
    expect(args(true)).toContain('--kubelet-client-certificate');
    const fake = args(false);
    expect(fake[fake.indexOf('--etcd-servers') + 1]).toBe('http://127.0.0.1:23791');
    expect(fake[fake.indexOf('--secure-port') + 1]).toBe('64431');
  });
});

describe('manifests', () => {
  it('makes the fake nodes, spread over three zones', () => {
    const nodes = renderFakeNodes(4)
      .split(/^---$/m)
      .filter((d) => d.trim())
      .map((d) => parse(d));
    expect(nodes.map((n) => n.metadata.name)).toEqual(['kwok-node-0', 'kwok-node-1', 'kwok-node-2', 'kwok-node-3']);
    expect(nodes.map((n) => n.metadata.labels['topology.kubernetes.io/zone'])).toEqual([
      'zone-a',
      'zone-b',
      'zone-c',
      'zone-a',
    ]);
    expect(nodes.every((n) => n.metadata.annotations['kwok.x-k8s.io/node'] === 'fake')).toBe(true);
    expect(renderFakeNodes(0)).toBe('');
  });

  it("makes the real node's objects with one volume per K8S_VOLUMES", () => {
    const docs = renderNodeObjects('/tmp/my dir', 3, '5Gi')
      .split(/^---$/m)
      .map((d) => parse(d));
    expect(docs.map((d) => d.kind)).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'EndpointSlice',
      'StorageClass',
      'PersistentVolume',
      'PersistentVolume',
      'PersistentVolume',
    ]);
    expect(docs[6].spec.hostPath.path).toBe('/tmp/my dir/volumes/pv-2');
    expect(docs[6].spec.capacity.storage).toBe('5Gi');
  });
});

describe("the real node's configuration", () => {
  it('puts the CNI state in the cluster directory', () => {
    const config = JSON.parse(renderCniConfig('/tmp/c'));
    expect(config.plugins[0].bridge).toBe('warren0');
    expect(config.plugins[0].ipam.dataDir).toBe('/tmp/c/cni/ipam');
  });

  it('gives the kubelet and kube-proxy the ports picked for them', () => {
    const kubelet = parse(renderKubeletConfig('/tmp/c', { port: 10251, healthzPort: 10248 }));
    expect(kubelet).toMatchObject({
      port: 10251,
      healthzPort: 10248,
      address: '10.244.0.1',
      containerRuntimeEndpoint: 'unix:///tmp/c/run/containerd.sock',
      tlsCertFile: '/tmp/c/pki/kubelet-serving.crt',
    });
    const proxy = parse(renderProxyConfig('/tmp/c', { healthzPort: 10256, metricsPort: 10257 }));
    expect(proxy.healthzBindAddress).toBe('127.0.0.1:10256');
    expect(proxy.metricsBindAddress).toBe('127.0.0.1:10257');
    expect(proxy.clientConnection.kubeconfig).toBe('/tmp/c/kube-proxy.kubeconfig');
  });

  it("names containerd's sandbox image and keeps its state in the directory", () => {
    const toml = renderContainerdConfig('/tmp/c', 'warren.local/pause:3.10');
    expect(toml).toContain('root = "/tmp/c/containerd/root"');
    expect(toml).toContain('  address = "/tmp/c/run/containerd.sock"');
    expect(toml).toContain('  sandbox_image = "warren.local/pause:3.10"');
  });
});
