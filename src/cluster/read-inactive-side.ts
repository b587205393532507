// `warren diff --stack FILE --broker URL` with a blue/green pair in the stack
// (docs/kubernetes.md, "Blue/green"): what is still on the inactive side, the
// one being drained or retired, read from that side's own management API (its
// `managementEndpoint`, else its in-cluster address) with --broker's
// credentials and TLS settings (a pair shares its admin). The broker's own
// lists, judged by left-on-side.ts; what cannot be read is unknown, with why.
import { type BrokerAddress, brokerReader } from '../broker/read-management.js';
import type { InactiveSide } from '../diff/format-diff.js';
import { type BlueGreenPlan, inactiveOf } from './blue-green.js';
import type { ClusterConfig } from './cluster-schema.js';
import { compileCluster } from './compile-cluster.js';
import { leftOnSide, SIDE_LISTS } from './left-on-side.js';

export async function readInactiveSide(
  top: ClusterConfig,
  pair: BlueGreenPlan,
  broker: BrokerAddress,
): Promise<InactiveSide> {
  const side = inactiveOf(pair.active);
  const plan = compileCluster(pair.sides[side], { side, pairName: top.name });
  const url = plan.managementUrl.replace(/\/+$/, '');
  const about = { side, cluster: `${plan.namespace}/${plan.name}`, url, retiring: pair.retiring === side };
  const read = brokerReader({ ...broker, base: url });
  const lists: Record<string, unknown>[][] = [];
  for (const path of SIDE_LISTS) {
    const r = await read(path);
    if ('error' in r) return { ...about, unknown: r.error };
    if (r.status !== 200 || !Array.isArray(r.body) || !r.body.every((x) => typeof x === 'object' && x !== null))
      return { ...about, unknown: `GET ${path.split('?')[0]} answered ${r.status} without a list` };
    lists.push(r.body as Record<string, unknown>[]);
  }
  return { ...about, left: leftOnSide(lists[0]!, lists[1]!, lists[2]!) };
}
