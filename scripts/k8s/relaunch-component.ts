// A component whose port was taken between pickPort and its own bind exits
// with "address already in use"; it is started again on other ports, at most
// MAX_RELAUNCHES times, its failed log kept as NAME.port-taken.N.log.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Cluster, logFile } from './cluster.js';
import { log } from './log.js';

export const MAX_RELAUNCHES = 5;

/** Whether `name` exited because a port was taken and was started again. */
export async function relaunchIfPortTaken(cluster: Cluster, name: string): Promise<boolean> {
  const launch = cluster.launchers.get(name);
  if (!launch) return false;
  let text: string;
  try {
    text = readFileSync(logFile(cluster, name), 'utf8');
  } catch {
    return false;
  }
  if (!text.includes('address already in use')) return false;
  const tries = cluster.relaunches.get(name) ?? 0;
  if (tries >= MAX_RELAUNCHES) return false;
  cluster.relaunches.set(name, tries + 1);
  const address = /listen tcp ([0-9.]+:[0-9]+)/.exec(text)?.[1];
  log(
    `${name}: ${address ?? 'a port picked for it'} was taken before it could bind; starting it again on another port`,
  );
  copyFileSync(logFile(cluster, name), join(cluster.dir, 'logs', `${name}.port-taken.${tries + 1}.log`));
  await launch();
  return true;
}
