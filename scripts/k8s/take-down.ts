// `down DIR`: stops the cluster's processes and removes DIR. A missing DIR is
// nothing to do; a DIR without the marker is never touched.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { existingCluster, MARKER } from './cluster.js';
import { fail, log, reason } from './log.js';
import type { Settings } from './read-env-numbers.js';
import { stopComponents } from './stop-components.js';

export async function takeDown(dir: string, settings: Settings): Promise<void> {
  if (!existsSync(dir)) {
    log(`${dir}: nothing to stop`);
    return;
  }
  if (!existsSync(join(dir, MARKER)))
    fail(`${dir} is not a cluster directory made by this script (no ${MARKER}); not touching it`);
  await stopComponents(existingCluster(dir, settings));
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch (error) {
    fail(`stopped the cluster, but cannot remove ${dir}: ${reason(error)}`);
  }
  log(`cluster in ${dir} stopped and removed`);
}
