// `status DIR`: exit 0 when the cluster in DIR is up, 1 (saying why) when not.
import { existingCluster } from './cluster.js';
import { checkRunning } from './check-running.js';
import { EXIT_FAILED, log } from './log.js';
import type { Settings } from './read-env-numbers.js';

export async function reportStatus(dir: string, settings: Settings): Promise<number> {
  const state = await checkRunning(existingCluster(dir, settings));
  if (state.up) {
    log(`up: kube-apiserver https://127.0.0.1:${state.ports.APISERVER_PORT}`);
    return 0;
  }
  log(`not running: ${state.why}`);
  return EXIT_FAILED;
}
