// The guard of a blue/green side's removal (`retireInactive`): registered in
// the `up` that stops deploying the side, its `check` (so preview too) asks
// the side whether anything is left, and refuses, naming it, while a queue
// holds messages or a client consumes from one. Nothing of the side is then
// removed. Asked once, when the guard is first created; the side is gone
// afterwards and later runs have nothing to ask. The management API lists a
// new connection or consumer only after its first statistics (measured on
// 3.10: up to 4.9 s with the default 5 s interval), so a side that looks
// empty is asked again one interval later: what connected just before is
// seen too.
import type * as pulumi from '@pulumi/pulumi';
import { leftOnSide as judge, retireRefusals, SIDE_LISTS } from '../../cluster/left-on-side.js';
import { readList, type Connection } from '../dynamic/management-api.js';
import { guardProvider } from '../dynamic/guard-provider.js';
import { DynamicResource, defineProvider } from '../dynamic/dynamic-resource.js';

interface RetireState {
  readonly connection: Connection;
  /** `namespace/name (side)`, for messages. */
  readonly cluster: string;
  /** The side's collect_statistics_interval, in ms. */
  readonly statisticsMs: number;
}

/** What keeps the side from going, one line each; [] when nothing, twice, one statistics interval apart. */
export async function leftOnSide(connection: Connection, cluster: string, statisticsMs: number): Promise<string[]> {
  const first = await askSide(connection, cluster);
  if (first.length > 0) return first;
  await new Promise((r) => setTimeout(r, statisticsMs + 500));
  return askSide(connection, cluster);
}

async function askSide(connection: Connection, cluster: string): Promise<string[]> {
  try {
    const lists: Record<string, unknown>[][] = [];
    for (const path of SIDE_LISTS) lists.push(await readList(connection, path));
    return retireRefusals(cluster, judge(lists[0]!, lists[1]!, lists[2]!));
  } catch (e) {
    return [
      `${cluster} is not removed: whether its queues are empty is unknown (${(e as Error).message}). Nothing was removed`,
    ];
  }
}

const provider = defineProvider(
  'RetireGuard',
  guardProvider<RetireState>({
    id: 'retire-guard',
    property: 'cluster',
    refusals: async (previous, next) =>
      previous ? [] : await leftOnSide(next.connection, next.cluster, next.statisticsMs),
    shape: (s) => s.cluster,
  }),
);

export class RetireGuard extends DynamicResource {
  constructor(
    name: string,
    args: { readonly connection: pulumi.Input<Connection>; readonly cluster: string; readonly statisticsMs: number },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(provider, name, args, { ...opts, additionalSecretOutputs: ['connection'] });
  }
}
