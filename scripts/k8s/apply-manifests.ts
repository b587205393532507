// kubectl apply of manifest files as the admin; kubectl's report goes to
// standard error with the rest of the log.
import { join } from 'node:path';
import { type Cluster, kubeconfigFile, toolsOf } from './cluster.js';
import { mustRun } from './run-command.js';

export async function applyManifests(cluster: Cluster, files: readonly string[]): Promise<void> {
  const kubectl = join(toolsOf(cluster).bin, 'kubectl');
  const out = await mustRun(
    [kubectl, '--kubeconfig', kubeconfigFile(cluster), 'apply', ...files.flatMap((f) => ['-f', f])],
    {
      timeoutMs: 120_000,
    },
  );
  process.stderr.write(out);
}
