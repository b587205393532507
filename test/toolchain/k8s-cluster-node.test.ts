// The real node's bookkeeping, on fixtures: which iptables rules and chains
// are its own, which mounts, shims and pod processes are left, who owns the
// machine's node, and the image list it imports.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { chainsToRemove, rulesToDelete, splitRule } from '../../scripts/k8s/clean-up-iptables.js';
import { mountsBelow, shimsOf } from '../../scripts/k8s/clean-up-node.js';
import { ownsNode, readNodeOwner, recordNodeOwner, releaseNode } from '../../scripts/k8s/own-node.js';
import { baseName, parseImages } from '../../scripts/k8s/read-images.js';
import { podProcesses } from '../../scripts/k8s/stop-pods.js';

const base = mkdtempSync(join(tmpdir(), 'warren-node-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

// `iptables -t nat -S` on a machine with the node up and another program's rules.
const NAT = `-P PREROUTING ACCEPT
-P POSTROUTING ACCEPT
-N CNI-0f3a9c2b1d8e7f6a5b4c3d2e
-N CNI-1111aaaa2222bbbb3333cccc
-N KUBE-KUBELET-CANARY
-N KUBE-SERVICES
-N DOCKER
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -s 10.244.0.5/32 -m comment --comment "name: \\"warren\\" id: \\"abc123\\"" -j CNI-0f3a9c2b1d8e7f6a5b4c3d2e
-A POSTROUTING -s 172.17.0.0/16 -m comment --comment "name: \\"other\\" id: \\"x\\"" -j CNI-1111aaaa2222bbbb3333cccc
-A POSTROUTING -o docker0 -j MASQUERADE
-A CNI-0f3a9c2b1d8e7f6a5b4c3d2e -d 10.244.0.0/24 -m comment --comment "name: \\"warren\\" id: \\"abc123\\"" -j ACCEPT
-A CNI-1111aaaa2222bbbb3333cccc -d 172.17.0.0/16 -m comment --comment "name: \\"other\\" id: \\"x\\"" -j ACCEPT
-A KUBE-KUBELET-CANARY -j RETURN
`;
const FILTER = `-P INPUT ACCEPT
-N KUBE-FIREWALL
-A INPUT -j KUBE-FIREWALL
-A OUTPUT -m conntrack ! --ctstate RELATED -j KUBE-FIREWALL
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -j DROP
-A FORWARD -j KUBE-FIREWALL-OTHER
`;

describe('iptables cleanup', () => {
  it('splits a rule as the shell would, quotes and escapes included', () => {
    expect(splitRule('-A POSTROUTING -m comment --comment "name: \\"warren\\" id: \\"abc\\"" -j CNI-1')).toEqual([
      '-A',
      'POSTROUTING',
      '-m',
      'comment',
      '--comment',
      'name: "warren" id: "abc"',
      '-j',
      'CNI-1',
    ]);
    expect(splitRule('-A X  -m comment --comment ""')).toEqual(['-A', 'X', '-m', 'comment', '--comment', '']);
    expect(() => splitRule('-A X --comment "open')).toThrow(/unbalanced quotes/);
  });

  it("deletes the jumps into the node's chains and its pods' rules, nothing of other programs", () => {
    expect(rulesToDelete(NAT)).toEqual([
      [
        '-D',
        'POSTROUTING',
        '-s',
        '10.244.0.5/32',
        '-m',
        'comment',
        '--comment',
        'name: "warren" id: "abc123"',
        '-j',
        'CNI-0f3a9c2b1d8e7f6a5b4c3d2e',
      ],
    ]);
    expect(rulesToDelete(FILTER)).toEqual([
      ['-D', 'INPUT', '-j', 'KUBE-FIREWALL'],
      ['-D', 'OUTPUT', '-m', 'conntrack', '!', '--ctstate', 'RELATED', '-j', 'KUBE-FIREWALL'],
    ]);
  });

  it("removes the kubelet's chains and this network's CNI chains", () => {
    expect(chainsToRemove(NAT)).toEqual(['KUBE-KUBELET-CANARY', 'CNI-0f3a9c2b1d8e7f6a5b4c3d2e']);
    expect(chainsToRemove(FILTER)).toEqual(['KUBE-FIREWALL']);
  });
});

describe('leftovers of the node', () => {
  it('finds the mounts below the cluster directory, deepest first, escapes decoded', () => {
    const mounts = [
      'overlay / overlay rw 0 0',
      'tmpfs /tmp/c/kubelet/root/pods/p1/volumes/secret tmpfs rw 0 0',
      'overlay /tmp/c/containerd/state/run/c1/rootfs overlay rw 0 0',
      'shm /tmp/c/containerd/state/sandboxes/s1/shm tmpfs rw 0 0',
      'tmpfs /tmp/c/with\\040space/x tmpfs rw 0 0',
      'tmpfs /tmp/c2/kubelet tmpfs rw 0 0',
      '',
    ].join('\n');
    expect(mountsBelow('/tmp/c', mounts)).toEqual([
      '/tmp/c/with space/x',
      '/tmp/c/kubelet/root/pods/p1/volumes/secret',
      '/tmp/c/containerd/state/sandboxes/s1/shm',
      '/tmp/c/containerd/state/run/c1/rootfs',
    ]);
  });

  it("finds the shims of this cluster's containerd only", () => {
    const proc = join(base, 'proc');
    const task = (pid: number, argv: string[]) => {
      mkdirSync(join(proc, String(pid)), { recursive: true });
      writeFileSync(join(proc, String(pid), 'cmdline'), `${argv.join('\0')}\0`);
    };
    const sock = '/tmp/c/run/containerd.sock';
    task(10, ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', 'a', '-address', sock]);
    task(11, [
      '/usr/bin/containerd-shim-runc-v2',
      '-namespace',
      'k8s.io',
      '-id',
      'b',
      '-address',
      '/run/containerd/containerd.sock',
    ]);
    task(12, ['/bin/sleep', '-address', sock]);
    mkdirSync(join(proc, 'self'), { recursive: true });
    expect(shimsOf(sock, proc)).toEqual([10]);
  });

  it("lists the processes left in the pods' cgroups, at any depth", () => {
    const root = join(base, 'cgroup-pids');
    const procs = (path: string, pids: number[]) => {
      mkdirSync(join(root, path), { recursive: true });
      writeFileSync(join(root, path, 'cgroup.procs'), pids.map((p) => `${p}\n`).join(''));
    };
    procs('kubepods', []);
    procs('kubepods/besteffort/pod1/c1', [301, 302]);
    procs('kubepods/burstable/pod2', [401]);
    procs('kubepods.slice', [501]);
    procs('system.slice', [1]);
    expect(podProcesses(root)).toEqual([301, 302, 401, 501]);
    expect(podProcesses(join(base, 'no-cgroups'))).toEqual([]);
  });
});

describe('the owner of the machine’s node', () => {
  let stderr: MockInstance;
  beforeEach(() => {
    stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());

  it('records, reads, recognises and releases the owning directory', () => {
    const file = join(base, 'owner');
    expect(readNodeOwner(file)).toBeUndefined();
    recordNodeOwner('/tmp/c', file);
    expect(readNodeOwner(file)).toBe('/tmp/c');
    expect(ownsNode('/tmp/c', file)).toBe(true);
    expect(ownsNode('/tmp/c2', file)).toBe(false);
    releaseNode(file);
    expect(ownsNode('/tmp/c', file)).toBe(false);
  });

  it('takes a file naming no directory as no owner, and says so', () => {
    const file = join(base, 'bad-owner');
    writeFileSync(file, 'relative/dir\n');
    expect(readNodeOwner(file)).toBeUndefined();
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toBe(
      `[k8s-cluster] ${file} holds "relative/dir", not a cluster directory: taking the node as unowned\n`,
    );
  });
});

describe('images.json', () => {
  const good = {
    pause: { ref: 'warren.local/pause:3.10', archive: '/c/pause/image.tar' },
    'rabbitmq-trixie': {
      ref: 'warren.local/rabbitmq:4.0.5-debian-trixie',
      rabbitmqVersion: '4.0.5',
      archive: '/c/r/image.tar',
    },
  };

  it('reads the images and the pause image among them', () => {
    expect(parseImages(JSON.stringify(good), 'images.json').pause.ref).toBe('warren.local/pause:3.10');
  });

  it.each([
    ['not json', 'images.json is not JSON'],
    ['[]', 'images.json is not an object of images'],
    [JSON.stringify({ 'rabbitmq-trixie': good['rabbitmq-trixie'] }), 'images.json lists no pause image'],
    [JSON.stringify({ ...good, x: { ref: 'a b', archive: '/a' } }), 'images.json: x has no image reference'],
    [JSON.stringify({ ...good, x: { ref: 'a:1' } }), 'images.json: x has no "archive"'],
  ])('refuses %s, saying to remake it', (text, message) => {
    expect(() => parseImages(text, 'images.json')).toThrow(message);
    expect(() => parseImages(text, 'images.json')).toThrow('run toolchain/install-pod-runtime.sh');
  });

  it('imports under the reference without its tag', () => {
    expect(baseName('warren.local/rabbitmq:4.0.5-debian-trixie')).toBe('warren.local/rabbitmq');
    expect(baseName('registry:5000/pause')).toBe('registry:5000/pause');
  });
});
