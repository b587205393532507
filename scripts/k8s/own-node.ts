// One real node per machine (one bridge, one set of node ports): the cluster
// directory that owns it is written to OWNER_FILE. What is machine-wide
// (bridge, iptables rules, network namespaces, the pods' cgroups) is cleaned
// only by the owner.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { log } from './log.js';

export const OWNER_FILE = '/run/warren-k8s-real-node';

/** The owner's directory; undefined when there is none (a file that names no absolute path counts as none). */
export function readNodeOwner(file = OWNER_FILE): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    log(`cannot read ${file} (${(error as Error).message}): taking the node as unowned`);
    return undefined;
  }
  if (text === '') return undefined;
  if (!isAbsolute(text) || text.includes('\n')) {
    log(`${file} holds ${JSON.stringify(text)}, not a cluster directory: taking the node as unowned`);
    return undefined;
  }
  return text;
}

export const ownsNode = (dir: string, file = OWNER_FILE) => readNodeOwner(file) === dir;

export function recordNodeOwner(dir: string, file = OWNER_FILE): void {
  writeFileSync(file, `${dir}\n`);
}

export function releaseNode(file = OWNER_FILE): void {
  rmSync(file, { force: true });
}
